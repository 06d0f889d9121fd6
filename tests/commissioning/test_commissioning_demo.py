"""The demo: planning year 2027/28 with budgets, and draft intentions from the closed carers' vote."""

from decimal import Decimal

from sqlalchemy import func, select

from consult.commissioning.budgets import year_by_label
from consult.commissioning.demo import load_commissioning_demo
from consult.commissioning.models import DraftRun, Intention
from consult.consultations.services import get_by_slug
from consult.demo import load_demo
from consult.extensions import db
from consult.voting.results import latest_snapshot
from factories import make_ballot, make_results_snapshot

RANKINGS = [{"C02": 1, "C01": 2, "C05": 3}, {"C01": 1, "C02": 2}, {"C02": 1, "C03": 2, "C04": 3}]


def give_carers_results(carers):
    """The voting demo adds the carers' ballots and snapshot; until it does, add a few here."""
    if latest_snapshot(carers) is not None:
        return
    groups = [gw.stakeholder_group for gw in carers.group_weights]
    for i in range(12):
        make_ballot(carers, RANKINGS[i % 3], group=groups[i % len(groups)], locality=carers.localities[i % 4])
    make_results_snapshot(carers)


def test_the_demo_has_a_planning_year_with_budgets_and_drafts_from_the_carers_vote(app):
    load_demo()
    year = year_by_label("2027/28")
    assert {b.funding_route: b.amount for b in year.budgets} == {
        "health": Decimal("250000"), "social_care": Decimal("180000"), "aligned": Decimal("60000"),
        "pooled": Decimal("160000")}
    assert {c.partner for c in year.budget("pooled").contributions} == {"health", "council"}

    carers = get_by_slug("carers-support-2026")
    give_carers_results(carers)
    load_commissioning_demo()
    intentions = db.session.scalars(select(Intention).where(Intention.consultation_id == carers.id)).all()
    assert sorted(i.priority_code for i in intentions) == ["C01", "C02", "C03", "C04", "C05"]
    assert all(i.status == "draft" and i.evidence for i in intentions)
    run = db.session.scalar(select(DraftRun))
    assert run.combine == "population" and run.summary["created"] == 5

    # Loading again adds nothing.
    load_demo()
    assert db.session.scalar(select(func.count()).select_from(Intention)) == 5
    assert db.session.scalar(select(func.count()).select_from(DraftRun)) == 1
