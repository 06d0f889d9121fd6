"""Callable factories: make_x(**overrides) builds a valid object, flushes it and returns it."""

from __future__ import annotations

import itertools
from decimal import Decimal

from consult.accounts.models import Role, User
from consult.extensions import db
from consult.localities.models import Locality, Membership, PlanningGroup, StakeholderGroup

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_user(*, role: str = Role.MEMBER.value, password: str | None = PASSWORD, **kw) -> User:
    n = next(_seq)
    user = User(email=kw.pop("email", f"user{n}@example.org"), name=kw.pop("name", f"Person {n}"), role=role, **kw)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_locality(**kw) -> Locality:
    n = next(_seq)
    loc = Locality(code=kw.pop("code", f"L{n}"), name=kw.pop("name", {"en": f"Locality {n}", "cy": f"Ardal {n}"}),
                   population=kw.pop("population", 10_000), **kw)
    db.session.add(loc)
    db.session.flush()
    return loc


def make_stakeholder_group(**kw) -> StakeholderGroup:
    n = next(_seq)
    sg = StakeholderGroup(code=kw.pop("code", f"sg{n}"), name=kw.pop("name", {"en": f"Group {n}"}),
                          weight=kw.pop("weight", 1.0), position=kw.pop("position", n), **kw)
    db.session.add(sg)
    db.session.flush()
    return sg


def make_planning_group(*, locality: Locality | None = None, facilitators=(), **kw) -> PlanningGroup:
    n = next(_seq)
    group = PlanningGroup(locality=locality or make_locality(), name=kw.pop("name", {"en": f"Planning group {n}"}),
                          devolved_budget=kw.pop("devolved_budget", Decimal("1000")), **kw)
    group.facilitators = list(facilitators)
    db.session.add(group)
    db.session.flush()
    return group


def make_membership(*, user: User | None = None, planning_group: PlanningGroup | None = None,
                    stakeholder_group: StakeholderGroup | None = None) -> Membership:
    membership = Membership(user=user or make_user(), planning_group=planning_group or make_planning_group(),
                            stakeholder_group=stakeholder_group or make_stakeholder_group())
    db.session.add(membership)
    db.session.flush()
    return membership


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.data[:2000]
    return response


def make_consultation(*, localities=None, groups=None, vote: dict | None = None, status: str = "open",
                      opens_in_days: float = -1, closes_in_days: float = 30, **kw):
    """A consultation (open now by default) with its localities, participating groups and optional vote.

    `vote`: {"method": ..., "points_budget": ..., "max_choices": ..., "weighting": ..., "priorities": ["P1", ...]}.
    """
    from datetime import timedelta

    from consult.consultations.models import Consultation, ConsultationGroupWeight
    from consult.core.models import utcnow
    from consult.voting.models import Priority, Vote

    n = next(_seq)
    now = utcnow()
    localities = localities if localities is not None else [make_locality()]
    groups = groups if groups is not None else [make_stakeholder_group(code=f"carer{n}", weight=2.0),
                                                make_stakeholder_group(code=f"practitioner{n}", weight=1.0)]
    consultation = Consultation(
        slug=kw.pop("slug", f"consultation-{n}"), default_locale=kw.pop("default_locale", "en"),
        title=kw.pop("title", {"en": f"Consultation {n}", "cy": f"Ymgynghoriad {n}"}),
        summary=kw.pop("summary", {"en": "What we want to know."}),
        opens_at=now + timedelta(days=opens_in_days), closes_at=now + timedelta(days=closes_in_days),
        status=status, localities=list(localities),
        group_weights=[ConsultationGroupWeight(stakeholder_group=g, weight=g.weight) for g in groups], **kw)
    if vote is not None:
        spec = dict(vote)
        codes = spec.pop("priorities", ["P1", "P2", "P3"])
        spec.setdefault("method", "ranking")
        consultation.vote = Vote(**spec, priorities=[
            Priority(code=code, title={"en": f"Priority {code}", "cy": f"Blaenoriaeth {code}"}, position=i)
            for i, code in enumerate(codes)])
    db.session.add(consultation)
    db.session.flush()
    return consultation
