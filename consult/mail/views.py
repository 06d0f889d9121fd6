from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.core.permissions import can_read_outbox
from consult.extensions import csrf, db
from consult.mail import services
from consult.mail.models import MailMessage, MailStatus

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


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients POST here with no form (RFC 8058 one-click); the signed token is the authority
def unsubscribe(token):
    """The link in every notification: GET asks to confirm; POST (also one-click, RFC 8058) stops the messages."""
    from consult.notifications.delivery import subscription_for_token
    from consult.notifications.services import unsubscribe as stop

    subscription = subscription_for_token(token)
    if subscription is None:
        abort(404)
    consultation = db.session.get(Consultation, subscription.consultation_id)
    if request.method == "POST":
        stop(db.session.get(User, subscription.user_id), consultation, channel="mail")
        db.session.commit()
        return render_template("mail/unsubscribed.html", consultation=consultation)
    return render_template("mail/unsubscribe.html", consultation=consultation, token=token)
