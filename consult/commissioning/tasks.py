"""Drafting commissioning intentions in the background."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from consult.commissioning.draft_runs import run_draft
from consult.commissioning.models import DraftRun
from consult.extensions import db
from consult.jobs.registry import task


def _back_to_year(args: dict[str, Any]) -> tuple[str, str] | None:
    run = db.session.get(DraftRun, args["run_id"])
    if run is None:
        return None
    return url_for("commissioning.year", year_id=run.planning_year_id), _("Back to the planning year")


@task("commissioning.draft", back=_back_to_year)
def draft(run_id: int, progress) -> dict[str, Any]:
    return run_draft(run_id, progress=progress)
