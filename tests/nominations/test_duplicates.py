"""Finding duplicate nominations (names written in different ways), and merging and unmerging them."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.extensions import db
from awards_app.nominations.duplicates import (
    NameForm,
    find_duplicates,
    group_similar,
    list_merged_entries,
    merge_nominations,
    names_match,
    normalise_name,
    unmerge_nomination,
)
from awards_app.nominations.models import ConsentState, Nomination, NominationStatus
from awards_app.programme.models import NomineeKind
from tests.factories.accounts import make_judge
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition

# Pairs that are the same nominee written in different ways.
SAME = [
    ("NHS Fife Health Board", "N.H.S. Fife health board"),
    ("Morag McLeod", "Morag MacLeod"),  # Mc and Mac: one family name, spelt both ways; nominators mix them up
    ("Iain Mackay", "Iain McKay"),
    ("Morag MacLeod", "Morag Mac Leod"),
    ("Mrs Morag Fraser", "morag fraser"),
    ("Dr. Ewan Grant", "Ewan Grant"),
    ("Rev Dr Ailsa Ross MBE", "Ailsa Ross"),
    ("Morag Frazer", "Morag Fraser"),  # one slip in a long word
    ("Fraser, Morag", "Morag Fraser"),  # surname first
    ("José Martínez", "Jose Martinez"),
    ("Siobhán O'Neill", "Siobhan ONeill"),
    ("Catherine Smith", "Katherine Smith"),
    ("Kinlarrie Men's Shed", "Kinlarrie Mens Shed"),
    ("Kinlarrie MensShed", "Kinlarrie Mens Shed"),
    ("Chest, Heart & Stroke Scotland", "Chest Heart and Stroke Scotland"),
    ("The Thistle Foundation SCIO", "Thistle Foundation"),
    ("Glenmorven Community Transport Ltd", "Glenmorven Community Transport Limited"),
    ("Kinlarrie Cafe CIC", "Kinlarrie Café"),
    ("Kinlarrie Cafe C.I.C.", "kinlarrie cafe"),
    ("Harbour Arts plc", "HARBOUR ARTS"),
    ("Glenmorven Walking Group", "Glenmorven Walking Club"),  # the same walkers, described two ways
    ("Fife Carers Centre", "Fife Carers"),
    ("St Andrew's Hospice", "Saint Andrews Hospice"),
    ("Peer Support Network (SC012345)", "Peer Support Network"),
    ("Kinlarrie  Breathe   Easy", " Kinlarrie Breathe Easy "),
    ("Highland Hearing Voices Network", "Highland Hearing Voice Network"),
]

# Pairs that must stay apart.
DIFFERENT = [
    ("Jean Smith", "John Smith"),
    ("Jane Smith", "Jade Smith"),  # short first names one letter apart are usually different people
    ("Mark Brown", "Mary Brown"),
    ("Ann Smith", "Anne Smith"),  # could be either; too short to guess
    ("Morag Fraser", "Morag Grant"),
    ("Fife Carers", "Fife Young Carers"),  # a meaningful word, not a descriptor
    ("Kinlarrie Walking Group", "Glenmorven Walking Group"),
    ("Thistle Foundation", "Thistle"),  # one word left: too little to go on
    ("Group 5", "Group 6"),
    ("Kinlarrie Walking Group 5", "Kinlarrie Walking Group 6"),
    ("Breathe Easy Fife", "Breathe Easy Moray"),
    ("Dr", "Mr"),
    ("", ""),
]


@pytest.mark.parametrize(("first", "second"), SAME)
def test_names_of_the_same_nominee_match(first, second):
    assert names_match(first, second)
    assert names_match(second, first)


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_names_of_different_nominees_do_not_match(first, second):
    assert not names_match(first, second)
    assert not names_match(second, first)


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("N.H.S. Fife", "nhs fife"),
        ("The Fife & Kinross Group", "fife and kinross group"),  # "Group" is kept
        ("Kinlarrie Trust", "kinlarrie trust"),  # so is "Trust"
        ("Ms Zoë Ødegaard", "zoe odegaard"),
        ("Dr", "dr"),  # a name of only removable words keeps them
        ("The Group Ltd", "group"),
        ("Mace Brown", "mace brown"),  # not a Mac name
    ],
)
def test_normalised_names(name, normalised):
    assert normalise_name(name) == normalised


def test_grouping_is_transitive_and_keeps_strangers_out():
    forms = [NameForm.of(name) for name in ["Morag Fraser", "Jean Smith", "Morag Frazer", "MORAG FRASER", "John Smith"]]
    assert group_similar(forms) == [[0, 2, 3]]


def test_the_same_email_groups_different_spellings_when_asked():
    forms = [NameForm.of("Mo Fraser", "morag@example.org"), NameForm.of("Morag Fraser", "Morag@Example.org ")]
    assert group_similar(forms) == [[0, 1]]
    assert group_similar([NameForm.of("Mo Fraser"), NameForm.of("Morag Fraser")]) == []


def test_buckets_never_keep_two_matching_names_apart():
    """Every pair that names_match accepts is grouped, so the cheap buckets lose nothing (random slips, seeded)."""
    chance = random.Random(7)
    words = ["kinlarrie", "walking", "group", "morag", "macleod", "fraser", "voices", "breathe", "easy", "catriona",
             "hearing", "network", "harbour", "arts", "anne", "strathbeg", "community", "transport", "shed", "mens"]
    matched = 0
    for _ in range(3000):
        base = [chance.choice(words) for _ in range(chance.randint(1, 6))]
        other = [_slip(word, chance) if chance.random() < 0.3 else word for word in base]
        if chance.random() < 0.2:
            other.reverse()
        first, second = " ".join(base), " ".join(other)
        if names_match(first, second):
            matched += 1
            assert group_similar([NameForm.of(first), NameForm.of(second)]) == [[0, 1]], (first, second)
    assert matched > 1000  # the check above really ran


def _slip(word: str, chance: random.Random) -> str:
    """The word with one typing slip: a letter changed, added, dropped, or two swapped, or a plural "s"."""
    at = chance.randrange(len(word))
    letter = chance.choice("abcdefghijklmnopqrstuvwxyz")
    return chance.choice([
        word[:at] + letter + word[at + 1:],
        word[:at] + letter + word[at:],
        word[:at] + word[at + 1:],
        word[:at] + word[at + 1:at + 2] + word[at:at + 1] + word[at + 2:],
        word + "s",
    ])


# --- With the database -------------------------------------------------------------------------------------------


@pytest.fixture
def edition(db_session):
    """An edition to nominate in."""
    return make_edition()


def test_groups_stay_within_a_category(edition):
    project = make_category(edition, "Project of the year")
    person = make_category(edition, "Carer of the year", nominee_kind=NomineeKind.PERSON)
    first = make_nomination(project, "Kinlarrie Men's Shed")
    second = make_nomination(project, "Kinlarrie Mens Shed Ltd")
    make_nomination(project, "Glenmorven Breathe Easy")
    elsewhere = make_nomination(person, "Kinlarrie Mens Shed")  # same name, other category: not a duplicate

    groups = find_duplicates(edition)

    assert [(group.category, group.nominations) for group in groups] == [(project, [first, second])]
    assert elsewhere not in groups[0].nominations


def test_groups_come_in_category_order_and_suggest_the_earliest(edition):
    first_category = make_category(edition, "First", display_order=1)
    second_category = make_category(edition, "Second", display_order=2)
    later = make_nomination(second_category, "Harbour Arts", submitted_at=edition.nominations_open_at + timedelta(2))
    earlier = make_nomination(second_category, "Harbour Arts", submitted_at=edition.nominations_open_at)
    one = make_nomination(first_category, "Breathe Easy Fife")
    two = make_nomination(first_category, "Breathe Easy, Fife")

    groups = find_duplicates(edition)

    assert [group.nominations for group in groups] == [[one, two], [earlier, later]]


def test_an_entry_already_holding_merged_ones_is_suggested_first(edition, organiser):
    category = make_category(edition)
    entry = make_nomination(category, "Harbour Arts", submitted_at=edition.nominations_open_at + timedelta(3))
    merge_nominations(organiser, entry, [make_nomination(category, "Harbour Arts Ltd")])
    newcomer = make_nomination(category, "HARBOUR ARTS", submitted_at=edition.nominations_open_at)

    assert [group.nominations for group in find_duplicates(edition)] == [[entry, newcomer]]


def test_person_categories_also_group_by_the_nominee_email(edition):
    people = make_category(edition, "Carer", nominee_kind=NomineeKind.PERSON)
    projects = make_category(edition, "Project", nominee_kind=NomineeKind.PROJECT)
    mo = make_nomination(people, "Mo Fraser", nominee_email="morag@example.org")
    morag = make_nomination(people, "Morag Fraser", nominee_email="MORAG@example.org")
    make_nomination(projects, "Breathe Easy", nominee_email="info@example.org")
    make_nomination(projects, "Walk and Talk", nominee_email="info@example.org")  # one charity, two projects

    assert [group.nominations for group in find_duplicates(edition)] == [[mo, morag]]


def test_merged_and_withdrawn_nominations_take_no_part(edition, organiser):
    category = make_category(edition)
    entry = make_nomination(category, "Harbour Arts")
    folded = make_nomination(category, "Harbour Arts Ltd")
    merge_nominations(organiser, entry, [folded])
    make_nomination(category, "Harbour Arts", status=NominationStatus.WITHDRAWN)
    make_nomination(category, "Breathe Easy Fife", status=NominationStatus.WITHDRAWN)
    make_nomination(category, "Breathe Easy Fife")

    assert find_duplicates(edition) == []


def test_ineligible_nominations_are_still_grouped(edition):
    category = make_category(edition)
    make_nomination(category, "Harbour Arts", status=NominationStatus.INELIGIBLE)
    make_nomination(category, "Harbour Arts")

    assert len(find_duplicates(edition)) == 1


def test_merging_keeps_every_nominator_and_statement_on_the_entry(edition, organiser):
    category = make_category(edition)
    entry = make_nomination(category, "Morag Fraser", nominator_name="Iain")
    second = make_nomination(category, "Morag Frazer", nominator_name="Ailsa")
    third = make_nomination(category, "Mrs Morag Fraser", nominator_name="Ewan")

    merged = merge_nominations(organiser, entry, [second, third])

    assert merged == [second, third]
    db.session.expire_all()
    assert second.merged_into == entry and third.merged_into == entry and entry.merged_into is None
    assert sorted(n.nominator_name for n in [entry, *entry.merged]) == ["Ailsa", "Ewan", "Iain"]
    statements = [answer.text for n in [entry, *entry.merged] for answer in n.answers]
    assert len(statements) == 3  # every supporting statement stays, each on its own nomination
    assert list_merged_entries(edition) == [entry]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "nomination.merged")).one()
    assert event.subject_id == entry.id and event.actor_id == organiser.id
    assert event.details["into"] == entry.reference
    assert event.details["references"] == [second.reference, third.reference]


def test_merging_an_entry_that_holds_others_moves_them_too(edition, organiser):
    category = make_category(edition)
    old_entry = make_nomination(category, "Harbour Arts")
    held = make_nomination(category, "Harbour Arts Ltd")
    merge_nominations(organiser, old_entry, [held])
    new_entry = make_nomination(category, "HARBOUR ARTS")

    merge_nominations(organiser, new_entry, [old_entry])

    db.session.expire_all()
    assert held.merged_into == new_entry  # one level: never a chain of merges
    assert sorted(n.id for n in new_entry.merged) == sorted([old_entry.id, held.id])
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "nomination.merged").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["moved_with_them"] == [held.reference]


@pytest.mark.parametrize(
    "case",
    ["nothing", "itself", "other category", "other edition", "already merged", "primary merged", "withdrawn",
     "withdrawn primary", "twice"],
)
def test_merges_that_break_a_rule_are_refused(edition, organiser, case):
    category = make_category(edition)
    primary = make_nomination(category, "Harbour Arts")
    duplicate = make_nomination(category, "Harbour Arts Ltd")
    duplicates = [duplicate]
    if case == "nothing":
        duplicates = []
    elif case == "itself":
        duplicates = [primary]
    elif case == "other category":
        duplicates = [make_nomination(make_category(edition, "Other"), "Harbour Arts")]
    elif case == "other edition":
        duplicates = [make_nomination(make_category(make_edition(2027)), "Harbour Arts")]
    elif case == "already merged":
        merge_nominations(organiser, make_nomination(category, "Harbour Arts CIC"), [duplicate])
    elif case == "primary merged":
        merge_nominations(organiser, make_nomination(category, "Harbour Arts CIC"), [primary])
    elif case == "withdrawn":
        duplicate.status = NominationStatus.WITHDRAWN
    elif case == "withdrawn primary":
        primary.status = NominationStatus.WITHDRAWN
    elif case == "twice":
        duplicates = [duplicate, duplicate]
    db.session.flush()
    before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))

    with pytest.raises(DomainError) as refusal:
        merge_nominations(organiser, primary, duplicates)

    assert refusal.value.message
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == before


@pytest.mark.parametrize("actor", [None, "judge"])
def test_only_organisers_merge_and_unmerge(edition, organiser, actor):
    category = make_category(edition)
    primary, duplicate = make_nomination(category, "Harbour Arts"), make_nomination(category, "Harbour Arts Ltd")
    who = make_judge() if actor == "judge" else None

    with pytest.raises(NotAllowed):
        merge_nominations(who, primary, [duplicate])
    assert duplicate.merged_into_id is None

    merge_nominations(organiser, primary, [duplicate])
    with pytest.raises(NotAllowed):
        unmerge_nomination(who, duplicate)
    assert duplicate.merged_into_id == primary.id


def test_unmerging_makes_an_entry_of_its_own_again(edition, organiser):
    category = make_category(edition)
    primary, duplicate = make_nomination(category, "Harbour Arts"), make_nomination(category, "Harbour Arts Ltd")
    merge_nominations(organiser, primary, [duplicate])

    assert unmerge_nomination(organiser, duplicate) == primary

    db.session.expire_all()
    assert duplicate.merged_into is None and primary.merged == []
    assert list_merged_entries(edition) == []
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "nomination.unmerged")).one()
    assert event.subject_id == duplicate.id
    assert event.details["was_merged_into"] == primary.reference
    assert [group.nominations for group in find_duplicates(edition)] == [[primary, duplicate]]  # back in the list


def test_unmerging_a_nomination_that_is_not_merged_is_refused(edition, organiser):
    nomination = make_nomination(make_category(edition), "Harbour Arts")

    with pytest.raises(DomainError, match="not merged"):
        unmerge_nomination(organiser, nomination)


def test_merging_does_not_touch_consent_or_status(edition, organiser):
    category = make_category(edition)
    primary = make_nomination(category, "Harbour Arts", consent=ConsentState.REQUESTED)
    duplicate = make_nomination(
        category, "Harbour Arts Ltd", consent=ConsentState.GIVEN, status=NominationStatus.ELIGIBLE
    )

    merge_nominations(organiser, primary, [duplicate])

    assert (primary.consent, primary.status) == (ConsentState.REQUESTED, NominationStatus.RECEIVED)
    assert (duplicate.consent, duplicate.status) == (ConsentState.GIVEN, NominationStatus.ELIGIBLE)


# --- A record edition --------------------------------------------------------------------------------------------

FIRST_NAMES = [
    "Morag", "Iain", "Ailsa", "Ewan", "Catriona", "Duncan", "Fiona", "Hamish", "Isla", "Kirsty", "Lachlan", "Mhairi",
    "Niamh", "Rory", "Shona", "Struan", "Eilidh", "Calum", "Kenneth", "Margaret", "Elizabeth", "Alexander", "Jean",
    "John", "Jane", "Mark", "Mary", "Anne", "Robert", "Gillian",
]
SURNAMES = [
    "Fraser", "MacLeod", "Campbell", "Stewart", "Robertson", "Thomson", "Anderson", "MacDonald", "Scott", "Reid",
    "Murray", "Taylor", "Clark", "Ross", "Watson", "Morrison", "Paterson", "Young", "Mitchell", "Walker", "Smith",
    "Brown", "Wilson", "Grant", "Kerr", "McKenzie", "Henderson", "Hamilton", "Graham", "Johnston",
]
PLACES = ["Kinlarrie", "Glenmorven", "Fife", "Moray", "Harbour", "Strathbeg", "Lochside", "Ardmhor", "Inverbrae"]
KINDS = ["Walking Group", "Carers Centre", "Men's Shed", "Breathe Easy", "Arts Project", "Peer Support Network"]


def test_grouping_a_record_edition_of_two_thousand_nominations_in_one_category(edition):
    """Two thousand nominations in one category, many sharing common words, are grouped (no timing asserted)."""
    category = make_category(edition, "Community group of the year")
    chance = random.Random(2026)
    names = [f"{place} {kind} {number}" for number in range(30) for place in PLACES for kind in KINDS][:1000]
    names += [f"{chance.choice(FIRST_NAMES)} {number} {chance.choice(SURNAMES)}" for number in range(992)]
    names += ["Kinlarrie Café Ltd", "Kinlarrie Cafe", "Morag McLeod", "Morag MacLeod", "Jean Smith", "John Smith"]
    names += ["Strathbeg Hearing Voices", "Strathbeg Hearing Voicse"]
    assert len(names) == 2000
    rows = [
        {
            "edition_id": edition.id, "category_id": category.id, "reference": f"SMA-P{index:05d}",
            "nominee_name": name, "local_authority": "Fife", "nominator_name": "Someone",
            "nominator_email": "someone@example.org", "submitted_at": edition.nominations_open_at,
        }
        for index, name in enumerate(names)
    ]
    db.session.execute(insert(Nomination), rows)

    groups = find_duplicates(edition)

    found = sorted(sorted(n.nominee_name for n in group.nominations) for group in groups)
    assert found == [
        ["Kinlarrie Cafe", "Kinlarrie Café Ltd"],
        ["Morag MacLeod", "Morag McLeod"],
        ["Strathbeg Hearing Voices", "Strathbeg Hearing Voicse"],
    ]
