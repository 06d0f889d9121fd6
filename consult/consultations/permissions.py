"""Who may see, run and read the results of a consultation.

Two kinds of staff work on a consultation. Its **lead** (a facilitator or commissioner) and administrators
manage it: its details, dates, localities, stakeholder groups and weights, priorities, survey, and its steps
from draft to published. The facilitators of planning groups in a locality it covers **work** that locality:
they issue voting codes and key in paper and meeting ballots and paper survey forms for their own localities,
and see the consultation's results before they are published. Nobody else's locality is theirs to work."""

from __future__ import annotations

from consult.core.permissions import Role, has_role, is_admin, is_commissioner, is_facilitator
from consult.localities.permissions import facilitated_locality_ids

#: The roles a consultation's lead may have.
LEAD_ROLES = (Role.FACILITATOR, Role.COMMISSIONER)


def can_list_consultations(user) -> bool:
    """The staff list of consultations: the people who run them, and commissioners."""
    return has_role(user, Role.ADMIN, Role.FACILITATOR, Role.COMMISSIONER)


def can_create_consultation(user) -> bool:
    return has_role(user, Role.ADMIN, Role.FACILITATOR)


def can_lead(user) -> bool:
    """Who may be chosen to lead a consultation: active facilitators and commissioners."""
    return has_role(user, *LEAD_ROLES)


def leads(user, consultation) -> bool:
    """The person is the consultation's lead (and still a facilitator or commissioner)."""
    lead = consultation.lead
    return can_lead(user) and lead is not None and lead.id == user.id


def can_manage_consultation(user, consultation) -> bool:
    """Its settings and its steps (draft, open, closed, published): administrators and its lead; a facilitator
    of a covered locality does not, however many localities it covers."""
    return is_admin(user) or leads(user, consultation)


def can_choose_lead(user) -> bool:
    """Who leads a consultation is the administrators' choice."""
    return is_admin(user)


def localities_worked_by(user, consultation) -> list:
    """The covered localities whose codes, paper ballots and paper forms this person handles: every one for its
    managers; for a facilitator, those where they facilitate a planning group; none for anyone else."""
    if can_manage_consultation(user, consultation):
        return list(consultation.localities)
    if not is_facilitator(user):
        return []
    mine = facilitated_locality_ids(user, [loc.id for loc in consultation.localities])
    return [loc for loc in consultation.localities if loc.id in mine]


def can_work_consultation(user, consultation) -> bool:
    """The people who run some part of it: its managers, and facilitators of a covered locality."""
    return bool(localities_worked_by(user, consultation))


def can_view_consultation(user, consultation) -> bool:
    """Its public pages (and its vote and survey): anyone once it is no longer a draft; a draft is nobody's
    business yet but the people who run it."""
    return not consultation.status.is_draft or can_work_consultation(user, consultation)


def can_view_unpublished_results(user, consultation) -> bool:
    """Commissioners see every consultation's results; the people who run one (its lead, administrators, the
    facilitators of its localities) see its results, for the whole consultation, before they are published."""
    return is_commissioner(user) or can_work_consultation(user, consultation)


def can_view_results(user, consultation) -> bool:
    """Once published, results are public; before that, see can_view_unpublished_results."""
    return consultation.status.is_published or can_view_unpublished_results(user, consultation)


def can_agree_counting(user, consultation) -> bool:
    """Commissioners agree how a consultation's votes are counted (weights, scheme, vote settings), while it
    is a draft; whether it may still change is consult.consultations.counting's rule."""
    return is_commissioner(user) and consultation.status.is_draft
