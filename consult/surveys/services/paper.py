"""Paper forms typed in by staff: audited with the person who entered them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from consult.core.i18n import enabled_locales, tr
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality
from consult.surveys import flow
from consult.surveys.errors import AnswerError, SurveyError
from consult.surveys.models import ResponseStatus, Survey, SurveyResponse
from consult.surveys.services.answering import (
    apply_profile,
    clean_answers,
    clean_profile,
    start_response,
    steps,
    week_or_day,
)


def _outside(locality: Locality | None, localities: list[Locality] | None) -> dict[str, str]:
    if localities is None or locality is None or locality in localities:
        return {}
    return {"locality": _("You can enter forms only for the areas where you facilitate a planning group: "
                          "%(areas)s.", areas=", ".join(tr(loc.name) for loc in localities))}


def enter_paper_response(survey: Survey, raw: Mapping[str, Sequence[str]], *, locale: str, actor,
                         localities: list[Locality] | None = None, now: datetime | None = None) -> SurveyResponse:
    """Type in a paper form: answers are checked like on the web, but blanks are allowed (people skip
    questions on paper). Answers to questions that the form's own answers hide are not kept. `localities`,
    when given, are the only areas this person keys forms in for."""
    now = now or utcnow()
    if survey.consultation is not None and survey.consultation.status.is_published:
        raise SurveyError(_("The results of this consultation are published, so no more answers can be added."))
    if locale not in enabled_locales():
        raise AnswerError({"locale": _("Choose one of the options")})
    errors: dict[str, str] = {}
    answers: dict[str, Any] = {}
    try:
        answers = clean_answers(survey.ordered_questions(), raw, require=False)
    except AnswerError as exc:
        errors.update(exc.errors)
    cleaned_profile = None
    if survey.ask_about_you:
        try:
            cleaned_profile = clean_profile(survey, raw)
        except AnswerError as exc:
            errors.update(exc.errors)
        else:
            errors.update(_outside(cleaned_profile["locality"], localities))
    if errors:
        raise AnswerError(errors)
    response = start_response(survey, locale=locale, channel="paper", now=now)
    response.entered_by_id = getattr(actor, "id", None)
    response.answers = flow.effective_answers(steps(survey), answers)
    if cleaned_profile:
        apply_profile(response, cleaned_profile)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_on = week_or_day(survey, now)
    db.session.flush()
    record_change("survey_response.paper", response, after={"reference": response.reference,
                                                            "survey": survey.id,
                                                            "answers": len(response.answers)},
                  actor=actor, channel="paper")
    return response
