"""Who may see, run and read the results of a consultation."""

from __future__ import annotations

from consult.core.permissions import Role, has_role, is_admin, is_commissioner, is_facilitator
from consult.localities.permissions import facilitates_in_localities


def can_list_consultations(user) -> bool:
    """The staff list of consultations: the people who run them, and commissioners."""
    return has_role(user, Role.ADMIN, Role.FACILITATOR, Role.COMMISSIONER)


def can_create_consultation(user) -> bool:
    return has_role(user, Role.ADMIN, Role.FACILITATOR)


def can_manage_consultation(user, consultation) -> bool:
    """Administrators; a facilitator who created it or facilitates a planning group in a locality it covers."""
    if is_admin(user):
        return True
    if not is_facilitator(user):
        return False
    if consultation.created_by_id == user.id:
        return True
    return facilitates_in_localities(user, [loc.id for loc in consultation.localities])


def can_view_consultation(user, consultation) -> bool:
    """Its public pages (and its vote and survey): anyone once it is no longer a draft; a draft is nobody's
    business yet but the people who manage it."""
    return not consultation.status.is_draft or can_manage_consultation(user, consultation)


def can_view_unpublished_results(user, consultation) -> bool:
    """Commissioners see every consultation's results; facilitators those they manage."""
    return is_commissioner(user) or can_manage_consultation(user, consultation)


def can_view_results(user, consultation) -> bool:
    """Once published, results are public; before that, see can_view_unpublished_results."""
    return consultation.status.is_published or can_view_unpublished_results(user, consultation)


def can_agree_counting(user, consultation) -> bool:
    """Commissioners agree how a consultation's votes are counted (weights, scheme, vote settings), while it
    is a draft; whether it may still change is consult.consultations.counting's rule."""
    return is_commissioner(user) and consultation.status.is_draft
