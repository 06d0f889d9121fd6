from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from consult.core.models import AuditEvent
from consult.core.permissions import can_view_audit
from consult.extensions import db

bp = Blueprint("core", __name__)

AUDIT_PAGE = 50


@bp.route("/")
def home():
    return render_template("core/home.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("core/accessibility.html")


@bp.route("/healthz")
def healthz():
    db.session.execute(select(1))
    return jsonify(status="ok")


@bp.route("/admin/audit")
@login_required
def audit():
    if not can_view_audit(current_user):
        abort(403)
    page = request.args.get("page", 1, type=int)
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    entity_type = request.args.get("entity_type")
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    events = db.paginate(stmt, page=max(page, 1), per_page=AUDIT_PAGE, error_out=False)
    return render_template("core/audit.html", events=events, entity_type=entity_type or "")
