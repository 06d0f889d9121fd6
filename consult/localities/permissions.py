"""Who may see and change localities, stakeholder groups and planning groups."""

from __future__ import annotations

from sqlalchemy import select

from consult.core.permissions import Role, has_role, is_admin, signed_in
from consult.extensions import db
from consult.localities.models import PlanningGroup, planning_group_facilitators


def can_manage_reference_data(user) -> bool:
    """Localities and stakeholder groups (and their weights) belong to administrators."""
    return is_admin(user)


def facilitates(user, planning_group) -> bool:
    return signed_in(user) and any(f.id == user.id for f in planning_group.facilitators)


def facilitated_locality_ids(user, locality_ids) -> set[int]:
    """Those of these localities where the person facilitates a planning group."""
    if not signed_in(user) or not locality_ids:
        return set()
    stmt = (select(PlanningGroup.locality_id).join(planning_group_facilitators)
            .where(planning_group_facilitators.c.user_id == user.id, PlanningGroup.locality_id.in_(locality_ids)))
    return set(db.session.scalars(stmt))


def can_list_planning_groups(user) -> bool:
    return has_role(user, Role.ADMIN, Role.COMMISSIONER, Role.FACILITATOR)


def can_create_planning_group(user) -> bool:
    return is_admin(user)


def can_manage_planning_group(user, planning_group) -> bool:
    """Administrators, and the group's own facilitators; never a facilitator of another group."""
    return is_admin(user) or facilitates(user, planning_group)


def can_view_planning_group(user, planning_group) -> bool:
    if not signed_in(user):
        return False
    if has_role(user, Role.ADMIN, Role.COMMISSIONER) or facilitates(user, planning_group):
        return True
    return any(m.user_id == user.id for m in planning_group.memberships)
