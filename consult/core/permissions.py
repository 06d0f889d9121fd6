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
