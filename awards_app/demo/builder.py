"""Building a realistic demo edition in any phase, to try the app out or to show it to people.

build_demo(phase) replaces any edition an earlier demo built, makes (or resets) the demo accounts, and fills a
fresh edition with the fictional content of demo.content as far as the phase has got: nominations; then
panels, conflicts and scores; then finalists, a public vote and the judges' final ranks; then confirmed awards and
the ceremony's running order; and, once the ceremony is over, every result revealed.
"""
from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select, update

from awards_app.accounts.models import Role, User
from awards_app.accounts.passwords import hash_password
from awards_app.accounts.users import create_organiser, find_user_by_email, set_password
from awards_app.ceremony.models import Award, Place, Reveal
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.models import AuditEvent, SingleUseLink, StoredFile
from awards_app.demo import content
from awards_app.extensions import db
from awards_app.judging.assignment import assign
from awards_app.judging.models import (
    AssignmentPlan,
    Conflict,
    Finalist,
    FinalRank,
    JudgeAssignment,
    PanelMember,
    Score,
    ScoreComment,
)
from awards_app.judging.shortlist import add_in_random_order
from awards_app.nominations.models import (
    ConsentState,
    Nomination,
    NominationAnswer,
    NominationDraft,
    NominationNote,
    NominationStatus,
)
from awards_app.programme.models import Category, Criterion, Edition, NomineeKind, Question
from awards_app.voting.counters import count_new_votes
from awards_app.voting.models import Contest, Vote
from awards_app.voting.votes import new_receipt_code

PHASES = ("nominations", "judging", "voting", "ceremony", "results")
TIMEZONE = "Europe/London"
# A fixed seed makes every demo the same (scores, votes, times), so screenshots and walkthroughs can be repeated.
SEED = 2016
# The demo's own pepper for voter keys: demo votes must never match a real voter's key.
DEMO_PEPPER = b"awards-demo-edition-voter-key"
PASSWORD_WORDS = (
    "thistle", "heather", "curlew", "bothy", "ceilidh", "harbour", "lantern", "machair", "puffin", "rowan",
    "skerry", "bracken", "kelpie", "otter", "osprey", "tablet", "tattie", "brae", "loch", "glen", "selkie",
    "firth", "ferry", "granite", "bannock", "clootie", "haar", "kilt", "piper", "fiddle", "shieling", "cairn",
)

# Days from today and the hour (local time) of each date field, per phase, so that phase_of gives the phase.
# The ceremony phase is worked out separately: its ceremony is tonight (or now, if tonight has begun).
DATE_FIELDS = (
    "nominations_open_at", "nominations_close_at", "judging_start_at", "judging_end_at", "shortlist_publish_at",
    "vote_open_at", "vote_close_at", "ceremony_at",
)
DATE_PLANS = {
    "nominations": ((-21, 9), (14, 17), (15, 9), (35, 17), (42, 10), (42, 12), (56, 17), (70, 19)),
    "judging": ((-60, 9), (-14, 17), (-13, 9), (10, 17), (14, 10), (14, 12), (28, 17), (42, 19)),
    "voting": ((-100, 9), (-56, 17), (-55, 9), (-30, 17), (-21, 10), (-14, 12), (14, 17), (28, 19)),
    "ceremony": ((-110, 9), (-71, 17), (-70, 9), (-49, 17), (-42, 10), (-35, 12), (-7, 17), (0, 19)),
    "results": ((-117, 9), (-78, 17), (-77, 9), (-56, 17), (-49, 10), (-42, 12), (-14, 17), (-7, 19)),
}

# In the judging phase, the panels (judge position, category position) whose scores are already submitted.
SUBMITTED_DURING_JUDGING = {(0, 0), (0, 1), (0, 2), (1, 3), (3, 1)}
# In the judging phase, the category judged by assignment (position, judges per entry, most entries per judge): each of
# its two judges scores about half of its entries.
ASSIGNED_DURING_JUDGING = (4, 1, 4)
# In the voting phase, the judges (by position) who have already ranked their finalists.
RANKED_DURING_VOTING = {0, 1}
VOTES_DURING_VOTING = 184
VOTES_AFTER_VOTING = 263
BURST_VOTES = 24  # enough for the organisers' vote view to flag the block (voting/oversight.py SPIKE_*)
FINALISTS_PER_CATEGORY = 3
DECLINED_NOTE = "The nominee thanked the nominator but would rather not be considered this year."


def build_demo(phase: str) -> list[tuple[str, str, str]]:
    """Replace any earlier demo with a fresh edition in this phase; return the (role, email, password) sign-ins."""
    if phase not in PHASES:
        raise DomainError(f"Choose a phase from: {', '.join(PHASES)}", field="phase")
    now = clock.now()
    zone = ZoneInfo(TIMEZONE)
    year = now.astimezone(zone).year
    _remove_earlier_demos(year)
    organiser, judges, sign_ins = _prepare_accounts()

    demo = _Demo(phase=phase, now=now, zone=zone, rng=random.Random(SEED), organiser=organiser, judges=judges)
    demo.add_programme(year)
    demo.add_nominations()
    db.session.flush()
    if demo.reached("judging"):
        demo.add_judging()
    if demo.reached("voting"):
        demo.add_shortlist()
        db.session.flush()
        demo.add_final_ranks()
        demo.add_public_vote()
    if demo.reached("ceremony"):
        demo.add_ceremony()
    db.session.flush()
    record_event(
        None, "demo.built", demo.edition, phase=phase, year=year, created_at=_stamp(demo.edition.created_at),
        nominations=demo.nomination_count, votes=demo.vote_count,
    )
    return sign_ins


# ---------------------------------------------------------------------------------------------------------------
# Replacing an earlier demo


def _stamp(moment: datetime) -> str:
    """A moment as an ISO string in UTC to the second, equal however the database hands it back."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def demo_edition_ids() -> list[int]:
    """The editions a demo built (its audit event names the edition and the moment it was created)."""
    rows = db.session.execute(
        select(AuditEvent.subject_id, AuditEvent.details).where(
            AuditEvent.action == "demo.built", AuditEvent.subject_type == Edition.__tablename__
        )
    ).all()
    marks = {(subject_id, (details or {}).get("created_at")) for subject_id, details in rows}
    candidates = db.session.execute(
        select(Edition.id, Edition.created_at).where(Edition.id.in_([subject_id for subject_id, _ in marks]))
    ).all()
    # The creation moment guards against a real edition that later took a deleted demo's id.
    return [edition_id for edition_id, created_at in candidates if (edition_id, _stamp(created_at)) in marks]


def editions_made_by_hand() -> list[Edition]:
    """Every edition that no demo built, oldest first: rebuilding the demo never touches them."""
    return list(
        db.session.scalars(select(Edition).where(Edition.id.not_in(demo_edition_ids())).order_by(Edition.year))
    )


def _remove_earlier_demos(year: int) -> None:
    """Delete every demo edition and everything in it; refuse if a real edition holds this year."""
    demo_ids = demo_edition_ids()
    taken = db.session.scalar(select(Edition.id).where(Edition.year == year, Edition.id.not_in(demo_ids)))
    if taken is not None:
        raise DomainError(f"There is already a real {year} edition; the demo will not replace it.")
    if not demo_ids:
        return
    category_ids = list(db.session.scalars(select(Category.id).where(Category.edition_id.in_(demo_ids))))
    nomination_ids = list(db.session.scalars(select(Nomination.id).where(Nomination.edition_id.in_(demo_ids))))
    finalist_ids = list(db.session.scalars(select(Finalist.id).where(Finalist.category_id.in_(category_ids))))
    draft_ids = list(db.session.scalars(select(NominationDraft.id).where(NominationDraft.edition_id.in_(demo_ids))))
    # Emailed links to anything of the old demo stop working (kept, as the link log is a record).
    db.session.execute(
        update(SingleUseLink)
        .where(
            SingleUseLink.superseded_at.is_(None),
            or_(
                *(
                    (SingleUseLink.subject_type == model.__tablename__) & SingleUseLink.subject_id.in_(ids)
                    for model, ids in (
                        (Edition, demo_ids), (Category, category_ids), (Nomination, nomination_ids),
                        (NominationDraft, draft_ids),
                    )
                )
            ),
        )
        .values(superseded_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    # Children before parents. ORM-enabled deletes (rather than the database's cascades) also drop the deleted
    # rows from the session, so that new rows reusing their ids (SQLite does reuse them) do not clash.
    steps = (
        (Vote, Vote.finalist_id.in_(finalist_ids)),
        (FinalRank, FinalRank.finalist_id.in_(finalist_ids)),
        (Award, Award.category_id.in_(category_ids)),
        (Reveal, Reveal.category_id.in_(category_ids)),
        (Contest, Contest.category_id.in_(category_ids)),
        # The images organisers uploaded for the demo's finalists, which no other row names.
        (StoredFile, StoredFile.name.in_(
            select(Finalist.image_filename).where(Finalist.category_id.in_(category_ids))
        )),
        (Finalist, Finalist.category_id.in_(category_ids)),
        (JudgeAssignment, JudgeAssignment.nomination_id.in_(nomination_ids)),
        (AssignmentPlan, AssignmentPlan.category_id.in_(category_ids)),
        (ScoreComment, ScoreComment.nomination_id.in_(nomination_ids)),
        (Score, Score.nomination_id.in_(nomination_ids)),
        (Conflict, Conflict.nomination_id.in_(nomination_ids)),
        (PanelMember, PanelMember.category_id.in_(category_ids)),
        (NominationAnswer, NominationAnswer.nomination_id.in_(nomination_ids)),
        (NominationNote, NominationNote.nomination_id.in_(nomination_ids)),
        (NominationDraft, NominationDraft.id.in_(draft_ids)),
        (Nomination, Nomination.id.in_(nomination_ids)),
        (Question, Question.category_id.in_(category_ids)),
        (Category, Category.id.in_(category_ids)),
        (Criterion, Criterion.edition_id.in_(demo_ids)),
        (Edition, Edition.id.in_(demo_ids)),
    )
    for model, condition in steps:
        db.session.execute(delete(model).where(condition))


# ---------------------------------------------------------------------------------------------------------------
# Accounts


def readable_password() -> str:
    """A random password people can read out and type: three words and two digits, e.g. otter-haar-bothy-42."""
    words = [secrets.choice(PASSWORD_WORDS) for _ in range(3)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"


def _prepare_accounts() -> tuple[User, list[User], list[tuple[str, str, str]]]:
    """Create the demo organiser and judges, or reset their passwords if they exist; return them and the sign-ins."""
    sign_ins = []
    email, name = content.ORGANISER
    password = readable_password()
    organiser = find_user_by_email(email)
    if organiser is None:
        organiser = create_organiser(email, password, name=name)
    else:
        _reset_account(organiser, Role.ORGANISER, name, "", password)
    sign_ins.append(("organiser", email, password))

    judges = []
    for email, name, affiliations in content.JUDGES:
        password = readable_password()
        judge = find_user_by_email(email)
        if judge is None:
            judge = User(
                email=email, name=name, role=Role.JUDGE, affiliations=affiliations,
                password_hash=hash_password(password),
            )
            db.session.add(judge)
        else:
            _reset_account(judge, Role.JUDGE, name, affiliations, password)
        judges.append(judge)
        sign_ins.append(("judge", email, password))
    db.session.flush()
    return organiser, judges, sign_ins


def _reset_account(user: User, role: Role, name: str, affiliations: str, password: str) -> None:
    """Put an existing demo account back as the demo needs it, with a new password (ending its old sessions)."""
    user.role = role
    user.name = name
    user.affiliations = affiliations
    user.active = True
    set_password(user, password)


# ---------------------------------------------------------------------------------------------------------------
# Small helpers for the fictional content


def _ascii_slug(text: str, separator: str = "-") -> str:
    """Lower-case ASCII words joined by the separator (accents dropped), for made-up addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in plain.lower()).split()
    return separator.join(words)


def _person_email(name: str, domain: str) -> str:
    """first.last@domain for a person's name, titles such as Dr dropped."""
    words = [word for word in name.split() if word not in {"Dr", "Mr", "Mrs", "Ms"}]
    return f"{_ascii_slug(words[0], '')}.{_ascii_slug(words[-1], '')}@{domain}"


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment picked evenly between two moments, to the second."""
    seconds = max(0, int((end - start).total_seconds()))
    return start + timedelta(seconds=rng.randint(0, seconds))


def _weighted_total(values: dict[int, int], criteria: list[Criterion]) -> float:
    """A judge's weighted mean score of one nomination, from its scores by criterion id."""
    total_weight = sum(criterion.weight for criterion in criteria)
    return sum(values[criterion.id] * criterion.weight for criterion in criteria) / total_weight


# ---------------------------------------------------------------------------------------------------------------
# The edition, built step by step


@dataclass
class _Demo:
    """The demo edition under construction, and what later steps need from earlier ones."""

    phase: str
    now: datetime
    zone: ZoneInfo
    rng: random.Random
    organiser: User
    judges: list[User]
    edition: Edition | None = None
    categories: list[Category] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    # Per category position: (fictional entry, nomination) pairs in the order of demo_data.
    nominations: list[list[tuple[content.Entry, Nomination]]] = field(default_factory=list)
    # (judge id, nomination id) -> {criterion id: value}
    scores: dict[tuple[int, int], dict[int, int]] = field(default_factory=dict)
    conflicted: set[tuple[int, int]] = field(default_factory=set)  # (judge id, nomination id)
    # The category judged by assignment (judging phase only) and its (judge id, nomination id) pairs.
    assigned_category: int | None = None
    assigned: set[tuple[int, int]] = field(default_factory=set)
    finalists: list[list[Finalist]] = field(default_factory=list)
    # Per nomination reference: how good it is, which the judges' scores vary around.
    strength: dict[str, float] = field(default_factory=dict)
    borda_points: dict[int, int] = field(default_factory=dict)  # finalist id -> final-round points
    panel_places: dict[tuple[int, int], PanelMember] = field(default_factory=dict)  # (judge id, category) -> place
    valid_votes: dict[int, int] = field(default_factory=dict)  # finalist id -> valid votes
    nomination_count: int = 0
    vote_count: int = 0

    def reached(self, phase: str) -> bool:
        """Whether the demo's phase is this phase or a later one."""
        return PHASES.index(self.phase) >= PHASES.index(phase)

    def local(self, days: int, hour: int) -> datetime:
        """Today plus some days at an hour, local time, as an aware UTC moment."""
        day = self.now.astimezone(self.zone).date() + timedelta(days=days)
        return datetime.combine(day, time(hour), tzinfo=self.zone).astimezone(timezone.utc)

    def dates(self) -> dict[str, datetime]:
        """The edition's eight dates, placed around now so that the edition is in the demo's phase."""
        values = {name: self.local(days, hour) for name, (days, hour) in zip(DATE_FIELDS, DATE_PLANS[self.phase])}
        if self.phase == "ceremony":
            # Tonight's ceremony, or one under way now; the ceremony phase lasts until the day ends.
            values["ceremony_at"] = max(values["ceremony_at"], self.now)
        return values

    # -- the programme ----------------------------------------------------------------------------------------

    def add_programme(self, year: int) -> None:
        """Add the edition, its six categories with their questions, and the judging criteria."""
        self.edition = Edition(
            year=year, name=f"Self Management Awards {year}", theme=content.EDITION_THEME, timezone=TIMEZONE,
            venue=content.VENUE, created_at=self.now.replace(microsecond=0),
            announced_at=self.now.replace(microsecond=0), **self.dates(),
        )
        for order, data in enumerate(content.CATEGORIES, start=1):
            category = Category(
                name=data.name, description=data.description, eligibility_notes=data.eligibility,
                nominee_kind=data.kind, has_public_vote=data.public_vote, display_order=order,
                questions=[
                    Question(prompt=prompt, hint=hint, word_limit=limit, required=True, display_order=number)
                    for number, (prompt, hint, limit) in enumerate(data.questions, start=1)
                ],
            )
            self.edition.categories.append(category)
            self.categories.append(category)
        for order, (name, description, weight) in enumerate(content.CRITERIA, start=1):
            criterion = Criterion(
                name=name, description=description, weight=weight, scale_min=0, scale_max=10, display_order=order
            )
            self.edition.criteria.append(criterion)
            self.criteria.append(criterion)
        db.session.add(self.edition)

    # -- nominations ------------------------------------------------------------------------------------------

    def add_nominations(self) -> None:
        """Add the fictional nominations with their answers, statuses and consent, as the phase has them."""
        edition, rng = self.edition, self.rng
        start = edition.nominations_open_at + timedelta(hours=2)
        end = min(edition.nominations_close_at, self.now) - timedelta(hours=1)
        # While nominations are open, the organisers have not yet looked at the latest third of them.
        reviewed_until = start + (end - start) * 2 / 3
        number = 0
        for category, data in zip(self.categories, content.CATEGORIES):
            pairs = []
            for entry in data.entries:
                number += 1
                submitted_at = _between(rng, start, end)
                status, reason = self._status(entry, submitted_at, reviewed_until)
                consent = entry.consent if status is not NominationStatus.RECEIVED else ConsentState.NOT_REQUESTED
                consent_at = None
                if consent in (ConsentState.GIVEN, ConsentState.DECLINED):
                    consent_at = min(submitted_at + timedelta(hours=rng.randint(6, 120)), self.now)
                nomination = Nomination(
                    edition=edition, category=category, reference=f"DEMO-{edition.year}-{number:03d}",
                    status=status, status_reason=reason,
                    nominee_name=entry.name, nominee_organisation=entry.organisation,
                    nominee_email=self._nominee_email(data.kind, entry, number),
                    local_authority=entry.local_authority,
                    nominator_name=entry.nominator, nominator_email=_person_email(entry.nominator, "example.com"),
                    nominator_relationship=entry.relationship,
                    nominator_phone=f"07700 900{(number * 37) % 1000:03d}" if number % 3 else "",
                    consent=consent, consent_recorded_at=consent_at,
                    consent_note=DECLINED_NOTE if consent is ConsentState.DECLINED else "",
                    submitted_at=submitted_at,
                    answers=[
                        NominationAnswer(question=question, text=text)
                        for question, text in zip(category.questions, entry.answers)
                    ],
                )
                note = content.ORGANISER_NOTES.get(entry.name)
                if note and status is not NominationStatus.RECEIVED:
                    nomination.notes = [NominationNote(
                        author_id=self.organiser.id, text=note,
                        created_at=min(submitted_at + timedelta(days=2), self.now),
                    )]
                pairs.append((entry, nomination))
                self.strength[nomination.reference] = rng.uniform(4.0, 8.5)
            db.session.add_all(nomination for _, nomination in pairs)
            self.nominations.append(pairs)
            self.nomination_count += len(pairs)

    def _status(self, entry: content.Entry, submitted_at: datetime, reviewed_until: datetime):
        """A nomination's status and reason: its fate once reviewed, still received if too recent to review."""
        fate, _, reason = entry.fate.partition(": ")
        if fate == "withdrawn":
            return NominationStatus.WITHDRAWN, reason
        if self.phase == "nominations" and submitted_at > reviewed_until:
            return NominationStatus.RECEIVED, ""
        if fate == "ineligible":
            return NominationStatus.INELIGIBLE, reason
        return NominationStatus.ELIGIBLE, ""

    @staticmethod
    def _nominee_email(kind: NomineeKind, entry: content.Entry, number: int) -> str | None:
        """A made-up address for the nominee (a few nominators of people did not give one)."""
        if kind is NomineeKind.PERSON:
            if entry.relationship == "Self-nomination":
                return _person_email(entry.name, "example.com")
            return _person_email(entry.name, "example.net") if number % 4 else None
        return f"hello@{_ascii_slug(entry.name)}.example.org"

    # -- judging ----------------------------------------------------------------------------------------------

    def judged(self, category_position: int) -> list[Nomination]:
        """The nominations of a category that judges score: eligible, and the nominee has not declined."""
        return [
            nomination for _, nomination in self.nominations[category_position]
            if nomination.status is NominationStatus.ELIGIBLE and nomination.consent is not ConsentState.DECLINED
        ]

    def add_judging(self) -> None:
        """Put every judge on their panels, record declared conflicts, and add the scores judged so far."""
        edition, rng = self.edition, self.rng
        conflicts = {(judge, category, name): reason for judge, category, name, reason in content.CONFLICTS}
        judging_until = min(edition.judging_end_at, self.now - timedelta(hours=1))
        rows = self.add_assignment()
        for judge_position, (judge, panel) in enumerate(zip(self.judges, content.PANELS)):
            bias = rng.uniform(-0.8, 0.8)  # some judges mark harder than others
            for category_position in panel:
                category = self.categories[category_position]
                declared_at = edition.judging_start_at + timedelta(hours=rng.randint(2, 40))
                submitted = self.reached("voting") or (judge_position, category_position) in SUBMITTED_DURING_JUDGING
                member = PanelMember(
                    judge=judge, category=category, added_at=edition.judging_start_at - timedelta(days=7),
                    conflicts_declared_at=declared_at,
                )
                self.panel_places[(judge.id, category_position)] = member
                rows.append(member)
                last_scored = declared_at
                for nomination in self.judged(category_position):
                    reason = conflicts.get((judge_position, category_position, nomination.nominee_name))
                    if reason:
                        self.conflicted.add((judge.id, nomination.id))
                        rows.append(Conflict(
                            judge=judge, nomination=nomination, reason=reason, recorded_by_id=judge.id,
                            recorded_at=declared_at,
                        ))
                        continue
                    if category_position == self.assigned_category and (judge.id, nomination.id) not in self.assigned:
                        continue
                    # A judge still at work has not scored every nomination yet.
                    if not submitted and rng.random() < 0.3:
                        continue
                    scored_at = _between(rng, declared_at, judging_until)
                    last_scored = max(last_scored, scored_at)
                    rows.extend(self._scores(judge, nomination, bias, scored_at))
                    if rng.random() < 0.3:
                        rows.append(ScoreComment(
                            judge_id=judge.id, nomination_id=nomination.id, text=rng.choice(content.JUDGE_COMMENTS),
                            updated_at=scored_at,
                        ))
                if submitted:
                    member.submitted_at = min(
                        last_scored + timedelta(minutes=rng.randint(5, 90)), edition.judging_end_at, self.now
                    )
        db.session.add_all(rows)

    def add_assignment(self) -> list:
        """In the judging phase, one category judged by assignment: its plan and pairs (judging.assignment.assign,
        seeded, conflicts left out), so that each of its judges sees only their entries."""
        if self.phase != "judging":
            return []
        position, per_entry, most = ASSIGNED_DURING_JUDGING
        judges = [judge for judge, panel in zip(self.judges, content.PANELS) if position in panel]
        entries = self.judged(position)
        blocked = {
            (self.judges[judge].id, nomination.id)
            for judge, category, name, _ in content.CONFLICTS if category == position
            for nomination in entries if nomination.nominee_name == name
        }
        outcome = assign([n.id for n in entries], [j.id for j in judges], per_entry, most, conflicts=blocked, seed=SEED)
        self.assigned_category, self.assigned = position, set(outcome.pairs)
        at = self.edition.judging_start_at
        return [
            AssignmentPlan(category_id=self.categories[position].id, judges_per_entry=per_entry,
                           most_entries_per_judge=most, created_at=at, updated_at=at),
            *(JudgeAssignment(judge_id=judge, nomination_id=entry, how="auto", assigned_by_id=self.organiser.id,
                              assigned_at=at) for judge, entry in sorted(outcome.pairs)),
        ]

    def _scores(self, judge: User, nomination: Nomination, bias: float, at: datetime) -> list[Score]:
        """One judge's scores of one nomination on every criterion, varied around the nomination's strength."""
        rng = self.rng
        strength = self.strength[nomination.reference]
        values = {}
        rows = []
        for criterion in self.criteria:
            value = round(strength + bias + rng.gauss(0, 1.2))
            value = max(criterion.scale_min, min(criterion.scale_max, value))
            values[criterion.id] = value
            rows.append(Score(
                judge_id=judge.id, nomination_id=nomination.id, criterion_id=criterion.id, value=value, updated_at=at
            ))
        self.scores[(judge.id, nomination.id)] = values
        return rows

    # -- shortlist, final round and public vote ---------------------------------------------------------------

    def add_shortlist(self) -> None:
        """Shortlist the three best-scored nominations of each category whose nominees agreed to be named."""
        edition = self.edition
        for position, category in enumerate(self.categories):
            ranked = []
            for nomination in self.judged(position):
                if nomination.consent is not ConsentState.GIVEN:
                    continue
                totals = [
                    _weighted_total(values, self.criteria)
                    for (judge_id, nomination_id), values in self.scores.items() if nomination_id == nomination.id
                ]
                if totals:
                    ranked.append((-sum(totals) / len(totals), nomination.reference, nomination))
            ranked.sort(key=lambda item: item[:2])
            entries = {id(nomination): entry for entry, nomination in self.nominations[position]}
            chosen = []
            for place, (_, _, nomination) in enumerate(ranked[:FINALISTS_PER_CATEGORY], start=1):
                nomination.public_summary = entries[id(nomination)].summary
                chosen.append(Finalist(
                    category=category, nomination=nomination, position=place, chosen_by_id=self.organiser.id,
                    chosen_at=edition.judging_end_at + timedelta(days=2), public_name=self._public_name(nomination),
                ))
            add_in_random_order(chosen)  # public ids must not give away the (sealed) ranking
            self.finalists.append(chosen)
            category.shortlist_method = "normalised"
            category.shortlisted_at = edition.judging_end_at + timedelta(days=2)
        # The organisers published the shortlist on its planned day.
        edition.shortlist_published_at = edition.shortlist_publish_at

    @staticmethod
    def _public_name(nomination: Nomination) -> str:
        """How the shortlist names a finalist: a person by name, anything else with its organisation."""
        if nomination.category.nominee_kind is NomineeKind.PERSON:
            return nomination.nominee_name[:200]
        return nomination.nominee_as_written[:200]

    def add_final_ranks(self) -> None:
        """Each judge ranks their panels' finalists (by their own scores, give or take); some have not yet."""
        edition, rng = self.edition, self.rng
        rows = []
        for judge_position, (judge, panel) in enumerate(zip(self.judges, content.PANELS)):
            if not self.reached("ceremony") and judge_position not in RANKED_DURING_VOTING:
                continue
            ranked_at = _between(rng, edition.vote_open_at, min(edition.vote_close_at, self.now))
            for category_position in panel:
                # A judge does not rank a finalist they declared a conflict with.
                finalists = [
                    finalist for finalist in self.finalists[category_position]
                    if (judge.id, finalist.nomination_id) not in self.conflicted
                ]
                order = sorted(
                    finalists,
                    key=lambda finalist: -self._judge_view(judge, finalist) - rng.uniform(0, 1.5),
                )
                self.panel_places[(judge.id, category_position)].final_submitted_at = ranked_at
                for rank, finalist in enumerate(order, start=1):
                    rows.append(FinalRank(judge_id=judge.id, finalist_id=finalist.id, rank=rank, updated_at=ranked_at))
                    # Borda count: first of n earns n points, last earns 1.
                    self.borda_points[finalist.id] = self.borda_points.get(finalist.id, 0) + len(order) - rank + 1
        db.session.add_all(rows)

    def _judge_view(self, judge: User, finalist: Finalist) -> float:
        """What a judge made of a finalist in the first round (their weighted score, or middling if unscored)."""
        values = self.scores.get((judge.id, finalist.nomination_id))
        return _weighted_total(values, self.criteria) if values else 5.0

    def add_public_vote(self) -> None:
        """Open (or, later, close) the public vote of its category and add the votes cast so far."""
        edition, rng = self.edition, self.rng
        position = next(index for index, category in enumerate(self.categories) if category.has_public_vote)
        finalists = self.finalists[position]
        contest = Contest(category=self.categories[position], opens_at=edition.vote_open_at,
                          closes_at=edition.vote_close_at)
        start = edition.vote_open_at + timedelta(minutes=5)
        end = min(edition.vote_close_at, self.now) - timedelta(minutes=5)
        count = VOTES_AFTER_VOTING if self.reached("ceremony") else VOTES_DURING_VOTING
        domains, domain_weights = zip(*content.VOTER_DOMAINS)
        receipts: set[str] = set()
        votes = []
        for number in range(count):
            domain = rng.choices(domains, domain_weights)[0]
            votes.append(self._vote(
                contest, rng.choices(finalists, (46, 33, 21)[: len(finalists)])[0], number, domain,
                rng.choice(content.VOTER_NETWORKS), _between(rng, start, end), receipts,
            ))
        # Three paper ballots from a community event, typed in by the organiser.
        for vote in votes[10:13]:
            vote.entered_by_id, vote.client_network = self.organiser.id, ""
        # A burst from one network and one odd domain within ten minutes: while the vote is open it waits on the
        # organisers' vote view, flagged, for an organiser to void; once the vote has closed it has been voided.
        burst_at = start + (end - start) * 3 / 10
        for extra in range(BURST_VOTES):
            vote = self._vote(
                contest, finalists[-1], count + extra, "quickinbox.example.net", "203.0.113.0/24",
                burst_at + timedelta(seconds=25 * extra), receipts,
            )
            if self.reached("ceremony"):
                vote.voided_at = burst_at + timedelta(hours=14)
                vote.voided_by_id = self.organiser.id
                vote.void_reason = (f"{BURST_VOTES} votes in ten minutes from one network, all from one unusual "
                                    "domain: voided under the published rules.")
            votes.append(vote)
        cancelled = votes[40]
        cancelled.voided_at = min(cancelled.cast_at + timedelta(days=1), self.now)
        cancelled.voided_by_id = self.organiser.id
        cancelled.void_reason = "The voter asked us to cancel it: a relative had voted for them without asking."
        votes.sort(key=lambda vote: vote.cast_at)
        db.session.add(contest)
        db.session.add_all(votes)
        count_new_votes(votes)  # the figures the vote view and the results page read
        for vote in votes:
            if vote.voided_at is None:
                self.valid_votes[vote.finalist.id] = self.valid_votes.get(vote.finalist.id, 0) + 1
        self.vote_count = len(votes)

    def _vote(
        self, contest: Contest, finalist: Finalist, number: int, domain: str, network: str, cast_at: datetime,
        receipts: set[str],
    ) -> Vote:
        """One vote by a made-up voter: a distinct voter key, a unique receipt code."""
        rng = self.rng
        address = f"{rng.choice(content.FIRST_NAMES)}.{rng.choice(content.LAST_NAMES)}{number}@{domain}".lower()
        receipt = new_receipt_code(rng.choice)
        while receipt in receipts:
            receipt = new_receipt_code(rng.choice)
        receipts.add(receipt)
        return Vote(
            contest=contest, finalist=finalist,
            voter_key=hmac.new(DEMO_PEPPER, address.encode(), hashlib.sha256).hexdigest(),
            receipt_code=receipt, cast_at=cast_at, client_network=network, email_domain=domain,
        )

    # -- the ceremony -----------------------------------------------------------------------------------------

    def add_ceremony(self) -> None:
        """Record a winner and a highly commended finalist per category and set the running order.

        In the ceremony phase the results wait for the organiser to confirm (seal) them and reveal them one by one;
        in the results phase all of that has happened.
        """
        edition = self.edition
        recorded_at = edition.vote_close_at + timedelta(days=1)
        done = self.reached("results")
        rows = []
        for position, (category, finalists) in enumerate(zip(self.categories, self.finalists)):
            tally = self.valid_votes if category.has_public_vote else self.borda_points
            ordered = sorted(finalists, key=lambda finalist: (-tally.get(finalist.id, 0), finalist.position))
            for finalist, place in zip(ordered, (Place.WINNER, Place.HIGHLY_COMMENDED)):
                rows.append(Award(
                    category_id=category.id, finalist=finalist, place=place,
                    confirmed_at=recorded_at, confirmed_by_id=self.organiser.id,
                ))
            rows.append(Reveal(
                category=category, running_order=position + 1,
                confirmed_at=recorded_at + timedelta(hours=2) if done else None,
                confirmed_by_id=self.organiser.id if done else None,
                revealed_at=edition.ceremony_at + timedelta(minutes=20 + 12 * position) if done else None,
                show_vote_shares=category.has_public_vote,
            ))
        if done:
            edition.ceremony_focus_id = self.categories[-1].id
            edition.results_version = len(self.categories)
        db.session.add_all(rows)
