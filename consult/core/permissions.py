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
