"""Whether a password would be easy to guess: the common-passwords list shipped with the app, the person's own name
and address, and the name of the site.

Attackers try the most common passwords first, often with a year or a "!" added, and then words they know about the
person and the site. Each check compares lowercased text; see awards_app/data/README.md for where the list comes from.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

# Words of the site's name (and of the charity running it) that people build passwords from.
SITE_WORDS = ("selfmanagementawards", "selfmanagement", "management", "awards", "smawards", "alliance")

# What must be left once the person's or the site's words are taken out: fewer letters than this is too little.
LEAST_LETTERS_LEFT = 8

COMMON = "it is one of the most common passwords"
COMMON_WITH_ADDITIONS = "it is a common password with a few characters added"
PERSONAL = "it is too close to your name or email address"
SITE = "it is too close to the name of the awards"
SEQUENCE = "it is a simple run of characters, like 123456789 or qwertyuiop"

# Runs of characters (forwards and backwards, wrapping round) that a password can be a slice of.
_RUNS = tuple(
    run * 3 + run[::-1] * 3
    for run in ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")
)

_NOT_LETTERS_OR_DIGITS = re.compile(r"[\W_]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_REPEATED = re.compile(r"(.+?)\1+")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lowercased (read once per process)."""
    text = resources.files("awards_app").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def guessability_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why this password would be easy to guess (a phrase to follow 'Choose a password that is harder to guess: '),
    or None when it passes every check."""
    lowered = (password or "").lower()
    compact = _compact(lowered)
    for candidate in dict.fromkeys((lowered, compact)):
        problem = _common_problem(candidate)
        if problem:
            return problem
    for words, reason in ((_personal_words(email, name), PERSONAL), (SITE_WORDS, SITE)):
        left = _without(compact, words)
        if left != compact and _too_little_left(left):
            return reason
    return None


def _compact(text: str) -> str:
    """Only the letters and digits: 'Pass word-1' and 'password1' are the same guess."""
    return _NOT_LETTERS_OR_DIGITS.sub("", text)


def _common_problem(candidate: str) -> str | None:
    """Whether a lowercased password is on the list, or is a listed one with digits or symbols around it, or repeats."""
    listed = common_passwords()
    if candidate in listed:
        return COMMON
    if candidate and any(candidate in run for run in _RUNS):
        return SEQUENCE
    core = _EDGES.sub("", candidate)
    if core and core in listed:
        return COMMON_WITH_ADDITIONS
    repeated = _REPEATED.fullmatch(candidate)
    if repeated:
        unit = repeated.group(1)
        if len(unit) < 4 or unit in listed or _EDGES.sub("", unit) in listed:
            return COMMON_WITH_ADDITIONS
    return None


def _personal_words(email: str, name: str) -> list[str]:
    """The address, its parts and the name's parts, as a guesser who knows the person would try them."""
    email = (email or "").strip().lower()
    local, _, domain = email.partition("@")
    words = [_compact(email), _compact(local), _compact(name or "")]
    words += re.split(r"[._+\-]+", local)
    words += (name or "").lower().split()
    if domain:
        words.append(_compact(domain.split(".")[0]))
    return [word for word in (_compact(word) for word in words) if len(word) >= 3]


def _without(compact: str, words) -> str:
    """The password with every occurrence of the words taken out, longest words first."""
    for word in sorted(set(words), key=len, reverse=True):
        compact = compact.replace(word, "")
    return compact


def _too_little_left(left: str) -> bool:
    """What remains once known words are out is short, or is itself a common password."""
    letters = re.sub(r"\d", "", left)
    return len(letters) < LEAST_LETTERS_LEFT or _common_problem(left) is not None


def hash_password(password: str) -> str:
    """The stored form of a password, by the configured method: scrypt, or a cheap one that only the tests set."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash of the configured cost, to check against when there is no account, so that a miss takes as long as a
    hit."""
    return generate_password_hash("not-a-real-password-but-the-same-cost", method=method)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches the stored hash; with no hash, the same work is done and the answer is no."""
    if not stored_hash:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password or "")
        return False
    return check_password_hash(stored_hash, password or "")
