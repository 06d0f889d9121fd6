"""What the survey pages share: the helpers templates call (a survey's public address, content in the reader's
language, an answer or the options as text), a condition in words, refusing with 403, the staff's survey by
its id, and a posted form's values to show back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from consult.core.i18n import current_locale, tr, tr_markup
from consult.extensions import db
from consult.surveys import kinds
from consult.surveys.conditions import describe
from consult.surveys.models import Survey, SurveyQuestion
from consult.surveys.permissions import can_manage_survey
from consult.surveys.services import answering
from consult.surveys.views import bp


def require(allowed: bool) -> None:
    """Refuse with 403 whoever the page's permission predicate does not allow."""
    if not allowed:
        abort(403)


@bp.app_template_global()
def survey_url(survey: Survey, name: str, **values) -> str:
    """The public address of a survey page: /c/<consultation>/survey/... or /s/<survey>/..."""
    if survey.consultation is not None:
        return url_for(f"surveys.{name}", scope="c", slug=survey.consultation.slug, **values)
    return url_for(f"surveys.{name}", scope="s", slug=survey.slug, **values)


@bp.app_template_global()
def survey_text(normal: dict | None, easy: dict | None = None, easy_mode: bool = False,
                fallback: str | None = None) -> Markup:
    """Content in the reader's language, the easy-read version when asked for and written; fallback marked."""
    locale = current_locale()
    if easy_mode and (easy or {}).get(locale):
        return escape(easy[locale])
    if (normal or {}).get(locale):
        return escape(normal[locale])
    if easy_mode and easy:
        return tr_markup(easy, fallback)
    return tr_markup(normal, fallback)


@bp.app_template_global()
def survey_answer_text(question: SurveyQuestion, value: Any) -> str:
    return kinds.answer_text(question, value)


@bp.app_template_global()
def survey_options(question: SurveyQuestion, easy_mode: bool = False) -> list[tuple[str, Markup]]:
    """(value, label) for each option, in the reader's language."""
    if question.kind in kinds.FIXED_VALUES:
        labels = kinds.builtin_option_labels()
        return [(v, escape(labels[v])) for v in kinds.option_values(question)]
    fallback = question.survey.default_locale
    return [(o.value, survey_text(o.label, o.easy_label, easy_mode, fallback)) for o in question.options]


def condition_text(survey: Survey, condition: dict | None) -> str:
    by_code = answering.questions_by_code(survey)
    words = {"and": _("and"), "or": _("or"), "not": _("not"), "eq": _("is"), "ne": _("is not"),
             "gt": _("is more than"), "ge": _("is at least"), "lt": _("is less than"), "le": _("is at most"),
             "selected": _("includes"), "answered": _("is answered")}
    return describe(condition,
                    lambda code: tr(by_code[code].text, None, survey.default_locale) if code in by_code else code,
                    lambda code, value: kinds.option_label(by_code[code], value) if code in by_code else value,
                    words)


def survey_or_404(survey_id: int, may: Callable[[Any, Survey], bool] = can_manage_survey) -> Survey:
    """The survey a staff page works on, for those `may` allows (by default, those who manage it)."""
    survey = db.get_or_404(Survey, survey_id)
    require(may(current_user, survey))
    return survey


def values_from_raw(questions, raw) -> dict[str, Any]:
    """What was posted, shaped as the templates show answers, so a refused page keeps what was typed."""
    return {question.code: kinds.posted_value(question, raw) for question in questions}
