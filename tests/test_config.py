"""Settings: development defaults, and production refusing to start without what it needs."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from awards_app.config import REQUIRED_IN_PRODUCTION, ConfigError, load_config

PROJECT = Path(__file__).resolve().parents[1]

PRODUCTION = {
    "AWARDS_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "DATABASE_URL": "postgresql://awards@db.internal/awards",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "MAIL_SERVER": "smtp.internal",
    "MAIL_PORT": "587",
    "MAIL_DEFAULT_SENDER": "awards@alliance-scotland.org.uk",
    "PUBLIC_BASE_URL": "https://awards.example.org/",
}


def test_development_defaults(tmp_path):
    config = load_config(tmp_path, env={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'awards.db'}"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["MAIL_BACKEND"] == "devmail"
    assert config["DEV_MAILBOX"] is True
    assert config["SESSION_COOKIE_SECURE"] is False
    # The development secret is random and kept, so sessions survive a restart.
    assert len(config["SECRET_KEY"]) > 40
    assert load_config(tmp_path, env={})["SECRET_KEY"] == config["SECRET_KEY"]


def test_production_with_everything(tmp_path):
    config = load_config(tmp_path, env=PRODUCTION)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://awards@db.internal/awards"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/0"
    assert config["MAIL_BACKEND"] == "smtp"
    assert config["DEV_MAILBOX"] is False
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["HSTS_SECONDS"] >= 31536000
    assert config["PUBLIC_BASE_URL"] == "https://awards.example.org"
    assert config["TRUSTED_PROXIES"] == 0


@pytest.mark.parametrize("missing", REQUIRED_IN_PRODUCTION)
def test_production_names_each_missing_setting(tmp_path, missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, env=env)
    assert missing in str(error.value.code)


def test_production_refuses_memory_rate_limits(tmp_path):
    with pytest.raises(ConfigError, match="memory storage is refused"):
        load_config(tmp_path, env={**PRODUCTION, "REDIS_URL": "memory://"})


def test_production_refuses_sqlite(tmp_path):
    with pytest.raises(ConfigError, match="PostgreSQL"):
        load_config(tmp_path, env={**PRODUCTION, "DATABASE_URL": "sqlite:///awards.db"})


def test_bad_number_is_named(tmp_path):
    with pytest.raises(ConfigError, match="MAIL_PORT must be a whole number"):
        load_config(tmp_path, env={**PRODUCTION, "MAIL_PORT": "twenty-five"})


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="AWARDS_ENV"):
        load_config(tmp_path, env={"AWARDS_ENV": "staging"})


def _run(args, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update({"AWARDS_ENV": "production", "AWARDS_INSTANCE_PATH": str(tmp_path)})
    return subprocess.run(args, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60)


def test_flask_command_stops_with_a_message_not_a_traceback(tmp_path):
    result = _run([sys.executable, "-m", "flask", "--app", "awards_app", "routes"], tmp_path)
    assert result.returncode != 0
    assert "production mode needs these settings" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_gunicorn_stops_with_a_message_not_a_traceback(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = _run([str(gunicorn), "--bind", "127.0.0.1:0", "wsgi:app"], tmp_path)
    assert result.returncode == 3  # gunicorn's "worker failed to boot": it stops instead of respawning
    assert "production mode needs these settings" in result.stderr
    assert "Traceback" not in result.stderr
