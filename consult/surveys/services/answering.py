"""Answering a survey on the web: page by page, the optional "about you" questions, then sending.

Answers to anonymous surveys are kept with no user, no address and no time of day (only the Monday of the
week), and no audit event links a web response to anyone.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.i18n import enabled_locales, tr
from consult.core.models import utcnow
from consult.extensions import db
from consult.surveys import flow, kinds, profile
from consult.surveys.errors import AnswerError, SurveyError
from consult.surveys.kinds import field_name
from consult.surveys.models import ResponseStatus, Survey, SurveyQuestion, SurveyResponse
from consult.surveys.services.finding import localities_for, stakeholder_groups_for

#: Letters and digits that cannot be mistaken for one another when read aloud or written down.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def steps(survey: Survey) -> list[flow.Step]:
    return [flow.Step(q.code, q.section_id, q.condition) for q in survey.ordered_questions()]


def pages(survey: Survey) -> list[flow.Page]:
    return flow.paginate(steps(survey))


def questions_by_code(survey: Survey) -> dict[str, SurveyQuestion]:
    return {q.code: q for q in survey.ordered_questions()}


def week_or_day(survey: Survey, now: datetime) -> date:
    day = now.date()
    return day - timedelta(days=day.weekday()) if survey.anonymous else day


def new_reference() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        reference = f"SV-{raw[:4]}-{raw[4:]}"
        if db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.reference == reference)) is None:
            return reference


def start_response(survey: Survey, *, locale: str, easy_read: bool = False, user=None, channel: str = "web",
                   now: datetime | None = None) -> SurveyResponse:
    """Begin answering. Anonymous surveys keep no user; a named survey takes one response per person."""
    now = now or utcnow()
    if channel == "web" and not survey.accepts_responses(now):
        raise SurveyError(_("This survey is not open for answers."))
    user_id = None
    if not survey.anonymous and user is not None and getattr(user, "is_authenticated", False):
        user_id = user.id
        existing = db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                                  SurveyResponse.user_id == user_id))
        if existing is not None:
            return existing
    response = SurveyResponse(survey=survey, reference=new_reference(), status=ResponseStatus.IN_PROGRESS,
                              channel=channel,
                              locale=locale if locale in enabled_locales() else survey.default_locale,
                              easy_read=bool(easy_read), user_id=user_id, answers={},
                              started_on=week_or_day(survey, now))
    db.session.add(response)
    db.session.flush()
    return response


def question_name(question: SurveyQuestion) -> str:
    text = tr(question.text, None, question.survey.default_locale)
    return text if len(text) <= 90 else text[:87] + "…"


def clean_answer(question: SurveyQuestion, raw: Mapping[str, Sequence[str]], *, require: bool) -> Any:
    """One answer from the submitted form, or None when left blank (see consult.surveys.kinds.clean_answer)."""
    return kinds.clean_answer(question, raw, require=require, label=question_name(question))


def clean_answers(questions: Sequence[SurveyQuestion], raw: Mapping[str, Sequence[str]], *,
                  require: bool) -> dict[str, Any]:
    """Answers to these questions; AnswerError lists every problem at once, in page order."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        try:
            value = clean_answer(question, raw, require=require)
        except SurveyError as exc:
            errors[exc.field] = str(exc)
            continue
        if value is not None:
            answers[question.code] = value
    if errors:
        raise AnswerError(errors)
    return answers


def page_questions(survey: Survey, response_answers: Mapping[str, Any], index: int) -> list[SurveyQuestion]:
    """The questions shown on page `index`, given the answers so far."""
    all_pages = pages(survey)
    if not 0 <= index < len(all_pages):
        return []
    shown = set(flow.visible_codes(steps(survey), response_answers))
    by_code = questions_by_code(survey)
    return [by_code[code] for code in all_pages[index].codes if code in shown]


def _check_still_answering(response: SurveyResponse, now: datetime | None) -> None:
    """Answers can change until they are sent, and, on the web, only while the survey is open."""
    if response.status != ResponseStatus.IN_PROGRESS:
        raise SurveyError(_("These answers have already been sent."))
    if response.channel == "web" and not response.survey.accepts_responses(now):
        raise SurveyError(_("This survey is not open for answers."))


def save_page(response: SurveyResponse, index: int, raw: Mapping[str, Sequence[str]], *, require: bool = True,
              now: datetime | None = None) -> None:
    """Keep the answers given on one page (all or nothing) and forget answers to questions now hidden."""
    survey = response.survey
    _check_still_answering(response, now)
    questions = page_questions(survey, response.answers or {}, index)
    given = clean_answers(questions, raw, require=require)
    answers = {k: v for k, v in (response.answers or {}).items() if k not in {q.code for q in questions}}
    answers.update(given)
    response.answers = flow.effective_answers(steps(survey), answers)
    db.session.flush()


def _profile_choice(field: str, value: str | None, allowed: Sequence[str]) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise SurveyError(_("Choose one of the options"), field)
    return value


def clean_profile(survey: Survey, raw: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The "about you" answers (every one optional); tampered values are refused."""
    first = {name: (raw.get(name) or [""])[0] for name in profile.FIELDS}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    groups = {g.code: g for g in stakeholder_groups_for(survey)}
    places = {loc.code: loc for loc in localities_for(survey)}
    for name in profile.FIELDS:
        allowed = (list(groups) if name == "stakeholder_group" else list(places) if name == "locality"
                   else [code for code, _label in profile.FIXED[name]])
        try:
            cleaned[name] = _profile_choice(name, first[name], allowed)
        except SurveyError as exc:
            errors[name] = str(exc)
    if errors:
        raise AnswerError(errors)
    cleaned["stakeholder_group"] = groups.get(cleaned["stakeholder_group"])
    cleaned["locality"] = places.get(cleaned["locality"])
    return cleaned


def save_profile(response: SurveyResponse, raw: Mapping[str, Sequence[str]], *, skip: bool = False,
                 now: datetime | None = None) -> None:
    """Keep the optional "about you" answers; skipping clears them."""
    survey = response.survey
    _check_still_answering(response, now)
    cleaned = {name: None for name in profile.FIELDS} if skip else clean_profile(survey, raw)
    apply_profile(response, cleaned)
    db.session.flush()


def apply_profile(response: SurveyResponse, cleaned: Mapping[str, Any]) -> None:
    response.stakeholder_group = cleaned["stakeholder_group"]
    response.locality = cleaned["locality"]
    response.age_band, response.ethnic_group = cleaned["age_band"], cleaned["ethnic_group"]
    response.main_language, response.disability = cleaned["main_language"], cleaned["disability"]


def unanswered_required(response: SurveyResponse) -> list[tuple[int, SurveyQuestion]]:
    """Required questions shown to this person but not answered, with the page each is on."""
    survey = response.survey
    answers = response.answers or {}
    shown = set(flow.visible_codes(steps(survey), answers))
    by_code = questions_by_code(survey)
    missing = []
    for index, page in enumerate(pages(survey)):
        for code in page.codes:
            question = by_code[code]
            if code in shown and question.required and answers.get(code) in (None, "", []):
                missing.append((index, question))
    return missing


def submit_response(response: SurveyResponse, *, now: datetime | None = None) -> SurveyResponse:
    """Send the answers: every required question shown must be answered; only the date (or week) is kept."""
    now = now or utcnow()
    survey = response.survey
    _check_still_answering(response, now)
    missing = unanswered_required(response)
    if missing:
        raise AnswerError({field_name(q): _("Answer “%(question)s”", question=question_name(q))
                           for _index, q in missing})
    response.answers = flow.effective_answers(steps(survey), response.answers or {})
    response.status = ResponseStatus.SUBMITTED
    response.submitted_on = week_or_day(survey, now)
    response.resume_code_hash = None
    db.session.flush()
    return response


def first_unanswered_page(response: SurveyResponse) -> int | None:
    """Where to carry on: the first page shown with nothing answered on it (None: go to check your answers)."""
    survey = response.survey
    answers = response.answers or {}
    all_pages = pages(survey)
    shown = flow.visible_pages(all_pages, steps(survey), answers)
    for index in shown:
        if not any(code in answers for code in all_pages[index].codes):
            return index
    return None
