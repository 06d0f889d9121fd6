"""Who may read the outbox."""

from __future__ import annotations

from consult.core.permissions import is_admin


def can_read_outbox(user) -> bool:
    """The outbox holds personal links and addresses: administrators only."""
    return is_admin(user)
