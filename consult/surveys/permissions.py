"""Who may build, answer and read surveys."""

from __future__ import annotations

from consult.consultations.permissions import (
    can_manage_consultation,
    can_view_consultation,
    can_view_unpublished_results,
    can_work_consultation,
    localities_worked_by,
)
from consult.core.permissions import Role, has_role, is_admin, is_commissioner, is_facilitator


def can_create_survey(user) -> bool:
    """Facilitators and administrators build surveys (standalone, or for consultations they manage)."""
    return has_role(user, Role.ADMIN, Role.FACILITATOR)


def can_manage_survey(user, survey) -> bool:
    """A consultation's survey: whoever manages the consultation. A standalone one: admins and its creator."""
    if survey.consultation is not None:
        return can_manage_consultation(user, survey.consultation)
    if is_admin(user):
        return True
    return is_facilitator(user) and survey.created_by_id is not None and survey.created_by_id == user.id


def can_view_survey(user, survey) -> bool:
    """Its public pages: a consultation's survey is seen when the consultation is (can_view_consultation); a
    standalone survey once it is no longer a draft, and before that only by the people who manage it."""
    if survey.consultation is not None:
        return can_view_consultation(user, survey.consultation)
    return not survey.status.is_draft or can_manage_survey(user, survey)


def can_enter_paper_responses(user, survey) -> bool:
    """A consultation's survey: the people who run the consultation, each for the localities they work
    (surveys.services.paper refuses a form from anyone else's); a standalone one: whoever manages it."""
    if survey.consultation is not None:
        return can_work_consultation(user, survey.consultation)
    return can_manage_survey(user, survey)


def can_view_survey_results(user, survey) -> bool:
    """Survey answers (free text included) are never public: a consultation's are for whoever sees its
    unpublished results (commissioners, its lead, administrators, facilitators of its localities); a
    standalone survey's for its managers and commissioners."""
    if survey.consultation is not None:
        return can_view_unpublished_results(user, survey.consultation)
    return is_commissioner(user) or can_manage_survey(user, survey)


def response_localities(user, survey) -> set[int] | None:
    """Whose responses a person reading a survey's answers sees: None for every response (commissioners, the
    consultation's managers, a standalone survey's readers); for a facilitator of some of a consultation's
    localities, the ids of those localities only (a response that gave no locality is not theirs to read)."""
    consultation = survey.consultation
    if consultation is None or is_commissioner(user) or can_manage_consultation(user, consultation):
        return None
    return {loc.id for loc in localities_worked_by(user, consultation)}


def can_answer_survey(user, survey, now=None) -> bool:
    """Anyone with the link, signed in or not, while the survey (or its consultation) accepts responses."""
    return survey.accepts_responses(now)
