"""Roles, and the helpers every domain's predicates are built from.

Each domain owns its predicates in its own ``permissions.py`` (who may see or change what there); this
module holds only what they all share, and imports no domain."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COMMISSIONER = "commissioner"
    FACILITATOR = "facilitator"
    MEMBER = "member"


ROLE_VALUES = tuple(role.value for role in Role)


def signed_in(user) -> bool:
    """A real, active account (not the anonymous visitor, not a deactivated person)."""
    return bool(user) and user.is_authenticated and user.is_active


def has_role(user, *roles: Role) -> bool:
    return signed_in(user) and user.role in roles


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def is_commissioner(user) -> bool:
    return has_role(user, Role.COMMISSIONER)


def is_facilitator(user) -> bool:
    return has_role(user, Role.FACILITATOR)


def can_view_audit(user) -> bool:
    """The audit log: administrators and commissioners."""
    return has_role(user, Role.ADMIN, Role.COMMISSIONER)
