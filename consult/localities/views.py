from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.core.forms import ConfirmForm
from consult.core.i18n import tr
from consult.core.web import form_page, save_form
from consult.extensions import db
from consult.jobs import queue
from consult.jobs.web import started
from consult.localities import services
from consult.localities.forms import LocalityForm, MemberForm, PlanningGroupForm, StakeholderGroupForm
from consult.localities.models import Locality, Membership, PlanningGroup, StakeholderGroup
from consult.localities.permissions import (
    can_create_planning_group,
    can_list_planning_groups,
    can_manage_planning_group,
    can_manage_reference_data,
    can_view_planning_group,
)

bp = Blueprint("localities", __name__)


def _default_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


@bp.route("/localities")
@login_required
def localities():
    _require(can_list_planning_groups(current_user))
    return render_template("localities/localities.html", localities=services.localities(),
                           can_edit=can_manage_reference_data(current_user))


def _edit_reference(model, row_id, form_class, save, *, done: str, then: str, template: str, name: str):
    """A locality's or stakeholder group's form: administrators only; `save(row, form)` is the service call."""
    _require(can_manage_reference_data(current_user))
    row = db.get_or_404(model, row_id) if row_id else None
    form = form_class.build(obj=row)
    if row is not None and not form.is_submitted():
        form.fill_localized("name", row.name)
    if form.validate_on_submit():
        saved = save_form(form, lambda: save(row, form), done=done, then=then)
        if saved:
            return saved
    return form_page(template, form, **{name: row})


@bp.route("/localities/new", methods=["GET", "POST"], defaults={"locality_id": None})
@bp.route("/localities/<int:locality_id>/edit", methods=["GET", "POST"])
@login_required
def edit_locality(locality_id):
    return _edit_reference(
        Locality, locality_id, LocalityForm,
        lambda locality, form: services.save_locality(locality, code=form.code.data, name=form.localized("name"),
                                                      population=form.population.data,
                                                      default_locale=_default_locale()),
        done=_("Locality saved."), then=url_for("localities.localities"), template="localities/locality_form.html",
        name="locality")


@bp.route("/stakeholder-groups")
@login_required
def stakeholder_groups():
    _require(can_list_planning_groups(current_user))
    return render_template("localities/stakeholder_groups.html", groups=services.stakeholder_groups(),
                           can_edit=can_manage_reference_data(current_user))


@bp.route("/stakeholder-groups/new", methods=["GET", "POST"], defaults={"group_id": None})
@bp.route("/stakeholder-groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit_stakeholder_group(group_id):
    return _edit_reference(
        StakeholderGroup, group_id, StakeholderGroupForm,
        lambda group, form: services.save_stakeholder_group(group, code=form.code.data, name=form.localized("name"),
                                                            weight=form.weight.data,
                                                            default_locale=_default_locale()),
        done=_("Stakeholder group saved."), then=url_for("localities.stakeholder_groups"),
        template="localities/stakeholder_group_form.html", name="group")


@bp.route("/planning-groups")
@login_required
def planning_groups():
    _require(can_list_planning_groups(current_user))
    return render_template("localities/planning_groups.html", groups=services.planning_groups_for(current_user),
                           can_create=can_create_planning_group(current_user))


def _planning_group_form(group: PlanningGroup | None, can_reassign: bool) -> PlanningGroupForm:
    form = PlanningGroupForm.build(obj=group)
    if not can_reassign:
        # A facilitator may rename their group but not move it or hand it to others: those fields are not theirs.
        del form.locality
        del form.facilitators
    else:
        form.locality.choices = [(loc.id, f"{tr(loc.name)} ({loc.code})") for loc in services.localities()]
        form.facilitators.choices = [(u.id, u.name) for u in services.facilitator_candidates()]
    if group is not None and not form.is_submitted():
        form.fill_localized("name", group.name)
        if can_reassign:
            form.locality.data = group.locality_id
            form.facilitators.data = [u.id for u in group.facilitators]
    return form


@bp.route("/planning-groups/new", methods=["GET", "POST"], defaults={"group_id": None})
@bp.route("/planning-groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit_planning_group(group_id):
    group = db.get_or_404(PlanningGroup, group_id) if group_id else None
    _require(can_manage_planning_group(current_user, group) if group else can_create_planning_group(current_user))
    can_reassign = can_create_planning_group(current_user)
    form = _planning_group_form(group, can_reassign)
    if form.validate_on_submit():
        if can_reassign:
            locality = db.session.get(Locality, form.locality.data)
            facilitator_ids = form.facilitators.data or []
        else:
            locality, facilitator_ids = group.locality, [u.id for u in group.facilitators]
        done = save_form(form, lambda: services.save_planning_group(
                             group, locality=locality, name=form.localized("name"),
                             devolved_budget=form.devolved_budget.data, facilitator_ids=facilitator_ids,
                             default_locale=_default_locale()),
                         done=_("Planning group saved."),
                         then=lambda saved: url_for("localities.planning_group", group_id=saved.id))
        if done:
            return done
    return form_page("localities/planning_group_form.html", form, group=group, can_reassign=can_reassign)


@bp.route("/planning-groups/<int:group_id>")
@login_required
def planning_group(group_id):
    group = db.get_or_404(PlanningGroup, group_id)
    _require(can_view_planning_group(current_user, group))
    return render_template("localities/planning_group.html", group=group,
                           can_manage=can_manage_planning_group(current_user, group),
                           profile_job=queue.latest_profile(group),
                           stakeholder_groups=services.stakeholder_groups(), confirm=ConfirmForm())


def _member_form() -> MemberForm:
    form = MemberForm()
    form.stakeholder_group.choices = [(sg.id, tr(sg.name)) for sg in services.stakeholder_groups()]
    return form


@bp.route("/planning-groups/<int:group_id>/members/new", methods=["GET", "POST"])
@login_required
def add_member(group_id):
    group = db.get_or_404(PlanningGroup, group_id)
    _require(can_manage_planning_group(current_user, group))
    form = _member_form()
    if form.validate_on_submit():
        done = save_form(form, lambda: services.add_member(
                             group, name=form.name.data, email=form.email.data,
                             stakeholder_group=db.session.get(StakeholderGroup, form.stakeholder_group.data)),
                         done=lambda membership: _("%(name)s has been added to the group.", name=membership.user.name),
                         then=url_for("localities.planning_group", group_id=group.id), fields={None: "email"})
        if done:
            return done
    return form_page("localities/member_form.html", form, group=group)


@bp.route("/planning-groups/<int:group_id>/members/<int:membership_id>/remove", methods=["POST"])
@login_required
def remove_member(group_id, membership_id):
    group = db.get_or_404(PlanningGroup, group_id)
    _require(can_manage_planning_group(current_user, group))
    membership = db.get_or_404(Membership, membership_id)
    if membership.planning_group_id != group.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = membership.user.name
    services.remove_member(membership)
    db.session.commit()
    flash(_("%(name)s has been removed from the group.", name=name), "success")
    return redirect(url_for("localities.planning_group", group_id=group.id))


@bp.route("/planning-groups/<int:group_id>/profile", methods=["POST"])
@login_required
def recompute_profile(group_id):
    group = db.get_or_404(PlanningGroup, group_id)
    _require(can_manage_planning_group(current_user, group))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return started(queue.submit_profile(group, actor=current_user),
                   started=_("The membership profile is being recalculated."),
                   waiting=_("The job service is not available just now. The recalculation will start when it is "
                             "back."))
