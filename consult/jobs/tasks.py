"""What RQ runs. Thin: load the job record, claim it, call one service, commit.

Importing this module has no side effects; an app is created on first use
only when the worker did not provide one (a plain `rq worker` process).
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable

from flask import has_app_context

from consult.extensions import db
from consult.jobs import services
from consult.jobs.models import JobRecord
from consult.jobs.queue import Progress, commit_and_dispatch

_app = None


def _app_context():
    global _app
    if has_app_context():
        return contextlib.nullcontext()
    if _app is None:
        from consult import create_app

        _app = create_app()
    return _app.app_context()


def _planning_group_profile(planning_group_id: int, progress) -> dict[str, Any]:
    from consult.localities.services import recompute_membership_profile

    return recompute_membership_profile(planning_group_id, progress=progress)


def _consultation_tally(consultation_id: int, progress) -> dict[str, Any]:
    from consult.voting.results import compute_results

    # The snapshot records which run made it.
    return compute_results(consultation_id, progress=progress, job_id=progress.job_id)


def _mail_send(message_id: int, progress) -> dict[str, Any]:
    from datetime import datetime

    from consult.jobs.queue import submit
    from consult.mail.services import deliver

    result = deliver(message_id)
    if "retry_at" in result:  # back off, then try again as a new scheduled job
        submit("mail.send", subject=f"mail:{message_id}", args={"message_id": message_id},
               run_at=datetime.fromisoformat(result["retry_at"]))
    return result


def _follow_up(kind: str, consultation_id: int, result: dict[str, Any]) -> dict[str, Any]:
    """Queue what a consultation timer asked for: itself again later, messages to send, the tally."""
    from datetime import datetime

    from consult.jobs.queue import submit

    if "reschedule" in result:
        submit(kind, subject=f"consultation-timer:{consultation_id}", args={"consultation_id": consultation_id},
               run_at=datetime.fromisoformat(result["reschedule"]))
    for message_id in result.get("messages", []):
        submit("mail.send", subject=f"mail:{message_id}", args={"message_id": message_id})
    if result.get("closed"):
        if result.get("has_vote"):
            submit("consultation.tally", subject=f"consultation:{consultation_id}",
                   args={"consultation_id": consultation_id})
        submit("report.build", subject=f"report:{consultation_id}", args={"consultation_id": consultation_id})
    return result


def _consultation_opening(consultation_id: int, progress) -> dict[str, Any]:
    from consult.invitations.services import on_opening

    return _follow_up("consultation.opening", consultation_id, on_opening(consultation_id))


def _consultation_reminder(consultation_id: int, progress) -> dict[str, Any]:
    from consult.invitations.services import on_reminder

    return _follow_up("consultation.reminder", consultation_id, on_reminder(consultation_id))


def _consultation_closing(consultation_id: int, progress) -> dict[str, Any]:
    from consult.invitations.services import on_closing

    return _follow_up("consultation.closing", consultation_id, on_closing(consultation_id))


def _commissioning_draft(run_id: int, progress) -> dict[str, Any]:
    from consult.commissioning.services import run_draft

    return run_draft(run_id, progress=progress)


def _notifications_send(consultation_id: int, progress) -> dict[str, Any]:
    from consult.jobs.queue import submit
    from consult.notifications.delivery import send_queued

    messages = send_queued(consultation_id)
    for message_id in messages:
        submit("mail.send", subject=f"mail:{message_id}", args={"message_id": message_id})
    return {"messages": messages}


def _report_build(consultation_id: int, progress, locale: str | None = None, margin: float | None = None,
                  actor_id: int | None = None) -> dict[str, Any]:
    from consult.reports.services import build_report

    job_id = progress.job_id
    return build_report(consultation_id, progress=progress, job_id=job_id, locale=locale, margin=margin,
                        actor_id=actor_id)


#: Job kinds and the service each one calls, with the record's args as keywords.
KINDS: dict[str, Callable[..., dict[str, Any] | None]] = {
    "planning_group.profile": _planning_group_profile,
    "mail.send": _mail_send,
    "consultation.opening": _consultation_opening,
    "consultation.reminder": _consultation_reminder,
    "consultation.closing": _consultation_closing,
    "notifications.send": _notifications_send,
    "consultation.tally": _consultation_tally,
    "commissioning.draft": _commissioning_draft,
    "report.build": _report_build,
}


def run(job_id: str) -> None:
    with _app_context():
        claimed = services.claim(job_id)
        db.session.commit()
        if not claimed:
            return
        record = db.session.get(JobRecord, job_id)
        try:
            result = KINDS[record.kind](**record.args, progress=Progress(job_id))
            services.finish(job_id, result)
            commit_and_dispatch()  # also hands on any follow-up work the job asked for
        except Exception as exc:
            db.session.rollback()
            services.fail(job_id, exc)
            db.session.commit()
            raise
