"""flask create-organiser."""
from awards_app.accounts.users import authenticate


def test_create_organiser_from_the_environment(runner, monkeypatch, db_session):
    monkeypatch.setenv("AWARDS_ORGANISER_PASSWORD", "a long enough password")
    result = runner.invoke(args=["create-organiser", "Mhairi@Example.org", "--name", "Mhairi"])
    assert result.exit_code == 0, result.output
    assert "Organiser mhairi@example.org created" in result.output
    user = authenticate("mhairi@example.org", "a long enough password")
    assert user is not None and user.is_organiser and user.name == "Mhairi"


def test_create_organiser_from_a_prompt(runner, monkeypatch, db_session):
    monkeypatch.delenv("AWARDS_ORGANISER_PASSWORD", raising=False)
    result = runner.invoke(args=["create-organiser", "prompt@example.org"], input="typed at the prompt\ntyped at the prompt\n")
    assert result.exit_code == 0, result.output
    assert authenticate("prompt@example.org", "typed at the prompt") is not None


def test_short_password_is_refused_plainly(runner, monkeypatch, db_session):
    monkeypatch.setenv("AWARDS_ORGANISER_PASSWORD", "short")
    result = runner.invoke(args=["create-organiser", "short@example.org"])
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert "Traceback" not in result.output


def test_bad_address_and_duplicates_are_refused(runner, monkeypatch, db_session):
    monkeypatch.setenv("AWARDS_ORGANISER_PASSWORD", "a long enough password")
    assert "Enter a valid email address" in runner.invoke(args=["create-organiser", "not-an-address"]).output
    runner.invoke(args=["create-organiser", "twice@example.org"])
    result = runner.invoke(args=["create-organiser", "twice@example.org"])
    assert result.exit_code == 1 and "already an account" in result.output


def test_demo_is_never_built_in_production(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "AWARDS_ENV", "production")
    result = runner.invoke(args=["demo", "--phase", "voting"])
    assert result.exit_code == 1
    assert "not built in production" in result.output


def test_demo_refusal_is_a_plain_message(runner, db_session):
    from awards_app.core import clock
    from tests.factories.programme import make_edition

    make_edition(year=clock.now().astimezone().year)
    db_session.commit()
    result = runner.invoke(args=["demo", "--phase", "nominations"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Error:" in result.output
