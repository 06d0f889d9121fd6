from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from consult.commissioning import labels
from consult.commissioning.budgets import budget_summary, planning_years, save_planning_year, set_budgets
from consult.commissioning.common import CommissioningError
from consult.commissioning.draft_runs import eligible_consultations, latest_run, start_draft_run
from consult.commissioning.forms import BudgetForm, DraftForm, IntentionForm, PlanningYearForm
from consult.commissioning.intentions import (
    departures_for,
    describe_departure,
    evidence_table,
    intention_history,
    intentions_for,
    judgement,
    save_intention,
    titles_for,
    unexplained_departures,
    year_warnings,
)
from consult.commissioning.models import PARTNERS, Intention, IntentionStatus, PlanningYear
from consult.commissioning.permissions import (
    can_decide_commissioning,
    can_publish_you_said_we_did,
    can_view_commissioning,
    can_view_intention_audit,
    can_view_you_said_we_did,
)
from consult.commissioning.you_said_we_did import (
    build_you_said_we_did,
    publication_problems,
    publish_you_said_we_did,
    published_feedback,
    small_numbers,
    you_said_we_did_items,
)
from consult.consultations.models import Consultation
from consult.consultations.services import get_by_slug
from consult.core.forms import ConfirmForm
from consult.core.i18n import tr
from consult.core.web import carry_out, form_error, form_page, save_form
from consult.extensions import db
from consult.jobs import queue
from consult.jobs.web import started
from consult.localities.services import localities as all_localities

bp = Blueprint("commissioning", __name__)

#: The routes with a budget of their own; the pooled budget is made of the partners' contributions.
OWN_ROUTES = ("health", "social_care", "aligned")


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _year_to_change(year_id: int) -> PlanningYear:
    """The planning year a commissioner is about to change: 403 for anyone else, 404 if there is none."""
    _require(can_decide_commissioning(current_user))
    return db.get_or_404(PlanningYear, year_id)


@bp.context_processor
def _page_helpers() -> dict:
    """Label tables (translated when rendered), money and departures as sentences, for every commissioning page."""
    return {"labels": {"status": labels.STATUS_LABELS, "route": labels.ROUTE_LABELS,
                       "partner": labels.PARTNER_LABELS, "area": labels.AREA_LABELS, "change": labels.CHANGE_LABELS,
                       "relative": labels.RELATIVE_LABELS, "judgement": labels.JUDGEMENT_LABELS,
                       "combine": labels.COMBINE_LABELS, "field": labels.FIELD_LABELS},
            "pounds": labels.pounds, "describe": describe_departure, "intention_status": IntentionStatus}


@bp.route("/commissioning")
@login_required
def index():
    _require(can_view_commissioning(current_user))
    return render_template("commissioning/index.html", years=planning_years(),
                           can_decide=can_decide_commissioning(current_user))


@bp.route("/commissioning/years/new", methods=["GET", "POST"], defaults={"year_id": None})
@bp.route("/commissioning/years/<int:year_id>/edit", methods=["GET", "POST"])
@login_required
def edit_year(year_id):
    _require(can_decide_commissioning(current_user))
    year = db.get_or_404(PlanningYear, year_id) if year_id else None
    form = PlanningYearForm(obj=year)
    if form.validate_on_submit():
        done = save_form(form, lambda: save_planning_year(
            year, label=form.label.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            actor=current_user), done=_("Planning year saved."),
            then=lambda saved: url_for("commissioning.year", year_id=saved.id))
        if done:
            return done
    return form_page("commissioning/year_form.html", form, year=year)


def _run_state(year: PlanningYear) -> dict | None:
    run = latest_run(year)
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
    groups: dict = {}
    for intention in intentions_for(planning_year):
        groups.setdefault(intention.consultation, []).append(intention)
    return render_template("commissioning/year.html", year=planning_year, groups=groups,
                           budgets=budget_summary(planning_year), state=_run_state(planning_year),
                           needs_rationale={i.id for i in year_warnings(planning_year)},
                           can_decide=can_decide_commissioning(current_user))


@bp.route("/commissioning/years/<int:year_id>/budgets", methods=["GET", "POST"])
@login_required
def budgets(year_id):
    planning_year = _year_to_change(year_id)
    form = BudgetForm()
    if not form.is_submitted():
        for route in OWN_ROUTES:
            budget = planning_year.budget(route)
            form[f"amount_{route}"].data = budget.amount if budget else None
        pooled = planning_year.budget("pooled")
        for contribution in (pooled.contributions if pooled else []):
            form[f"pooled_{contribution.partner}"].data = contribution.amount
    if form.validate_on_submit():
        done = save_form(form, lambda: set_budgets(
            planning_year, amounts={r: form[f"amount_{r}"].data for r in OWN_ROUTES},
            contributions={p: form[f"pooled_{p}"].data for p in PARTNERS}, actor=current_user),
            done=_("Budgets saved."), then=url_for("commissioning.year", year_id=planning_year.id))
        if done:
            return done
    return form_page("commissioning/budgets.html", form, year=planning_year)


@bp.route("/commissioning/years/<int:year_id>/draft", methods=["GET", "POST"])
@login_required
def draft(year_id):
    planning_year = _year_to_change(year_id)
    eligible = eligible_consultations()
    form = DraftForm()
    form.consultations.choices = [(c.id, f"{tr(c.title)} ({c.slug})") for c in eligible]
    if form.validate_on_submit():
        try:
            run = start_draft_run(planning_year, form.consultations.data, form.combine.data,
                                             actor=current_user)
        except CommissioningError as exc:
            db.session.rollback()
            form_error(form, exc.field, str(exc))
        else:
            return started(queue.submit_draft(run, actor=current_user),
                           started=_("Drafting has started. The intentions appear below when it finishes."),
                           waiting=_("The job service is not available just now. Drafting will start when it is "
                                     "back."),
                           then=url_for("commissioning.year", year_id=planning_year.id, _anchor="last-run"))
    return form_page("commissioning/draft.html", form, year=planning_year, eligible=eligible)


def _intention_form(intention: Intention | None) -> IntentionForm:
    form = IntentionForm.build()
    form.localities.choices = [(loc.id, f"{tr(loc.name)} ({loc.code})") for loc in all_localities()]
    current = intention.status if intention is not None else IntentionStatus.DRAFT
    allowed = (current, *current.next_statuses)
    form.status.choices = [(s, label) for s, label in labels.STATUS_LABELS.items() if s in allowed]
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
        done = save_form(form, lambda: save_intention(intention, planning_year, data=_form_data(form),
                                                                 actor=current_user),
                         done=_("Intention saved."),
                         then=lambda saved: url_for("commissioning.intention", intention_id=saved.id))
        if done:
            return done
    found = departures_for(intention) if intention is not None else []
    return form_page("commissioning/intention_form.html", form, intention=intention, year=planning_year,
                     departures=found, titles=titles_for(intention) if intention is not None else {})


@bp.route("/commissioning/intentions/<int:intention_id>")
@login_required
def intention(intention_id):
    _require(can_view_commissioning(current_user))
    item = db.get_or_404(Intention, intention_id)
    history = intention_history(item) if can_view_intention_audit(current_user) else None
    return render_template("commissioning/intention.html", intention=item, departures=departures_for(item),
                           unexplained={d.kind for d in unexplained_departures(item)},
                           titles=titles_for(item), history=history, **evidence_table(item),
                           locality_names={loc.code: loc.name for loc in all_localities()},
                           judgement=judgement(item), can_decide=can_decide_commissioning(current_user))


def _publish(consultation: Consultation) -> int:
    """Publish "you said, we did" and send the news to whoever asked to hear back; how many they are."""
    _feedback, queued = publish_you_said_we_did(consultation, actor=current_user)
    if queued:
        queue.submit_notices(consultation, actor=current_user)
    return queued


@bp.route("/commissioning/consultations/<int:consultation_id>/you-said-we-did", methods=["GET", "POST"])
@login_required
def publish(consultation_id):
    _require(can_decide_commissioning(current_user))
    consultation = db.get_or_404(Consultation, consultation_id)
    confirm = ConfirmForm()

    def page(error: str | None = None, status: int = 200):
        content = build_you_said_we_did(consultation)
        return render_template(
            "commissioning/publish.html", consultation=consultation, confirm=confirm, error=error,
            problems=publication_problems(consultation),
            feedback=published_feedback(consultation), content=content,
            scope=content.get("scopes", {}).get("all"), locality=None, easy=False,
            small=small_numbers(content.get("scopes", {}).get("all"), None, public=False),
            items=you_said_we_did_items(content), ordinal=_ordinal), status

    if request.method != "POST":
        return page()
    if not confirm.validate_on_submit():
        abort(400)
    if not can_publish_you_said_we_did(current_user, consultation):
        return page(_("The consultation's results must be published first."), 409)
    return carry_out(lambda: _publish(consultation),
                     done=lambda queued: ngettext(
                         "\"You said, we did\" is published. %(num)s person who asked to hear back will be told.",
                         "\"You said, we did\" is published. %(num)s people who asked to hear back will be told.",
                         queued),
                     then=url_for("commissioning.you_said_we_did", slug=consultation.slug),
                     refused=lambda exc: page(str(exc), 409), commit=queue.commit_and_dispatch)


def _ordinal(rank, total) -> str:
    return _("%(rank)s of %(total)s", rank=rank, total=total)


@bp.route("/c/<slug>/you-said-we-did")
def you_said_we_did(slug):
    consultation = get_by_slug(slug)
    if consultation is None or not can_view_you_said_we_did(consultation):
        abort(404)
    feedback = published_feedback(consultation)
    content = feedback.content if feedback is not None else build_you_said_we_did(consultation)
    if feedback is None:
        content = {**content, "decisions": {}}  # only what commissioners have published is public
    locality = request.args.get("locality") or None
    if locality is not None and locality not in content.get("scopes", {}) and locality not in {
            loc["code"] for loc in content.get("localities", [])}:
        abort(404)
    easy = request.args.get("easy") == "1"
    scope = content.get("scopes", {}).get(locality or "all")
    small = small_numbers(scope, locality, public=True)
    items = you_said_we_did_items(content, locality)
    if small["area_hidden"]:  # too few voted here to show their results; what was decided is still shown
        items = [{**item, "result": None} for item in items]
    return render_template("commissioning/you_said_we_did.html", consultation=consultation, content=content,
                           feedback=feedback, locality=locality, easy=easy, scope=scope, small=small, items=items,
                           default_locale=current_app.config["BABEL_DEFAULT_LOCALE"], ordinal=_ordinal)
