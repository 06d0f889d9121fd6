"""What RQ runs. Thin: load the job record, claim it, call one service, commit.

Importing this module has no side effects; an app is created on first use
only when the worker did not provide one (a plain `rq worker` process).
"""

from __future__ import annotations

import contextlib
from functools import partial
from typing import Any, Callable

from flask import has_app_context

from consult.extensions import db
from consult.jobs import services
from consult.jobs.models import JobRecord
from consult.jobs.queue import publish_progress

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


#: Job kinds and the service each one calls, with the record's args as keywords.
KINDS: dict[str, Callable[..., dict[str, Any] | None]] = {
    "planning_group.profile": _planning_group_profile,
}


def run(job_id: str) -> None:
    with _app_context():
        claimed = services.claim(job_id)
        db.session.commit()
        if not claimed:
            return
        record = db.session.get(JobRecord, job_id)
        try:
            result = KINDS[record.kind](**record.args, progress=partial(publish_progress, job_id))
            services.finish(job_id, result)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            services.fail(job_id, exc)
            db.session.commit()
            raise
