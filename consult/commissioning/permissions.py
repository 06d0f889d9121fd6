"""Who may read, decide and publish commissioning."""

from __future__ import annotations

from consult.core.permissions import Role, has_role, is_commissioner, signed_in


def can_view_commissioning(user) -> bool:
    """Planning years, budgets and intentions are read by everyone signed in: commissioners, facilitators, members."""
    return signed_in(user)


def can_decide_commissioning(user) -> bool:
    """Commissioners (the strategic board) set budgets, draft, edit and decide intentions, and publish feedback."""
    return is_commissioner(user)


def can_view_intention_audit(user) -> bool:
    """Who changed an intention, when, before and after: commissioners (and administrators)."""
    return has_role(user, Role.ADMIN, Role.COMMISSIONER)


def can_view_you_said_we_did(consultation) -> bool:
    """The public "you said, we did" page exists once the consultation's results are published."""
    return consultation.status.is_published


def can_publish_you_said_we_did(user, consultation) -> bool:
    """Commissioners, once the consultation's results are published."""
    return can_decide_commissioning(user) and can_view_you_said_we_did(consultation)
