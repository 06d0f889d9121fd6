from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from consult.extensions import db
from consult.mail import services
from consult.mail.models import MailMessage, MailStatus
from consult.mail.permissions import can_read_outbox

bp = Blueprint("mail", __name__)


@bp.route("/admin/outbox")
@login_required
def outbox():
    if not can_read_outbox(current_user):
        abort(403)
    status = request.args.get("status") or None
    if status and status not in {s.value for s in MailStatus}:
        abort(400, "Unknown status.")
    return render_template("mail/outbox.html", messages=services.outbox(kind=request.args.get("kind") or None,
                                                                         status=status),
                           status=status or "")


@bp.route("/admin/outbox/<int:message_id>")
@login_required
def message(message_id):
    if not can_read_outbox(current_user):
        abort(403)
    return render_template("mail/message.html", message=db.get_or_404(MailMessage, message_id))
