from sqlalchemy import func, select

from consult.accounts.models import User
from consult.demo import load_demo
from consult.extensions import db
from consult.localities.models import Locality, Membership, PlanningGroup, StakeholderGroup


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_builds_a_realistic_county_and_is_idempotent():
    created = load_demo()
    roles = {role for _, role, _ in created}
    assert {"admin", "facilitator", "commissioner"} <= roles
    assert all(len(password) >= 12 for *_, password in created)
    assert count(Locality) >= 6 and count(PlanningGroup) >= 8
    groups = db.session.scalars(select(StakeholderGroup)).all()
    assert {g.code for g in groups} >= {"service_user", "carer", "practitioner", "provider", "voluntary", "resident"}
    assert all(set(g.name) == {"en", "cy", "ur"} for g in groups)
    for group in db.session.scalars(select(PlanningGroup)):
        assert {m.stakeholder_group.code for m in group.memberships} == {g.code for g in groups}
        assert set(group.name) == {"en", "cy", "ur"}
    totals = (count(Locality), count(PlanningGroup), count(Membership), count(User))
    assert load_demo() == []
    assert (count(Locality), count(PlanningGroup), count(Membership), count(User)) == totals
