"""Settings read from the environment, with embedded defaults for development only."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_DEFAULT_SENDER",
    "PUBLIC_BASE_URL",
)


class ConfigError(SystemExit):
    """A setting is missing or wrong; exits with a plain message instead of a traceback."""

    def __init__(self, message: str):
        super().__init__(f"awards app: {message}")


def _flag(value: str | None, default: bool = False) -> bool:
    """Read a yes/no environment value."""
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict, name: str, default: int) -> int:
    """Read a whole number, naming the setting when it is not one."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None


def _days(env: dict, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Read a list of whole numbers of days from 1 up ("3,1"), naming the setting when it is not one."""
    raw = env.get(name)
    if raw is None:
        return default
    try:
        days = tuple(int(day) for day in raw.split(",") if day.strip())
    except ValueError:
        days = (0,)
    if any(day < 1 for day in days):
        raise ConfigError(f"{name} must list whole numbers of days, like 3,1, not {raw!r}.")
    return days


def _sqlalchemy_url(url: str) -> str:
    """Point PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(database_url: str) -> dict:
    """Engine settings that let the app ride out a database restart without being restarted itself."""
    # pool_pre_ping tests each pooled connection before use, so connections cut by a restart are replaced.
    options: dict = {"pool_pre_ping": True}
    if database_url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        # A server that does not answer should cost a request a few seconds (then a 503), not the minutes of the
        # kernel's TCP timeout; keepalives notice a connection that went silent in the middle of a query.
        options["connect_args"] = {
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }
    return options


def _development_secret(instance_path: Path) -> str:
    """Keep one random development secret in instance/, so sessions survive restarts."""
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(instance_path: Path, env: dict | None = None) -> dict:
    """Build the Flask settings for this environment, refusing an incomplete production set-up."""
    env = dict(os.environ if env is None else env)
    awards_env = env.get("AWARDS_ENV", "development").strip().lower()
    if awards_env not in {"development", "production"}:
        raise ConfigError(f"AWARDS_ENV must be 'development' or 'production', not {awards_env!r}.")
    production = awards_env == "production"

    if production:
        missing = [name for name in REQUIRED_IN_PRODUCTION if not env.get(name)]
        if missing:
            raise ConfigError(
                "production mode needs these settings, which are not set: "
                + ", ".join(missing)
                + ". See the configuration table in README.md."
            )
        if env["REDIS_URL"].startswith("memory://"):
            raise ConfigError("REDIS_URL must name a Redis server in production; memory storage is refused.")
        if not env["DATABASE_URL"].startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
            raise ConfigError("DATABASE_URL must be a PostgreSQL URL in production.")

    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'awards.db'}"
    redis_url = env.get("REDIS_URL", "")

    config = {
        "AWARDS_ENV": awards_env,
        "SECRET_KEY": env.get("SECRET_KEY") or _development_secret(instance_path),
        # How passwords are hashed (werkzeug's method). Not read from the environment: only the tests' own
        # create_app(config) sets a cheap one, so that making a test account costs microseconds instead of scrypt's 0.17 s.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Older keys still accepted while links and sessions signed with them age out (comma-separated).
        "SECRET_KEY_FALLBACKS": [key for key in env.get("SECRET_KEY_FALLBACKS", "").split(",") if key.strip()],
        "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # The secret pepper of voter keys (HMAC of the canonical address); derived from SECRET_KEY when unset.
        "VOTER_KEY_PEPPER": env.get("VOTER_KEY_PEPPER") or None,
        "VOTE_LINK_HOURS": _int(env, "VOTE_LINK_HOURS", 24),
        "VOTE_NETWORK_RETENTION_DAYS": _int(env, "VOTE_NETWORK_RETENTION_DAYS", 30),
        # Days after the ceremony before `flask purge` removes nominators' names and contact details.
        "NOMINATION_CONTACT_RETENTION_DAYS": _int(env, "NOMINATION_CONTACT_RETENTION_DAYS", 30),
        # Days an email stays in the outbox after it was sent or given up on (to check delivery, or retry).
        "OUTBOX_RETENTION_DAYS": _int(env, "OUTBOX_RETENTION_DAYS", 7),
        # The emails the public can cause, per inbox (core/mail_budget.py): an hour's and a day's worth.
        "RECIPIENT_EMAILS_PER_HOUR": _int(env, "RECIPIENT_EMAILS_PER_HOUR", 5),
        "RECIPIENT_EMAILS_PER_DAY": _int(env, "RECIPIENT_EMAILS_PER_DAY", 20),
        # Days before the judging deadline when judges with work left are reminded by email ("3,1"; "" for none).
        "JUDGING_REMINDER_DAYS": _days(env, "JUDGING_REMINDER_DAYS", (3, 1)),
        # Seconds a public page is kept in each worker's memory for visitors with an empty session (page_cache.py).
        "PAGE_CACHE_SECONDS": _int(env, "PAGE_CACHE_SECONDS", 2),
        # Seconds a worker answers /results polls from the results version it last read (web/public/results.py).
        "RESULTS_STAMP_SECONDS": float(env.get("RESULTS_STAMP_SECONDS") or 0.5),
        # Seconds a worker keeps the site settings it last read (site_settings/current.py): a change made through
        # another server shows here within this time.
        "SITE_SETTINGS_SECONDS": _int(env, "SITE_SETTINGS_SECONDS", 10),
        "MAIL_BACKEND": "smtp" if production else env.get("MAIL_BACKEND", "devmail"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": _int(env, "MAIL_PORT", 1025),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Self Management Awards <awards@example.org>"),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        # Every organiser signs in with a code from an authenticator app after the password (accounts/two_factor.py).
        # A setting of the site, not of an edition, so that it cannot lapse when next year's edition opens.
        "ORGANISERS_NEED_TWO_FACTOR": _flag(env.get("ORGANISERS_NEED_TWO_FACTOR"), default=production),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 500 * 1024,
        "WTF_CSRF_TIME_LIMIT": 3600,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # The __Host- prefix pins the cookie to this host over HTTPS; browsers refuse it over plain HTTP.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "HSTS_SECONDS": 31536000 if production else 0,
        "DEV_MAILBOX": not production,
    }
    return config
