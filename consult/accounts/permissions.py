"""Who may manage accounts."""

from __future__ import annotations

from consult.core.permissions import is_admin


def can_manage_users(user) -> bool:
    return is_admin(user)
