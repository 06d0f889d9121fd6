"""Building consultation reports in the background."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from consult.jobs.registry import task
from consult.reports.services import build_report


def _back_to_report(args: dict[str, Any]) -> tuple[str, str]:
    return url_for("reports.report", consultation_id=args["consultation_id"]), _("Back to the report page")


@task("report.build", back=_back_to_report)
def build(consultation_id: int, progress, locale: str | None = None, margin: float | None = None,
          actor_id: int | None = None) -> dict[str, Any]:
    return build_report(consultation_id, progress=progress, job_id=progress.job_id, locale=locale, margin=margin,
                        actor_id=actor_id)
