"""Who may follow a background job."""

from __future__ import annotations

from consult.core.permissions import Role, has_role, signed_in


def can_view_job(user, record) -> bool:
    """A job's progress is shown to whoever asked for it, and to administrators and commissioners."""
    return signed_in(user) and (record.created_by_id == user.id or has_role(user, Role.ADMIN, Role.COMMISSIONER))
