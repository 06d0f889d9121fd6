"""What the staff's and the public's vote pages share: finding the consultation, priority titles, showing a
refusal by its input, and the results page."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.consultations.permissions import can_view_results, can_view_unpublished_results
from consult.core.forms import ConfirmForm
from consult.core.i18n import tr
from consult.core.privacy import min_public_count
from consult.core.web import form_error
from consult.extensions import db, login_manager
from consult.jobs import queue
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.disagreement import disagreement, snapshot_places
from consult.voting.disagreement_text import lines, overview
from consult.voting.forms import BallotForm, ResultsFilterForm
from consult.voting.models import SCHEMES
from consult.voting.open_data import POOLED, fingerprint, hidden_groups, page_figures
from consult.voting.permissions import can_recalculate_results
from consult.voting.results import latest_snapshot, open_data, settled_places, share_bars
from consult.voting.services.errors import VotingError
from consult.voting.tipping import from_snapshot, without
from consult.voting.tipping_text import intro, sentences

#: Colours for stakeholder groups' bar segments (GOV.UK palette); segments are also separated by white gaps,
#: follow the legend's order, and the table beside the chart gives every number. The pooled small groups are grey.
POOLED_COLOUR = "#b1b4b6"
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
    document = open_data(consultation, min_public_count()) if consultation.status.is_published else None
    public = not can_view_unpublished_results(current_user, consultation)
    figures = _figures(data, locality, document, public=public)
    intervals = data["intervals"].get(data["weighting"], {}) if locality is None else {}
    names[POOLED] = _("Smaller groups together")
    named = titles(consultation)
    # Tipping points are for the whole consultation's result, the one the decisions rest on.
    tipping = _public_tipping(from_snapshot(data), document if public else None) if locality is None else None
    context.update(
        tipping_intro=intro(tipping) if tipping else None,
        tipping=sentences(tipping, lambda g: names.get(g, g), lambda p: named.get(p, p)),
        data=data, scheme=data["weighting"], locality=locality, place=places.get(locality) if locality else None,
        form=form, group_names=names, titles=named, schemes=SCHEMES, figures=figures,
        intervals=intervals, settled=settled_places(intervals), minimum=min_public_count(),
        colours={POOLED: POOLED_COLOUR, **{g: PALETTE[i % len(PALETTE)] for i, g in enumerate(data["groups"])}},
        all_intervals=data["intervals"] if locality is None else {},
        sha256=fingerprint(document) if document else None,
        every_figure=not public and consultation.status.is_published,  # staff, on a page the public also sees
    )
    if figures:
        context.update(main=figures["main"], groups=figures["groups"], by_scheme=figures["by_scheme"],
                       chart=share_bars(figures["main"]["priorities"], figures["groups"]))
        disagree = figures.get("disagreement")
        if disagree is not None:
            context.update(disagreement=disagree, disagreement_intro=overview(disagree),
                           disagreement_lines=lines(disagree, lambda g: names.get(g, g),
                                                    lambda p: named.get(p, p)))
    return render_template("voting/results.html", **context), status


def _public_tipping(tipping: dict | None, document: dict | None) -> dict | None:
    """The tipping points the reader may see: to the public, none for a group too small to show on its own."""
    if tipping is None or document is None:
        return tipping
    return without(tipping, hidden_groups(document))


def _figures(data: dict, locality: str | None, document: dict | None, *, public: bool) -> dict | None:
    """The figures the results page shows: all of the snapshot's to the staff; to the public only those of the
    open data (none for a locality with too few ballots), or, for an old snapshot without its aggregate table,
    only the whole consultation's scores."""
    scheme = data["weighting"]
    if public and document is not None:
        return page_figures(document, locality)
    if public and locality is not None:
        return None

    def block(s: str) -> dict:
        schemes = data["schemes"][s]
        return schemes["overall"] if locality is None else schemes["localities"][locality]

    main = block(scheme)
    if public:
        main = {"ballots": main["ballots"], "ballots_by_group": {},
                "priorities": [dict(p, by_group={}) for p in main["priorities"]]}
    return {"main": main, "groups": [] if public else data["groups"],
            "by_scheme": {s: {p["code"]: p for p in block(s)["priorities"]} for s in SCHEMES},
            "disagreement": None if public else _staff_disagreement(data, locality)}


def _staff_disagreement(data: dict, locality: str | None) -> dict | None:
    """Where the groups disagree, from the snapshot's own aggregate table (every group: staff see them all);
    None for a snapshot without one."""
    places = snapshot_places(data, locality)
    if places is None:
        return None
    return disagreement(data["priorities"], places, groups=data["groups"],
                        pair=data.get("compare") or current_app.config["COMPARE_GROUPS"])
