"""What the staff's and the public's vote pages share: finding the consultation, priority titles, showing a
refusal by its input, and the results page."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.consultations.permissions import can_view_results
from consult.core.forms import ConfirmForm
from consult.core.i18n import tr
from consult.core.web import form_error
from consult.extensions import db, login_manager
from consult.jobs import queue
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.forms import BallotForm, ResultsFilterForm
from consult.voting.models import SCHEMES
from consult.voting.permissions import can_recalculate_results
from consult.voting.results import latest_snapshot, settled_places, share_bars
from consult.voting.services.errors import VotingError
from consult.voting.tipping import from_snapshot
from consult.voting.tipping_text import intro, sentences

#: Colours for stakeholder groups' bar segments (GOV.UK palette); segments are also separated by white gaps,
#: follow the legend's order, and the table beside the chart gives every number.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#b58840", "#912b88", "#505a5f"]


def consultation_or_404(consultation_id: int) -> Consultation:
    return db.get_or_404(Consultation, consultation_id)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def titles(consultation: Consultation) -> dict[str, str]:
    return {p.code: tr(p.title, fallback=consultation.default_locale) for p in consultation.vote.priorities}


def attach(form, exc: VotingError) -> None:
    """Show a service's refusal on the input it concerns (the priority's, or a named field)."""
    if exc.priority is not None and isinstance(form, BallotForm):
        name = form.field_name(form.method, exc.priority)
    else:
        name = exc.field
    form_error(form, name if name in form._fields else None, str(exc))


def _places(data: dict) -> tuple[dict[str, str], dict[str, str]]:
    """The snapshot's stakeholder groups' and localities' names, by code, in the reader's language."""
    names = {sg.code: tr(sg.name) for sg in db.session.scalars(select(StakeholderGroup).where(
        StakeholderGroup.code.in_(data["groups"])))}
    places = {loc.code: tr(loc.name) for loc in db.session.scalars(select(Locality).where(
        Locality.code.in_(data["localities"])))}
    return names, places


def results_page(consultation: Consultation):
    """The results of the vote, for everyone once published and for the staff before (a locality at a time)."""
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
    names, places = _places(data)
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
    intervals = data["intervals"].get(scheme, {}) if locality is None else {}
    named = titles(consultation)
    # Tipping points are for the whole consultation's result, the one the decisions rest on.
    tipping = from_snapshot(data) if locality is None else None
    context.update(
        data=data, main=main, scheme=scheme, locality=locality, place=places.get(locality) if locality else None,
        form=form, group_names=names, titles=named, schemes=SCHEMES,
        tipping_intro=intro(tipping) if tipping else None,
        tipping=sentences(tipping, lambda g: names.get(g, g), lambda p: named.get(p, p)),
        by_scheme={s: {p["code"]: p for p in block(s)["priorities"]} for s in SCHEMES},
        intervals=intervals, settled=settled_places(intervals),
        colours={g: PALETTE[i % len(PALETTE)] for i, g in enumerate(data["groups"])},
        chart=share_bars(main["priorities"], data["groups"]),
        all_intervals=data["intervals"] if locality is None else {},
    )
    return render_template("voting/results.html", **context), status
