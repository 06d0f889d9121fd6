from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts.models import User
from consult.consultations import counting, lifecycle, parts, services
from consult.consultations.forms import AgreeCountingForm, ConsultationForm, LeadForm, WeightsForm
from consult.consultations.models import Consultation
from consult.consultations.permissions import (
    can_agree_counting,
    can_choose_lead,
    can_create_consultation,
    can_list_consultations,
    can_manage_consultation,
    can_view_consultation,
    can_view_results,
    can_work_consultation,
)
from consult.core.forms import ConfirmForm
from consult.core.i18n import locale_name, tr
from consult.core.web import carry_out, form_error, form_page, save_form
from consult.extensions import db
from consult.jobs import queue
from consult.localities.models import Locality
from consult.localities.services import localities as all_localities
from consult.localities.services import stakeholder_groups

bp = Blueprint("consultations", __name__)

#: Times on forms are UK wall-clock times; they are stored in UTC.
LOCAL_ZONE = ZoneInfo("Europe/London")


def _local(day, clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=LOCAL_ZONE)


def _get_managed(consultation_id: int) -> Consultation:
    consultation = db.get_or_404(Consultation, consultation_id)
    if not can_manage_consultation(current_user, consultation):
        abort(403)
    return consultation


def _show(consultation: Consultation) -> str:
    return url_for("consultations.show", consultation_id=consultation.id)


@bp.route("/consultations")
@login_required
def index():
    if not can_list_consultations(current_user):
        abort(403)
    return render_template("consultations/index.html", consultations=services.consultations_for(current_user),
                           can_create=can_create_consultation(current_user))


def _form(consultation: Consultation | None) -> ConsultationForm:
    form = ConsultationForm.build(obj=consultation)
    form.default_locale.choices = [(code, locale_name(code)) for code in current_app.config["LOCALES"]]
    form.localities.choices = [(loc.id, f"{tr(loc.name)} ({loc.code})") for loc in all_localities()]
    if consultation is not None and not form.is_submitted():
        for base in ("title", "summary", "easy_read"):
            form.fill_localized(base, getattr(consultation, base))
        opens, closes = consultation.opens_at.astimezone(LOCAL_ZONE), consultation.closes_at.astimezone(LOCAL_ZONE)
        form.opens_on.data, form.opens_time.data = opens.date(), opens.strftime("%H:%M")
        form.closes_on.data, form.closes_time.data = closes.date(), closes.strftime("%H:%M")
        form.localities.data = [loc.id for loc in consultation.localities]
        form.reminder_days.data = consultation.reminder_days
        vote = consultation.vote
        form.has_vote.data = "yes" if vote else "no"
        if vote:
            form.method.data, form.weighting.data = vote.method, vote.weighting
            form.points_budget.data, form.max_choices.data = vote.points_budget, vote.max_choices
    elif consultation is None and not form.is_submitted():
        form.default_locale.data = current_app.config["BABEL_DEFAULT_LOCALE"]
    return form


def _save(consultation: Consultation | None, form: ConsultationForm) -> Consultation:
    """The details, the vote's settings and the reminder, in one change; an open one's timers follow its dates."""
    saved = services.save_consultation(
        consultation, slug=form.slug.data, default_locale=form.default_locale.data,
        title=form.localized("title"), summary=form.localized("summary"), easy_read=form.localized("easy_read"),
        opens_at=_local(form.opens_on.data, form.opens_time.data),
        closes_at=_local(form.closes_on.data, form.closes_time.data),
        localities=list(db.session.get(Locality, i) for i in form.localities.data), actor=current_user)
    parts.vote().save_settings(
        saved, enabled=form.has_vote.data == "yes", method=form.method.data, points_budget=form.points_budget.data,
        max_choices=form.max_choices.data, weighting=form.weighting.data, actor=current_user)
    services.set_reminder_days(saved, form.reminder_days.data, actor=current_user)
    if saved.status.is_open:
        lifecycle.schedule_timers(saved, actor=current_user)  # the dates may have moved
    return saved


@bp.route("/consultations/new", methods=["GET", "POST"], defaults={"consultation_id": None})
@bp.route("/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(consultation_id):
    if consultation_id is None:
        if not can_create_consultation(current_user):
            abort(403)
        consultation = None
    else:
        consultation = _get_managed(consultation_id)
    form = _form(consultation)
    if form.validate_on_submit():
        done = save_form(form, lambda: _save(consultation, form), done=_("Consultation saved."), then=_show,
                         commit=queue.commit_and_dispatch)
        if done:
            return done
    locked = consultation is not None and consultation.vote is not None and counting.is_locked(consultation)
    return form_page("consultations/form.html", form, consultation=consultation, locked=locked)


@bp.route("/consultations/<int:consultation_id>")
@login_required
def show(consultation_id):
    consultation = db.get_or_404(Consultation, consultation_id)
    if not (can_work_consultation(current_user, consultation) or can_view_results(current_user, consultation)):
        abort(403)
    return _render_show(consultation)


@bp.route("/consultations/<int:consultation_id>/weights", methods=["GET", "POST"])
@login_required
def weights(consultation_id):
    consultation = _get_managed(consultation_id)
    groups = stakeholder_groups()
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        abort(400)
    form = WeightsForm(consultation, groups, request.form if request.method == "POST" else None)
    if request.method == "POST" and not form.errors:
        done = carry_out(lambda: services.set_group_weights(consultation, form.chosen, actor=current_user),
                         done=_("Stakeholder groups and weights saved."), then=_show(consultation),
                         refused=lambda exc: form.add_error(exc.field, str(exc)))
        if done:
            return done
    return (render_template("consultations/weights.html", consultation=consultation, groups=groups,
                            values=form.values, errors=form.errors, error_list=form.error_list,
                            locked=counting.is_locked(consultation)),
            400 if form.errors else 200)


@bp.route("/consultations/<int:consultation_id>/lead", methods=["GET", "POST"])
@login_required
def lead(consultation_id):
    consultation = db.get_or_404(Consultation, consultation_id)
    if not can_choose_lead(current_user):
        abort(403)
    candidates = {person.id: person for person in services.lead_candidates()}
    form = LeadForm(data={"lead": consultation.lead_id} if request.method == "GET" else None)
    form.lead.choices = [(pid, f"{person.name} ({person.email})") for pid, person in candidates.items()]
    if form.validate_on_submit():
        done = save_form(form, lambda: services.set_lead(consultation, candidates.get(form.lead.data),
                                                         actor=current_user),
                         done=_("The consultation's lead is saved."), then=_show(consultation))
        if done:
            return done
    return form_page("consultations/lead.html", form, consultation=consultation)


def _render_show(consultation: Consultation, error: str | None = None, status: int = 200,
                 agree_form: AgreeCountingForm | None = None):
    agreed_by = db.session.get(User, consultation.weights_agreed_by_id) if consultation.weights_agreed_by_id else None
    return render_template("consultations/show.html", consultation=consultation,
                           can_manage=can_manage_consultation(current_user, consultation),
                           can_agree=can_agree_counting(current_user, consultation),
                           agree_form=agree_form or AgreeCountingForm(), agreed_by=agreed_by,
                           groups=counting.groups(consultation),
                           can_work=can_work_consultation(current_user, consultation),
                           can_choose_lead=can_choose_lead(current_user),
                           translations=services.translation_status(consultation),
                           tally_job=queue.latest_tally(consultation), confirm=ConfirmForm(),
                           error=error), status


@bp.route("/consultations/<int:consultation_id>/agree-counting", methods=["POST"])
@login_required
def agree_counting(consultation_id):
    """A commissioner agrees the weights, scheme and vote settings as they stand, saying why."""
    consultation = db.get_or_404(Consultation, consultation_id)
    if not can_agree_counting(current_user, consultation):
        abort(403)
    form = AgreeCountingForm()
    if not form.validate_on_submit():
        return _render_show(consultation, status=400, agree_form=form)

    def refused(exc):
        form_error(form, "reason", str(exc))
        return _render_show(consultation, status=409, agree_form=form)

    return carry_out(lambda: counting.agree(consultation, reason=form.reason.data, actor=current_user),
                     done=_("You agreed how votes are counted. They are locked when the consultation opens."),
                     then=_show(consultation), refused=refused)


def _step(consultation_id: int, step, message: str):
    """A step of the lifecycle; a refusal shows the page again with what was wrong (409), nothing changed."""
    consultation = _get_managed(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return carry_out(lambda: step(consultation, actor=current_user), done=message, then=_show(consultation),
                     refused=lambda exc: _render_show(consultation, error=str(exc), status=409),
                     commit=queue.commit_and_dispatch)


@bp.route("/consultations/<int:consultation_id>/open", methods=["POST"])
@login_required
def open_(consultation_id):
    return _step(consultation_id, lifecycle.open_consultation,
                 _("The consultation is open. It takes responses between its opening and closing times."))


@bp.route("/consultations/<int:consultation_id>/close", methods=["POST"])
@login_required
def close(consultation_id):
    return _step(consultation_id, lifecycle.close_consultation,
                 _("The consultation is closed. The results are being calculated."))


@bp.route("/consultations/<int:consultation_id>/publish", methods=["POST"])
@login_required
def publish(consultation_id):
    return _step(consultation_id, lifecycle.publish_results, _("The results are published."))


@bp.route("/consultations/<int:consultation_id>/translations/<locale>", methods=["POST"])
@login_required
def review_translation(consultation_id, locale):
    consultation = _get_managed(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)

    def refused(exc):
        abort(400, str(exc))

    return carry_out(lambda: services.mark_reviewed(consultation, locale, request.form.get("reviewed") == "1",
                                                    actor=current_user),
                     done=_("Translation status saved."), then=_show(consultation), refused=refused)


@bp.route("/c/<slug>")
def landing(slug):
    consultation = services.get_by_slug(slug)
    if consultation is None or not can_view_consultation(current_user, consultation):
        abort(404)
    return render_template("consultations/landing.html", consultation=consultation,
                           easy=request.args.get("easy") == "1",
                           accepting=consultation.accepts_responses(),
                           groups=counting.groups(consultation),
                           survey=getattr(consultation, "survey", None))
