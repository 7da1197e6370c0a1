"""The fictional content of the demo edition: categories, criteria, judges and nominations.

Every organisation, project, place and person here is made up (places such as Glenmorven or Kinlarrie do not
exist); addresses use the example.org/.com/.net domains and phone numbers the Ofcom drama ranges.
"""
from __future__ import annotations

from typing import NamedTuple

from awards_app.nominations.models import ConsentState
from awards_app.programme.models import NomineeKind

EDITION_THEME = "Celebrating the people and partnerships who put self management at the heart of health and wellbeing"
VENUE = "The Scottish Parliament, Edinburgh"

# (name, description, weight); every criterion is scored from 0 to 10.
CRITERIA = (
    ("Impact", "The difference the work makes to people's lives, and the evidence for it.", 3),
    ("Person-centred approach", "How far people with lived experience shape, lead and own the work.", 2),
    ("Innovation", "New thinking, or a familiar approach used in a fresh way.", 2),
    ("Sustainability", "How well the work can last, grow or be shared with others.", 1),
)

# (email, name, affiliations): the affiliations are what judges declare, and explain their conflicts.
JUDGES = (
    ("judge1@demo.awards.scot", "Dr Aileen Fraser", "Retired GP; trustee of Kilbrannan Arts for Health"),
    ("judge2@demo.awards.scot", "Tariq Hussain", "Peer support worker; member of the Clydeside Wellbeing Forum"),
    ("judge3@demo.awards.scot", "Morven Clark", "Lived experience adviser; member of Strathdee Long Covid Peer Group"),
    ("judge4@demo.awards.scot", "Euan MacLeod", "Policy officer, Northern Lights Third Sector Forum"),
)
ORGANISER = ("organiser@demo.awards.scot", "Demo Organiser")

# Which categories (by position) each judge sits on: three panels each, two judges per category.
PANELS = ((0, 1, 2), (3, 4, 5), (0, 2, 4), (1, 3, 5))

# (judge position, category position, nominee name, reason) for the conflicts judges declared.
CONFLICTS = (
    (2, 2, "Strathdee Long Covid Peer Group", "I am a member of this group and helped to run its online meetings."),
    (3, 5, "Croft Connect", "I advised one of the partners on this idea in my day job."),
)

# Organisers' notes on nominations, by nominee name (added once the organisers have reviewed the nomination).
ORGANISER_NOTES = {
    "Strathmorie Carers Health Team": (
        "Phoned the partnership: the team began in March this year. Marked ineligible and suggested they enter "
        "next year."
    ),
    "Pressure Points online course": "The course fee is £60 a place. Marked ineligible; told the nominator why.",
    "Arthritis Pals": "The project lead asked to withdraw while the project moves to a new organisation.",
    "Skerryvoe Islands Self Management Network": "Consent form sent twice; the partnership lead is on leave.",
    "Kenny Drummond": "Self-nomination. Checked he is happy to be named in public if shortlisted: yes.",
}

# A few remarks judges leave beside their scores.
JUDGE_COMMENTS = (
    "Strong evidence of impact, and it is clear that people using the service shaped it.",
    "A lovely example of peer support. I would like to know how it will be funded next year.",
    "Good work, though the nomination says more about activity than about outcomes.",
    "Genuinely new thinking. Small scale so far, but easy to share elsewhere.",
    "The quotes from participants were powerful. Evidence is mostly anecdotal.",
    "Well established and well loved; less innovative than others in this category.",
)

# Domains voters' addresses were at (only the domain is kept with a vote).
VOTER_DOMAINS = (
    ("gmail.com", 40), ("hotmail.co.uk", 14), ("outlook.com", 12), ("btinternet.com", 8), ("yahoo.co.uk", 7),
    ("icloud.com", 7), ("nhs.scot", 5), ("live.co.uk", 4), ("sky.com", 3),
)
# Networks votes came from, as the app stores them (IPv4 /24, IPv6 /64). A real public vote arrives from homes,
# workplaces and phones all over the country: a vote or two per network, scattered. So the demo draws each vote's
# network from 250 made-up ones (150 /24s in the benchmarking range 198.18.0.0/15, 100 /64s in the documentation
# range 2001:db8::/32: none is anyone's address), which leaves the organisers' vote view nothing to flag.
# 203.0.113.0/24 is left out: it belongs to the burst of votes the demo adds on purpose.
VOTER_NETWORKS = tuple(
    [f"198.{18 + number % 2}.{number * 97 % 256}.0/24" for number in range(150)]
    + [f"2001:db8:{number * 613 % 65536:x}:{number * 4099 % 65536:x}::/64" for number in range(1, 101)]
)
FIRST_NAMES = (
    "Ailsa", "Callum", "Eilidh", "Fraser", "Isla", "Jamie", "Kirsty", "Lewis", "Mhairi", "Niall", "Rhona", "Ross",
    "Skye", "Stuart", "Amir", "Priya", "Zofia", "Tomasz", "Grace", "Owen",
)
LAST_NAMES = (
    "Anderson", "Baird", "Cameron", "Douglas", "Ferguson", "Gordon", "Henderson", "Innes", "Johnstone", "Kerr",
    "Lamont", "McKenzie", "Nicol", "Ogilvie", "Paterson", "Robertson", "Sutherland", "Thomson", "Wallace", "Young",
)


class Entry(NamedTuple):
    """One fictional nomination: the nominee, who nominated them, and the answers, in question order."""

    name: str
    organisation: str
    local_authority: str
    nominator: str
    relationship: str
    summary: str
    answers: tuple[str, ...]
    consent: ConsentState = ConsentState.GIVEN
    # "" for a nomination that goes forward, else "ineligible: reason" or "withdrawn: reason".
    fate: str = ""


class CategoryData(NamedTuple):
    """One category of the demo edition, its questions (prompt, hint, word limit) and its nominations."""

    name: str
    kind: NomineeKind
    description: str
    eligibility: str
    questions: tuple[tuple[str, str, int], ...]
    entries: tuple[Entry, ...]
    public_vote: bool = False


GIVEN, REQUESTED, DECLINED = ConsentState.GIVEN, ConsentState.REQUESTED, ConsentState.DECLINED

PARTNERSHIP = CategoryData(
    name="Self Management Supporting Health and Social Care Partnership of the Year",
    kind=NomineeKind.ORGANISATION,
    description=(
        "For a Health and Social Care Partnership, or a team or service within one, that has put self management "
        "at the heart of how it plans and delivers support, working alongside people who live with long-term "
        "conditions, unpaid carers and the third sector."
    ),
    eligibility=(
        "Open to Health and Social Care Partnerships in Scotland and to teams or services within them. The work "
        "must have been running for at least twelve months. Anyone may nominate, including the partnership itself."
    ),
    questions=(
        (
            "What has the partnership done to support people to self manage?",
            "Tell us what changed and who it reached.",
            300,
        ),
        ("How have people who use services, carers and the third sector shaped this work?", "", 250),
        ("What difference has it made?", "Share any evidence you have: figures, feedback or stories.", 250),
    ),
    entries=(
        Entry(
            "Glenmorven Community Wellbeing Team", "Glenmorven and Loch Ashie Health and Social Care Partnership",
            "Highland", "Catriona Munro", "Person who uses the service",
            "A locality team that swapped waiting lists for 'what matters to you' conversations across a remote "
            "and rural patch.",
            (
                "Since 2023 the team has replaced the first assessment with a 'what matters to you' conversation, "
                "held wherever the person chooses: at home, in the village hall or by phone. Link workers, district "
                "nurses and occupational therapists share one plan that the person keeps. Over 600 people living "
                "with long-term conditions have used it.",
                "A panel of twelve people with lived experience and two unpaid carers reviews every leaflet and "
                "meets the team each quarter. The local third sector interface designed the referral route with "
                "them, so people can refer themselves through any community group.",
                "Emergency admissions for people on the caseload fell by a fifth in the first year, and 87 per cent "
                "said they felt more confident managing their condition. One man told me: 'For the first time "
                "somebody asked what I wanted.'",
            ),
        ),
        Entry(
            "Kinlarrie Pain Management Pathway", "Kinlarrie Health and Social Care Partnership", "Fife",
            "Dr Neil Anderson", "GP who refers patients to the pathway",
            "A chronic pain pathway that starts with peer-led sessions in leisure centres instead of a clinic "
            "waiting list.",
            (
                "People with persistent pain are offered a six-week course in local leisure centres, co-led by a "
                "physiotherapist and a volunteer who lives with pain. It covers pacing, sleep, movement and "
                "flare-up plans, and people can come back at any time.",
                "The course was rewritten with twenty people who had been through the old clinic route. Volunteers "
                "who finished the course now lead half of the sessions, and a carers' group meets next door.",
                "Waits for first support dropped from forty weeks to four. Two thirds of participants keep using the "
                "leisure centre after the course ends, and repeat prescriptions for strong painkillers have fallen.",
            ),
        ),
        Entry(
            "Solway Coast Respiratory Team", "Auchenbrae and Solway Health and Social Care Partnership",
            "Dumfries and Galloway", "Margaret Kerr", "Chair of a local breathing support group",
            "Respiratory nurses and a community choir helping people with COPD manage their breathing at home.",
            (
                "Everyone with COPD on the team's caseload gets a personal action plan and a rescue pack, and is "
                "invited to 'Singing for Breath' sessions run with a community choir. Nurses phone people in the "
                "week after any hospital stay.",
                "The action plan was tested with members of our breathing support group, who asked for bigger print "
                "and a page for carers. Members now help run the singing sessions and speak at staff training.",
                "Readmissions within thirty days have halved for people on the programme. Members say they panic "
                "less when breathless, and several are back to walking the dog or visiting family.",
            ),
        ),
        Entry(
            "Balgarvie House Reablement Service", "Almondbrae Health and Social Care Partnership", "West Lothian",
            "Sunita Patel", "Occupational therapist in the service",
            "Short-term reablement that helps people set their own goals after illness, so that they need less "
            "care afterwards.",
            (
                "For up to six weeks after a hospital stay the service works with people at home on goals they "
                "choose, from making breakfast to getting back to the allotment. Staff step back as confidence grows.",
                "Every goal sheet is written in the person's own words. A reference group of former clients and "
                "carers meets quarterly and changed how we hand over to other services.",
                "Seven in ten people need less or no ongoing care when their reablement ends. The care hours saved "
                "have paid for a new weekend service.",
            ),
        ),
        Entry(
            "Clydeview Digital Health Hub", "Inverbrae Health and Social Care Partnership", "Inverclyde",
            "James Reid", "Volunteer digital champion",
            "Drop-in sessions that help people use apps and home monitoring to manage their conditions with "
            "confidence.",
            (
                "Weekly drop-ins in libraries, and a lending scheme for tablets and blood pressure monitors, help "
                "people use health apps, video appointments and online self management courses.",
                "Volunteer digital champions run the sessions, and most of us live with a long-term condition "
                "ourselves. Library staff and a housing association suggested the venues.",
                "More than 400 people have borrowed a device. Most now book their own appointments online and share "
                "home readings with their nurse.",
            ),
        ),
        Entry(
            "Strathmorie Carers Health Team", "Strathmorie Health and Social Care Partnership", "Angus",
            "Helen Watson", "Unpaid carer",
            "A team that puts unpaid carers' own health on the agenda, with short breaks and self management plans.",
            (
                "The team offers every unpaid carer a conversation about their own health, a short-break budget and "
                "a place on a 'Looking After Me' course. Carers with their own conditions get a joint plan.",
                "The carers' centre and a group of carers wrote the conversation guide, and carers on the steering "
                "group decide how the short-break budget is spent.",
                "Almost 300 carers have had a conversation so far. Many said it was the first time anyone had asked "
                "about their own health.",
            ),
            fate="ineligible: The team started in March; the category asks for at least twelve months of work.",
        ),
        Entry(
            "Skerryvoe Islands Self Management Network", "Skerryvoe Health and Social Care Partnership",
            "Orkney Islands", "Thomas Rendall", "Community nurse",
            "Self management support delivered by ferry, phone and video across eleven inhabited islands.",
            (
                "Nurses, pharmacists and volunteers hold self management clinics on each island in turn, with phone "
                "and video support in between. People plan their medicines and flare-up support around the ferries.",
                "Islanders chose the clinic places and times at community council meetings, and the local third "
                "sector forum runs the volunteer network.",
                "Fewer people now travel to the mainland for routine reviews, which saves most of them a whole day "
                "each time.",
            ),
            consent=REQUESTED,
        ),
    ),
)

PROJECT = CategoryData(
    name="Self Management Project of the Year",
    kind=NomineeKind.PROJECT,
    description=(
        "For a project, large or small, that has helped people living with long-term conditions to take more "
        "control of their health and wellbeing. The shortlisted projects go to a public vote."
    ),
    eligibility=(
        "Open to projects in Scotland run by community, third sector, statutory or independent organisations, "
        "funded or unfunded. The project must have been running for at least six months."
    ),
    questions=(
        ("Describe the project and the people it supports.", "", 300),
        ("How does the project put people in control of their own health and wellbeing?", "", 250),
        ("What has the project achieved so far?", "Figures, feedback or a short story all help.", 200),
    ),
    public_vote=True,
    entries=(
        Entry(
            "Walk and Talk Wednesdays", "Gorbals Green Wellbeing Trust", "Glasgow City", "Fatima Ahmed",
            "Walker",
            "Weekly led walks where people with long-term conditions move, chat and pick up tips from their peers.",
            (
                "Every Wednesday, volunteer walk leaders take groups of people living with conditions such as "
                "diabetes, arthritis and depression on short, step-free walks through local parks, followed by tea "
                "and a talk from a peer.",
                "Walkers choose the routes and the topics. Anyone can train to lead a walk, and most of today's "
                "leaders started out as walkers.",
                "Over 250 people have joined a walk. Most now walk at least twice a week, and many say they feel "
                "much less alone.",
            ),
        ),
        Entry(
            "Cook, Eat, Live", "Leithbank Community Kitchen", "City of Edinburgh", "Robert Young", "Volunteer cook",
            "Cookery courses for people managing diabetes and heart conditions on a tight budget.",
            (
                "Eight-week cookery courses for people with diabetes or heart conditions, most of them living on low "
                "incomes. Each session ends with a shared meal and a bag of ingredients to cook the dish at home.",
                "Participants pick the recipes, set their own goals and swap tips. Past participants return as "
                "volunteer cooks.",
                "Over 180 people have finished a course. Many report lower blood sugar readings and say they "
                "now cook from scratch most days.",
            ),
        ),
        Entry(
            "Moving Minds", "Donside Mental Health Collective", "Aberdeenshire", "Claire Simpson", "Support worker",
            "Peer-led courses that help people look after their mental health alongside a physical condition.",
            (
                "Six-week courses in village halls for people living with a physical condition and low mood or "
                "anxiety, co-facilitated by peer tutors.",
                "People set their own weekly action plans and decide what to share. The course ends with each person "
                "writing their own wellbeing plan.",
                "Twelve courses have run in three years. Participants' wellbeing scores rise on average, and two "
                "peer-run groups have started from them.",
            ),
        ),
        Entry(
            "Strong Steps", "Motherhill Active Living Trust", "North Lanarkshire", "Ann Hamilton",
            "Daughter of a participant",
            "Strength and balance classes that help older people stay steady, confident and independent.",
            (
                "Gentle strength and balance classes in community centres for older people who have fallen or are "
                "afraid of falling, with home exercise sheets.",
                "Everyone sets their own goal, like walking to the shops or playing with grandchildren, and tracks "
                "progress on a card they keep.",
                "My mum went from using a frame to walking to church again. The trust says falls among regulars have "
                "dropped by a third.",
            ),
        ),
        Entry(
            "Arthritis Pals", "Tweedmuir Arthritis Support", "Scottish Borders", "David Scott", "Project volunteer",
            "Phone buddies who help people newly diagnosed with arthritis find their feet.",
            (
                "Trained volunteers who live with arthritis phone people in the months after diagnosis to share "
                "what has helped them.",
                "Each person decides how often to talk and what about. Many go on to join local groups.",
                "Ninety people have had a phone buddy so far.",
            ),
            fate="withdrawn: The project asked to withdraw while it moves to a new lead organisation.",
        ),
        Entry(
            "Ceòl is Slàinte (Music and Health)", "Taigh na Mara Community Trust", "Na h-Eileanan Siar",
            "Mairi MacNeil", "Participant",
            "Gaelic song and music sessions that help people with lung and heart conditions breathe and connect.",
            (
                "Fortnightly sessions of Gaelic song, breathing exercises and tea in township halls, for people with "
                "lung and heart conditions and anyone who cares for them.",
                "Participants choose the songs and lead parts of each session. A breathing card in Gaelic and "
                "English helps people practise at home.",
                "Forty people come regularly. We have performed at two local ceilidhs, which none of us would have "
                "dared before.",
            ),
        ),
        Entry(
            "Carronside Fatigue Management Project", "Carronside Neurological Alliance", "Falkirk",
            "Lesley Grant", "Specialist nurse",
            "A fatigue management course for people with MS, ME and long COVID, designed with people who live "
            "with fatigue.",
            (
                "A seven-week course, online or in person, on pacing, sleep and planning energy for what matters "
                "most, for people with neurological conditions, ME and long COVID.",
                "Course materials were written with people who live with fatigue, and each person builds an energy "
                "plan they keep.",
                "Over 300 people have taken part, and waiting lists at our clinic have shortened.",
            ),
        ),
    ),
)

COMMUNITY = CategoryData(
    name="Self Management Supporting Community of the Year",
    kind=NomineeKind.ORGANISATION,
    description=(
        "For a community group, peer support network or organisation that helps its members live well with "
        "long-term conditions through support, connection and shared experience."
    ),
    eligibility=(
        "Open to community groups and organisations of any size in Scotland, constituted or not. Groups led by "
        "people with lived experience are especially welcome."
    ),
    questions=(
        ("Tell us about the community and how it supports people to self manage.", "", 300),
        ("How are members involved in running and shaping the group?", "", 200),
    ),
    entries=(
        Entry(
            "Hilltown Heart Club", "", "Dundee City", "George Duncan", "Member for six years",
            "A member-run club for people recovering from heart attacks and living with heart failure.",
            (
                "The club meets twice a week for exercise, a blether and talks from members and local nurses. New "
                "members are paired with someone who has been through the same thing.",
                "Members run the club: we elect the committee, plan the talks and raise our own funds.",
            ),
        ),
        Entry(
            "Strathdee Long Covid Peer Group", "", "Perth and Kinross", "Karen Stewart", "Member",
            "An online and in-person peer group that helped hundreds of people with long COVID learn to pace "
            "and plan.",
            (
                "The group meets online weekly and in person monthly. Members share pacing plans, letters for "
                "employers and tips for appointments, and nobody has to explain their fatigue.",
                "Members take turns hosting, and the group's guide to living with long COVID was written together.",
            ),
        ),
        Entry(
            "Carrick Shore Men's Shed", "", "South Ayrshire", "Ian Boyd", "Shed member",
            "A men's shed where members share skills and talk openly about living with their conditions.",
            (
                "Men meet three days a week to make and mend things for the community. Over a cuppa, members talk "
                "about diabetes, heart trouble and low mood in a way many never had before.",
                "The shed belongs to its members: we decide the projects, keep the keys and run health talks.",
            ),
        ),
        Entry(
            "Lossiebank Sight Loss Friends", "", "Moray", "Elaine Forbes", "Group volunteer",
            "A friendship group helping people adjust to sight loss and manage daily life with confidence.",
            (
                "Monthly meetings, phone calls and outings help people adjust to sight loss, try out equipment and "
                "keep doing the things they enjoy.",
                "Members choose the outings and speakers, and experienced members mentor newcomers.",
            ),
        ),
        Entry(
            "Tynevale Parkinson's Café", "", "East Lothian", "Peter Lawson", "Husband of a member",
            "A monthly café for people with Parkinson's and their families, with exercise, music and peer support.",
            (
                "Once a month people with Parkinson's and their families meet for seated exercise, music and cake, "
                "with time to share what helps with symptoms and medicines.",
                "Members and families run the café on a rota and choose each month's activity.",
            ),
            consent=DECLINED,
        ),
        Entry(
            "Cartside Deaf Wellbeing Group", "", "Renfrewshire", "Laura Gibson", "BSL interpreter",
            "A group run in British Sign Language that makes health information and self management accessible to "
            "Deaf people.",
            (
                "The group meets fortnightly, entirely in BSL, to share health information, practise for "
                "appointments and support each other with long-term conditions.",
                "Deaf members lead every session and have made short BSL videos about managing diabetes and blood "
                "pressure.",
            ),
        ),
        Entry(
            "Voeside Knit and Natter", "", "Shetland Islands", "Ruth Isbister", "Member",
            "A knitting circle that became a lifeline for people living with chronic pain and isolation.",
            (
                "We knit, talk and share what helps with pain and low mood. In winter we meet by video so nobody is "
                "cut off.",
                "Everyone takes a turn hosting, and members decided to add a gentle stretch to every meeting.",
            ),
            consent=REQUESTED,
        ),
    ),
)

RESOURCE = CategoryData(
    name="Best Self Management Resource",
    kind=NomineeKind.PROJECT,
    description=(
        "For a resource (a book, app, website, course, toolkit, film or podcast) that helps people understand "
        "their condition and manage it in a way that suits them."
    ),
    eligibility=(
        "Open to resources made in Scotland, or made elsewhere and widely used here, that are free or low cost to "
        "the people who use them. The resource must be available now."
    ),
    questions=(
        ("What is the resource and who is it for?", "", 200),
        ("How were people with lived experience involved in making it?", "", 200),
        ("How do you know the resource helps people?", "", 200),
    ),
    entries=(
        Entry(
            "BreatheWell app", "Granite Coast Lung Health Charity", "Aberdeen City", "Dr Priya Nair",
            "Respiratory physiotherapist",
            "A free app that helps people with COPD and asthma track symptoms and follow their own action plan.",
            (
                "A free app for people with COPD and asthma: a daily symptom check, breathing exercises with audio, "
                "and their own action plan for bad days.",
                "Forty people with lung conditions tested every screen; they asked for a large-text mode and an "
                "offline option.",
                "Users report fewer unplanned GP visits, and the app has a rating of 4.7 from over 2,000 reviews.",
            ),
        ),
        Entry(
            "Living Well with Diabetes: a pocket guide", "Forthbank Diabetes Network", "Stirling", "Alan Morrison",
            "Reader and group member",
            "A plain-English pocket guide to everyday diabetes self management, written by people with diabetes.",
            (
                "A pocket-sized guide to everyday life with type 2 diabetes: food, feet, eyes, sick days and "
                "talking to your care team.",
                "It was written by twelve people with diabetes, with a nurse checking the facts.",
                "Practices give it out at diagnosis, and readers say it answered questions they had been afraid to "
                "ask.",
            ),
        ),
        Entry(
            "Flare Days podcast", "Whitecart Pain Community", "East Renfrewshire", "Gillian Ross", "Listener",
            "A podcast where people with chronic pain share what helps on the bad days.",
            (
                "A fortnightly podcast in which people living with chronic pain talk about what helps on bad days, "
                "from pacing to work and relationships.",
                "Every guest lives with pain, and listeners suggest the topics.",
                "It has 40,000 downloads, and listeners write in to say they feel less alone.",
            ),
        ),
        Entry(
            "Pressure Points online course", "Esk Valley Health Collective", "Midlothian", "Sandra Mackay",
            "Practice nurse",
            "An online course that teaches people to check and understand their own blood pressure at home.",
            (
                "A four-week online course on measuring blood pressure at home and understanding the numbers.",
                "People with high blood pressure reviewed the videos.",
                "Most people who finish the course keep recording their readings.",
            ),
            fate="ineligible: The course costs £60 a place; the category asks for free or low-cost resources.",
        ),
        Entry(
            "Easy Read My Medicines cards", "Clydeside Learning Disability Forum", "Glasgow City",
            "Michael Docherty", "Support worker",
            "Easy Read cards that help people with learning disabilities understand and manage their own medicines.",
            (
                "A set of Easy Read cards, one for each medicine, with pictures showing what it is for, when to take "
                "it and what to watch out for.",
                "Forum members with learning disabilities designed the cards and chose the pictures.",
                "Pharmacists say people ask more questions, and several people now manage their own medicines "
                "without help.",
            ),
        ),
        Entry(
            "Living Well Films", "Cowal and Bute Community Media", "Argyll and Bute", "Jean Campbell",
            "Contributor to one of the films",
            "Short films in which local people show how they manage conditions such as diabetes, arthritis and "
            "depression.",
            (
                "Ten short films, free online and shown in GP waiting rooms, in which local people show how they "
                "live well with their conditions.",
                "The people in the films chose what to show and approved the final cut.",
                "The films have been watched 25,000 times, and local groups use them to start conversations.",
            ),
        ),
    ),
)

PERSON = CategoryData(
    name="Individual Transformational Story of the Year",
    kind=NomineeKind.PERSON,
    description=(
        "For a person living with one or more long-term conditions whose journey of self management has "
        "transformed their own life and inspired others."
    ),
    eligibility=(
        "Open to people aged 16 or over who live in Scotland. People may nominate themselves. The nominee must "
        "agree to be nominated before they can be shortlisted."
    ),
    questions=(
        ("Tell us about the person and their story of self management.", "", 400),
        ("How has their story inspired or helped other people?", "", 250),
    ),
    entries=(
        Entry(
            "Agnes McPhail", "", "North Ayrshire", "Lorraine McPhail", "Daughter",
            "Agnes learned to manage heart failure at 79 and now runs a weekly chair exercise class in her "
            "sheltered housing.",
            (
                "When Mum was diagnosed with heart failure at 79 she thought her life was over. With help from her "
                "nurse she learned to weigh herself daily, pace her day and spot warning signs early.",
                "She started a chair exercise class in her sheltered housing lounge. Eighteen neighbours come every "
                "Tuesday, and two of them have stopped using wheelchairs indoors.",
            ),
        ),
        Entry(
            "Kenny Drummond", "", "Clackmannanshire", "Kenny Drummond", "Self-nomination",
            "After a stroke left him unable to work, Kenny rebuilt his life through cycling and now coaches others.",
            (
                "A stroke at 48 left me with weakness down one side and no job. A trike and a patient physio got me "
                "moving again, and I kept a diary of every ride and every setback.",
                "I now run an adapted cycling group for stroke survivors. Twenty-five riders have joined, and three "
                "have gone back to work.",
            ),
        ),
        Entry(
            "Ayesha Rahman", "", "East Dunbartonshire", "Samira Khan", "Friend",
            "Ayesha lives with lupus and set up a support network for South Asian women with long-term conditions.",
            (
                "Ayesha was diagnosed with lupus in her twenties and struggled to find support that understood her "
                "culture and family life. She learned to manage flares through pacing and a food diary.",
                "She started a WhatsApp group that became a monthly meeting of sixty women, with talks in Urdu, "
                "Punjabi and English.",
            ),
        ),
        Entry(
            "Graham Pollock", "", "South Lanarkshire", "Dr Fiona Lees", "Clinical psychologist",
            "Graham turned his recovery from depression and type 2 diabetes into a peer support role helping others.",
            (
                "Graham lived with depression for years before a diabetes diagnosis made him take stock. He joined "
                "a self management course and slowly rebuilt his routine.",
                "He now works as a peer supporter and helps others see that change is possible.",
            ),
            consent=DECLINED,
        ),
        Entry(
            "Shona Cairns", "", "West Dunbartonshire", "Craig Cairns", "Husband",
            "Shona manages type 1 diabetes and sight loss, and trained as a volunteer peer educator.",
            (
                "Shona has had type 1 diabetes since childhood and lost much of her sight in her thirties. She "
                "learned to use talking meters and apps and took back control of her daily routine.",
                "She trained as a peer educator and now speaks to newly diagnosed young people and their parents.",
            ),
        ),
        Entry(
            "Hamish Urquhart", "", "Highland", "Isla Matheson", "Neighbour",
            "A crofter living with COPD who started a 'breathing space' group in his village hall.",
            (
                "Hamish kept working his croft after his COPD diagnosis by learning breathing techniques and "
                "planning his work around good and bad days.",
                "He started a 'breathing space' group in the village hall that meets every Friday.",
            ),
            consent=REQUESTED,
        ),
        Entry(
            "Marion Kelly", "", "East Ayrshire", "Bernadette Quinn", "Fellow group member",
            "Marion lives with fibromyalgia and wrote a pacing diary that groups across Ayrshire now use.",
            (
                "Marion was diagnosed with fibromyalgia after years of unexplained pain. She designed her own pacing "
                "diary to find patterns in her pain and energy.",
                "She shared the diary with our group and it is now used by five groups and two pain clinics.",
            ),
        ),
    ),
)

IDEA = CategoryData(
    name="Innovative Partnership Idea of the Year",
    kind=NomineeKind.IDEA,
    description=(
        "For a new idea, not yet fully in place, that brings partners together in a fresh way to support self "
        "management. The winning idea receives help to make it happen."
    ),
    eligibility=(
        "Open to partnerships of two or more organisations in Scotland, at least one of them from the third "
        "sector. The idea may be at an early stage."
    ),
    questions=(
        ("What is the idea and what problem does it solve?", "", 300),
        ("Who are the partners and what does each bring?", "", 200),
        ("What would you need to make the idea happen?", "", 150),
    ),
    entries=(
        Entry(
            "Prescribe a Plot", "Leithbank Allotment Society with Pilrig Medical Practice", "City of Edinburgh",
            "Hannah Lyall", "Practice manager",
            "GPs referring people with long-term conditions to shared allotment plots tended alongside peer growers.",
            (
                "GPs would refer people with long-term conditions to shared allotment plots, where experienced "
                "growers who live with conditions themselves show them the ropes.",
                "The allotment society brings land and growers; the practice brings referrals and a link worker.",
                "Funding for tools, raised beds for wheelchair users and a part-time coordinator.",
            ),
        ),
        Entry(
            "Library of Things for Health", "Kinlarrie Libraries with Eastneuk Carers Voice", "Fife", "Neil Brown",
            "Librarian",
            "Libraries lending blood pressure monitors, pedometers and daylight lamps with self management guides.",
            (
                "Libraries would lend health equipment with a plain-English guide, so people can try self "
                "monitoring before buying anything.",
                "Libraries bring branches and lending systems; the carers' group brings volunteers and advice.",
                "Money to buy equipment and train library staff.",
            ),
        ),
        Entry(
            "Bus Buddies", "Nithsdale Community Transport with Auchenbrae Health Forum", "Dumfries and Galloway",
            "Alison Rae", "Community transport coordinator",
            "Volunteer travel companions helping people with long-term conditions reach groups and appointments on "
            "rural buses.",
            (
                "Volunteer companions would travel with people who have lost confidence on buses because of their "
                "condition, until they feel able to travel alone.",
                "Community transport brings drivers and passes; the health forum brings volunteers and referrals.",
                "Volunteer training, concession passes for buddies and a coordinator one day a week.",
            ),
        ),
        Entry(
            "Match Day Health Checks", "Taybank Football Community Trust with Hilltown Heart Club", "Dundee City",
            "Steven Reilly", "Community trust officer",
            "Health checks and self management chats at home matches, led by supporters with lived experience.",
            (
                "Supporters who live with heart conditions would offer blood pressure checks and chats at home "
                "matches, and invite fans to follow-up sessions at the stadium.",
                "The trust brings the stadium and the fans; the heart club brings peer volunteers.",
                "Blood pressure monitors, volunteer training and a space at the ground.",
            ),
        ),
        Entry(
            "Croft Connect", "Glenmorven Crofting Association with Northern Lights Third Sector Forum", "Highland",
            "Donald Mackinnon", "Crofting association secretary",
            "Linking crofters who live with long-term conditions to video peer support through the long winter.",
            (
                "Crofters with long-term conditions would be linked to video peer support groups in winter, when "
                "travel is hardest, with tablets lent by the association.",
                "The association brings members and trust; the forum brings group facilitators.",
                "Tablets, mobile data and facilitator training.",
            ),
        ),
        Entry(
            "Pharmacy Peer Points", "Deeside Community Pharmacies with Donside Mental Health Collective",
            "Aberdeenshire", "Rachel Milne", "Community pharmacist",
            "Peer supporters based in community pharmacies on market days, helping people make sense of a new "
            "diagnosis.",
            (
                "Peer supporters would sit in community pharmacies on market days to talk with people who have just "
                "been given a new diagnosis or medicine.",
                "Pharmacies bring space and footfall; the collective brings trained peer supporters.",
                "Peer supporter sessions paid for a year and a private corner in each pharmacy.",
            ),
        ),
    ),
)

# The six categories of 2016, in the order the awards present them.
CATEGORIES: tuple[CategoryData, ...] = (PARTNERSHIP, PROJECT, COMMUNITY, RESOURCE, PERSON, IDEA)
