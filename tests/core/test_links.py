"""Signed single-use links: expired, tampered, used, superseded, wrong purpose."""
from datetime import timedelta

import pytest

from awards_app.core.links import LinkProblem, check_link, issue_link, use_link
from tests.factories.programme import make_edition


@pytest.fixture
def subject(db_session, clock):
    return make_edition()


def test_a_fresh_link_checks_out_and_checking_uses_nothing(subject, clock):
    token = issue_link("resume", subject, clock.now() + timedelta(days=1))
    assert check_link("resume", token).subject_id == subject.id
    assert check_link("resume", token).subject_id == subject.id  # opening twice is fine
    assert use_link("resume", token).subject_id == subject.id


def test_a_used_link_is_refused(subject, clock):
    token = issue_link("resume", subject, clock.now() + timedelta(days=1))
    use_link("resume", token)
    for attempt in (check_link, use_link):
        with pytest.raises(LinkProblem) as problem:
            attempt("resume", token)
        assert problem.value.reason == "used"


def test_an_expired_link_is_refused(subject, clock):
    token = issue_link("resume", subject, clock.now() + timedelta(hours=24))
    clock.advance(hours=24)
    with pytest.raises(LinkProblem) as problem:
        check_link("resume", token)
    assert problem.value.reason == "expired"


def test_a_newer_link_replaces_the_older(subject, clock):
    older = issue_link("resume", subject, clock.now() + timedelta(days=1))
    newer = issue_link("resume", subject, clock.now() + timedelta(days=1))
    with pytest.raises(LinkProblem) as problem:
        check_link("resume", older)
    assert problem.value.reason == "superseded"
    assert check_link("resume", newer)


def test_links_can_be_kept_side_by_side(subject, clock):
    first = issue_link("resume", subject, clock.now() + timedelta(days=1), replace_older=False)
    second = issue_link("resume", subject, clock.now() + timedelta(days=1), replace_older=False)
    assert check_link("resume", first) and check_link("resume", second)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: t[: len(t) // 2], lambda t: "", lambda t: "x" * 500])
def test_a_tampered_or_truncated_link_is_refused(subject, clock, mangle):
    token = issue_link("resume", subject, clock.now() + timedelta(days=1))
    with pytest.raises(LinkProblem) as problem:
        check_link("resume", mangle(token))
    assert problem.value.reason == "tampered"


def test_a_link_for_one_purpose_does_not_work_for_another(subject, clock):
    token = issue_link("consent", subject, clock.now() + timedelta(days=1))
    with pytest.raises(LinkProblem) as problem:
        check_link("resume", token)
    assert problem.value.reason == "tampered"


def test_links_survive_a_key_rotation(app, subject, clock, monkeypatch):
    token = issue_link("resume", subject, clock.now() + timedelta(days=1))
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [app.config["SECRET_KEY"]])
    monkeypatch.setitem(app.config, "SECRET_KEY", "a brand new secret key")
    assert check_link("resume", token)
