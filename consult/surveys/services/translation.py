"""How much of a survey each language has, and whether a person has checked it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.core.i18n import enabled_locales
from consult.core.services import record_change
from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.models import Survey


def set_reviewed(survey: Survey, locale: str, reviewed: bool, actor=None) -> None:
    """Record that a person has (or has not) checked this language's translation."""
    if locale not in enabled_locales():
        raise SurveyError(_("Choose one of the options"), "locale")
    before = list(survey.reviewed_locales or [])
    survey.reviewed_locales = sorted(set(before) | {locale}) if reviewed else [c for c in before if c != locale]
    db.session.flush()
    record_change("survey.review", survey, before={"reviewed_locales": before},
                  after={"reviewed_locales": survey.reviewed_locales}, actor=actor)


def content_items(survey: Survey) -> list[tuple[str, dict[str, str], dict[str, str] | None]]:
    """Every piece of text a translator must cover: (what it is, content, easy-read content or None)."""
    items: list[tuple[str, dict[str, str], dict[str, str] | None]] = [
        (_("Survey title"), survey.title, None), (_("Introduction"), survey.intro, survey.easy_intro)]
    for n, section in enumerate(survey.sections, start=1):
        items.append((_("Section %(n)s title", n=n), section.title, None))
        items.append((_("Section %(n)s introduction", n=n), section.intro, section.easy_intro))
        for question in section.questions:
            items.append((_("Question %(code)s", code=question.code), question.text, question.easy_text))
            items.append((_("Question %(code)s hint", code=question.code), question.help, question.easy_help))
            for option in question.options:
                items.append((_("Question %(code)s option %(value)s", code=question.code, value=option.value),
                              option.label, None))
            if question.image_id:
                items.append((_("Question %(code)s picture description", code=question.code), question.image_alt,
                              None))
    return items


def translation_status(survey: Survey) -> dict[str, dict[str, Any]]:
    """Per enabled language: how much of the text written in the default language it has, and easy read."""
    items = [(label, content, easy) for label, content, easy in content_items(survey)
             if (content or {}).get(survey.default_locale)]
    easy_items = [(label, easy) for label, content, easy in items if easy is not None]
    status = {}
    for locale in enabled_locales():
        missing = [label for label, content, _easy in items if not (content or {}).get(locale)]
        done = len(items) - len(missing)
        easy_done = sum(1 for _label, easy in easy_items if (easy or {}).get(locale))
        status[locale] = {
            "total": len(items), "done": done, "percent": round(100 * done / len(items)) if items else 100,
            "missing": missing, "easy_total": len(easy_items), "easy_done": easy_done,
            "reviewed": locale == survey.default_locale or locale in (survey.reviewed_locales or []),
        }
    return status


def is_unreviewed(survey: Survey, locale: str) -> bool:
    """Respondents reading this language are told a person has not checked the translation yet."""
    return locale != survey.default_locale and locale not in (survey.reviewed_locales or [])
