"""`flask --app consult ballots import SLUG FILE.csv` (DESIGN section 8): a checked file's ballots, cast through
the same service as every other channel's, all of them or none."""

from __future__ import annotations

from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.voting.ballots_csv import BallotsFileError, FileRules, read_ballots_csv
from consult.voting.models import Ballot
from consult.voting.services.ballots import priority_codes
from consult.voting.services.casting import cast_ballot
from consult.voting.services.errors import VotingError
from consult.voting.services.voters import Imported, reference_key


def _file_rules(consultation: Consultation) -> FileRules:
    vote = consultation.vote
    voted = set(db.session.scalars(select(Ballot.voter_key).where(Ballot.consultation_id == consultation.id)))
    return FileRules(method=vote.method, priorities=tuple(priority_codes(vote)),
                     groups=frozenset(gw.stakeholder_group.code for gw in consultation.group_weights),
                     localities=frozenset(loc.code for loc in consultation.localities),
                     points_budget=vote.points_budget, max_choices=vote.max_choices,
                     has_voted=lambda voter: reference_key(voter) in voted)


def import_ballots(consultation: Consultation, text: str, *, actor=None) -> int:
    """Store every ballot of a checked CSV file (all or nothing); returns how many ballots were stored."""
    if consultation.status.is_published:
        raise BallotsFileError([(0, f"the results of {consultation.slug!r} are published; ballots can no longer "
                                "be added")])
    if consultation.vote is None:
        raise BallotsFileError([(0, f"consultation {consultation.slug!r} has no priority vote")])
    ballots = read_ballots_csv(text, _file_rules(consultation))
    groups = {gw.stakeholder_group.code: gw.stakeholder_group for gw in consultation.group_weights}
    localities = {loc.code: loc for loc in consultation.localities}
    for ballot in ballots:
        voter = Imported(ballot.voter, groups[ballot.group], localities[ballot.locality], actor=actor)
        try:
            cast_ballot(consultation, voter, ballot.values)
        except VotingError as exc:
            raise BallotsFileError([(ballot.first_line, f"voter {ballot.voter!r}: {exc}")]) from None
    return len(ballots)
