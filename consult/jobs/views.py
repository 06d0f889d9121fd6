from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.core.permissions import can_view_job
from consult.core.web import wants_json
from consult.extensions import db
from consult.jobs.models import JobRecord
from consult.jobs.queue import read_progress

bp = Blueprint("jobs", __name__)


@bp.route("/jobs/<job_id>")
@login_required
def status(job_id):
    record = db.get_or_404(JobRecord, job_id)
    if not can_view_job(current_user, record):
        abort(403)
    progress, message = read_progress(record)
    if wants_json() or request.args.get("format") == "json":
        return jsonify(id=record.id, status=record.status, progress=progress, message=message,
                       error=record.error, result=record.result)
    return render_template("jobs/status.html", job=record, progress=progress, back_link=_back_link(record))


def _back_link(record: JobRecord) -> tuple[str, str] | None:
    """Where the person came from, read from what the job is about."""
    kind, _sep, ident = (record.subject or "").partition(":")
    if not ident.isdigit():
        return None
    if kind == "planning_group":
        return url_for("localities.planning_group", group_id=int(ident)), _("Back to the planning group")
    if kind in ("consultation", "consultation-report"):
        return url_for("consultations.show", consultation_id=int(ident)), _("Back to the consultation")
    if kind == "commissioning_run":
        from consult.commissioning.models import DraftRun

        run = db.session.get(DraftRun, int(ident))
        if run is not None:
            return url_for("commissioning.year", year_id=run.planning_year_id), _("Back to the planning year")
    return None
