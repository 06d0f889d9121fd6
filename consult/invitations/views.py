from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations.models import Consultation
from consult.consultations.permissions import can_manage_consultation
from consult.core.forms import ConfirmForm
from consult.core.web import carry_out, form_error
from consult.extensions import db
from consult.invitations import services
from consult.invitations.forms import ContactsForm
from consult.invitations.web import remember_link
from consult.jobs import queue

bp = Blueprint("invitations", __name__)


def _managed(consultation_id: int) -> Consultation:
    consultation = db.get_or_404(Consultation, consultation_id)
    if not can_manage_consultation(current_user, consultation):
        abort(403)
    return consultation


def _render(consultation, form, problems=(), status=200):
    return render_template("invitations/index.html", consultation=consultation, form=form, problems=problems,
                           summary=services.invitation_summary(consultation), confirm=ConfirmForm()), status


def _invite(consultation, invitees) -> list:
    """Store the invitations, and e-mail them now if the consultation already takes responses."""
    invitations = services.create_invitations(consultation, invitees, actor=current_user)
    for message_id in services.send_due_invitations(consultation):
        queue.submit_mail(message_id, actor=current_user)
    return invitations


def _invited(invitations) -> str:
    return _("%(n)d people invited.", n=len(invitations))


@bp.route("/consultations/<int:consultation_id>/invitations")
@login_required
def index(consultation_id):
    return _render(_managed(consultation_id), ContactsForm())


@bp.route("/consultations/<int:consultation_id>/invitations/import", methods=["POST"])
@login_required
def import_contacts(consultation_id):
    consultation = _managed(consultation_id)
    form = ContactsForm()
    if not form.validate_on_submit():
        return _render(consultation, form, status=400)

    def refused(exc):
        form_error(form, "file", str(exc))
        return _render(consultation, form, problems=exc.problems, status=400)

    return carry_out(lambda: _invite(consultation, services.parse_contacts(consultation, form.file.data.read())),
                     done=_invited, then=url_for("invitations.index", consultation_id=consultation.id),
                     refused=refused, commit=queue.commit_and_dispatch)


@bp.route("/consultations/<int:consultation_id>/invitations/members", methods=["POST"])
@login_required
def invite_members(consultation_id):
    consultation = _managed(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    invitees = services.members_to_invite(consultation)
    if not invitees:
        flash(_("Every planning-group member in these localities is already invited."), "info")
        return redirect(url_for("invitations.index", consultation_id=consultation.id))
    return carry_out(lambda: _invite(consultation, invitees), done=_invited,
                     then=url_for("invitations.index", consultation_id=consultation.id),
                     refused=lambda exc: _render(consultation, ContactsForm(), problems=[str(exc)], status=409),
                     commit=queue.commit_and_dispatch)


@bp.route("/i/<token>")
def follow(token):
    """A personal link: remember whose it is in this browser and go to the consultation."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render_template("invitations/link_problem.html", reason="invalid"), 404
    if not services.link_is_usable(invitation):
        reason = "used" if services.link_is_spent(invitation) else "closed"
        return render_template("invitations/link_problem.html", reason=reason,
                               consultation=invitation.consultation), 410
    remember_link(invitation)
    return redirect(url_for("consultations.landing", slug=invitation.consultation.slug, lang=invitation.locale))
