"""Inviting people, their personal links, and the invitations and reminders sent when a consultation's times arrive."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from consult.consultations import parts
from consult.consultations.models import Consultation
from consult.core.errors import RuleError
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.invitations.models import Invitation
from consult.localities.models import Membership, PlanningGroup
from consult.mail.services import compose

CSV_HEADER = ["name", "email", "language", "group", "locality"]
MAX_ROWS = 20_000


class InvitationError(RuleError):
    def __init__(self, message: str, field: str | None = None, problems: list[str] | None = None):
        super().__init__(message, field)
        #: Line-numbered problems of a rejected file.
        self.problems = problems or []


# --- personal links ------------------------------------------------------------------------------------

def _signature(invitation_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"invitation:{invitation_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def token_for(invitation: Invitation) -> str:
    return f"{invitation.id}.{invitation.nonce}.{_signature(invitation.id, invitation.nonce)}"


def personal_link(invitation: Invitation) -> str:
    """The absolute link for e-mails, built from BASE_URL so that jobs (outside any request) can make it."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/i/{token_for(invitation)}"


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link belongs to, if the link is genuine (constant-time check)."""
    try:
        raw_id, nonce, signature = token.split(".")
        invitation_id = int(raw_id)
    except (ValueError, AttributeError):
        return None
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.nonce != nonce:
        return None
    if not hmac.compare_digest(signature, _signature(invitation.id, nonce)):
        return None
    return invitation


def link_is_spent(invitation: Invitation) -> bool:
    """A link votes once: it is spent when its ballot exists (or, with no vote to cast, once its holder answered)."""
    if invitation.consultation.vote is not None:
        return parts.vote().link_has_voted(invitation)
    return invitation.responded_at is not None


def link_is_usable(invitation: Invitation) -> bool:
    """A link works until it is spent, and only while the consultation takes responses."""
    return not link_is_spent(invitation) and invitation.consultation.accepts_responses()


def mark_responded(invitation: Invitation, *, coarse: bool = False) -> None:
    """The holder has voted or answered, so no reminder is due (a link votes once: see link_is_spent).

    `coarse` keeps only the day, for anonymous surveys, and writes no audit entry, whose exact time could
    otherwise be matched to an answer."""
    if invitation.responded_at is not None:
        return
    now = utcnow()
    if coarse:
        invitation.responded_at = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return
    invitation.responded_at = now
    record_change("invitation.responded", invitation, channel="web")


# --- creating invitations ------------------------------------------------------------------------------

@dataclass
class Invitee:
    name: str
    email: str
    locale: str
    stakeholder_group_id: int
    locality_id: int
    user_id: int | None = None


def _existing_emails(consultation: Consultation) -> set[str]:
    return set(db.session.scalars(select(Invitation.email).where(Invitation.consultation_id == consultation.id)))


def parse_contacts(consultation: Consultation, data: bytes) -> list[Invitee]:
    """Read a contact list (CSV: name,email,language,group,locality); every bad row is reported, none stored."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvitationError(_("The file must be a CSV saved as UTF-8."), "file") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.strip().lower() for cell in rows[0]] != CSV_HEADER:
        raise InvitationError(_("The first line must be exactly: %(header)s", header=",".join(CSV_HEADER)), "file")
    if len(rows) - 1 > MAX_ROWS:
        raise InvitationError(_("A file may hold at most %(n)d people.", n=MAX_ROWS), "file")
    groups = {gw.stakeholder_group.code: gw.stakeholder_group_id for gw in consultation.group_weights}
    localities = {loc.code: loc.id for loc in consultation.localities}
    locales = current_app.config["LOCALES"]
    already = _existing_emails(consultation)
    seen: set[str] = set()
    invitees, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            problems.append(_("Line %(line)d: expected 5 values, found %(n)d", line=line, n=len(row)))
            continue
        name, email, locale, group, locality = (cell.strip() for cell in row)
        line_problems = []
        if not name or len(name) > 200:
            line_problems.append(_("enter a name of up to 200 characters"))
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            line_problems.append(_("%(value)s is not an email address", value=email or "''"))
        if locale not in locales:
            line_problems.append(_("language must be one of %(codes)s", codes=", ".join(locales)))
        if group not in groups:
            line_problems.append(_("group %(code)s does not take part in this consultation", code=group or "''"))
        if locality not in localities:
            line_problems.append(_("locality %(code)s is not covered by this consultation", code=locality or "''"))
        if email in seen:
            line_problems.append(_("%(email)s appears twice in the file", email=email))
        elif email in already:
            line_problems.append(_("%(email)s is already invited", email=email))
        seen.add(email)
        if line_problems:
            problems.append(_("Line %(line)d: %(problems)s", line=line, problems="; ".join(line_problems)))
            continue
        invitees.append(Invitee(name, email, locale, groups[group], localities[locality]))
    if problems:
        raise InvitationError(_("The file was not imported. Correct these lines and upload it again."), "file",
                              problems)
    if not invitees:
        raise InvitationError(_("The file has no people in it."), "file")
    return invitees


def members_to_invite(consultation: Consultation) -> list[Invitee]:
    """Planning-group members in the consultation's localities and groups who are not invited yet."""
    groups = {gw.stakeholder_group_id for gw in consultation.group_weights}
    localities = [loc.id for loc in consultation.localities]
    already = _existing_emails(consultation)
    default = consultation.default_locale
    invitees, seen = [], set()
    stmt = (select(Membership, PlanningGroup.locality_id).join(PlanningGroup)
            .where(PlanningGroup.locality_id.in_(localities)).order_by(Membership.id))
    for membership, locality_id in db.session.execute(stmt):
        user = membership.user
        if (membership.stakeholder_group_id not in groups or not user.active or user.email in already
                or user.email in seen):
            continue
        seen.add(user.email)
        locale = user.preferred_locale if user.preferred_locale in current_app.config["LOCALES"] else default
        invitees.append(Invitee(user.name, user.email, locale, membership.stakeholder_group_id, locality_id,
                                user.id))
    return invitees


def create_invitations(consultation: Consultation, invitees: list[Invitee], *, actor=None,
                       channel: str = "web") -> list[Invitation]:
    """Store invitations; they are e-mailed when the consultation opens (at once if it already has)."""
    if consultation.status.has_ended:
        raise InvitationError(_("This consultation has closed, so nobody new can be invited."), "file")
    invitations = [Invitation(consultation=consultation, name=i.name, email=i.email, locale=i.locale,
                              stakeholder_group_id=i.stakeholder_group_id, locality_id=i.locality_id,
                              user_id=i.user_id, nonce=secrets.token_hex(16),
                              created_by_id=getattr(actor, "id", None)) for i in invitees]
    db.session.add_all(invitations)
    db.session.flush()
    record_change("invitations.create", consultation, after={"count": len(invitations)}, actor=actor,
                  channel=channel)
    return invitations


# --- sending ------------------------------------------------------------------------------------------------

def _mail(invitation: Invitation, kind: str):
    return compose(kind, to_email=invitation.email, to_name=invitation.name, locale=invitation.locale,
                   context={"link": personal_link(invitation)}, user=invitation.user,
                   consultation=invitation.consultation)


def send_due_invitations(consultation: Consultation) -> list[int]:
    """Compose invitation e-mails for everyone not yet sent one, once the consultation takes responses."""
    if not consultation.accepts_responses():
        return []
    messages = []
    for invitation in db.session.scalars(select(Invitation).where(
            Invitation.consultation_id == consultation.id, Invitation.sent_at.is_(None)).order_by(Invitation.id)):
        messages.append(_mail(invitation, "invitation").id)
        invitation.sent_at = utcnow()
    return messages


def send_reminders(consultation: Consultation) -> list[int]:
    """Remind, once, invitees who were invited and have not responded, while the consultation is open."""
    if not consultation.accepts_responses():
        return []
    messages = []
    for invitation in db.session.scalars(select(Invitation).where(
            Invitation.consultation_id == consultation.id, Invitation.sent_at.is_not(None),
            Invitation.responded_at.is_(None), Invitation.reminded_at.is_(None)).order_by(Invitation.id)):
        messages.append(_mail(invitation, "reminder").id)
        invitation.reminded_at = utcnow()
    return messages


def invitation_summary(consultation: Consultation) -> dict[str, Any]:
    invitations = list(db.session.scalars(select(Invitation).where(Invitation.consultation_id == consultation.id)
                                          .order_by(Invitation.id)))
    return {
        "invitations": invitations,
        "total": len(invitations),
        "sent": sum(1 for i in invitations if i.sent_at),
        "responded": sum(1 for i in invitations if i.responded_at),
        "reminded": sum(1 for i in invitations if i.reminded_at),
    }
