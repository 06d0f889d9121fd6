from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from consult.commissioning import services
from consult.commissioning.forms import BudgetForm, DraftForm, IntentionForm, PlanningYearForm
from consult.commissioning.models import Intention, PlanningYear
from consult.commissioning.permissions import (
    can_decide_commissioning,
    can_publish_you_said_we_did,
    can_view_commissioning,
    can_view_intention_audit,
    can_view_you_said_we_did,
)
from consult.consultations.models import Consultation
from consult.consultations.services import get_by_slug
from consult.core.forms import ConfirmForm
from consult.core.i18n import tr
from consult.core.web import form_error
from consult.extensions import db
from consult.jobs import queue
from consult.localities.services import localities as all_localities

bp = Blueprint("commissioning", __name__)


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _labels() -> dict:
    """Label tables for templates (translated when rendered)."""
    return {"status": services.STATUS_LABELS, "route": services.ROUTE_LABELS, "partner": services.PARTNER_LABELS,
            "area": services.AREA_LABELS, "change": services.CHANGE_LABELS, "relative": services.RELATIVE_LABELS,
            "judgement": services.JUDGEMENT_LABELS, "combine": services.COMBINE_LABELS,
            "field": services.FIELD_LABELS}


def _render(template: str, status: int = 200, **context):
    context.setdefault("describe", services.describe_departure)
    return render_template(template, labels=_labels(), pounds=services.pounds, **context), status


@bp.route("/commissioning")
@login_required
def index():
    _require(can_view_commissioning(current_user))
    return _render("commissioning/index.html", years=services.planning_years(),
                   can_decide=can_decide_commissioning(current_user))


@bp.route("/commissioning/years/new", methods=["GET", "POST"], defaults={"year_id": None})
@bp.route("/commissioning/years/<int:year_id>/edit", methods=["GET", "POST"])
@login_required
def edit_year(year_id):
    _require(can_decide_commissioning(current_user))
    year = db.get_or_404(PlanningYear, year_id) if year_id else None
    form = PlanningYearForm(obj=year)
    if form.validate_on_submit():
        try:
            year = services.save_planning_year(year, label=form.label.data, starts_on=form.starts_on.data,
                                               ends_on=form.ends_on.data, actor=current_user)
        except services.CommissioningError as exc:
            db.session.rollback()
            form_error(form, exc.field, str(exc))
        else:
            db.session.commit()
            flash(_("Planning year saved."), "success")
            return redirect(url_for("commissioning.year", year_id=year.id))
    return _render("commissioning/year_form.html", 400 if form.errors else 200, form=form, year=year)


def _run_state(year: PlanningYear) -> dict | None:
    run = services.latest_run(year)
    if run is None:
        return None
    job = queue.latest_draft(run)
    progress, message = queue.read_progress(job) if job is not None else (0, None)
    return {"run": run, "job": job, "progress": progress, "message": message}


@bp.route("/commissioning/years/<int:year_id>")
@login_required
def year(year_id):
    _require(can_view_commissioning(current_user))
    planning_year = db.get_or_404(PlanningYear, year_id)
    intentions = services.intentions_for(planning_year)
    groups: dict = {}
    for intention in intentions:
        groups.setdefault(intention.consultation, []).append(intention)
    return _render("commissioning/year.html", year=planning_year, groups=groups,
                   budgets=services.budget_summary(planning_year), state=_run_state(planning_year),
                   needs_rationale={i.id for i in services.year_warnings(planning_year)},
                   can_decide=can_decide_commissioning(current_user))


@bp.route("/commissioning/years/<int:year_id>/budgets", methods=["GET", "POST"])
@login_required
def budgets(year_id):
    _require(can_decide_commissioning(current_user))
    planning_year = db.get_or_404(PlanningYear, year_id)
    form = BudgetForm()
    if not form.is_submitted():
        for route in ("health", "social_care", "aligned"):
            budget = planning_year.budget(route)
            form[f"amount_{route}"].data = budget.amount if budget else None
        pooled = planning_year.budget("pooled")
        for contribution in (pooled.contributions if pooled else []):
            form[f"pooled_{contribution.partner}"].data = contribution.amount
    if form.validate_on_submit():
        try:
            services.set_budgets(planning_year, amounts={r: form[f"amount_{r}"].data
                                                         for r in ("health", "social_care", "aligned")},
                                 contributions={p: form[f"pooled_{p}"].data for p in ("health", "council")},
                                 actor=current_user)
        except services.CommissioningError as exc:
            db.session.rollback()
            form_error(form, exc.field, str(exc))
        else:
            db.session.commit()
            flash(_("Budgets saved."), "success")
            return redirect(url_for("commissioning.year", year_id=planning_year.id))
    return _render("commissioning/budgets.html", 400 if form.errors else 200, form=form, year=planning_year)


@bp.route("/commissioning/years/<int:year_id>/draft", methods=["GET", "POST"])
@login_required
def draft(year_id):
    _require(can_decide_commissioning(current_user))
    planning_year = db.get_or_404(PlanningYear, year_id)
    eligible = services.eligible_consultations()
    form = DraftForm()
    form.consultations.choices = [(c.id, f"{tr(c.title)} ({c.slug})") for c in eligible]
    if form.validate_on_submit():
        try:
            run = services.start_draft_run(planning_year, form.consultations.data, form.combine.data,
                                           actor=current_user)
        except services.CommissioningError as exc:
            db.session.rollback()
            form_error(form, exc.field, str(exc))
        else:
            queue.submit_draft(run, actor=current_user)
            if queue.commit_and_dispatch():
                flash(_("Drafting has started. The intentions appear below when it finishes."), "success")
            else:
                flash(_("The job service is not available just now. Drafting will start when it is back."),
                      "warning")
            return redirect(url_for("commissioning.year", year_id=planning_year.id, _anchor="last-run"))
    return _render("commissioning/draft.html", 400 if form.errors else 200, form=form, year=planning_year,
                   eligible=eligible)


def _intention_form(intention: Intention | None) -> IntentionForm:
    form = IntentionForm.build()
    form.localities.choices = [(loc.id, f"{tr(loc.name)} ({loc.code})") for loc in all_localities()]
    current = intention.status if intention is not None else "draft"
    allowed = (current, *services.TRANSITIONS[current])
    form.status.choices = [(s, label) for s, label in services.STATUS_LABELS.items() if s in allowed]
    if not form.is_submitted():
        form.status.data = current
        if intention is not None:
            for base in ("title", "description", "easy_read", "rationale"):
                form.fill_localized(base, getattr(intention, base))
            form.localities.data = [loc.id for loc in intention.localities]
            for name in ("amount", "planned_start", "planned_end", "best_value_note"):
                form[name].data = getattr(intention, name)
            for name in ("service_area", "funding_route", "lead_commissioner", "relative_cost", "relative_quality"):
                form[name].data = getattr(intention, name) or ""
            form.service_change.data = intention.service_change
    return form


def _form_data(form: IntentionForm) -> dict:
    return {
        "title": form.localized("title"), "description": form.localized("description"),
        "easy_read": form.localized("easy_read"), "rationale": form.localized("rationale"),
        "service_area": form.service_area.data, "localities": form.localities.data or [],
        "amount": form.amount.data, "funding_route": form.funding_route.data,
        "lead_commissioner": form.lead_commissioner.data, "status": form.status.data,
        "planned_start": form.planned_start.data, "planned_end": form.planned_end.data,
        "service_change": form.service_change.data, "relative_cost": form.relative_cost.data,
        "relative_quality": form.relative_quality.data, "best_value_note": form.best_value_note.data,
    }


@bp.route("/commissioning/years/<int:year_id>/intentions/new", methods=["GET", "POST"],
          defaults={"intention_id": None})
@bp.route("/commissioning/intentions/<int:intention_id>/edit", methods=["GET", "POST"], defaults={"year_id": None})
@login_required
def edit_intention(year_id, intention_id):
    _require(can_decide_commissioning(current_user))
    intention = db.get_or_404(Intention, intention_id) if intention_id else None
    planning_year = intention.planning_year if intention is not None else db.get_or_404(PlanningYear, year_id)
    form = _intention_form(intention)
    if form.validate_on_submit():
        try:
            saved = services.save_intention(intention, planning_year, data=_form_data(form), actor=current_user)
        except services.CommissioningError as exc:
            db.session.rollback()
            form_error(form, exc.field, str(exc))
        else:
            db.session.commit()
            flash(_("Intention saved."), "success")
            return redirect(url_for("commissioning.intention", intention_id=saved.id))
    found = services.departures_for(intention) if intention is not None else []
    return _render("commissioning/intention_form.html", 400 if form.errors else 200, form=form,
                   intention=intention, year=planning_year, departures=found,
                   titles=services.titles_for(intention) if intention is not None else {})


@bp.route("/commissioning/intentions/<int:intention_id>")
@login_required
def intention(intention_id):
    _require(can_view_commissioning(current_user))
    item = db.get_or_404(Intention, intention_id)
    found = services.departures_for(item)
    unexplained = {d.kind for d in services.unexplained_departures(item)}
    history = services.intention_history(item) if can_view_intention_audit(current_user) else None
    evidence = sorted(item.evidence, key=lambda e: ({"combined": 0, "all": 1}.get(e.scope, 2), e.scope))
    taking_part = sorted((gw.stakeholder_group for gw in (item.consultation.group_weights if item.consultation
                                                          else [])), key=lambda g: (g.position, g.code))
    group_names = {g.code: g.name for g in taking_part}
    present = {code for e in evidence for code in e.by_group}
    group_order = [g.code for g in taking_part if g.code in present] + sorted(present - set(group_names))
    locality_names = {loc.code: loc.name for loc in all_localities()}
    return _render("commissioning/intention.html", intention=item, departures=found, unexplained=unexplained,
                   titles=services.titles_for(item), history=history,
                   evidence=evidence, group_names=group_names, group_order=group_order, locality_names=locality_names,
                   judgement=services.judgement(item), can_decide=can_decide_commissioning(current_user))


@bp.route("/commissioning/consultations/<int:consultation_id>/you-said-we-did", methods=["GET", "POST"])
@login_required
def publish(consultation_id):
    _require(can_decide_commissioning(current_user))
    consultation = db.get_or_404(Consultation, consultation_id)
    confirm = ConfirmForm()
    content = services.build_you_said_we_did(consultation)
    error, status = None, 200
    if request.method == "POST":
        if not confirm.validate_on_submit():
            abort(400)
        if not can_publish_you_said_we_did(current_user, consultation):
            error, status = _("The consultation's results must be published first."), 409
        else:
            try:
                _feedback, queued = services.publish_you_said_we_did(consultation, actor=current_user)
            except services.CommissioningError as exc:
                db.session.rollback()
                error, status = str(exc), 409
            else:
                if queued:
                    queue.submit_notices(consultation, actor=current_user)
                queue.commit_and_dispatch()
                flash(ngettext("\"You said, we did\" is published. %(num)s person who asked to hear back will be told.",
                               "\"You said, we did\" is published. %(num)s people who asked to hear back will be "
                               "told.", queued), "success")
                return redirect(url_for("commissioning.you_said_we_did", slug=consultation.slug))
    return _render("commissioning/publish.html", status, consultation=consultation, confirm=confirm, error=error,
                   problems=services.publication_problems(consultation),
                   feedback=services.published_feedback(consultation),
                   content=content, scope=content.get("scopes", {}).get("all"), locality=None, easy=False,
                   items=services.you_said_we_did_items(content), ordinal=_ordinal)


def _ordinal(rank, total) -> str:
    return _("%(rank)s of %(total)s", rank=rank, total=total)


@bp.route("/c/<slug>/you-said-we-did")
def you_said_we_did(slug):
    consultation = get_by_slug(slug)
    if consultation is None or not can_view_you_said_we_did(consultation):
        abort(404)
    feedback = services.published_feedback(consultation)
    content = feedback.content if feedback is not None else services.build_you_said_we_did(consultation)
    if feedback is None:
        content = {**content, "decisions": {}}  # only what commissioners have published is public
    locality = request.args.get("locality") or None
    if locality is not None and locality not in content.get("scopes", {}) and locality not in {
            loc["code"] for loc in content.get("localities", [])}:
        abort(404)
    easy = request.args.get("easy") == "1"
    return _render("commissioning/you_said_we_did.html", consultation=consultation, content=content,
                   feedback=feedback, locality=locality, easy=easy,
                   scope=content.get("scopes", {}).get(locality or "all"),
                   items=services.you_said_we_did_items(content, locality),
                   default_locale=current_app.config["BABEL_DEFAULT_LOCALE"], ordinal=_ordinal)
