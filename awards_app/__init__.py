"""The awards app: create_app() builds it from settings, extensions and blueprints."""
from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import pkgutil
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from awards_app.config import load_config
from awards_app.extensions import csrf, db, limiter, login_manager, migrate
from awards_app.web import uploads
from awards_app.web.database_ids import DatabaseIdConverter

PACKAGE_FOLDER = Path(__file__).resolve().parent


def _app_files_folder() -> Path:
    """The folder holding templates/, static/ and migrations/: the installed package, or the top of a checkout.

    The repository keeps them beside awards_app/ (the layout the design card draws) and the wheel maps them into the
    package (pyproject.toml), so an installed app finds them in its own folder and a checkout one folder up.
    """
    return PACKAGE_FOLDER if (PACKAGE_FOLDER / "templates").is_dir() else PACKAGE_FOLDER.parent


def _default_instance_folder() -> Path:
    """Where the database and secret live unless AWARDS_INSTANCE_PATH says: the checkout's instance/, or the cwd's."""
    # A checkout keeps instance/ at its top, where `make run` builds the database. An installed app's package folder
    # is in site-packages (shared, often read-only, replaced on upgrade), so it uses the working directory's instance/.
    app_files = _app_files_folder()
    return Path.cwd() / "instance" if app_files == PACKAGE_FOLDER else app_files / "instance"


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment, with `config` overriding any setting (tests use it)."""
    instance_path = Path(os.environ.get("AWARDS_INSTANCE_PATH") or _default_instance_folder())
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(_app_files_folder() / "templates"),
        static_folder=str(_app_files_folder() / "static"),
    )
    app.config.update(load_config(instance_path))
    app.config.update(config or {})
    _configure_logging(app)

    if app.config["TRUSTED_PROXIES"] > 0:
        hops = app.config["TRUSTED_PROXIES"]
        # Believe exactly as many X-Forwarded-* hops as there are proxies of ours; more would let clients pick.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # Ids in URLs are database integers: a larger number can name nothing, so it is a 404 at routing.
    app.url_map.converters["int"] = DatabaseIdConverter
    uploads.register(app)  # before the CSRF check, whose error pages draw the form again from what was sent
    _init_extensions(app)
    _register_blueprints(app)

    from awards_app import cli
    from awards_app.web import error_pages, security_headers, sessions, template_helpers
    from awards_app.web.caching import early_polls

    sessions.register(app)
    early_polls.register(app)
    error_pages.register(app)
    security_headers.register(app)
    template_helpers.register(app)
    cli.register(app)
    return app


def _configure_logging(app: Flask) -> None:
    """Show the app's INFO lines (such as mail handed to the development mailbox) when nothing else set logging up."""
    logging.getLogger("awards_app").setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _init_extensions(app: Flask) -> None:
    """Wire the database, migrations, CSRF, rate limits and sign-in into the app."""
    register_models()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_app_files_folder() / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the sign-in session table does this job

    @login_manager.user_loader
    def load_user(token: str):
        from sqlalchemy.exc import SQLAlchemyError

        from awards_app.accounts.users import user_for_session
        from awards_app.web.security_headers import note_signed_in_request

        note_signed_in_request()  # whatever the view does, its answer is not to be kept
        try:
            return user_for_session(token)
        except SQLAlchemyError:
            # With the database down, treat the visitor as signed out so the 503 page itself can render.
            db.session.rollback()
            return None

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _tune_sqlite(db.engine)


def register_models() -> None:
    """Import every domain's models module, so that each table is known before queries or migrations look.

    Found by walking the package rather than listed, so a new domain's tables register without editing a list here.
    """
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg and importlib.util.find_spec(f"{__name__}.{module.name}.models"):
            importlib.import_module(f"{__name__}.{module.name}.models")


def _tune_sqlite(engine) -> None:
    """Make SQLite honour foreign keys, hold concurrent writers, and run real transactions with savepoints."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy issue BEGIN itself, so that SAVEPOINT and transactional DDL behave (SQLAlchemy docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Wait up to five seconds for another connection's lock instead of failing at once (set before journal_mode,
        # whose first switch to WAL needs the database to itself).
        cursor.execute("PRAGMA busy_timeout=5000")
        # Write-ahead log: a commit never waits for readers, nor a reader outside a transaction for the writer.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # IMMEDIATE takes the write lock when the transaction begins, waiting for it as long as busy_timeout allows.
        # A plain (deferred) BEGIN takes it at the first write, and a transaction that has read by then cannot wait:
        # SQLite fails it at once with SQLITE_BUSY, so simultaneous sign-ins became 503 pages. The price: every
        # transaction, a read-only request's too, waits its turn for the one writer. That suits the embedded
        # development database; production runs on PostgreSQL. The tests' rolled-back transaction per test
        # (tests/conftest.py) begins here too, and its savepoints run inside it as before.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _register_blueprints(app: Flask) -> None:
    """Attach one blueprint per audience at its address (each package makes its blueprint and imports its routes)."""
    from awards_app.web import admin, auth, consent, judging, nominate, public, vote

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(nominate.bp, url_prefix="/nominate")
    app.register_blueprint(consent.bp, url_prefix="/consent")
    app.register_blueprint(vote.bp, url_prefix="/vote")
    app.register_blueprint(judging.bp, url_prefix="/judging")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    if app.config["DEV_MAILBOX"]:
        from awards_app.web import devmail

        app.register_blueprint(devmail.bp, url_prefix="/dev/mail")
