"""Duplicate nominations: finding the same nominee written in different ways, and merging them into one entry.

Several nominations for one nominee are common and strengthen the entry, so organisers merge them: the entry kept
stays, and each duplicate points at it (merged_into) while keeping its own nominator and supporting statements.

How names are compared (the tests in tests/nominations/test_duplicates.py hold the real-looking pairs):

1. Normalise: accents, case, apostrophes and punctuation go ("N.H.S." becomes "nhs", "Men's" becomes "mens"), "&"
   becomes "and", a leading "The" and leading titles (Mr, Mrs, Dr ...) go, and so do trailing legal forms (Ltd,
   Limited, SCIO, CIC, plc ...), honours (MBE, OBE ...) and Scottish charity numbers: none of them tell two nominees
   apart. "Mac" and "Mc" are written the same way, because the same family name is spelt both ways and nominators
   often misremember which. Descriptive words (Group, Trust, Centre, Project ...) stay in the name, since
   "Fife Carers" and "Fife Young Carers" are not the same body; they are only set aside in one looser comparison.
2. Group nominations whose normalised names are equal, or equal once spaces are removed ("Mens Shed" and
   "MensShed"), or (in categories for people) whose nominee email is the same.
3. Then compare close names word by word: each word must be equal, a plural "s" apart, or, in words of six letters
   or more, one typing slip apart (two in words of ten or more): "Morag Frazer" matches "Morag Fraser", "Jean Smith"
   does not match "John Smith" (short first names that differ are different people). The same words in another
   order also match ("Fraser Morag"), as do names that agree once descriptive words and initials are set aside,
   when at least two words remain ("Glenmorven Walking Group" and "Glenmorven Walking Club").

To stay fast with thousands of nominations in one category, names are first put in buckets by cheap keys that close
names are sure to share (see _bucket_keys), and only names in the same bucket are compared; each spelling is compared
once, however many nominations use it. A bucket holding very many names is skipped as a last safeguard (exact
matches never depend on buckets).
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.nominations.models import Nomination, NominationStatus
from awards_app.permissions import is_organiser
from awards_app.programme.models import Category, Edition, NomineeKind

# Words that never tell two nominees apart, removed from the name before comparing.
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr doctor prof professor rev revd reverend sir dame cllr councillor".split()
)
LEGAL_FORMS = frozenset("ltd limited plc llp cic scio inc llc".split())
HONOURS = frozenset("mbe obe cbe bem kbe dbe phd".split())
# Words that describe what kind of body a nominee is; set aside only in the looser comparison.
DESCRIPTORS = frozenset(
    "group project service services centre network team programme initiative organisation charity trust "
    "foundation association society partnership club scotland scottish and".split()
)
# The same word written in two ways.
SPELLINGS = {"saint": "st", "center": "centre", "program": "programme", "organization": "organisation"}
# Letters that Unicode does not decompose into a plain letter and an accent.
LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
APOSTROPHES = re.compile(r"['’‘`´]")
NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
CHARITY_NUMBER = re.compile(r"^sc\d{6}$")

# A cheap key shared by more names than this is too common to say anything; exact matches do not use it.
LARGEST_BUCKET = 200


# --- Normalising names -------------------------------------------------------------------------------------------


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name, normalised so that the same nominee written in different ways gives the same words."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold().translate(LETTERS)
    text = APOSTROPHES.sub("", text.replace("&", " and ").replace("+", " and "))
    words = _join_initials(NOT_ALPHANUMERIC.sub(" ", text).split())
    words = _join_mac([SPELLINGS.get(word, word) for word in words])
    trimmed = _trim(words)
    # A name made only of removable words ("Dr", "The Group Ltd") keeps them rather than vanishing.
    return tuple(trimmed or words)


def normalise_name(name: str) -> str:
    """The normalised name as one string: equal strings mean the same nominee."""
    return " ".join(name_tokens(name))


def _join_initials(words: list[str]) -> list[str]:
    """Join runs of single letters, so that "N H S" (from "N.H.S.") reads "nhs"."""
    joined: list[str] = []
    run = ""
    for word in words:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(word)
    if run:
        joined.append(run)
    return joined


def _join_mac(words: list[str]) -> list[str]:
    """Write Mac and Mc alike, and join "Mac Leod" into one word."""
    joined: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("mac", "mc") and index + 1 < len(words) and words[index + 1].isalpha():
            word = "mc" + words[index + 1]
            index += 1
        elif word.startswith("mac") and len(word) >= 6:  # MacLeod, Mackay; not Mace or Mack
            word = "mc" + word[3:]
        joined.append(word)
        index += 1
    return joined


def _trim(words: list[str]) -> list[str]:
    """Drop a leading "the", leading titles, trailing legal forms and honours, and charity numbers."""
    words = [word for word in words if not CHARITY_NUMBER.match(word)]
    while words and (words[0] == "the" or words[0] in HONORIFICS):
        words = words[1:]
    while words and (words[-1] in LEGAL_FORMS or words[-1] in HONOURS):
        words = words[:-1]
    return words


# --- Comparing names ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameForm:
    """The forms of one nominee's name that comparisons use."""

    tokens: tuple[str, ...]
    core: tuple[str, ...]  # without descriptive words and initials (numbers stay: Group 5 is not Group 6)
    email: str | None = None
    key: str = ""  # the words joined by spaces: equal keys mean the same name
    compact: str = ""  # the words joined without spaces

    @classmethod
    def of(cls, name: str, email: str | None = None) -> NameForm:
        """Build the forms of a name (and the nominee's email, when it should count)."""
        tokens = name_tokens(name)
        core = tuple(word for word in tokens if word not in DESCRIPTORS and not (len(word) == 1 and word.isalpha()))
        email = (email or "").strip().casefold() or None
        return cls(tokens, core, email, " ".join(tokens), "".join(tokens))


def names_match(first: str, second: str) -> bool:
    """Whether two names are likely the same nominee (ignoring emails)."""
    return _similar(NameForm.of(first), NameForm.of(second))


def _similar(first: NameForm, second: NameForm) -> bool:
    """Whether two name forms are likely the same nominee."""
    if not first.tokens or not second.tokens:
        return False
    if first.key == second.key or first.compact == second.compact:
        return True
    if first.email is not None and first.email == second.email:
        return True
    if _words_close(first.tokens, second.tokens):
        return True
    return len(first.core) >= 2 and _words_close(first.core, second.core)


def _words_close(first: Sequence[str], second: Sequence[str]) -> bool:
    """The same number of words, each close to its partner, in the same order or (failing that) sorted."""
    if len(first) != len(second):
        return False
    if all(_word_close(a, b) for a, b in zip(first, second)):
        return True
    return all(_word_close(a, b) for a, b in zip(sorted(first), sorted(second)))


def _word_close(first: str, second: str) -> bool:
    """Equal, or a typing slip apart in a long word (short words, like most first names, must be equal)."""
    if first == second:
        return True
    shorter = min(len(first), len(second))
    if shorter >= 4 and (first == second + "s" or second == first + "s"):  # Voice and Voices, Carer and Carers
        return True
    if shorter < 6 or first.isdigit() or second.isdigit():
        return False
    if shorter >= 10:
        return _edits_within(first, second, 2)
    return _one_edit_apart(first, second)


def _one_edit_apart(first: str, second: str) -> bool:
    """Whether one insertion, deletion, substitution or swap of neighbours turns one word into the other.

    (The same answer as _edits_within(first, second, 1), in one pass: most pairs differ early, so this is fast.)
    """
    if len(first) > len(second):
        first, second = second, first
    if len(second) - len(first) > 1:
        return False
    start = 0
    while start < len(first) and first[start] == second[start]:
        start += 1
    if len(first) != len(second):  # one letter more in `second`, at `start`
        return first[start:] == second[start + 1:]
    if start == len(first):
        return True
    if first[start + 1:] == second[start + 1:]:  # one letter changed
        return True
    swapped = start + 1 < len(first) and first[start] == second[start + 1] and first[start + 1] == second[start]
    return swapped and first[start + 2:] == second[start + 2:]


def _edits_within(first: str, second: str, limit: int) -> bool:
    """Whether at most `limit` insertions, deletions, substitutions or swaps of neighbours turn one into the other."""
    if abs(len(first) - len(second)) > limit:
        return False
    # Optimal string alignment distance, row by row, giving up as soon as a whole row exceeds the limit.
    before: list[int] | None = None
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, start=1):
            cost = 0 if a == b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return False
        before, previous = previous, current
    return previous[-1] <= limit


# --- Grouping ----------------------------------------------------------------------------------------------------


def group_similar(forms: Sequence[NameForm]) -> list[list[int]]:
    """Group the positions of likely-duplicate names: each group (of two or more) in the order given."""
    parent = list(range(len(forms)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def union(first: int, second: int) -> None:
        root_first, root_second = find(first), find(second)
        if root_first != root_second:
            parent[max(root_first, root_second)] = min(root_first, root_second)

    # Equal keys match without any comparison, however many share them.
    exact: dict[tuple, list[int]] = defaultdict(list)
    for index, form in enumerate(forms):
        if form.tokens:
            for key in _exact_keys(form):
                exact[key].append(index)
    for members in exact.values():
        for other in members[1:]:
            union(members[0], other)

    # Close matches: compare one name of each spelling, and only with names sharing a bucket.
    spellings = {form.key: index for index, form in reversed(list(enumerate(forms))) if form.tokens}
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for index in sorted(spellings.values()):
        for key in _bucket_keys(forms[index]):
            buckets[key].append(index)
    compared: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2 or len(members) > LARGEST_BUCKET:
            continue
        for position, first in enumerate(members):
            for second in members[position + 1:]:
                if (first, second) in compared or find(first) == find(second):
                    continue
                compared.add((first, second))
                if _similar(forms[first], forms[second]):
                    union(first, second)

    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(forms)):
        groups[find(index)].append(index)
    return [members for members in groups.values() if len(members) > 1]


def _exact_keys(form: NameForm) -> Iterable[tuple]:
    """Keys that, when equal, make two names the same nominee."""
    yield ("name", form.key)
    yield ("compact", form.compact)
    if form.email:
        yield ("email", form.email)


def _bucket_keys(form: NameForm) -> set[tuple]:
    """Cheap keys that two close names are sure to share, so that only names sharing one need comparing.

    Close names have the same number of words, each close to its partner (in order, or sorted), and close words
    share at least one key of _word_keys; so each name gets one key per choice of those for its first four words.
    The words after the fourth are left to the comparison. (Two slips in one long word can escape the buckets.)
    """
    # The core's keys share the words' namespace: one name's core may meet another's whole name.
    versions = {form.tokens, tuple(sorted(form.tokens))}
    if len(form.core) >= 2:
        versions |= {form.core, tuple(sorted(form.core))}
    keys = set()
    for words in versions:
        keys.update((len(words), combination) for combination in itertools.product(*map(_word_keys, words[:4])))
    return keys


def _word_keys(word: str) -> tuple[str, ...]:
    """The keys a close word shares with this one (see _word_close): itself, its start, its end.

    One slip leaves the first three letters or the last three as they were, except a swap of the third and fourth
    letters of a six-letter word ("Fraser", "Frsaer"), which leaves the first two and last two.
    """
    if len(word) < 4 or word.isdigit():
        return ("=" + word,)
    if len(word) < 6:
        return ("=" + word, word[:3] + "…")
    if len(word) == 6:
        return ("=" + word, word[:3] + "…", "…" + word[-3:], word[:2] + "…" + word[-2:])
    return ("=" + word, word[:3] + "…", "…" + word[-3:])


@dataclass
class DuplicateGroup:
    """Nominations in one category that are likely the same nominee; the first is the suggested entry to keep."""

    category: Category
    nominations: list[Nomination] = field(default_factory=list)


def find_duplicates(edition: Edition) -> list[DuplicateGroup]:
    """The likely duplicates of an edition, group by group, never across categories.

    Withdrawn nominations, and those already merged into another, take no part.
    """
    rows = db.session.scalars(
        select(Nomination)
        .join(Nomination.category)
        .where(
            Nomination.edition_id == edition.id,
            Nomination.merged_into_id.is_(None),
            Nomination.status != NominationStatus.WITHDRAWN,
        )
        .order_by(Category.display_order, Category.id, Nomination.submitted_at, Nomination.id)
    ).all()
    by_category: dict[int, list[Nomination]] = defaultdict(list)
    for nomination in rows:
        by_category[nomination.category_id].append(nomination)

    groups = []
    for nominations in by_category.values():  # in category order, as the query sorted them
        category = nominations[0].category
        # One email for two nominees is likely only for people (a charity's info@ address can front many projects).
        by_email = category.nominee_kind is NomineeKind.PERSON
        forms = [NameForm.of(n.nominee_name, n.nominee_email if by_email else None) for n in nominations]
        for members in group_similar(forms):
            group = [nominations[index] for index in members]
            # Suggest keeping an entry that already holds merged nominations, else the earliest.
            group.sort(key=lambda n: (-len(n.merged), n.submitted_at, n.id))
            groups.append(DuplicateGroup(category, group))
    return groups


def list_merged_entries(edition: Edition) -> list[Nomination]:
    """The entries of an edition that other nominations have been merged into, by reference."""
    merged_ids = select(Nomination.merged_into_id).where(
        Nomination.edition_id == edition.id, Nomination.merged_into_id.is_not(None)
    )
    return list(
        db.session.scalars(select(Nomination).where(Nomination.id.in_(merged_ids)).order_by(Nomination.reference))
    )


# --- Merging and unmerging ---------------------------------------------------------------------------------------


def check_merge(primary: Nomination, duplicates: Sequence[Nomination]) -> None:
    """Raise a DomainError saying why these nominations cannot be merged into `primary` (nothing when they can)."""
    if not duplicates:
        raise DomainError("Choose at least one nomination to merge into the one you keep.", field="merge")
    if len({duplicate.id for duplicate in duplicates}) != len(duplicates):
        raise DomainError("Each nomination can be merged only once.", field="merge")
    if primary.merged_into_id is not None:
        raise DomainError(
            f"{primary.reference} has itself been merged into another entry, so it cannot be the one you keep."
        )
    if primary.status is NominationStatus.WITHDRAWN:
        raise DomainError(f"{primary.reference} has been withdrawn, so it cannot be the one you keep.")
    for duplicate in duplicates:
        if duplicate.id == primary.id:
            raise DomainError(f"{primary.reference} cannot be merged into itself.")
        if duplicate.edition_id != primary.edition_id or duplicate.category_id != primary.category_id:
            raise DomainError(
                f"{duplicate.reference} is in another category from {primary.reference}; "
                "only nominations in the same category can be merged."
            )
        if duplicate.merged_into_id is not None:
            raise DomainError(f"{duplicate.reference} has already been merged into another entry.")
        if duplicate.status is NominationStatus.WITHDRAWN:
            raise DomainError(f"{duplicate.reference} has been withdrawn, so it cannot be merged.")


def merge_nominations(actor: User, primary: Nomination, duplicates: Sequence[Nomination]) -> list[Nomination]:
    """Merge the duplicates into the primary entry; each keeps its nominator and answers. Returns the duplicates.

    Nominations already merged into a duplicate move to the primary too, so that every merged nomination points
    straight at the entry (one level, never a chain).
    """
    is_organiser.require(actor)
    _lock([primary, *duplicates])
    check_merge(primary, duplicates)
    moved = []
    for duplicate in duplicates:
        for earlier in list(duplicate.merged):
            earlier.merged_into = primary
            moved.append(earlier.reference)
        duplicate.merged_into = primary
    db.session.flush()
    record_event(
        actor,
        "nomination.merged",
        primary,
        edition_id=primary.edition_id,
        category_id=primary.category_id,
        into=primary.reference,
        references=[duplicate.reference for duplicate in duplicates],
        moved_with_them=moved,
    )
    return list(duplicates)


def unmerge_nomination(actor: User, nomination: Nomination) -> Nomination:
    """Undo a merge: the nomination becomes an entry of its own again. Returns the entry it was merged into."""
    is_organiser.require(actor)
    _lock([nomination])
    primary = nomination.merged_into
    if primary is None:
        raise DomainError(f"{nomination.reference} is not merged into another entry.")
    nomination.merged_into = None
    db.session.flush()
    record_event(
        actor,
        "nomination.unmerged",
        nomination,
        edition_id=nomination.edition_id,
        reference=nomination.reference,
        was_merged_into=primary.reference,
    )
    return primary


def _lock(nominations: Sequence[Nomination]) -> None:
    """Reload the rows with a lock (on PostgreSQL), so that two organisers merging at once cannot make a loop."""
    ids = [n.id for n in nominations]
    db.session.scalars(
        select(Nomination)
        .where(Nomination.id.in_(ids))
        .order_by(Nomination.id)  # one order for everyone, so that two merges never wait for each other
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()


def count_duplicate_groups(edition: Edition) -> int:
    """How many groups find_duplicates would show, reading only the names (and emails) it compares."""
    rows = db.session.execute(
        select(Nomination.category_id, Category.nominee_kind, Nomination.nominee_name, Nomination.nominee_email)
        .join(Category, Nomination.category_id == Category.id)
        .where(
            Nomination.edition_id == edition.id,
            Nomination.merged_into_id.is_(None),
            Nomination.status != NominationStatus.WITHDRAWN,
        )
        .order_by(Nomination.submitted_at, Nomination.id)  # the order find_duplicates compares them in
    ).all()
    by_category: dict[int, list[NameForm]] = defaultdict(list)
    for category_id, kind, name, email in rows:
        by_category[category_id].append(NameForm.of(name, email if kind is NomineeKind.PERSON else None))
    return sum(len(group_similar(forms)) for forms in by_category.values())
