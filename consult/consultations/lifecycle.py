"""A consultation's life: draft → open → closed → published, and the work each step sets going.

One module decides both the rule of each step and what follows it, so the web, the timers and commands behave
alike: opening schedules the timers (invitations at the opening time, reminders before closing, the close
itself); closing queues the tally (if there is a vote) and the report; publishing tells the people who asked
to hear back. Follow-up work goes through the typed helpers of consult.jobs.queue, recorded in the same
transaction as the step, so it runs once the step is committed, and still runs if Redis was away.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.consultations import counting, parts
from consult.consultations.models import Consultation, ConsultationStatus
from consult.consultations.services import ConsultationError
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.jobs import queue


def open_consultation(consultation: Consultation, *, actor=None, channel: str = "web") -> None:
    """Make a draft live (people respond between its opening and closing times) and schedule its timers.

    From here on how votes are counted is locked (consult.consultations.counting); a vote's counting rules must
    have been agreed by a commissioner."""
    if not consultation.status.is_draft:
        raise ConsultationError(_("Only a draft consultation can be opened."), "status")
    if not consultation.group_weights:
        raise ConsultationError(_("Choose at least one stakeholder group before opening."), "status")
    if consultation.vote is not None and len(consultation.vote.priorities) < 2:
        raise ConsultationError(_("Add at least two priorities to vote on before opening."), "status")
    counting.refuse_opening_unless_agreed(consultation)
    if consultation.closes_at <= utcnow():
        raise ConsultationError(_("The closing date has passed. Change it before opening."), "status")
    _move(consultation, ConsultationStatus.OPEN, "opened_at", actor, channel)
    schedule_timers(consultation, actor=actor)


def schedule_timers(consultation: Consultation, *, actor=None) -> None:
    """Queue the jobs that act at the opening time, before closing (reminders) and at closing.

    Each re-checks the consultation when it runs, so timers left from earlier dates do no harm: call this
    again whenever an open consultation's dates change."""
    queue.submit_timer("consultation.opening", consultation.id, consultation.opens_at, actor=actor)
    reminder = consultation.reminder_due_at()
    if reminder is not None:
        queue.submit_timer("consultation.reminder", consultation.id, reminder, actor=actor)
    queue.submit_timer("consultation.closing", consultation.id, consultation.closes_at, actor=actor)


def close_consultation(consultation: Consultation, *, actor=None, channel: str = "web") -> None:
    """Stop responses now, and queue the tally (if there is a vote) and the report."""
    if not consultation.status.is_open:
        raise ConsultationError(_("Only an open consultation can be closed."), "status")
    _move(consultation, ConsultationStatus.CLOSED, "closed_at", actor, channel)
    if consultation.vote is not None:
        queue.submit_tally(consultation, actor=actor)
    queue.submit_report(consultation, actor=actor)


def close_when_due(consultation_id: int) -> dict[str, Any]:
    """The closing timer: close the consultation at its closing time (later, if its dates moved)."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or not consultation.status.is_open:
        return {"closed": False, "skipped": "not open"}
    if utcnow() < consultation.closes_at:
        queue.submit_timer("consultation.closing", consultation.id, consultation.closes_at)
        return {"closed": False, "reschedule": consultation.closes_at.isoformat()}
    close_consultation(consultation, channel="job")
    return {"closed": True, "has_vote": consultation.vote is not None}


def publish_results(consultation: Consultation, *, actor=None, channel: str = "web") -> None:
    """Make the results public (a vote needs its tally first) and tell the people who asked to hear back."""
    if not consultation.status.is_closed:
        raise ConsultationError(_("Only a closed consultation's results can be published."), "status")
    if consultation.vote is not None and not parts.vote().has_results(consultation):
        raise ConsultationError(_("The results have not been calculated yet. Wait for the tally to finish."),
                                "status")
    _move(consultation, ConsultationStatus.PUBLISHED, "published_at", actor, channel)
    # Never anonymous respondents: they left no address.
    queue.submit_notices(consultation, kind="results_published", actor=actor)


def _move(consultation: Consultation, status: ConsultationStatus, stamp: str, actor, channel: str) -> None:
    before = consultation.status
    consultation.status = status
    setattr(consultation, stamp, utcnow())
    db.session.flush()
    record_change(f"consultation.{status.value}", consultation, before={"status": before.value},
                  after={"status": status.value}, actor=actor, channel=channel)
