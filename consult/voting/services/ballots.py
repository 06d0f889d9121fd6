"""What a ballot must pass before it is stored, whatever its channel: the voting window, a group and area taking
part, and the method's rules (DESIGN section 6) explained in the voter's words; and reading a stored ballot."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.models import Ballot, Vote
from consult.voting.services.errors import VotingError
from consult.voting.tally import BallotError, ballot_points


def refuse_unless_open(consultation: Consultation, now: datetime | None = None) -> None:
    """Ballots are cast only while the consultation's vote accepts responses."""
    if consultation.vote is None:
        raise VotingError(_("This consultation has no priority vote."), code="no_vote")
    if not consultation.accepts_responses(now):
        raise VotingError(_("Voting is not open. Nothing was stored."), code="closed")


def refuse_unless_taking_part(consultation: Consultation, group: StakeholderGroup | None,
                              locality: Locality | None) -> None:
    """A ballot counts for one of the consultation's stakeholder groups in one of its localities."""
    if group is None or group.id not in {gw.stakeholder_group_id for gw in consultation.group_weights}:
        raise VotingError(_("Choose a stakeholder group from the list."), "stakeholder_group", code="bad_group")
    if locality is None or locality.id not in {loc.id for loc in consultation.localities}:
        raise VotingError(_("Choose an area from the list."), "locality", code="bad_locality")


def taking_part(consultation: Consultation) -> tuple[list[StakeholderGroup], list[Locality]]:
    """The consultation's stakeholder groups (in their usual order) and its localities."""
    groups = consultation.groups_taking_part()
    return groups, list(consultation.localities)


def priority_codes(vote: Vote) -> list[str]:
    return [p.code for p in vote.priorities]


def check_ballot(vote: Vote, values: Mapping[str, int]) -> dict[str, int]:
    """Check a ballot's values under the vote's method (DESIGN section 6); return the points each priority earns.

    Refusals name the priority whose input should show the message, in the reader's language.
    """
    try:
        return ballot_points(vote.method, priority_codes(vote), dict(values), points_budget=vote.points_budget,
                             max_choices=vote.max_choices)
    except BallotError as exc:
        raise explain_ballot_error(vote, values, exc) from None


def explain_ballot_error(vote: Vote, values: Mapping[str, int], exc: BallotError) -> VotingError:
    """Turn tally.BallotError (English, for scripts) into a sentence for a voter, attached to one priority."""
    order = [code for code in priority_codes(vote) if code in values]
    method, reason = vote.method, exc.code
    first = order[0] if order else (priority_codes(vote) or [None])[0]
    if reason == "repeat_rank":
        seen: dict[int, str] = {}
        for code in order:
            rank = values[code]
            if rank in seen:
                return VotingError(_("You have given number %(rank)s to more than one priority. "
                                     "Give each priority a different number.", rank=rank),
                                   priority=code, code=reason)
            seen[rank] = code
    if reason == "gap_in_ranks":
        ranks = set(values.values())
        missing = next(r for r in range(1, len(values) + 1) if r not in ranks)
        after = next((c for c in order if values[c] > missing), first)
        return VotingError(_("Number the priorities 1, 2, 3 and so on without gaps: no priority has number "
                             "%(rank)s.", rank=missing), priority=after, code=reason)
    if reason == "too_many_choices":
        cap = vote.max_choices
        chosen = [c for c in order if values[c] > 0] if method == "points" else order
        beyond = chosen[cap] if cap is not None and len(chosen) > cap else first
        if method == "ranking":
            beyond = next((c for c in order if values[c] == cap + 1), beyond)
            message = ngettext("Rank no more than %(num)d priority.", "Rank no more than %(num)d priorities.", cap)
        elif method == "approval":
            message = ngettext("Choose no more than %(num)d priority.", "Choose no more than %(num)d priorities.",
                               cap)
        else:
            message = ngettext("Give points to no more than %(num)d priority.",
                               "Give points to no more than %(num)d priorities.", cap)
        return VotingError(message, priority=beyond, code=reason)
    if reason == "over_budget":
        total = sum(v for v in values.values() if isinstance(v, int) and v > 0)
        return VotingError(_("You have given %(total)s points. You can give up to %(budget)s points in total.",
                             total=total, budget=vote.points_budget), priority=first, code=reason)
    if reason == "empty_ballot":
        message = {"ranking": _("Rank at least one priority: put 1 next to the one that matters most to you."),
                   "approval": _("Choose at least one priority."),
                   "points": _("Give at least one point to a priority.")}[method]
        return VotingError(message, priority=first, code=reason)
    if reason == "unknown_priority":
        return VotingError(_("Your vote names a priority that is not on this ballot. "
                             "Go back to the ballot, reload it and try again."), code=reason)
    if reason == "negative_points":
        code = next((c for c in order if values[c] < 0), first)
        return VotingError(_("Points cannot be less than 0."), priority=code, code=reason)
    if reason == "bad_value" and method == "ranking":
        code = next((c for c in order if isinstance(values[c], int) and values[c] < 1), first)
        return VotingError(_("Numbers start at 1 for the priority that matters most."), priority=code, code=reason)
    code = next((c for c in order if not isinstance(values[c], int) or isinstance(values[c], bool)), first)
    return VotingError(_("Enter a whole number, like 3."), priority=code, code=reason)


def find_ballot(consultation: Consultation, voter_key: str) -> Ballot | None:
    return db.session.scalar(select(Ballot).where(Ballot.consultation_id == consultation.id,
                                                  Ballot.voter_key == voter_key))


def ballot_values(ballot: Ballot | None) -> dict[str, int]:
    """A stored ballot's values by priority code (to show it again or to change it)."""
    return {} if ballot is None else {c.priority.code: c.value for c in ballot.choices}
