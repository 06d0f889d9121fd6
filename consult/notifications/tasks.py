"""Telling the people who asked to hear back, in the background."""

from __future__ import annotations

from typing import Any

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.jobs import queue
from consult.jobs.registry import task
from consult.notifications.delivery import send_queued
from consult.notifications.services import queue_notifications


@task("notifications.send")
def send(consultation_id: int, progress, kind: str | None = None) -> dict[str, Any]:
    """Queue a `kind` notice for every subscriber not yet sent one (if a kind is given), then compose and send
    every queued notice."""
    queued = 0
    if kind is not None:
        consultation = db.session.get(Consultation, consultation_id)
        if consultation is None:
            raise LookupError(f"consultation {consultation_id} does not exist")
        queued = queue_notifications(consultation, kind, channel="job")
    messages = send_queued(consultation_id)
    for message_id in messages:
        queue.submit_mail(message_id)
    return {"queued": queued, "messages": messages}
