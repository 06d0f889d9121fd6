"""Background work for priority votes: the tally."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from consult.jobs.registry import task
from consult.voting.results import compute_results


def _back_to_consultation(args: dict[str, Any]) -> tuple[str, str]:
    return url_for("consultations.show", consultation_id=args["consultation_id"]), _("Back to the consultation")


@task("consultation.tally", back=_back_to_consultation)
def tally(consultation_id: int, progress) -> dict[str, Any]:
    # The snapshot records which run made it.
    return compute_results(consultation_id, progress=progress, job_id=progress.job_id)
