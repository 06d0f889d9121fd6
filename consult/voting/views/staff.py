"""The vote's pages for the people who run the consultation: priorities, voting codes, paper entry, results."""

from __future__ import annotations

from flask import abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations.models import Consultation
from consult.consultations.permissions import can_manage_consultation, localities_worked_by
from consult.core.forms import ConfirmForm
from consult.core.i18n import tr
from consult.core.web import carry_out, form_error, form_page
from consult.extensions import db
from consult.jobs import queue
from consult.jobs.web import started
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.forms import PriorityForm, VotingCodesForm, ballot_form
from consult.voting.models import Priority
from consult.voting.permissions import (
    can_enter_paper_ballots,
    can_issue_voting_codes,
    can_manage_priorities,
    can_recalculate_results,
    can_work_vote,
)
from consult.voting.services import codes as voting_codes
from consult.voting.services import paper as paper_ballots
from consult.voting.services import priorities as vote_priorities
from consult.voting.services.ballots import taking_part
from consult.voting.services.errors import VotingError
from consult.voting.views import bp
from consult.voting.views.common import attach, consultation_or_404, require, results_page, titles

# --------------------------------------------------------------------------
# Priorities
# --------------------------------------------------------------------------


def _locked_page(consultation: Consultation):
    return render_template("voting/locked.html", consultation=consultation), 409


def _vote_for(consultation_id: int, may) -> Consultation:
    """A consultation that holds a vote, for the people `may` allows (those who manage it, or run it)."""
    consultation = consultation_or_404(consultation_id)
    require(may(current_user, consultation))
    if consultation.vote is None:
        abort(404)
    return consultation


def _to_priorities(consultation: Consultation) -> str:
    return url_for("voting.priorities", consultation_id=consultation.id)


@bp.route("/consultations/<int:consultation_id>/priorities")
@login_required
def priorities(consultation_id):
    consultation = consultation_or_404(consultation_id)
    require(can_manage_consultation(current_user, consultation))
    return render_template("voting/priorities.html", consultation=consultation, vote=consultation.vote,
                           locked=consultation.vote is not None and vote_priorities.vote_is_locked(consultation),
                           confirm=ConfirmForm())


def _priority(consultation: Consultation, priority_id: int | None) -> Priority | None:
    if priority_id is None:
        return None
    priority = db.get_or_404(Priority, priority_id)
    if priority.vote_id != consultation.vote.id:
        abort(404)
    return priority


def _confirmed_change(consultation_id: int, priority_id: int) -> tuple[Consultation, Priority]:
    """The priority a confirmed change (remove, move) is for, once its sender may change the priorities."""
    consultation = consultation_or_404(consultation_id)
    require(can_manage_priorities(current_user, consultation))
    priority = _priority(consultation, priority_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return consultation, priority


@bp.route("/consultations/<int:consultation_id>/priorities/new", methods=["GET", "POST"],
          defaults={"priority_id": None})
@bp.route("/consultations/<int:consultation_id>/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@login_required
def edit_priority(consultation_id, priority_id):
    consultation = _vote_for(consultation_id, can_manage_consultation)
    priority = _priority(consultation, priority_id)
    if vote_priorities.vote_is_locked(consultation):
        return _locked_page(consultation)
    form = PriorityForm.build(obj=priority)
    if priority is not None and not form.is_submitted():
        for base in ("title", "description", "easy_read"):
            form.fill_localized(base, getattr(priority, base))
    if form.validate_on_submit():
        done = carry_out(
            lambda: vote_priorities.save_priority(
                consultation.vote, priority, code=form.code.data, title=form.localized("title"),
                description=form.localized("description"), easy_read=form.localized("easy_read"),
                cost=form.cost.data, actor=current_user),
            done=_("Priority saved."), then=_to_priorities(consultation),
            # Someone voted since the page was checked: the priorities are locked now.
            refused=lambda exc: _locked_page(consultation) if exc.code == "locked" else form_error(
                form, exc.field, str(exc)))
        if done:
            return done
    return form_page("voting/priority_form.html", form, consultation=consultation, priority=priority)


@bp.route("/consultations/<int:consultation_id>/priorities/<int:priority_id>/remove", methods=["POST"])
@login_required
def remove_priority(consultation_id, priority_id):
    consultation, priority = _confirmed_change(consultation_id, priority_id)
    return carry_out(lambda: vote_priorities.remove_priority(priority, actor=current_user),
                     done=_("%(title)s has been removed.", title=tr(priority.title,
                                                                    fallback=consultation.default_locale)),
                     then=_to_priorities(consultation), refused=lambda exc: _locked_page(consultation))


@bp.route("/consultations/<int:consultation_id>/priorities/<int:priority_id>/move", methods=["POST"])
@login_required
def move_priority(consultation_id, priority_id):
    consultation, priority = _confirmed_change(consultation_id, priority_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400, _("Choose up or down."))
    # Not carry_out: a move says nothing (the list shows it), so there is nothing to flash.
    try:
        vote_priorities.move_priority(priority, step, actor=current_user)
    except VotingError:
        db.session.rollback()
        return _locked_page(consultation)
    db.session.commit()
    return redirect(_to_priorities(consultation) + f"#priority-{priority.id}")


# --------------------------------------------------------------------------
# Voting codes
# --------------------------------------------------------------------------


def _slip_locales(consultation: Consultation) -> list[str]:
    """The consultation's languages: its default first, then every enabled language its title is written in."""
    enabled = current_app.config["LOCALES"]
    others = [code for code in enabled if code != consultation.default_locale and consultation.title.get(code)]
    return [consultation.default_locale] + others


def _code_slips(consultation: Consultation, issued: list[str]):
    """The new codes, printable as slips with instructions in each of the consultation's languages."""
    url = url_for("voting.vote", slug=consultation.slug, _external=True)
    instructions = []
    for code in _slip_locales(consultation):
        with force_locale(code):
            text = _("Go to %(url)s, enter this code and choose the priorities that matter most to you. "
                     "The code works once.", url=url)
        if text not in [t for _c, t in instructions]:
            instructions.append((code, text))
    response = make_response(render_template(
        "voting/code_slips.html", consultation=consultation, codes=issued, url=url, instructions=instructions,
        locales=_slip_locales(consultation)))
    # The codes exist nowhere else in readable form: keep them out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/consultations/<int:consultation_id>/codes", methods=["GET", "POST"])
@login_required
def codes(consultation_id):
    consultation = _vote_for(consultation_id, can_work_vote)
    may_issue = can_issue_voting_codes(current_user, consultation)
    form = VotingCodesForm()
    page = {"consultation": consultation, "may_issue": may_issue, "batches": voting_codes.code_batches(consultation)}
    if request.method == "POST" and not may_issue:
        return render_template("voting/codes.html", form=form, **page), 409
    if form.validate_on_submit():
        # Not carry_out: the answer is the slips themselves, shown this once, not a redirect.
        try:
            issued = voting_codes.issue_codes(consultation, form.count.data, actor=current_user)
        except VotingError as exc:
            db.session.rollback()
            form_error(form, exc.field or "count", str(exc))
        else:
            db.session.commit()
            return _code_slips(consultation, issued)
    return form_page("voting/codes.html", form, **page)


# --------------------------------------------------------------------------
# Paper and meeting ballots
# --------------------------------------------------------------------------


def _paper_key(consultation: Consultation) -> str:
    return f"paper-last-{consultation.id}"


def _explain_locality(form, consultation: Consultation, mine: list[Locality]) -> None:
    """A covered area that is not one of the person's own was posted: say so, not just "choose an option"."""
    posted = request.form.get("locality", type=int)
    if posted in {loc.id for loc in consultation.localities} - {loc.id for loc in mine}:
        form.locality.errors = [str(paper_ballots.out_of_scope(mine))]
        form._errors = None


@bp.route("/consultations/<int:consultation_id>/paper", methods=["GET", "POST"])
@login_required
def paper(consultation_id):
    consultation = _vote_for(consultation_id, can_work_vote)
    groups, _localities = taking_part(consultation)
    mine = localities_worked_by(current_user, consultation)
    form = ballot_form(consultation.vote, titles(consultation), paper={
        "groups": [(g.id, tr(g.name)) for g in groups], "localities": [(loc.id, tr(loc.name)) for loc in mine]})
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
        done = carry_out(
            lambda: paper_ballots.enter_paper_ballot(
                consultation, channel=form.channel.data,
                group=db.session.get(StakeholderGroup, form.stakeholder_group.data),
                locality=db.session.get(Locality, form.locality.data), values=form.values(), entered_by=current_user,
                localities=mine),
            done=lambda ballot: _("Ballot %(number)s saved. Write this number on the form.", number=ballot.id),
            then=lambda ballot: (url_for("consultations.show", consultation_id=consultation.id) if form.save_finish.data
                                 else url_for("voting.paper", consultation_id=consultation.id, another=1)),
            refused=lambda exc: attach(form, exc))
        if done:
            # The next form starts where this one was collected, for whom and where.
            session[_paper_key(consultation)] = {"channel": form.channel.data, "group": form.stakeholder_group.data,
                                                 "locality": form.locality.data}
            return done
    if form.errors:
        status = 400
        _explain_locality(form, consultation, mine)
    return render_template("voting/paper.html", consultation=consultation, vote=consultation.vote, form=form,
                           may_enter=may_enter, counts=paper_ballots.paper_ballot_count(consultation),
                           focus_values=request.args.get("another") == "1"), status


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@bp.route("/consultations/<int:consultation_id>/results")
def results(consultation_id):
    return results_page(consultation_or_404(consultation_id))


@bp.route("/consultations/<int:consultation_id>/results/recalculate", methods=["POST"])
@login_required
def recalculate(consultation_id):
    consultation = consultation_or_404(consultation_id)
    require(can_recalculate_results(current_user, consultation))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return started(queue.submit_tally(consultation, actor=current_user),
                   started=_("The results are being recalculated."),
                   waiting=_("The job service is not available just now. The recalculation will start when it is "
                             "back."))
