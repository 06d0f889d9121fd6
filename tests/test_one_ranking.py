"""One ranking: every public page of a published consultation gives each priority the same place, the place
of the published results (all ballots, the consultation's own weighting), even where another view of the
figures (localities counted equally) would order the priorities differently."""

import re

import pytest
from sqlalchemy import select

from consult.commissioning import draft_runs, drafting, intentions, you_said_we_did
from consult.commissioning.models import Intention
from consult.consultations.lifecycle import publish_results
from consult.extensions import db
from consult.reports import services as reports
from factories import (
    make_ballot,
    make_consultation,
    make_locality,
    make_planning_year,
    make_results_snapshot,
    make_stakeholder_group,
    make_user,
)

TITLES = {"P1": "Day centres", "P2": "Respite breaks", "P3": "Home adaptations"}
#: The published result: P2 first (most ballots put it first); counting the two localities equally would put
#: P1 first instead (the small locality's two ballots put it first).
PLACES = {"P2": 1, "P1": 2, "P3": 3}


@pytest.fixture
def published(app):
    big, small = make_locality(population=9_000), make_locality(population=1_000)
    carers = make_stakeholder_group(weight=1.0, name={"en": "Carers"})
    gps = make_stakeholder_group(weight=1.0, name={"en": "GPs"})
    consultation = make_consultation(localities=[big, small], groups=[carers, gps], status="closed",
                                     opens_in_days=-30, closes_in_days=-1,
                                     vote={"method": "ranking", "priorities": list(TITLES)})
    for p in consultation.vote.priorities:
        p.title = {"en": TITLES[p.code]}
    for group in (carers, gps):
        for _ in range(4):
            make_ballot(consultation, {"P2": 1, "P1": 2, "P3": 3}, group=group, locality=big)
        make_ballot(consultation, {"P1": 1, "P3": 2, "P2": 3}, group=group, locality=small)
    snapshot = make_results_snapshot(consultation, resamples=50)
    evidence = drafting.build_evidence(list(TITLES), drafting.read_snapshot(snapshot.data),
                                       {big.code: 1, small.code: 1}, "equal")
    assert {e.code: e.combined.rank for e in evidence}["P1"] == 1  # the other view disagrees
    commissioner = make_user(role="commissioner")
    year = make_planning_year(budgets={"health": "100000"})
    draft_runs.run_draft(draft_runs.start_draft_run(year, [consultation.id], "equal", actor=commissioner).id)
    by_code = {i.priority_code: i for i in db.session.scalars(select(Intention))}
    base = {"funding_route": "health", "lead_commissioner": "council", "service_change": "none"}
    with app.test_request_context():
        intentions.save_intention(by_code["P2"], data={
            **base, "title": by_code["P2"].title, "status": "deferred", "amount": "20000",
            "rationale": {"en": "No provider can start this year."}, "rationale_explains": ["top_not_pursued"]},
            actor=commissioner)
        intentions.save_intention(by_code["P1"], data={
            **base, "title": by_code["P1"].title, "status": "agreed", "amount": "10000",
            "localities": [big.id, small.id], "rationale": {"en": "Ready to start."},
            "rationale_explains": ["agreed_over_higher"]}, actor=commissioner)
        publish_results(consultation)
        you_said_we_did.publish_you_said_we_did(consultation, actor=commissioner)
    reports.build_report(consultation.id, formats=("html",), locale="en")
    db.session.commit()
    return consultation, by_code


def places_in_results(html):
    return {code: int(rank) for code in TITLES for rank in re.findall(
        rf'numeric">(\d+)(?: \(joint\))?</td>\s*<th scope="row" class="govuk-table__header">{TITLES[code]}</th>', html)}


def test_every_public_page_gives_each_priority_the_published_place(client, published):
    consultation, by_code = published
    assert {code: i.rank for code, i in by_code.items()} == PLACES
    results = client.get(f"/c/{consultation.slug}/results").get_data(as_text=True)
    assert places_in_results(results) == PLACES

    page = client.get(f"/c/{consultation.slug}/you-said-we-did").get_data(as_text=True)
    for code, place in PLACES.items():
        assert page.count(f"It came in place {place} out of 3") >= 1
        # Every "Why" that names the priority's place (its own, or as a higher-ranked one) gives the same place.
        mentioned = re.findall(rf"{TITLES[code]} \(?(?:was )?ranked (\d) of 3", page)
        assert {int(r) for r in mentioned} == ({place} if code != "P3" else set()), (code, mentioned)
    assert "Respite breaks was ranked 1 of 3, a top priority" in page
    assert "Day centres (ranked 2 of 3) is agreed while higher-ranked priorities are not agreed" in page

    report = client.get(f"/c/{consultation.slug}/report").get_data(as_text=True)
    assert places_in_report(report) == PLACES


def places_in_report(html):
    """The report's places under the consultation's own weighting (its other columns are labelled comparisons)."""
    return {code: int(rank) for code, rank in re.findall(
        r'data-figure="priorities\.(\w+)\.group_shares\.rank">(\d+)', html)}
