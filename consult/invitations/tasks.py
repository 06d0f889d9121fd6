"""The consultation timers that send invitations (at the opening time) and reminders (before closing).

Each re-checks the consultation when it runs, so a timer left from earlier dates does no harm; one that is
early (the dates moved later) schedules itself again for the new time.
"""

from __future__ import annotations

from typing import Any

from consult.consultations.models import Consultation
from consult.core.clock import utcnow
from consult.extensions import db
from consult.invitations.services import send_due_invitations, send_reminders
from consult.jobs import queue
from consult.jobs.registry import task


def _send_when_due(kind: str, consultation_id: int, due_at, send) -> dict[str, Any]:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or not consultation.status.is_open:
        return {"messages": [], "skipped": "not open"}
    if due_at(consultation) is None:
        return {"messages": [], "skipped": "no reminder"}
    if utcnow() < due_at(consultation):
        queue.submit_timer(kind, consultation_id, due_at(consultation))
        return {"messages": [], "reschedule": due_at(consultation).isoformat()}
    messages = send(consultation)
    for message_id in messages:
        queue.submit_mail(message_id)
    return {"messages": messages}


@task("consultation.opening")
def opening(consultation_id: int, progress) -> dict[str, Any]:
    """At the opening time: e-mail the invitations."""
    return _send_when_due("consultation.opening", consultation_id, lambda c: c.opens_at, send_due_invitations)


@task("consultation.reminder")
def reminder(consultation_id: int, progress) -> dict[str, Any]:
    """`reminder_days` before closing: remind, once, invitees who have not responded."""
    return _send_when_due("consultation.reminder", consultation_id, Consultation.reminder_due_at, send_reminders)
