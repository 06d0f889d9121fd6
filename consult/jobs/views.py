from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required

from consult.core.web import wants_json
from consult.extensions import db
from consult.jobs.models import JobRecord
from consult.jobs.permissions import can_view_job
from consult.jobs.queue import read_progress
from consult.jobs.registry import back_link

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
    # Where the person came from, as the job's kind says (each domain's tasks.py registers it).
    return render_template("jobs/status.html", job=record, progress=progress, back_link=back_link(record))
