"""consult: stakeholder consultation for health and social care commissioning."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from flask import Flask, render_template
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine

from consult import config as config_module
from consult.extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """The one app factory: settings from the environment, overridden by `config`."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder="static")
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    _init_i18n(app)
    _init_login(app)
    _register_blueprints(app)
    _domain_modules("tasks")  # each domain's job kinds register with consult.jobs.registry as it is imported
    _register_errors(app)
    _register_template_helpers(app)

    from consult.cli import register_commands

    register_commands(app)
    return app


def _init_i18n(app: Flask) -> None:
    from consult.core.i18n import remember_switch, select_locale

    babel.init_app(app, locale_selector=select_locale)
    app.after_request(remember_switch)


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    # Every model is imported here so that metadata (create_all, migrations) sees the whole schema.
    from consult import models  # noqa: F401
    from consult.accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))


#: Domain packages, each with a `views.py` holding a blueprint named `bp`.
DOMAINS = ("core", "accounts", "localities", "consultations", "voting", "surveys", "commissioning", "reports",
           "notifications", "invitations", "mail", "jobs")


def _domain_modules(room: str) -> list:
    """Each domain's module `room` (views, tasks, permissions), for those domains that have one."""
    from importlib import import_module
    from importlib.util import find_spec

    return [import_module(f"consult.{domain}.{room}") for domain in DOMAINS
            if find_spec(f"consult.{domain}.{room}") is not None]


def _register_blueprints(app: Flask) -> None:
    for views in _domain_modules("views"):
        app.register_blueprint(views.bp)


def _permissions_namespace() -> SimpleNamespace:
    """Every domain's predicates under one name, `perm`, for templates (`perm.can_manage_consultation(...)`)."""
    predicates = {}
    for module in _domain_modules("permissions"):
        predicates.update({name: value for name, value in vars(module).items()
                           if name.startswith(("can_", "is_")) and callable(value)})
    return SimpleNamespace(**predicates)


def _register_errors(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def render_error(status: int, description: str | None = None):
        return render_template("core/error.html", status=status, description=description), status

    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, lambda exc, status=status: render_error(
            status, getattr(exc, "description", None) if status == 400 else None))
    app.register_error_handler(CSRFError, lambda exc: render_error(400, "csrf"))
    app.register_error_handler(500, lambda exc: render_error(500))


def _register_template_helpers(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from consult.core import i18n
    from consult.core.models import utcnow
    from consult.core.web import url_for_locale

    WTFormsHelpers(app)
    perm = _permissions_namespace()
    app.add_template_filter(i18n.tr, "tr")
    app.add_template_filter(i18n.tr_markup, "trl")
    app.add_template_global(i18n.missing_locales)
    app.add_template_filter(i18n.localtime, "localtime")
    app.add_template_global(utcnow, "now")

    @app.context_processor
    def inject():
        locale = i18n.current_locale()
        return {
            "current_locale": locale,
            "text_direction": i18n.text_direction(locale),
            "enabled_locales": i18n.enabled_locales(),
            "locale_name": i18n.locale_name,
            "url_for_locale": url_for_locale,
            "perm": perm,
        }


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, let readers and a writer work together, wait instead of failing."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy, not the driver, start transactions, so SAVEPOINT works (tests roll back per test).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
