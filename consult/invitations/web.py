"""The personal link a browser followed, for the views that answer it (the vote, the survey)."""

from __future__ import annotations

from flask import session

from consult.extensions import db
from consult.invitations.models import Invitation

#: Session key holding the invitation whose personal link this browser followed.
SESSION_KEY = "invitation_id"


def remember_link(invitation: Invitation) -> None:
    session[SESSION_KEY] = invitation.id


def followed_invitation(consultation_id: int | None) -> Invitation | None:
    """The invitation whose personal link this browser followed, if it is for this consultation."""
    invitation = db.session.get(Invitation, session.get(SESSION_KEY) or 0)
    return invitation if invitation is not None and invitation.consultation_id == consultation_id else None
