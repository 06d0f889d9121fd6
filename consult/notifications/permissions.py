"""Who may ask to hear what was decided."""

from __future__ import annotations

from consult.core.permissions import signed_in


def can_ask_to_hear_back(user, consultation) -> bool:
    """Signed-in people (never anonymous respondents) may ask to hear what a live or past consultation decided."""
    return signed_in(user) and not consultation.status.is_draft
