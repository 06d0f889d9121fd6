"""The vote's public pages: /c/<slug>/vote → check your vote → confirmation; entering a voting code; results."""

from __future__ import annotations

from flask import Response, abort, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.consultations.permissions import can_view_consultation
from consult.core.forms import ConfirmForm
from consult.core.i18n import current_locale, tr
from consult.core.privacy import min_public_count
from consult.core.web import form_error
from consult.extensions import db
from consult.invitations.web import followed_invitation
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.forms import BallotForm, CodeEntryForm, ballot_form
from consult.voting.open_data import document_bytes, document_csv
from consult.voting.permissions import voting_memberships
from consult.voting.results import open_data as open_data_document
from consult.voting.services import codes as voting_codes
from consult.voting.services.ballots import ballot_values, check_ballot, find_ballot, taking_part
from consult.voting.services.casting import cast_ballot
from consult.voting.services.errors import VotingError
from consult.voting.services.voters import Voter, current_voter
from consult.voting.views import bp
from consult.voting.views.common import attach, results_page, titles

#: What the refusal of a cast ballot means for the HTTP status.
STATUS_FOR = {"closed": 403, "not_member": 403, "duplicate": 409, "busy": 503, "locked": 409}


def _easy() -> bool:
    return request.args.get("easy") == "1"


def _easy_args() -> dict[str, str]:
    return {"easy": "1"} if _easy() else {}


def _pending_key(consultation: Consultation) -> str:
    return f"vote-pending-{consultation.id}"


def _code_key(consultation: Consultation) -> str:
    return f"vote-code-{consultation.id}"


def _public_consultation(slug: str) -> Consultation:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or consultation.vote is None or not can_view_consultation(current_user, consultation):
        abort(404)
    return consultation


def _not_open(consultation: Consultation, status: int):
    return render_template("voting/not_open.html", consultation=consultation), status


def _voter(consultation: Consultation) -> Voter | None:
    return current_voter(consultation, current_user, invitation=followed_invitation(consultation.id),
                         code=session.get(_code_key(consultation)))


def _voting(slug: str) -> tuple[Consultation, Voter]:
    """The consultation being voted in and who is voting; else this request ends with the page that says why not
    (voting is not open, or nobody here may vote without a code)."""
    consultation = _public_consultation(slug)
    if not consultation.accepts_responses():
        abort(make_response(_not_open(consultation, 403 if request.method == "POST" else 200)))
    voter = _voter(consultation)
    if voter is None:
        abort(redirect(url_for("voting.enter_code", slug=slug, **_easy_args())))
    return consultation, voter


def _membership_label(membership) -> str:
    return _("%(group)s in %(place)s (%(planning_group)s)", group=tr(membership.stakeholder_group.name),
             place=tr(membership.planning_group.locality.name), planning_group=tr(membership.planning_group.name))


def _ballot_form_for(consultation: Consultation, voter: Voter, **kwargs) -> BallotForm:
    speak_as = None
    if len(voter.memberships) > 1:
        speak_as = [(m.id, _membership_label(m)) for m in voter.memberships]
    return ballot_form(consultation.vote, titles(consultation), speak_as=speak_as, **kwargs)


def _fill(form: BallotForm, voter: Voter, pending: dict | None, existing) -> None:
    """The ballot as the voter left it: their unconfirmed choices, else the vote they cast."""
    if pending:
        form.fill(pending["values"])
        if "speak_as" in form:
            form.speak_as.data = pending.get("speak_as")
    elif existing is not None:
        form.fill(ballot_values(existing))
        if "speak_as" in form:
            chosen = voter.membership_of(existing)
            form.speak_as.data = chosen.id if chosen else None


@bp.route("/c/<slug>/vote", methods=["GET", "POST"])
def vote(slug):
    consultation, voter = _voting(slug)
    existing = find_ballot(consultation, voter.key)
    if voter.votes_once and existing is not None:
        return redirect(url_for("voting.done", slug=slug, **_easy_args()))
    form = _ballot_form_for(consultation, voter)
    if not form.is_submitted():
        _fill(form, voter, session.get(_pending_key(consultation)), existing)
    elif form.validate_on_submit():
        values = form.values()
        try:
            check_ballot(consultation.vote, values)
        except VotingError as exc:
            attach(form, exc)
        else:
            session[_pending_key(consultation)] = {
                "values": values, "speak_as": form.speak_as.data if "speak_as" in form else None}
            return redirect(url_for("voting.check", slug=slug, **_easy_args()))
    return render_template("voting/ballot.html", consultation=consultation, vote=consultation.vote, form=form,
                           who=voter, easy=_easy(), already_voted=existing is not None,
                           group=voter.stakeholder_group, locality=voter.locality), 400 if form.errors else 200


def _summary_rows(consultation: Consultation, values: dict[str, int]) -> list[tuple[str, str]]:
    """(priority title, what the voter gave it) in the order that matters: by rank, or by points."""
    names = titles(consultation)
    method = consultation.vote.method
    if method == "ranking":
        return [(names.get(code, code), str(rank)) for code, rank in sorted(values.items(), key=lambda kv: kv[1])]
    if method == "approval":
        return [(names[code], _("Yes")) for code in names if values.get(code)]
    return [(names[code], str(values[code])) for code in names if values.get(code)]


def _speaking_as(voter: Voter) -> str:
    if voter.memberships:  # a member, as the membership they chose
        return _membership_label(voter.membership) if voter.membership else ""
    group, locality = voter.stakeholder_group, voter.locality
    return _("%(group)s in %(place)s", group=tr(group.name) if group else "",
             place=tr(locality.name) if locality else "")


@bp.route("/c/<slug>/vote/check", methods=["GET", "POST"])
def check(slug):
    consultation, voter = _voting(slug)
    pending = session.get(_pending_key(consultation))
    if not pending:
        return redirect(url_for("voting.vote", slug=slug, **_easy_args()))
    voter = voter.speaking_as(pending.get("speak_as"))
    values = {str(k): v for k, v in pending["values"].items()}
    form = ConfirmForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        # Not carry_out: a cast vote is confirmed by the page it leads to, and its refusals have their own statuses.
        try:
            cast_ballot(consultation, voter, values, locale=current_locale())
        except VotingError as exc:
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
            if voter.remembered() is not None:
                session[_code_key(consultation)] = voter.remembered()
            return redirect(url_for("voting.done", slug=slug, **_easy_args()))
    return render_template("voting/check.html", consultation=consultation, form=form,
                           rows=_summary_rows(consultation, values), given=sum(values.values()),
                           speaking_as=_speaking_as(voter), easy=_easy(),
                           replacing=find_ballot(consultation, voter.key) is not None), status


@bp.route("/c/<slug>/vote/done")
def done(slug):
    consultation = _public_consultation(slug)
    voter = _voter(consultation)
    ballot = find_ballot(consultation, voter.key) if voter else None
    if ballot is None:
        return redirect(url_for("voting.vote", slug=slug, **_easy_args()))
    return render_template("voting/done.html", consultation=consultation, ballot=ballot, easy=_easy(),
                           can_change=consultation.accepts_responses() and not voter.votes_once)


def _code_page(consultation: Consultation, form: CodeEntryForm, status: int):
    return render_template("voting/enter_code.html", consultation=consultation, form=form, easy=_easy(),
                           member=bool(voting_memberships(current_user, consultation))), status


@bp.route("/c/<slug>/vote/code", methods=["GET", "POST"])
def enter_code(slug):
    consultation = _public_consultation(slug)
    if not consultation.accepts_responses():
        return _not_open(consultation, 403 if request.method == "POST" else 200)
    groups, localities = taking_part(consultation)
    form = CodeEntryForm()
    form.stakeholder_group.choices = [(g.id, tr(g.name)) for g in groups]
    form.locality.choices = [(loc.id, tr(loc.name)) for loc in localities]
    if form.validate_on_submit():
        # Not carry_out: a refused code is committed too, since a failed guess counts towards the limit.
        try:
            holder = voting_codes.start_code_vote(consultation, form.code.data,
                                                  db.session.get(StakeholderGroup, form.stakeholder_group.data),
                                                  db.session.get(Locality, form.locality.data),
                                                  address=request.remote_addr)
        except VotingError as exc:
            if exc.code == "closed":
                return _not_open(consultation, 403)
            db.session.commit()
            attach(form, exc)
            if exc.code == "too_many":
                return _code_page(consultation, form, 429)
        else:
            session[_code_key(consultation)] = holder.remembered()
            session.pop(_pending_key(consultation), None)
            return redirect(url_for("voting.vote", slug=slug, **_easy_args()))
    return _code_page(consultation, form, 400 if form.errors else 200)


@bp.route("/c/<slug>/results")
def public_results(slug):
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        abort(404)
    return results_page(consultation)


@bp.route("/c/<slug>/results/open-data.<fmt>")
def open_data(slug, fmt):
    """The published result's open data (README, "Open data"): for everyone once published, for nobody before."""
    consultation = _public_consultation(slug)
    if fmt not in ("json", "csv") or not consultation.status.is_published:
        abort(404)
    document = open_data_document(consultation, min_public_count())
    if document is None:
        abort(404)
    if fmt == "json":
        body, mimetype = document_bytes(document), "application/json"
    else:
        body, mimetype = document_csv(document).encode("utf-8"), "text/csv"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{consultation.slug}-open-data.{fmt}"'
    return response
