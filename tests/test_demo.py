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


def test_demo_consultations_have_leads_and_the_seaham_facilitator_works_only_seaham():
    from consult.accounts.services import find_user_by_email
    from consult.consultations import permissions as perm
    from consult.consultations.services import get_by_slug

    load_demo()
    fatima, gareth, chris = (find_user_by_email(e) for e in (
        "facilitator@consult.example", "facilitator.seaham@consult.example", "commissioner@consult.example"))
    older, carers = get_by_slug("older-people-2027"), get_by_slug("carers-support-2026")
    assert (older.lead, carers.lead) == (fatima, chris)
    assert perm.can_manage_consultation(fatima, older) and not perm.can_manage_consultation(fatima, carers)
    assert perm.can_manage_consultation(chris, carers)
    for consultation in (older, carers):
        assert not perm.can_manage_consultation(gareth, consultation)
        assert [loc.code for loc in perm.localities_worked_by(gareth, consultation)] == ["SEA"]
    assert sorted(loc.code for loc in perm.localities_worked_by(fatima, carers)) == ["EAS", "HOR", "PET"]


def test_the_demo_offers_a_draft_to_agree_and_open_and_its_open_votes_were_agreed():
    from consult.accounts.services import find_user_by_email
    from consult.consultations import counting, lifecycle
    from consult.consultations.permissions import can_agree_counting, can_manage_consultation
    from consult.consultations.services import get_by_slug

    load_demo()
    chris, fatima = (find_user_by_email(e) for e in ("commissioner@consult.example", "facilitator@consult.example"))
    for slug in ("older-people-2027", "carers-support-2026"):
        consultation = get_by_slug(slug)
        assert counting.is_agreed(consultation) and consultation.weights_agreed_by_id == chris.id
    draft = get_by_slug("day-opportunities-2027")
    assert draft.status.is_draft and not counting.is_agreed(draft) and draft.lead == fatima
    assert can_agree_counting(chris, draft) and can_manage_consultation(fatima, draft)
    counting.agree(draft, reason="Tried in the demo.", actor=chris)
    lifecycle.open_consultation(draft, actor=fatima)
    assert draft.status.is_open
