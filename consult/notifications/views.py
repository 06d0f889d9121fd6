from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.consultations.services import get_by_slug
from consult.core.web import carry_out, safe_next
from consult.extensions import csrf, db
from consult.notifications import services
from consult.notifications.delivery import subscription_for_token
from consult.notifications.forms import HearBackForm
from consult.notifications.permissions import can_ask_to_hear_back

bp = Blueprint("notifications", __name__)


@bp.app_template_global("hear_back_subscribed")
def hear_back_subscribed(consultation) -> bool:
    """For templates/notifications/_hear_back.html: has the signed-in person asked to hear back?"""
    return services.is_subscribed(current_user, consultation)


def _consultation(slug: str):
    consultation = get_by_slug(slug)
    if consultation is None or consultation.status.is_draft:
        abort(404)
    return consultation


def _next(consultation) -> str:
    return safe_next(request.form.get("next")) or url_for("consultations.landing", slug=consultation.slug)


@bp.route("/c/<slug>/hear-back", methods=["POST"])
@login_required
def subscribe(slug):
    consultation = _consultation(slug)
    if not can_ask_to_hear_back(current_user, consultation):
        abort(403)
    if not HearBackForm().validate_on_submit():
        abort(400)

    def refused(exc):
        abort(400, str(exc))

    return carry_out(lambda: services.subscribe(current_user, consultation),
                     done=_("We will tell you what was decided."), then=_next(consultation), refused=refused)


@bp.route("/c/<slug>/hear-back/stop", methods=["POST"])
@login_required
def unsubscribe(slug):
    consultation = _consultation(slug)
    if not HearBackForm().validate_on_submit():
        abort(400)
    services.unsubscribe(current_user, consultation)
    db.session.commit()
    flash(_("We will not tell you about this consultation any more."), "success")
    return redirect(_next(consultation))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients POST here with no form (RFC 8058 one-click); the signed token is the authority
def stop_by_link(token):
    """The link in every notification: GET asks to confirm; POST (also one-click, RFC 8058) stops the messages."""
    subscription = subscription_for_token(token)
    if subscription is None:
        abort(404)
    consultation = db.session.get(Consultation, subscription.consultation_id)
    if request.method == "POST":
        services.unsubscribe(db.session.get(User, subscription.user_id), consultation, channel="mail")
        db.session.commit()
        return render_template("notifications/unsubscribed.html", consultation=consultation)
    return render_template("notifications/unsubscribe.html", consultation=consultation, token=token)
