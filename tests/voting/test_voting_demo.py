"""The demo votes: a few hundred ballots from every stakeholder group, several localities and every channel."""

from sqlalchemy import func, select

from consult.consultations.models import Consultation
from consult.demo import load_demo
from consult.extensions import db
from consult.voting.demo import load_voting_demo
from consult.voting.models import Ballot, BallotChoice, ResultsSnapshot
from consult.voting.results import latest_snapshot
from consult.voting.services.ballots import check_ballot


def test_demo_ballots_are_realistic_valid_and_loaded_once(app):
    load_demo()
    totals = {}
    for slug in ("older-people-2027", "carers-support-2026"):
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
        ballots = db.session.scalars(select(Ballot).where(Ballot.consultation_id == consultation.id)).all()
        totals[slug] = len(ballots)
        assert len(ballots) >= 150
        assert {b.stakeholder_group.code for b in ballots} == set(consultation.weights())
        assert len({b.locality_id for b in ballots}) >= 3
        assert {b.locality_id for b in ballots} <= {loc.id for loc in consultation.localities}
        assert {"web", "paper", "meeting"} <= {b.channel for b in ballots}
        for ballot in ballots[:60]:
            check_ballot(consultation.vote, {c.priority.code: c.value for c in ballot.choices})
        assert all(consultation.opens_at <= b.cast_at <= consultation.closes_at for b in ballots)
    older = db.session.scalar(select(Consultation).where(Consultation.slug == "older-people-2027"))
    assert "code" in {b.channel for b in db.session.scalars(select(Ballot).where(
        Ballot.consultation_id == older.id))}
    assert sum(totals.values()) >= 300

    closed = db.session.scalar(select(Consultation).where(Consultation.slug == "carers-support-2026"))
    snapshot = latest_snapshot(closed)
    assert snapshot is not None and snapshot.ballots == totals["carers-support-2026"]

    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Ballot, BallotChoice,
                                                                                ResultsSnapshot)]
    assert load_voting_demo() == {}
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Ballot, BallotChoice,
                                                                             ResultsSnapshot)] == counts
