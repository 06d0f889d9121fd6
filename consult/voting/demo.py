"""Demo ballots for the two demo votes: members, code holders, paper forms and meetings, from every stakeholder group.

Idempotent: a consultation that already has ballots is left alone. The preferences are invented but follow
the pattern the background papers describe: carers and the people who use services want different things from
practitioners, which is exactly what weighting by stakeholder group is for.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.core.models import utcnow
from consult.extensions import db
from consult.localities.models import Membership, PlanningGroup
from consult.voting.models import VotingCode
from consult.voting.permissions import voting_memberships
from consult.voting.results import compute_results, latest_snapshot
from consult.voting.services.casting import store_ballot
from consult.voting.services.codes import hash_code, issue_codes
from consult.voting.services.priorities import vote_is_locked
from consult.voting.services.voters import CodeHolder, Member, PaperBallot

#: How much each stakeholder group leans towards each priority (unlisted priorities weigh 1).
OLDER_PEOPLE_LEANINGS = {
    "service_user": {"P02": 5, "P05": 4, "P01": 3},
    "carer": {"P03": 6, "P01": 5, "P06": 2},
    "practitioner": {"P04": 5, "P06": 5, "P01": 2},
    "provider": {"P02": 4, "P04": 3},
    "voluntary": {"P05": 4, "P03": 3, "P02": 2},
    "resident": {"P05": 5, "P04": 3},
}
CARERS_LEANINGS = {
    "service_user": {"C05": 4, "C02": 3},
    "carer": {"C02": 6, "C05": 5, "C01": 3},
    "practitioner": {"C01": 6, "C03": 3},
    "provider": {"C05": 3, "C01": 3},
    "voluntary": {"C03": 5, "C04": 4},
    "resident": {"C04": 3, "C02": 2},
}
#: (consultation slug, leanings, share of members who vote, code ballots, paper ballots, meeting ballots)
PLAN = [
    ("older-people-2027", OLDER_PEOPLE_LEANINGS, 0.75, 60, 90, 45),
    ("carers-support-2026", CARERS_LEANINGS, 0.8, 0, 110, 50),
]
#: Who turns up on paper and at meetings: carers and people who use services, more than anyone.
PAPER_GROUPS = {"service_user": 4, "carer": 4, "resident": 3, "voluntary": 2, "practitioner": 1, "provider": 1}


def _draw(rng: random.Random, leanings: dict[str, int], codes: list[str], k: int) -> list[str]:
    """k priority codes without replacement, favouring the group's leanings."""
    pool = {code: leanings.get(code, 1) for code in codes}
    chosen = []
    for _ in range(min(k, len(pool))):
        code = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(code)
        del pool[code]
    return chosen


def _values(rng: random.Random, vote, leanings: dict[str, int]) -> dict[str, int]:
    codes = [p.code for p in vote.priorities]
    if vote.method == "ranking":
        return {code: i + 1 for i, code in enumerate(_draw(rng, leanings, codes, rng.randint(2, len(codes))))}
    if vote.method == "approval":
        cap = vote.max_choices or len(codes)
        return {code: 1 for code in _draw(rng, leanings, codes, rng.randint(1, min(3, cap)))}
    chosen = _draw(rng, leanings, codes, rng.randint(1, min(4, vote.max_choices or 4)))
    budget = vote.points_budget
    # Spend most or all of the budget, more on the first choices.
    spend = budget if rng.random() < 0.8 else rng.randint(len(chosen), budget)
    shares = sorted((rng.random() + 0.2 for _ in chosen), reverse=True)
    values = {code: max(1, int(spend * s / sum(shares))) for code, s in zip(chosen, shares)}
    while sum(values.values()) > budget:
        top = max(values, key=values.get)
        values[top] -= 1
    return {code: v for code, v in values.items() if v > 0}


def _moment(rng: random.Random, consultation: Consultation):
    end = min(consultation.closes_at, utcnow())
    span = max((end - consultation.opens_at).total_seconds(), 60)
    return consultation.opens_at + timedelta(seconds=rng.uniform(0, span - 1))


def _ballots_for(consultation: Consultation, leanings, turnout: float, codes: int, paper: int, meetings: int,
                 rng: random.Random) -> int:
    vote = consultation.vote
    groups = {gw.stakeholder_group.code: gw.stakeholder_group for gw in consultation.group_weights}
    places = list(consultation.localities)
    facilitator = db.session.scalar(select(User).where(User.email == "facilitator@consult.example"))
    cast = 0

    # Members of planning groups in the covered localities vote online, as the membership they hold.
    members = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).join(PlanningGroup)
        .where(PlanningGroup.locality_id.in_([loc.id for loc in places])).distinct().order_by(User.id)).all()
    for user in members:
        memberships = voting_memberships(user, consultation)
        if not memberships or rng.random() > turnout:
            continue
        membership = rng.choice(memberships)
        values = _values(rng, vote, leanings.get(membership.stakeholder_group.code, {}))
        store_ballot(consultation, Member(user, memberships, membership), values,
                     locale=user.preferred_locale or consultation.default_locale, now=_moment(rng, consultation))
        cast += 1

    # Code holders met at drop-ins: mostly residents and people who use services.
    if codes:
        printed = issue_codes(consultation, codes + 20, actor=facilitator, channel="cli")
        for code in printed[:codes]:
            row = db.session.scalar(select(VotingCode).where(VotingCode.code_hash == hash_code(code)))
            group_code = rng.choices(["resident", "service_user", "carer", "voluntary"], weights=[4, 3, 2, 1])[0]
            when = _moment(rng, consultation)
            row.used_at = when
            voter = CodeHolder(row.id, groups[group_code], rng.choice(places))
            store_ballot(consultation, voter, _values(rng, vote, leanings.get(group_code, {})),
                         locale=rng.choice(["en", "en", "cy", "ur"]), now=when)
            cast += 1

    # Paper forms and meeting ballots, keyed in by the facilitator.
    for channel, count in (("paper", paper), ("meeting", meetings)):
        for i in range(count):
            group_code = rng.choices(list(PAPER_GROUPS), weights=list(PAPER_GROUPS.values()))[0]
            voter = PaperBallot(channel, groups[group_code], rng.choice(places), entered_by=facilitator,
                                token=f"demo-{consultation.slug}-{channel}-{i}")
            store_ballot(consultation, voter, _values(rng, vote, leanings.get(group_code, {})),
                         now=_moment(rng, consultation))
            cast += 1
    return cast


def load_voting_demo() -> dict[str, int]:
    """Ballots for the demo votes (once) and a results snapshot for the closed one; returns ballots added per slug."""
    added: dict[str, int] = {}
    for slug, leanings, turnout, codes, paper, meetings in PLAN:
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
        if consultation is None or consultation.vote is None:
            continue  # the consultations demo did not create it
        if not vote_is_locked(consultation):
            rng = random.Random(slug)
            added[slug] = _ballots_for(consultation, leanings, turnout, codes, paper, meetings, rng)
            db.session.flush()
        if consultation.status.has_ended and latest_snapshot(consultation) is None:
            compute_results(consultation.id)
    return added

