from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations import services
from consult.consultations.forms import ConsultationForm
from consult.consultations.models import Consultation, ConsultationStatus
from consult.core.forms import ConfirmForm
from consult.core.i18n import locale_name, tr
from consult.core.permissions import can_create_consultation, can_manage_consultation, can_view_results
from consult.core.web import form_error
from consult.extensions import db
from consult.jobs import queue
from consult.jobs.services import latest_for
from consult.localities.models import Locality
from consult.localities.services import localities as all_localities
from consult.localities.services import stakeholder_groups
from consult.voting.results import latest_snapshot
from consult.voting.services import vote_is_locked

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


@bp.route("/consultations")
@login_required
def index():
    if not (can_create_consultation(current_user) or current_user.role == "commissioner"):
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
        try:
            saved = services.save_consultation(
                consultation, slug=form.slug.data, default_locale=form.default_locale.data,
                title=form.localized("title"), summary=form.localized("summary"),
                easy_read=form.localized("easy_read"),
                opens_at=_local(form.opens_on.data, form.opens_time.data),
                closes_at=_local(form.closes_on.data, form.closes_time.data),
                localities=list(db.session.get(Locality, i) for i in form.localities.data), actor=current_user)
            services.save_vote_settings(
                saved, enabled=form.has_vote.data == "yes", method=form.method.data,
                points_budget=form.points_budget.data, max_choices=form.max_choices.data,
                weighting=form.weighting.data, actor=current_user)
            services.set_reminder_days(saved, form.reminder_days.data, actor=current_user)
        except services.ConsultationError as exc:
            db.session.rollback()
            form_error(form, exc.field, str(exc))
        else:
            if saved.status == "open":
                _schedule_timers(saved)  # the dates may have moved
            queue.commit_and_dispatch()
            flash(_("Consultation saved."), "success")
            return redirect(url_for("consultations.show", consultation_id=saved.id))
    locked = consultation is not None and vote_is_locked(consultation)
    return (render_template("consultations/form.html", form=form, consultation=consultation, locked=locked),
            400 if form.errors else 200)


@bp.route("/consultations/<int:consultation_id>")
@login_required
def show(consultation_id):
    consultation = db.get_or_404(Consultation, consultation_id)
    if not (can_manage_consultation(current_user, consultation) or can_view_results(current_user, consultation)):
        abort(403)
    return _render_show(consultation)


@bp.route("/consultations/<int:consultation_id>/weights", methods=["GET", "POST"])
@login_required
def weights(consultation_id):
    consultation = _get_managed(consultation_id)
    groups = stakeholder_groups()
    current = {gw.stakeholder_group_id: gw.weight for gw in consultation.group_weights}
    errors: dict[str, str] = {}
    values = {sg.id: (sg.id in current, current.get(sg.id, sg.weight)) for sg in groups}
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        chosen: dict[int, float] = {}
        for sg in groups:
            takes_part = request.form.get(f"take_{sg.id}") == "y"
            raw = (request.form.get(f"weight_{sg.id}") or "").strip()
            try:
                weight = float(raw)
                if not 0 <= weight <= 1000 or weight != weight:
                    raise ValueError
            except ValueError:
                weight = None
                if takes_part:
                    errors[f"weight_{sg.id}"] = _("Enter a weight for %(group)s as a number from 0 to 1,000",
                                                  group=tr(sg.name))
            values[sg.id] = (takes_part, raw)
            if takes_part and weight is not None:
                chosen[sg.id] = weight
        if not errors:
            try:
                services.set_group_weights(consultation, chosen, actor=current_user)
            except services.ConsultationError as exc:
                db.session.rollback()
                errors[exc.field or "groups"] = str(exc)
            else:
                db.session.commit()
                flash(_("Stakeholder groups and weights saved."), "success")
                return redirect(url_for("consultations.show", consultation_id=consultation.id))
    error_list = [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
    return (render_template("consultations/weights.html", consultation=consultation, groups=groups, values=values,
                            errors=errors, error_list=error_list), 400 if errors else 200)


def _render_show(consultation: Consultation, error: str | None = None, status: int = 200):
    return render_template("consultations/show.html", consultation=consultation,
                           can_manage=can_manage_consultation(current_user, consultation),
                           translations=services.translation_status(consultation),
                           locked=vote_is_locked(consultation),
                           snapshot=latest_snapshot(consultation),
                           tally_job=latest_for(f"consultation:{consultation.id}"), confirm=ConfirmForm(),
                           error=error), status


def _transition(consultation_id: int, action, message: str, *, then=None):
    """Run a status change; a refusal re-shows the page with what was wrong (409), nothing changed."""
    consultation = _get_managed(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(consultation, actor=current_user)
    except services.ConsultationError as exc:
        db.session.rollback()
        return _render_show(consultation, error=str(exc), status=409)
    if then is not None:
        then(consultation)
    queue.commit_and_dispatch()
    flash(message, "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id))


def _schedule_timers(consultation: Consultation) -> None:
    """Queue the jobs that act at the opening time (invitations), before closing (reminders) and at closing.

    Each re-checks the consultation when it runs, so timers left from earlier dates do no harm."""
    from consult.invitations.services import reminder_due_at

    args, subject = {"consultation_id": consultation.id}, f"consultation-timer:{consultation.id}"
    queue.submit("consultation.opening", subject=subject, args=args, actor=current_user,
                 run_at=consultation.opens_at)
    reminder = reminder_due_at(consultation)
    if reminder is not None:
        queue.submit("consultation.reminder", subject=subject, args=args, actor=current_user, run_at=reminder)
    queue.submit("consultation.closing", subject=subject, args=args, actor=current_user,
                 run_at=consultation.closes_at)


def _queue_tally(consultation: Consultation) -> None:
    """Closing queues the tally (if there is a vote) and the report."""
    if consultation.vote is not None:
        queue.submit("consultation.tally", subject=f"consultation:{consultation.id}",
                     args={"consultation_id": consultation.id}, actor=current_user)
    queue.submit("report.build", subject=f"report:{consultation.id}",
                 args={"consultation_id": consultation.id, "actor_id": current_user.id}, actor=current_user)


@bp.route("/consultations/<int:consultation_id>/open", methods=["POST"])
@login_required
def open_(consultation_id):
    return _transition(consultation_id, services.open_consultation,
                       _("The consultation is open. It takes responses between its opening and closing times."),
                       then=_schedule_timers)


@bp.route("/consultations/<int:consultation_id>/close", methods=["POST"])
@login_required
def close(consultation_id):
    return _transition(consultation_id, services.close_consultation,
                       _("The consultation is closed. The results are being calculated."), then=_queue_tally)


def _notify_results(consultation: Consultation) -> None:
    """Tell the people who asked to hear back (never anonymous respondents: they left no address)."""
    from consult.notifications.services import queue_notifications

    if queue_notifications(consultation, "results_published", actor=current_user):
        queue.submit("notifications.send", subject=f"consultation-notify:{consultation.id}",
                     args={"consultation_id": consultation.id}, actor=current_user)


@bp.route("/consultations/<int:consultation_id>/publish", methods=["POST"])
@login_required
def publish(consultation_id):
    return _transition(consultation_id, services.publish_results, _("The results are published."),
                       then=_notify_results)


@bp.route("/consultations/<int:consultation_id>/translations/<locale>", methods=["POST"])
@login_required
def review_translation(consultation_id, locale):
    consultation = _get_managed(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.mark_reviewed(consultation, locale, request.form.get("reviewed") == "1", actor=current_user)
    except services.ConsultationError as exc:
        abort(400, str(exc))
    db.session.commit()
    flash(_("Translation status saved."), "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id))


@bp.route("/c/<slug>")
def landing(slug):
    consultation = services.get_by_slug(slug)
    if consultation is None:
        abort(404)
    if consultation.status == ConsultationStatus.DRAFT.value and not can_manage_consultation(current_user,
                                                                                             consultation):
        abort(404)
    return render_template("consultations/landing.html", consultation=consultation,
                           easy=request.args.get("easy") == "1",
                           accepting=consultation.accepts_responses(),
                           survey=getattr(consultation, "survey", None))
