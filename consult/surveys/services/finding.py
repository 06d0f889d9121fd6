"""Finding surveys, and what a survey's respondents may choose from."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.surveys.models import ResponseStatus, Survey, SurveyResponse


def survey_by_slug(slug: str) -> Survey | None:
    """A standalone survey by its own slug (surveys in a consultation are found through it)."""
    return db.session.scalar(select(Survey).where(Survey.slug == slug, Survey.consultation_id.is_(None)))


def survey_of_consultation(slug: str) -> Survey | None:
    return db.session.scalar(select(Survey).join(Consultation, Survey.consultation_id == Consultation.id)
                             .where(Consultation.slug == slug))


def surveys_managed_by(user) -> list[Survey]:
    from consult.surveys.permissions import can_manage_survey

    return [s for s in db.session.scalars(select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc()))
            if can_manage_survey(user, s)]


def consultations_without_survey(user) -> list[Consultation]:
    """Consultations this person manages that have no survey yet (to attach a new or copied survey)."""
    from consult.consultations.permissions import can_manage_consultation

    taken = select(Survey.consultation_id).where(Survey.consultation_id.is_not(None))
    stmt = select(Consultation).where(Consultation.id.not_in(taken)).order_by(Consultation.slug)
    return [c for c in db.session.scalars(stmt) if can_manage_consultation(user, c)]


def response_count(survey: Survey, status: str | None = ResponseStatus.SUBMITTED) -> int:
    stmt = select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
    if status:
        stmt = stmt.where(SurveyResponse.status == status)
    return db.session.scalar(stmt) or 0


def has_responses(survey: Survey) -> bool:
    """Any answers at all, even unfinished: then questions may be reworded but not removed or retyped."""
    return response_count(survey, status=None) > 0


def stakeholder_groups_for(survey: Survey) -> list[StakeholderGroup]:
    """The groups a respondent may say they belong to: the consultation's, or all of them."""
    if survey.consultation is not None and survey.consultation.group_weights:
        return survey.consultation.groups_taking_part()
    return list(db.session.scalars(select(StakeholderGroup).order_by(StakeholderGroup.position,
                                                                     StakeholderGroup.code)))


def localities_for(survey: Survey) -> list[Locality]:
    if survey.consultation is not None and survey.consultation.localities:
        return list(survey.consultation.localities)
    return list(db.session.scalars(select(Locality).order_by(Locality.code)))
