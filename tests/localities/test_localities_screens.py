from decimal import Decimal

import pytest
from sqlalchemy import func, select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.localities.models import Locality, Membership, PlanningGroup, StakeholderGroup
from factories import login, make_locality, make_planning_group, make_stakeholder_group, make_user


@pytest.fixture
def admin_client(client):
    login(client, make_user(role="admin"))
    return client


def test_admin_adds_a_locality_with_names_in_every_language(admin_client):
    response = admin_client.post("/localities/new", data={
        "code": "HOR", "name_en": "Horden", "name_cy": "Horden", "name_ur": "ہورڈن", "population": "8087"})
    assert response.status_code == 302
    loc = db.session.scalar(select(Locality).where(Locality.code == "HOR"))
    assert loc.name == {"en": "Horden", "cy": "Horden", "ur": "ہورڈن"} and loc.population == 8087


@pytest.mark.parametrize("data, message", [
    ({"code": "X1", "name_en": "", "population": "5"}, "Enter a name in English"),
    ({"code": "bad code!", "name_en": "A", "population": "5"}, "Code must be"),
    ({"code": "X2", "name_en": "A", "population": "-3"}, "Population must be between"),
    ({"code": "X3", "name_en": "A", "population": "many"}, "Population"),
    ({"code": "X4", "name_en": "A" * 300, "population": "1"}, "200"),
])
def test_bad_locality_input_is_refused(admin_client, data, message):
    response = admin_client.post("/localities/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Locality)) == 0


def test_duplicate_locality_code_is_refused(admin_client):
    make_locality(code="DUP")
    db.session.commit()
    response = admin_client.post("/localities/new", data={"code": "DUP", "name_en": "Again", "population": "1"})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)


def test_stakeholder_group_weights(admin_client):
    response = admin_client.post("/stakeholder-groups/new", data={"code": "carer", "name_en": "Carers",
                                                                  "weight": "2.5"})
    assert response.status_code == 302
    sg = db.session.scalar(select(StakeholderGroup).where(StakeholderGroup.code == "carer"))
    assert sg.weight == 2.5
    bad = admin_client.post(f"/stakeholder-groups/{sg.id}/edit", data={"code": "carer", "name_en": "Carers",
                                                                       "weight": "-1"})
    assert bad.status_code == 400 and "Weight must be between 0 and 1,000" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StakeholderGroup, sg.id).weight == 2.5


def test_admin_creates_a_planning_group_with_facilitators(admin_client):
    loc = make_locality()
    facilitator = make_user(role="facilitator")
    db.session.commit()
    response = admin_client.post("/planning-groups/new", data={
        "name_en": "Older people", "name_cy": "Pobl hŷn", "locality": loc.id, "devolved_budget": "1500.50",
        "facilitators": [facilitator.id]})
    assert response.status_code == 302
    group = db.session.scalar(select(PlanningGroup))
    assert group.devolved_budget == Decimal("1500.50") and group.facilitators == [facilitator]


def test_member_cannot_be_made_a_facilitator_by_tampering(admin_client):
    loc = make_locality()
    member = make_user()
    db.session.commit()
    response = admin_client.post("/planning-groups/new", data={"name_en": "G", "locality": loc.id,
                                                               "facilitators": [member.id]})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PlanningGroup)) == 0


def test_facilitator_adds_a_member_who_becomes_a_member_account(client):
    facilitator = make_user(role="facilitator")
    group = make_planning_group(facilitators=[facilitator])
    sg = make_stakeholder_group()
    db.session.commit()
    login(client, facilitator)
    response = client.post(f"/planning-groups/{group.id}/members/new",
                           data={"name": "Eileen Robson", "email": "eileen@example.org", "stakeholder_group": sg.id})
    assert response.status_code == 302
    membership = db.session.scalar(select(Membership))
    assert membership.user.role == "member" and membership.stakeholder_group_id == sg.id
    assert membership.user.password_hash is None  # they are invited to set one; nobody knows it
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user.create", "membership.add"} <= actions
    again = client.post(f"/planning-groups/{group.id}/members/new",
                        data={"name": "Eileen Robson", "email": "EILEEN@example.org", "stakeholder_group": sg.id})
    assert again.status_code == 400 and "already a member" in again.get_data(as_text=True)


@pytest.mark.parametrize("data", [
    {"name": "", "email": "x@example.org"},
    {"name": "X", "email": "not an email"},
    {"name": "X", "email": "x@example.org", "stakeholder_group": "999999"},
    {"name": "X", "email": "x@example.org", "stakeholder_group": "abc"},
])
def test_bad_member_input_saves_nothing(client, data):
    facilitator = make_user(role="facilitator")
    group = make_planning_group(facilitators=[facilitator])
    make_stakeholder_group()
    db.session.commit()
    login(client, facilitator)
    response = client.post(f"/planning-groups/{group.id}/members/new", data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


def test_facilitator_removes_a_member(client):
    from factories import make_membership

    facilitator = make_user(role="facilitator")
    membership = make_membership(planning_group=make_planning_group(facilitators=[facilitator]))
    db.session.commit()
    login(client, facilitator)
    response = client.post(f"/planning-groups/{membership.planning_group_id}/members/{membership.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "-inf"])
def test_not_a_number_is_refused_not_a_500(admin_client, value):
    sg = admin_client.post("/stakeholder-groups/new", data={"code": "odd", "name_en": "Odd", "weight": value})
    assert sg.status_code == 400
    loc = make_locality()
    db.session.commit()
    group = admin_client.post("/planning-groups/new", data={"name_en": "G", "locality": loc.id,
                                                            "devolved_budget": value})
    assert group.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PlanningGroup)) == 0
