"""Ballots collected on paper or at meetings, keyed in by the consultation's staff."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.consultations.models import Consultation
from consult.core.i18n import tr
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.models import PAPER_CHANNELS, Ballot
from consult.voting.services.casting import cast_ballot
from consult.voting.services.errors import VotingError
from consult.voting.services.voters import PaperBallot


def enter_paper_ballot(consultation: Consultation, *, channel: str, group: StakeholderGroup | None,
                       locality: Locality | None, values: Mapping[str, int], entered_by,
                       localities: list[Locality] | None = None, now: datetime | None = None) -> Ballot:
    """Record a ballot collected on paper or at a meeting, under a fresh key, marked with who keyed it in;
    `localities`, when given, are the only areas this person keys ballots in for."""
    if localities is not None and locality is not None and locality not in localities:
        raise out_of_scope(localities)
    ballot, _replaced = cast_ballot(consultation, PaperBallot(channel, group, locality, entered_by=entered_by), values,
                                    now=now)
    return ballot


def out_of_scope(localities: list[Locality]) -> VotingError:
    """The refusal of a ballot from an area that is not one of the person's own."""
    return VotingError(_("You can enter ballots only for the areas where you facilitate a planning group: "
                         "%(areas)s.", areas=", ".join(tr(loc.name) for loc in localities)), "locality",
                       code="not_your_locality")


def paper_ballot_count(consultation: Consultation) -> dict[str, int]:
    """How many ballots have been keyed in, per channel (paper, meeting)."""
    rows = db.session.execute(select(Ballot.channel, func.count()).where(
        Ballot.consultation_id == consultation.id, Ballot.channel.in_(PAPER_CHANNELS)).group_by(Ballot.channel))
    counts = dict.fromkeys(PAPER_CHANNELS, 0)
    counts.update({channel: n for channel, n in rows})
    return counts
