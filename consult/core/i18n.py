"""Choosing the interface language, and reading content stored per locale."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, g, has_request_context, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from consult.config import KNOWN_LOCALES

LANG_COOKIE = "lang"


def enabled_locales() -> list[str]:
    return list(current_app.config["LOCALES"])


def select_locale() -> str:
    """?lang= → this session's explicit choice → the user's preference → cookie → Accept-Language."""
    if not has_request_context():  # a job, command or e-mail: force_locale() says which, else the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    enabled = enabled_locales()
    asked = request.args.get("lang")
    if asked in enabled:
        g.switched_locale = asked
        return asked
    chosen = session.get(LANG_COOKIE)
    if chosen in enabled:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_locale in enabled:
        return current_user.preferred_locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in enabled:
        return cookie
    return request.accept_languages.best_match(enabled) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_switch(response):
    """Make a ?lang= switch stick for this session and, by cookie, for the next visit."""
    switched = g.get("switched_locale")
    if switched:
        session[LANG_COOKIE] = switched
        response.set_cookie(LANG_COOKIE, switched, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


def current_locale() -> str:
    """The interface language now: the request's, or the one forced for a job or e-mail (force_locale)."""
    locale = get_locale()
    return str(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction(locale: str | None = None) -> str:
    return KNOWN_LOCALES.get(locale or current_locale(), {}).get("dir", "ltr")


def pick(content: Mapping[str, str] | None, locale: str | None = None,
         fallback: str | None = None) -> tuple[str, str | None]:
    """The content in `locale`, else in `fallback`, else in the site default, else any; with the locale used."""
    if not content:
        return "", None
    order = [locale or current_locale(), fallback, current_app.config["BABEL_DEFAULT_LOCALE"]]
    for code in order:
        if code and content.get(code):
            return content[code], code
    code, text = next(((k, v) for k, v in sorted(content.items()) if v), (None, ""))
    return text, code


def tr(content: Mapping[str, str] | None, locale: str | None = None, fallback: str | None = None) -> str:
    """Content text for the reader's language with fallback (DESIGN section 7)."""
    return pick(content, locale, fallback)[0]


def tr_markup(content: Mapping[str, str] | None, fallback: str | None = None) -> Markup:
    """Like tr(), but a fallback in another language is wrapped in lang/dir so screen readers switch voice."""
    locale = current_locale()
    text, used = pick(content, locale, fallback)
    if used and used != locale:
        return Markup('<span lang="{}" dir="{}">{}</span>').format(used, text_direction(used), text)
    return escape(text)


def missing_locales(content: Mapping[str, str] | None) -> list[str]:
    """Enabled locales that this content has no text for (shown to people who translate)."""
    content = content or {}
    return [code for code in enabled_locales() if not (content.get(code) or "").strip()]


def locale_name(code: str) -> str:
    return KNOWN_LOCALES.get(code, {}).get("name", code)


def localtime(moment, format: str = "d MMMM yyyy, HH:mm") -> str:
    """A stored UTC moment as UK wall-clock time, with month names in the reader's language."""
    if moment is None:
        return ""
    return format_datetime(moment, format)
