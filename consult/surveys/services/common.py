"""Checks every part of the builder shares: written content, web address names, order, conditions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.core.i18n import locale_name, tr
from consult.core.patterns import is_slug
from consult.extensions import db
from consult.surveys.conditions import ConditionError, check
from consult.surveys.errors import SurveyError
from consult.surveys.kinds import is_answerable, option_values
from consult.surveys.models import Survey

TITLE_MAX = 200
TEXT_MAX = 2000


def clean_content(content: Mapping[str, str] | None, max_length: int, field: str) -> dict[str, str]:
    """Text written per language, trimmed, blanks dropped; too long is refused on that language's field."""
    cleaned = {}
    for code, text in (content or {}).items():
        text = (text or "").replace("\x00", "").strip()
        if not text:
            continue
        if len(text) > max_length:
            raise SurveyError(_("%(language)s text must be %(max)s characters or fewer.",
                                language=locale_name(code), max=max_length), f"{field}_{code}")
        cleaned[code] = text
    return cleaned


def require_default(content: dict[str, str], default_locale: str, field: str, what: str) -> None:
    """Every other language falls back to the default one, so it must be written."""
    if not content.get(default_locale):
        raise SurveyError(_("Enter %(what)s in %(language)s.", what=what, language=locale_name(default_locale)),
                          f"{field}_{default_locale}")


def slugify(text: str) -> str:
    """A web address name made from a title: ASCII letters and digits joined by hyphens, never at either end."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].rstrip("-")


def unique_slug(base: str, exclude: Survey | None = None) -> str:
    """A free web address name made from `base`, numbered -2, -3 ... when taken."""
    base = slugify(base) or "survey"
    if len(base) < 2:
        base = f"survey-{base}"
    candidate, n = base, 1
    while True:
        clash = db.session.scalar(select(Survey).where(Survey.slug == candidate))
        if clash is None or clash is exclude:
            return candidate
        n += 1
        candidate = f"{base}-{n}"


def check_slug(slug: str, survey: Survey | None) -> str:
    """A web address name someone typed: the one shape every slug has (core.patterns), not taken by another."""
    slug = (slug or "").strip().lower()
    if not is_slug(slug):
        raise SurveyError(_("The web address name must be 1 to 64 lower-case letters, digits or hyphens, "
                            "like older-people-2027."), "slug")
    clash = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if clash is not None and clash is not survey:
        raise SurveyError(_("Another survey already uses this web address name."), "slug")
    return slug


def actor_id(actor) -> int | None:
    """The person making the change: given, or the one signed in to this request."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    return getattr(actor, "id", None)


def renumber(items: Sequence[Any]) -> None:
    """Positions 0, 1, 2 ... in the order given."""
    for position, item in enumerate(items):
        item.position = position


def check_all_conditions(survey: Survey) -> None:
    """Every condition reads only questions asked before it, and only their real options."""
    earlier: dict[str, tuple[str, frozenset[str] | None]] = {}
    for question in survey.ordered_questions():
        if question.condition:
            try:
                check(question.condition, earlier)
            except ConditionError as exc:
                raise SurveyError(_("“%(question)s”: %(reason)s", question=tr(question.text), reason=str(exc)),
                                  "condition") from None
        if is_answerable(question.kind):
            earlier[question.code] = (question.kind, frozenset(option_values(question)))
