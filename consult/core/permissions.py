"""Who may see and change what: small named predicates, one rule each."""

from __future__ import annotations

from consult.accounts.models import Role


def _signed_in(user) -> bool:
    return bool(user) and user.is_authenticated and user.is_active


def is_admin(user) -> bool:
    return _signed_in(user) and user.role == Role.ADMIN.value


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_manage_reference_data(user) -> bool:
    """Localities and stakeholder groups (and their weights) belong to administrators."""
    return is_admin(user)


def can_view_audit(user) -> bool:
    return _signed_in(user) and user.role in (Role.ADMIN.value, Role.COMMISSIONER.value)


def facilitates(user, planning_group) -> bool:
    return _signed_in(user) and any(f.id == user.id for f in planning_group.facilitators)


def can_list_planning_groups(user) -> bool:
    return _signed_in(user) and user.role in (Role.ADMIN.value, Role.COMMISSIONER.value, Role.FACILITATOR.value)


def can_create_planning_group(user) -> bool:
    return is_admin(user)


def can_manage_planning_group(user, planning_group) -> bool:
    """Administrators, and the group's own facilitators; never a facilitator of another group."""
    return is_admin(user) or facilitates(user, planning_group)


def can_view_planning_group(user, planning_group) -> bool:
    if not _signed_in(user):
        return False
    if user.role in (Role.ADMIN.value, Role.COMMISSIONER.value) or facilitates(user, planning_group):
        return True
    return any(m.user_id == user.id for m in planning_group.memberships)


def can_view_job(user, record) -> bool:
    """A job's progress is shown to whoever asked for it, and to administrators and commissioners."""
    return _signed_in(user) and (record.created_by_id == user.id
                                 or user.role in (Role.ADMIN.value, Role.COMMISSIONER.value))


def facilitates_in_localities(user, locality_ids) -> bool:
    """The person facilitates a planning group in one of these localities."""
    from sqlalchemy import select

    from consult.extensions import db
    from consult.localities.models import PlanningGroup, planning_group_facilitators

    if not _signed_in(user) or not locality_ids:
        return False
    stmt = (select(PlanningGroup.id).join(planning_group_facilitators)
            .where(planning_group_facilitators.c.user_id == user.id, PlanningGroup.locality_id.in_(locality_ids))
            .limit(1))
    return db.session.scalar(stmt) is not None


def can_create_consultation(user) -> bool:
    return _signed_in(user) and user.role in (Role.ADMIN.value, Role.FACILITATOR.value)


def can_manage_consultation(user, consultation) -> bool:
    """Administrators; a facilitator who created it or facilitates a planning group in a locality it covers."""
    if is_admin(user):
        return True
    if not _signed_in(user) or user.role != Role.FACILITATOR.value:
        return False
    if consultation.created_by_id == user.id:
        return True
    return facilitates_in_localities(user, [loc.id for loc in consultation.localities])


def can_view_unpublished_results(user, consultation) -> bool:
    """Commissioners see every consultation's results; facilitators those they manage."""
    return _signed_in(user) and (user.role == Role.COMMISSIONER.value or can_manage_consultation(user, consultation))


def can_view_results(user, consultation) -> bool:
    """Once published, results are public; before that, see can_view_unpublished_results."""
    return consultation.status == "published" or can_view_unpublished_results(user, consultation)


# --- priority votes (consult/voting) ---------------------------------------------------------------------------

def voting_memberships(user, consultation) -> list:
    """The memberships a person may vote as: a planning group in a covered locality, as a group taking part."""
    from sqlalchemy import select

    from consult.extensions import db
    from consult.localities.models import Membership, PlanningGroup

    if not _signed_in(user):
        return []
    locality_ids = [loc.id for loc in consultation.localities]
    group_ids = [gw.stakeholder_group_id for gw in consultation.group_weights]
    if not locality_ids or not group_ids:
        return []
    stmt = (select(Membership).join(PlanningGroup)
            .where(Membership.user_id == user.id, PlanningGroup.locality_id.in_(locality_ids),
                   Membership.stakeholder_group_id.in_(group_ids))
            .order_by(Membership.id))
    return list(db.session.scalars(stmt))


def can_vote_as_member(user, consultation, now=None) -> bool:
    """Signed-in members of a planning group in a covered locality, while voting is open."""
    return (consultation.vote is not None and consultation.accepts_responses(now)
            and bool(voting_memberships(user, consultation)))


def can_vote_with_code(consultation, now=None) -> bool:
    """Anyone holding an unused voting code, while voting is open (the code itself is checked when entered)."""
    return consultation.vote is not None and consultation.accepts_responses(now)


def can_manage_priorities(user, consultation) -> bool:
    """The consultation's managers; whether the priorities may still change is voting.services.vote_is_locked."""
    return consultation.vote is not None and can_manage_consultation(user, consultation)


def can_issue_voting_codes(user, consultation) -> bool:
    """The consultation's managers, before voting closes."""
    return (consultation.vote is not None and consultation.status in ("draft", "open")
            and can_manage_consultation(user, consultation))


def can_enter_paper_ballots(user, consultation, now=None) -> bool:
    """The consultation's managers, from the opening until results are published (paper forms arrive late)."""
    from consult.voting.services import paper_entry_open

    return paper_entry_open(consultation, now) and can_manage_consultation(user, consultation)


def can_recalculate_results(user, consultation) -> bool:
    """The consultation's managers, until the results are published (published results stay as published)."""
    return (consultation.vote is not None and consultation.status != "published"
            and can_manage_consultation(user, consultation))


def can_create_survey(user) -> bool:
    """Facilitators and administrators build surveys (standalone, or for consultations they manage)."""
    return _signed_in(user) and user.role in (Role.ADMIN.value, Role.FACILITATOR.value)


def can_manage_survey(user, survey) -> bool:
    """A consultation's survey: whoever manages the consultation. A standalone one: admins and its creator."""
    if survey.consultation is not None:
        return can_manage_consultation(user, survey.consultation)
    if is_admin(user):
        return True
    return (_signed_in(user) and user.role == Role.FACILITATOR.value and survey.created_by_id is not None
            and survey.created_by_id == user.id)


def can_enter_paper_responses(user, survey) -> bool:
    return can_manage_survey(user, survey)


def can_view_survey_results(user, survey) -> bool:
    """Survey answers (free text included) are for the survey's managers and commissioners, never public."""
    if _signed_in(user) and user.role == Role.COMMISSIONER.value:
        return True
    return can_manage_survey(user, survey)


def can_answer_survey(user, survey, now=None) -> bool:
    """Anyone with the link, signed in or not, while the survey (or its consultation) accepts responses."""
    return survey.accepts_responses(now)


# --- commissioning (consult/commissioning) and "tell me what was decided" (consult/notifications) -------------

def can_view_commissioning(user) -> bool:
    """Planning years, budgets and intentions are read by everyone signed in: commissioners, facilitators, members."""
    return _signed_in(user)


def can_decide_commissioning(user) -> bool:
    """Commissioners (the strategic board) set budgets, draft, edit and decide intentions, and publish feedback."""
    return _signed_in(user) and user.role == Role.COMMISSIONER.value


def can_view_intention_audit(user) -> bool:
    """Who changed an intention, when, before and after: commissioners (and administrators)."""
    return _signed_in(user) and user.role in (Role.ADMIN.value, Role.COMMISSIONER.value)


def can_view_you_said_we_did(consultation) -> bool:
    """The public "you said, we did" page exists once the consultation's results are published."""
    return consultation.status == "published"


def can_publish_you_said_we_did(user, consultation) -> bool:
    """Commissioners, once the consultation's results are published."""
    return can_decide_commissioning(user) and can_view_you_said_we_did(consultation)


def can_ask_to_hear_back(user, consultation) -> bool:
    """Signed-in people (never anonymous respondents) may ask to hear what a live or past consultation decided."""
    return _signed_in(user) and consultation.status != "draft"


def can_read_outbox(user) -> bool:
    """The outbox holds personal links and addresses: administrators only."""
    return is_admin(user)


# --- consultation reports (consult/reports) -----------------------------------------------------------------------

def can_view_full_report(user, consultation) -> bool:
    """The full report (written answers, raw data): commissioners and the consultation's facilitators, always."""
    return can_view_unpublished_results(user, consultation)


def can_view_published_report(consultation) -> bool:
    """Once the results are published, anyone may read the report's published version (HTML, PDF, XLSX):
    every figure, but no written answers and no raw data, which stay with can_view_full_report."""
    return consultation.status == "published"


def can_build_report(user, consultation) -> bool:
    """Whoever may see the full report may build it once the consultation has opened
    (reports.services.check_can_build also refuses to rebuild a published report)."""
    return consultation.status != "draft" and can_view_full_report(user, consultation)


def can_view_live_participation(user, consultation) -> bool:
    """Who has taken part so far, computed now: for the people who run the consultation and commissioners."""
    return consultation.status != "draft" and can_view_unpublished_results(user, consultation)


def can_tag_free_text(user, consultation) -> bool:
    """Facilitators (and administrators) who manage the consultation tag written answers with themes."""
    return can_manage_consultation(user, consultation)


def can_import_population(user) -> bool:
    """Population figures are reference data: administrators."""
    return can_manage_reference_data(user)
