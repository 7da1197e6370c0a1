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
from werkzeug.routing import IntegerConverter

from awards_app.config import load_config
from awards_app.extensions import csrf, db, limiter, login_manager, migrate
from awards_app.web import uploads

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DatabaseIdConverter(IntegerConverter):
    """<int:...> that only matches numbers a database integer column can hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment, with `config` overriding any setting (tests use it)."""
    instance_path = Path(os.environ.get("AWARDS_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
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
    from awards_app.web import error_pages, security_headers, template_helpers

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
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
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
    """Make SQLite honour foreign keys, wait for locks, and run real transactions with savepoints."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy issue BEGIN itself, so that SAVEPOINT and transactional DDL behave (SQLAlchemy docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN")


def _register_blueprints(app: Flask) -> None:
    """Attach one blueprint per audience."""
    from awards_app.web.admin import (  # noqa: F401
        ceremony,
        duplicates,
        judges,
        judging,
        nominations,
        people,  # noqa: F401  (one person's data: export and erasure)
        publication,
        reach,
        security,
        votes,
    )
    from awards_app.web.admin.routes import bp as admin_bp
    from awards_app.web.auth import account, judge_links  # noqa: F401  (routes on the auth blueprint)
    from awards_app.web.auth.routes import bp as auth_bp
    from awards_app.web.consent.routes import bp as consent_bp
    from awards_app.web.judging import final_round, scoring  # noqa: F401  (routes on the judging blueprint)
    from awards_app.web.judging.routes import bp as judging_bp
    from awards_app.web.nominate.routes import bp as nominate_bp
    from awards_app.web.public import shortlist  # noqa: F401  (routes on the public blueprint)
    from awards_app.web.public.routes import bp as public_bp
    from awards_app.web.vote.routes import bp as vote_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(nominate_bp, url_prefix="/nominate")
    app.register_blueprint(consent_bp, url_prefix="/consent")
    app.register_blueprint(vote_bp, url_prefix="/vote")
    app.register_blueprint(judging_bp, url_prefix="/judging")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    if app.config["DEV_MAILBOX"]:
        from awards_app.web.devmail.routes import bp as devmail_bp

        app.register_blueprint(devmail_bp, url_prefix="/dev/mail")
