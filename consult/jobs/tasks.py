"""What RQ runs. Thin: claim the job record, call what its kind registered (consult.jobs.registry), commit.

Importing this module has no side effects; an app is created on first use only when the worker did not
provide one (a plain `rq worker` process).
"""

from __future__ import annotations

import contextlib

from flask import has_app_context

from consult.extensions import db
from consult.jobs import services
from consult.jobs.models import JobRecord
from consult.jobs.queue import Progress, commit_and_dispatch
from consult.jobs.registry import KINDS

_app = None


def _app_context():
    global _app
    if has_app_context():
        return contextlib.nullcontext()
    if _app is None:
        from consult import create_app

        _app = create_app()
    return _app.app_context()


def run(job_id: str) -> None:
    with _app_context():
        claimed = services.claim(job_id)
        db.session.commit()
        if not claimed:
            return
        record = db.session.get(JobRecord, job_id)
        try:
            result = KINDS[record.kind].run(**record.args, progress=Progress(job_id))
            services.finish(job_id, result)
            commit_and_dispatch()  # also hands on any follow-up work the job asked for
        except Exception as exc:
            db.session.rollback()
            services.fail(job_id, exc)
            db.session.commit()
            raise
