"""flask create-organiser."""
from sqlalchemy import select

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


def test_demo_rebuild_keeps_editions_made_by_hand_and_says_so(runner, db_session):
    from awards_app.core import clock
    from awards_app.programme.models import Edition
    from tests.factories.programme import make_edition

    next_year = clock.now().astimezone().year + 1
    edition = make_edition(year=next_year)
    edition.name = f"Awards {next_year}"
    db_session.commit()
    first = runner.invoke(args=["demo", "--phase", "nominations"])
    second = runner.invoke(args=["demo", "--phase", "nominations"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert f"Kept as they were, because they were made by hand: Awards {next_year} ({next_year})." in second.output
    db_session.expire_all()
    years = sorted(db_session.scalars(select(Edition.year)))
    assert years == [next_year - 1, next_year]


def test_make_run_port_reaches_the_emailed_links():
    """`make run PORT=5123` serves on 5123 and every emailed link says 5123, not 5000."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    commands = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "PORT=5123", "INSTALLED="],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    serve = next(line for line in commands.splitlines() if line.startswith("env") and " run --host " in line)
    assert "PUBLIC_BASE_URL=http://127.0.0.1:5123" in serve and "--port 5123" in serve
    build = next(line for line in commands.splitlines() if line.startswith("env") and " demo --phase " in line)
    assert "PUBLIC_BASE_URL=http://127.0.0.1:5123" in build
