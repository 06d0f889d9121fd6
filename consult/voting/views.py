"""Priority votes on screen: priorities, casting and checking a ballot, voting codes, paper entry, results."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult.consultations.models import Consultation, ConsultationStatus
from consult.consultations.permissions import can_manage_consultation, can_view_results
from consult.core.forms import ConfirmForm
from consult.core.i18n import current_locale, tr
from consult.core.web import form_error
from consult.extensions import db, login_manager
from consult.invitations.web import followed_invitation
from consult.jobs import queue
from consult.jobs.web import started
from consult.localities.models import Locality, StakeholderGroup
from consult.voting import services
from consult.voting.forms import (
    BallotForm,
    CodeEntryForm,
    PriorityForm,
    ResultsFilterForm,
    VotingCodesForm,
    ballot_form,
)
from consult.voting.models import SCHEMES, Priority, VotingCode
from consult.voting.permissions import (
    can_enter_paper_ballots,
    can_issue_voting_codes,
    can_manage_priorities,
    can_recalculate_results,
    voting_memberships,
)
from consult.voting.results import latest_snapshot, settled_places, share_bars

bp = Blueprint("voting", __name__)


@bp.before_request
def _settle_locale():
    """Choose the language now, so a ?lang= switch sticks even when the answer is a redirect."""
    current_locale()

#: What the refusal of a cast ballot means for the HTTP status.
STATUS_FOR = {"closed": 403, "not_member": 403, "duplicate": 409, "busy": 503, "locked": 409}


def _consultation(consultation_id: int) -> Consultation:
    return db.get_or_404(Consultation, consultation_id)


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _titles(consultation: Consultation) -> dict[str, str]:
    return {p.code: tr(p.title, fallback=consultation.default_locale) for p in consultation.vote.priorities}


def _easy() -> bool:
    return request.args.get("easy") == "1"


def _easy_args() -> dict[str, str]:
    return {"easy": "1"} if _easy() else {}


def _attach(form, exc: services.VotingError) -> None:
    """Show a service's refusal on the input it concerns (the priority's, or a named field)."""
    if exc.priority is not None and isinstance(form, BallotForm):
        name = form.field_name(form.method, exc.priority)
    else:
        name = exc.field
    form_error(form, name if name in form._fields else None, str(exc))


# --------------------------------------------------------------------------
# Priorities (for the consultation's managers)
# --------------------------------------------------------------------------


def _locked_page(consultation: Consultation):
    return render_template("voting/locked.html", consultation=consultation), 409


@bp.route("/consultations/<int:consultation_id>/priorities")
@login_required
def priorities(consultation_id):
    consultation = _consultation(consultation_id)
    _require(can_manage_consultation(current_user, consultation))
    return render_template("voting/priorities.html", consultation=consultation, vote=consultation.vote,
                           locked=consultation.vote is not None and services.vote_is_locked(consultation),
                           confirm=ConfirmForm())


def _priority(consultation: Consultation, priority_id: int | None) -> Priority | None:
    if priority_id is None:
        return None
    priority = db.get_or_404(Priority, priority_id)
    if priority.vote_id != consultation.vote.id:
        abort(404)
    return priority


@bp.route("/consultations/<int:consultation_id>/priorities/new", methods=["GET", "POST"],
          defaults={"priority_id": None})
@bp.route("/consultations/<int:consultation_id>/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@login_required
def edit_priority(consultation_id, priority_id):
    consultation = _consultation(consultation_id)
    _require(can_manage_consultation(current_user, consultation))
    if consultation.vote is None:
        abort(404)
    priority = _priority(consultation, priority_id)
    if services.vote_is_locked(consultation):
        return _locked_page(consultation)
    form = PriorityForm.build(obj=priority)
    if priority is not None and not form.is_submitted():
        for base in ("title", "description", "easy_read"):
            form.fill_localized(base, getattr(priority, base))
    if form.validate_on_submit():
        try:
            services.save_priority(consultation.vote, priority, code=form.code.data, title=form.localized("title"),
                                   description=form.localized("description"),
                                   easy_read=form.localized("easy_read"), cost=form.cost.data, actor=current_user)
        except services.VotingError as exc:
            db.session.rollback()
            if exc.code == "locked":
                return _locked_page(consultation)
            form_error(form, exc.field, str(exc))
        else:
            db.session.commit()
            flash(_("Priority saved."), "success")
            return redirect(url_for("voting.priorities", consultation_id=consultation.id))
    return (render_template("voting/priority_form.html", form=form, consultation=consultation, priority=priority),
            400 if form.errors else 200)


@bp.route("/consultations/<int:consultation_id>/priorities/<int:priority_id>/remove", methods=["POST"])
@login_required
def remove_priority(consultation_id, priority_id):
    consultation = _consultation(consultation_id)
    _require(can_manage_priorities(current_user, consultation))
    priority = _priority(consultation, priority_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    title = tr(priority.title, fallback=consultation.default_locale)
    try:
        services.remove_priority(priority, actor=current_user)
    except services.VotingError:
        db.session.rollback()
        return _locked_page(consultation)
    db.session.commit()
    flash(_("%(title)s has been removed.", title=title), "success")
    return redirect(url_for("voting.priorities", consultation_id=consultation.id))


@bp.route("/consultations/<int:consultation_id>/priorities/<int:priority_id>/move", methods=["POST"])
@login_required
def move_priority(consultation_id, priority_id):
    consultation = _consultation(consultation_id)
    _require(can_manage_priorities(current_user, consultation))
    priority = _priority(consultation, priority_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400, _("Choose up or down."))
    try:
        services.move_priority(priority, step, actor=current_user)
    except services.VotingError:
        db.session.rollback()
        return _locked_page(consultation)
    db.session.commit()
    return redirect(url_for("voting.priorities", consultation_id=consultation.id) + f"#priority-{priority.id}")


# --------------------------------------------------------------------------
# Voting codes
# --------------------------------------------------------------------------


def _slip_locales(consultation: Consultation) -> list[str]:
    """The consultation's languages: its default first, then every enabled language its title is written in."""
    enabled = current_app.config["LOCALES"]
    others = [code for code in enabled if code != consultation.default_locale and consultation.title.get(code)]
    return [consultation.default_locale] + others


@bp.route("/consultations/<int:consultation_id>/codes", methods=["GET", "POST"])
@login_required
def codes(consultation_id):
    consultation = _consultation(consultation_id)
    _require(can_manage_consultation(current_user, consultation))
    if consultation.vote is None:
        abort(404)
    may_issue = can_issue_voting_codes(current_user, consultation)
    form = VotingCodesForm()
    if request.method == "POST" and not may_issue:
        return render_template("voting/codes.html", consultation=consultation, form=form, may_issue=False,
                               batches=services.code_batches(consultation)), 409
    if form.validate_on_submit():
        try:
            issued = services.issue_codes(consultation, form.count.data, actor=current_user)
        except services.VotingError as exc:
            db.session.rollback()
            form_error(form, exc.field or "count", str(exc))
        else:
            db.session.commit()
            url = url_for("voting.vote", slug=consultation.slug, _external=True)
            instructions = []
            for code in _slip_locales(consultation):
                with force_locale(code):
                    text = _("Go to %(url)s, enter this code and choose the priorities that matter most to you. "
                             "The code works once.", url=url)
                if text not in [t for _c, t in instructions]:
                    instructions.append((code, text))
            response = make_response(render_template(
                "voting/code_slips.html", consultation=consultation, codes=issued, url=url,
                instructions=instructions, locales=_slip_locales(consultation)))
            # The codes exist nowhere else in readable form: keep them out of every cache.
            response.headers["Cache-Control"] = "no-store"
            return response
    return (render_template("voting/codes.html", consultation=consultation, form=form, may_issue=may_issue,
                            batches=services.code_batches(consultation)), 400 if form.errors else 200)


# --------------------------------------------------------------------------
# Casting a ballot: /c/<slug>/vote → check your answers → confirmation
# --------------------------------------------------------------------------


def _pending_key(consultation: Consultation) -> str:
    return f"vote-pending-{consultation.id}"


def _code_key(consultation: Consultation) -> str:
    return f"vote-code-{consultation.id}"


def _public_consultation(slug: str) -> Consultation:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or consultation.vote is None:
        abort(404)
    if consultation.status == ConsultationStatus.DRAFT.value and not can_manage_consultation(current_user,
                                                                                             consultation):
        abort(404)
    return consultation


def _not_open(consultation: Consultation, status: int):
    return render_template("voting/not_open.html", consultation=consultation), status


class _Who:
    """Who is voting now: a member (with the memberships they may vote as), a code holder (from the session),
    or the holder of a personal invitation link (from the session; counted for the invitation's group and place)."""

    def __init__(self, kind: str, *, memberships=(), code: dict | None = None, invitation=None):
        self.kind, self.memberships, self.code = kind, list(memberships), code or {}
        self.invitation = invitation

    @property
    def voter_key(self) -> str:
        if self.kind == "invite":
            return services.invitation_voter_key(self.invitation)
        return f"user:{current_user.id}" if self.kind == "member" else f"code:{self.code['id']}"

    def group(self) -> StakeholderGroup | None:
        if self.kind == "invite":
            return self.invitation.stakeholder_group
        return db.session.get(StakeholderGroup, self.code.get("group")) if self.kind == "code" else None

    def locality(self) -> Locality | None:
        if self.kind == "invite":
            return self.invitation.locality
        return db.session.get(Locality, self.code.get("locality")) if self.kind == "code" else None


def _who(consultation: Consultation) -> _Who | None:
    invitation = followed_invitation(consultation.id)
    if invitation is not None:
        return _Who("invite", invitation=invitation)
    code = session.get(_code_key(consultation))
    if code and db.session.get(VotingCode, code.get("id")) is not None:
        return _Who("code", code=code)
    memberships = voting_memberships(current_user, consultation)
    if memberships:
        return _Who("member", memberships=memberships)
    return None


def _membership_label(membership) -> str:
    return _("%(group)s in %(place)s (%(planning_group)s)", group=tr(membership.stakeholder_group.name),
             place=tr(membership.planning_group.locality.name), planning_group=tr(membership.planning_group.name))


def _ballot_form_for(consultation: Consultation, who: _Who, **kwargs) -> BallotForm:
    speak_as = None
    if who.kind == "member" and len(who.memberships) > 1:
        speak_as = [(m.id, _membership_label(m)) for m in who.memberships]
    return ballot_form(consultation.vote, _titles(consultation), speak_as=speak_as, **kwargs)


def _ballot_page(consultation, form, who, status=200):
    existing = services.find_ballot(consultation, who.voter_key)
    return render_template("voting/ballot.html", consultation=consultation, vote=consultation.vote, form=form,
                           who=who, easy=_easy(), already_voted=existing is not None,
                           group=who.group(), locality=who.locality()), status


@bp.route("/c/<slug>/vote", methods=["GET", "POST"])
def vote(slug):
    consultation = _public_consultation(slug)
    if not consultation.accepts_responses():
        return _not_open(consultation, 403 if request.method == "POST" else 200)
    who = _who(consultation)
    if who is None:
        return redirect(url_for("voting.enter_code", slug=slug, **_easy_args()))
    if who.kind == "invite" and services.find_ballot(consultation, who.voter_key) is not None:
        # A personal link votes once.
        return redirect(url_for("voting.done", slug=slug, **_easy_args()))
    form = _ballot_form_for(consultation, who)
    if not form.is_submitted():
        pending = session.get(_pending_key(consultation))
        existing = services.find_ballot(consultation, who.voter_key)
        if pending:
            form.fill(pending["values"])
            if "speak_as" in form:
                form.speak_as.data = pending.get("speak_as")
        elif existing is not None:
            form.fill(services.ballot_values(existing))
            if "speak_as" in form:
                form.speak_as.data = next((m.id for m in who.memberships
                                           if m.stakeholder_group_id == existing.stakeholder_group_id
                                           and m.planning_group.locality_id == existing.locality_id), None)
    elif form.validate_on_submit():
        values = form.values()
        try:
            services.check_ballot(consultation.vote, values)
        except services.VotingError as exc:
            _attach(form, exc)
        else:
            session[_pending_key(consultation)] = {
                "values": values, "speak_as": form.speak_as.data if "speak_as" in form else None}
            return redirect(url_for("voting.check", slug=slug, **_easy_args()))
    return _ballot_page(consultation, form, who, 400 if form.errors else 200)


def _summary_rows(consultation: Consultation, values: dict[str, int]) -> list[tuple[str, str]]:
    """(priority title, what the voter gave it) in the order that matters: by rank, or by points."""
    titles = _titles(consultation)
    method = consultation.vote.method
    if method == "ranking":
        return [(titles.get(code, code), str(rank)) for code, rank in sorted(values.items(), key=lambda kv: kv[1])]
    if method == "approval":
        return [(titles[code], _("Yes")) for code in titles if values.get(code)]
    return [(titles[code], str(values[code])) for code in titles if values.get(code)]


def _speaking_as(consultation: Consultation, who: _Who, pending: dict) -> str:
    if who.kind in ("code", "invite"):
        group, locality = who.group(), who.locality()
        return _("%(group)s in %(place)s", group=tr(group.name) if group else "",
                 place=tr(locality.name) if locality else "")
    chosen = next((m for m in who.memberships if m.id == pending.get("speak_as")), None)
    if chosen is None and len(who.memberships) == 1:
        chosen = who.memberships[0]
    return _membership_label(chosen) if chosen else ""


@bp.route("/c/<slug>/vote/check", methods=["GET", "POST"])
def check(slug):
    consultation = _public_consultation(slug)
    if not consultation.accepts_responses():
        return _not_open(consultation, 403 if request.method == "POST" else 200)
    who = _who(consultation)
    if who is None:
        return redirect(url_for("voting.enter_code", slug=slug, **_easy_args()))
    pending = session.get(_pending_key(consultation))
    if not pending:
        return redirect(url_for("voting.vote", slug=slug, **_easy_args()))
    form = ConfirmForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = {str(k): v for k, v in pending["values"].items()}
        try:
            if who.kind == "invite":
                services.cast_ballot_by_link(who.invitation, values, locale=current_locale())
            elif who.kind == "member":
                membership = next((m for m in who.memberships if m.id == pending.get("speak_as")), None)
                services.cast_member_ballot(consultation, current_user, membership, values, locale=current_locale())
            else:
                services.cast_code_ballot(consultation, who.code["id"], who.group(), who.locality(), values,
                                          already_cast=bool(who.code.get("cast")), locale=current_locale())
        except services.VotingError as exc:
            db.session.rollback()
            if exc.code == "closed":
                return _not_open(consultation, 403)
            if exc.code in ("used_code", "unknown_code"):
                session.pop(_code_key(consultation), None)
            form_error(form, "submit", str(exc))
            status = STATUS_FOR.get(exc.code, 400)
        else:
            db.session.commit()
            session.pop(_pending_key(consultation), None)
            if who.kind == "code":
                session[_code_key(consultation)] = dict(who.code, cast=True)
            return redirect(url_for("voting.done", slug=slug, **_easy_args()))
    values = {str(k): v for k, v in pending["values"].items()}
    return render_template("voting/check.html", consultation=consultation, form=form,
                           rows=_summary_rows(consultation, values), given=sum(values.values()),
                           speaking_as=_speaking_as(consultation, who, pending), easy=_easy(),
                           replacing=services.find_ballot(consultation, who.voter_key) is not None), status


@bp.route("/c/<slug>/vote/done")
def done(slug):
    consultation = _public_consultation(slug)
    who = _who(consultation)
    ballot = services.find_ballot(consultation, who.voter_key) if who else None
    if ballot is None:
        return redirect(url_for("voting.vote", slug=slug, **_easy_args()))
    return render_template("voting/done.html", consultation=consultation, ballot=ballot, easy=_easy(),
                           can_change=consultation.accepts_responses() and who.kind != "invite")


@bp.route("/c/<slug>/vote/code", methods=["GET", "POST"])
def enter_code(slug):
    consultation = _public_consultation(slug)
    if not consultation.accepts_responses():
        return _not_open(consultation, 403 if request.method == "POST" else 200)
    groups, localities = services.taking_part(consultation)
    form = CodeEntryForm()
    form.stakeholder_group.choices = [(g.id, tr(g.name)) for g in groups]
    form.locality.choices = [(loc.id, tr(loc.name)) for loc in localities]
    if form.validate_on_submit():
        try:
            voting_code = services.start_code_vote(consultation, form.code.data,
                                                   db.session.get(StakeholderGroup, form.stakeholder_group.data),
                                                   db.session.get(Locality, form.locality.data),
                                                   address=request.remote_addr)
        except services.VotingError as exc:
            if exc.code == "closed":
                return _not_open(consultation, 403)
            db.session.commit()  # keep a failed guess: it counts towards the limit
            _attach(form, exc)
            if exc.code == "too_many":
                return (render_template("voting/enter_code.html", consultation=consultation, form=form,
                                        easy=_easy(), member=bool(voting_memberships(current_user, consultation))),
                        429)
        else:
            session[_code_key(consultation)] = {"id": voting_code.id, "group": form.stakeholder_group.data,
                                                "locality": form.locality.data, "cast": False}
            session.pop(_pending_key(consultation), None)
            return redirect(url_for("voting.vote", slug=slug, **_easy_args()))
    return (render_template("voting/enter_code.html", consultation=consultation, form=form, easy=_easy(),
                            member=bool(voting_memberships(current_user, consultation))),
            400 if form.errors else 200)


# --------------------------------------------------------------------------
# Paper and meeting ballots
# --------------------------------------------------------------------------


def _paper_key(consultation: Consultation) -> str:
    return f"paper-last-{consultation.id}"


@bp.route("/consultations/<int:consultation_id>/paper", methods=["GET", "POST"])
@login_required
def paper(consultation_id):
    consultation = _consultation(consultation_id)
    _require(can_manage_consultation(current_user, consultation))
    if consultation.vote is None:
        abort(404)
    groups, localities = services.taking_part(consultation)
    form = ballot_form(consultation.vote, _titles(consultation), paper={
        "groups": [(g.id, tr(g.name)) for g in groups], "localities": [(loc.id, tr(loc.name)) for loc in localities]})
    may_enter = can_enter_paper_ballots(current_user, consultation)
    status = 200
    if not may_enter:
        status = 409 if request.method == "POST" else 200
    elif not form.is_submitted():
        last = session.get(_paper_key(consultation)) or {}
        form.channel.data = last.get("channel")
        form.stakeholder_group.data = last.get("group")
        form.locality.data = last.get("locality")
    elif form.validate_on_submit():
        try:
            ballot = services.enter_paper_ballot(
                consultation, channel=form.channel.data,
                group=db.session.get(StakeholderGroup, form.stakeholder_group.data),
                locality=db.session.get(Locality, form.locality.data), values=form.values(), entered_by=current_user)
        except services.VotingError as exc:
            db.session.rollback()
            _attach(form, exc)
        else:
            db.session.commit()
            session[_paper_key(consultation)] = {"channel": form.channel.data, "group": form.stakeholder_group.data,
                                                 "locality": form.locality.data}
            flash(_("Ballot %(number)s saved. Write this number on the form.", number=ballot.id), "success")
            if form.save_finish.data:
                return redirect(url_for("consultations.show", consultation_id=consultation.id))
            return redirect(url_for("voting.paper", consultation_id=consultation.id, another=1))
    if form.errors:
        status = 400
    return render_template("voting/paper.html", consultation=consultation, vote=consultation.vote, form=form,
                           may_enter=may_enter, counts=services.paper_ballot_count(consultation),
                           focus_values=request.args.get("another") == "1"), status


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------

#: Colours for stakeholder groups' bar segments (GOV.UK palette); segments are also separated by white gaps,
#: follow the legend's order, and the table beside the chart gives every number.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#b58840", "#912b88", "#505a5f"]


def _results_page(consultation: Consultation):
    if consultation.vote is None:
        abort(404)
    if not can_view_results(current_user, consultation):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(403)
    snapshot = latest_snapshot(consultation)
    job = queue.latest_tally(consultation)
    context = {"consultation": consultation, "snapshot": snapshot, "job": job if job and not job.done else None,
               "can_recalculate": can_recalculate_results(current_user, consultation), "confirm": ConfirmForm()}
    if snapshot is None:
        return render_template("voting/results.html", **context)
    data = snapshot.data
    names = {sg.code: tr(sg.name) for sg in db.session.scalars(select(StakeholderGroup).where(
        StakeholderGroup.code.in_(data["groups"])))}
    places = {loc.code: tr(loc.name) for loc in db.session.scalars(select(Locality).where(
        Locality.code.in_(data["localities"])))}
    form = ResultsFilterForm(request.args)
    form.locality.choices = [("", _("All areas"))] + [(code, places.get(code, code)) for code in data["localities"]]
    status = 200
    locality = None
    if request.args.get("locality"):
        if form.validate():
            locality = form.locality.data or None
        else:
            status = 400
    scheme = data["weighting"]

    def block(s: str) -> dict:
        schemes = data["schemes"][s]
        return schemes["overall"] if locality is None else schemes["localities"][locality]

    main = block(scheme)
    by_scheme = {s: {p["code"]: p for p in block(s)["priorities"]} for s in SCHEMES}
    intervals = data["intervals"].get(scheme, {}) if locality is None else {}
    titles = _titles(consultation)
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(data["groups"])}
    context.update(
        data=data, main=main, scheme=scheme, locality=locality, place=places.get(locality) if locality else None,
        form=form, group_names=names, titles=titles, by_scheme=by_scheme, schemes=SCHEMES,
        intervals=intervals, settled=settled_places(intervals), colours=colours,
        chart=share_bars(main["priorities"], data["groups"]),
        all_intervals=data["intervals"] if locality is None else {},
    )
    return render_template("voting/results.html", **context), status


@bp.route("/consultations/<int:consultation_id>/results")
def results(consultation_id):
    return _results_page(_consultation(consultation_id))


@bp.route("/c/<slug>/results")
def public_results(slug):
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        abort(404)
    return _results_page(consultation)


@bp.route("/consultations/<int:consultation_id>/results/recalculate", methods=["POST"])
@login_required
def recalculate(consultation_id):
    consultation = _consultation(consultation_id)
    _require(can_recalculate_results(current_user, consultation))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return started(queue.submit_tally(consultation, actor=current_user),
                   started=_("The results are being recalculated."),
                   waiting=_("The job service is not available just now. The recalculation will start when it is "
                             "back."))
