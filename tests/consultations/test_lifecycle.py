"""The consultation lifecycle: each step's rule and the follow-up work it records (consultations/lifecycle.py)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.consultations import lifecycle
from consult.consultations.models import ConsultationStatus
from consult.consultations.services import ConsultationError
from consult.core.clock import utcnow
from consult.core.models import AuditEvent
from consult.extensions import db
from consult.jobs.models import JobRecord
from factories import make_ballot, make_consultation, make_results_snapshot, make_user


def jobs():
    return [(job.kind, job.subject, job.args, job.run_at)
            for job in db.session.scalars(select(JobRecord).order_by(JobRecord.created_at, JobRecord.kind))]


def test_opening_a_draft_makes_it_live_and_schedules_its_three_timers():
    consultation = make_consultation(status="draft", opens_in_days=1, closes_in_days=10, reminder_days=3,
                                     vote={"priorities": ["P1", "P2"]})
    lifecycle.open_consultation(consultation, channel="cli")
    assert consultation.status is ConsultationStatus.OPEN and consultation.opened_at is not None
    subject, args = f"consultation-timer:{consultation.id}", {"consultation_id": consultation.id}
    assert sorted(jobs()) == sorted([
        ("consultation.opening", subject, args, consultation.opens_at),
        ("consultation.reminder", subject, args, consultation.closes_at - timedelta(days=3)),
        ("consultation.closing", subject, args, consultation.closes_at)])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.open"))
    assert (event.before, event.after, event.channel) == ({"status": "draft"}, {"status": "open"}, "cli")


def test_without_reminder_days_no_reminder_is_scheduled():
    consultation = make_consultation(status="draft")
    consultation.reminder_days = None
    lifecycle.open_consultation(consultation)
    assert [kind for kind, *_ in jobs()].count("consultation.reminder") == 0
    assert {kind for kind, *_ in jobs()} == {"consultation.opening", "consultation.closing"}


@pytest.mark.parametrize("change, message", [
    ({"status": "open"}, "Only a draft"),
    ({"group_weights": []}, "at least one stakeholder group"),
    ({"vote": {"priorities": ["P1"]}}, "at least two priorities"),
    ({"closes_in_days": -1, "opens_in_days": -5}, "closing date has passed"),
])
def test_opening_is_refused_with_the_reason_and_changes_nothing(change, message):
    kwargs = {"status": "draft", **change}
    if "group_weights" in kwargs:
        kwargs.pop("group_weights")
        kwargs["groups"] = []
    consultation = make_consultation(**kwargs)
    before = consultation.status
    with pytest.raises(ConsultationError, match=message) as refused:
        lifecycle.open_consultation(consultation)
    assert refused.value.field == "status"
    assert consultation.status is before and jobs() == []


def test_closing_queues_the_tally_and_the_report_with_who_asked():
    consultation = make_consultation(vote={"priorities": ["P1", "P2"]})
    facilitator = make_user(role="facilitator")
    lifecycle.close_consultation(consultation, actor=facilitator)
    assert consultation.status is ConsultationStatus.CLOSED and consultation.closed_at is not None
    assert sorted(jobs()) == sorted([
        ("consultation.tally", f"consultation:{consultation.id}", {"consultation_id": consultation.id}, None),
        ("report.build", f"report:{consultation.id}", {"consultation_id": consultation.id,
                                                        "actor_id": facilitator.id}, None)])
    assert {job.created_by_id for job in db.session.scalars(select(JobRecord))} == {facilitator.id}


def test_closing_a_consultation_without_a_vote_queues_only_the_report():
    consultation = make_consultation()
    lifecycle.close_consultation(consultation)
    assert [kind for kind, *_ in jobs()] == ["report.build"]


def test_only_an_open_consultation_closes():
    consultation = make_consultation(status="draft")
    with pytest.raises(ConsultationError, match="Only an open"):
        lifecycle.close_consultation(consultation)
    assert jobs() == []


def test_publishing_needs_the_tally_then_tells_the_people_who_asked():
    consultation = make_consultation(status="closed", opens_in_days=-10, closes_in_days=-1,
                                     vote={"priorities": ["P1", "P2"]})
    make_ballot(consultation, {"P1": 1, "P2": 2})
    with pytest.raises(ConsultationError, match="not been calculated"):
        lifecycle.publish_results(consultation)
    assert consultation.status is ConsultationStatus.CLOSED and jobs() == []
    make_results_snapshot(consultation, resamples=20)
    lifecycle.publish_results(consultation)
    assert consultation.status is ConsultationStatus.PUBLISHED and consultation.published_at is not None
    assert jobs() == [("notifications.send", f"consultation-notify:{consultation.id}",
                       {"consultation_id": consultation.id, "kind": "results_published"}, None)]


def test_a_survey_only_consultation_publishes_without_a_tally():
    consultation = make_consultation(status="closed", opens_in_days=-10, closes_in_days=-1)
    lifecycle.publish_results(consultation)
    assert consultation.status.is_published


def test_the_closing_timer_closes_only_when_due_and_moves_with_the_dates():
    consultation = make_consultation(closes_in_days=2)
    early = lifecycle.close_when_due(consultation.id)
    assert early == {"closed": False, "reschedule": consultation.closes_at.isoformat()}
    assert jobs() == [("consultation.closing", f"consultation-timer:{consultation.id}",
                       {"consultation_id": consultation.id}, consultation.closes_at)]
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    assert lifecycle.close_when_due(consultation.id) == {"closed": True, "has_vote": False}
    assert consultation.status.is_closed
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.closed"))
    assert event.channel == "job"
    assert lifecycle.close_when_due(consultation.id) == {"closed": False, "skipped": "not open"}
    assert lifecycle.close_when_due(987654) == {"closed": False, "skipped": "not open"}
