"""Reading submitted answers: the rows reports count, results on screen, free text, the export table."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.core.i18n import tr
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.surveys import profile
from consult.surveys.kinds import export_cell, is_answerable, option_values
from consult.surveys.models import ResponseStatus, Survey, SurveyResponse
from consult.surveys.results import question_results


def submitted_responses(survey: Survey, *, stakeholder_group: str | None = None, locality: str | None = None,
                        locality_ids: Collection[int] | None = None) -> list[SurveyResponse]:
    """The submitted responses, filtered by group and locality code; `locality_ids` (if not None) limits them to
    responses from those localities (see surveys.permissions.response_localities)."""
    stmt = (select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                         SurveyResponse.status == ResponseStatus.SUBMITTED).order_by(SurveyResponse.id))
    if locality_ids is not None:
        stmt = stmt.where(SurveyResponse.locality_id.in_(list(locality_ids)))
    if stakeholder_group:
        stmt = stmt.join(StakeholderGroup, SurveyResponse.stakeholder_group_id == StakeholderGroup.id).where(
            StakeholderGroup.code == stakeholder_group)
    if locality:
        stmt = stmt.join(Locality, SurveyResponse.locality_id == Locality.id).where(Locality.code == locality)
    return list(db.session.scalars(stmt))


def _row(response: SurveyResponse) -> dict[str, Any]:
    return {
        "reference": response.reference,
        "channel": response.channel,
        "submitted_on": response.submitted_on.isoformat() if response.submitted_on else None,
        "locale": response.locale,
        "easy_read": response.easy_read,
        "stakeholder_group": response.stakeholder_group.code if response.stakeholder_group else None,
        "locality": response.locality.code if response.locality else None,
        "age_band": response.age_band,
        "ethnic_group": response.ethnic_group,
        "main_language": response.main_language,
        "disability": response.disability,
        "answers": dict(response.answers or {}),
    }


def participation_rows(target: Consultation | Survey, **filters) -> list[dict[str, Any]]:
    """One plain dict per submitted response, for reports and representativeness.

    Keys: reference, channel ("web" | "paper"), submitted_on (ISO date; for anonymous surveys the Monday of the
    week), locale, easy_read, stakeholder_group (code or None), locality (code or None), age_band,
    ethnic_group, main_language, disability (codes from consult/surveys/profile.py or None), and answers
    ({question code: value}). A consultation without a survey gives [].
    """
    survey = target if isinstance(target, Survey) else getattr(target, "survey", None)
    if survey is None:
        return []
    return [_row(r) for r in submitted_responses(survey, **filters)]


def question_specs(survey: Survey) -> list[dict[str, Any]]:
    return [{"code": q.code, "kind": q.kind, "options": option_values(q)} for q in survey.ordered_questions()]


def survey_results(survey: Survey, *, stakeholder_group: str | None = None, locality: str | None = None,
                   breakdown: str | None = None, locality_ids: Collection[int] | None = None) -> dict[str, Any]:
    """Counts and percentages per question (see results.question_results), for the filtered responses."""
    rows = participation_rows(survey, stakeholder_group=stakeholder_group, locality=locality,
                              locality_ids=locality_ids)
    return {"responses": len(rows), "questions": question_results(question_specs(survey), rows, breakdown)}


def text_answers(survey: Survey, code: str, *, stakeholder_group: str | None = None, locality: str | None = None,
                 search: str | None = None, locality_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
    """The free-text answers to one question, with who gave them (group, locality), newest first."""
    search = (search or "").strip().lower()
    out = []
    for response in reversed(submitted_responses(survey, stakeholder_group=stakeholder_group, locality=locality,
                                                 locality_ids=locality_ids)):
        value = (response.answers or {}).get(code)
        if not value or (search and search not in str(value).lower()):
            continue
        out.append({"reference": response.reference, "text": str(value), "locale": response.locale,
                    "stakeholder_group": response.stakeholder_group, "locality": response.locality,
                    "submitted_on": response.submitted_on, "channel": response.channel})
    return out


def export_table(survey: Survey, locale: str, *,
                 locality_ids: Collection[int] | None = None) -> tuple[list[str], list[list[Any]]]:
    """All submitted responses (or those from `locality_ids`): one row each, one column per question, option
    labels in `locale`."""
    questions = [q for q in survey.ordered_questions() if is_answerable(q.kind)]
    groups = {g.code: g for g in db.session.scalars(select(StakeholderGroup))}
    places = {loc.code: loc for loc in db.session.scalars(select(Locality))}

    with force_locale(locale):
        header = [_("Reference"), _("Channel"), _("Date"), _("Language"), _("Stakeholder group"), _("Locality"),
                  _("Age band"), _("Ethnic group"), _("Main language"), _("Disability")]
        header += [f"{q.code}: {tr(q.text, locale, survey.default_locale)}" for q in questions]
        data = []
        for row in participation_rows(survey, locality_ids=locality_ids):
            line = [row["reference"], row["channel"], row["submitted_on"], row["locale"],
                    tr(groups[row["stakeholder_group"]].name, locale) if row["stakeholder_group"] in groups else "",
                    tr(places[row["locality"]].name, locale) if row["locality"] in places else "",
                    profile.label("age_band", row["age_band"]), profile.label("ethnic_group", row["ethnic_group"]),
                    profile.label("main_language", row["main_language"]),
                    profile.label("disability", row["disability"])]
            line += [export_cell(question, row["answers"].get(question.code), locale) for question in questions]
            data.append(line)
    return header, data
