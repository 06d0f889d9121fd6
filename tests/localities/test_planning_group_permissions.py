"""Who may see and change planning groups: per locality, per role."""

import pytest

from consult.extensions import db
from factories import login, make_locality, make_membership, make_planning_group, make_stakeholder_group, make_user


@pytest.fixture
def two_groups():
    facilitator = make_user(role="facilitator")
    other_facilitator = make_user(role="facilitator")
    mine = make_planning_group(locality=make_locality(code="PET"), facilitators=[facilitator])
    theirs = make_planning_group(locality=make_locality(code="SEA"), facilitators=[other_facilitator])
    sg = make_stakeholder_group(code="carer")
    db.session.commit()
    return facilitator, mine, theirs, sg


def test_facilitator_sees_and_changes_only_their_own_group(client, two_groups):
    facilitator, mine, theirs, sg = two_groups
    login(client, facilitator)
    listing = client.get("/planning-groups").get_data(as_text=True)
    assert mine.name["en"] in listing and theirs.name["en"] not in listing
    assert client.get(f"/planning-groups/{mine.id}").status_code == 200
    assert client.get(f"/planning-groups/{theirs.id}").status_code == 403
    assert client.get(f"/planning-groups/{theirs.id}/edit").status_code == 403
    assert client.get(f"/planning-groups/{theirs.id}/members/new").status_code == 403
    response = client.post(f"/planning-groups/{theirs.id}/members/new",
                           data={"name": "Sneaky", "email": "s@example.org", "stakeholder_group": sg.id})
    assert response.status_code == 403
    assert client.post(f"/planning-groups/{theirs.id}/profile").status_code == 403


def test_facilitator_cannot_remove_members_of_another_group(client, two_groups):
    facilitator, mine, theirs, sg = two_groups
    membership = make_membership(planning_group=theirs, stakeholder_group=sg)
    db.session.commit()
    login(client, facilitator)
    assert client.post(f"/planning-groups/{theirs.id}/members/{membership.id}/remove").status_code == 403
    # Nor through their own group's URL.
    assert client.post(f"/planning-groups/{mine.id}/members/{membership.id}/remove").status_code == 404


def test_facilitator_cannot_create_groups_or_edit_reference_data(client, two_groups):
    facilitator, *_ = two_groups
    login(client, facilitator)
    for url in ("/planning-groups/new", "/localities/new", "/stakeholder-groups/new"):
        assert client.get(url).status_code == 403, url


def test_facilitator_cannot_hand_their_group_to_another_locality(client, two_groups):
    facilitator, mine, theirs, sg = two_groups
    login(client, facilitator)
    response = client.post(f"/planning-groups/{mine.id}/edit", data={
        "name_en": "Renamed", "locality": theirs.locality_id, "facilitators": [facilitator.id + 1000]})
    assert response.status_code == 302
    db.session.expire_all()
    assert mine.name["en"] == "Renamed"
    assert mine.locality_id != theirs.locality_id
    assert [u.id for u in mine.facilitators] == [facilitator.id]


def test_member_sees_own_group_but_not_others_or_admin_pages(client, two_groups):
    _, mine, theirs, sg = two_groups
    member = make_user()
    make_membership(user=member, planning_group=mine, stakeholder_group=sg)
    db.session.commit()
    login(client, member)
    assert client.get(f"/planning-groups/{mine.id}").status_code == 200
    assert client.get(f"/planning-groups/{theirs.id}").status_code == 403
    assert client.get(f"/planning-groups/{mine.id}/members/new").status_code == 403
    for url in ("/planning-groups", "/localities", "/stakeholder-groups", "/admin/users", "/admin/audit"):
        assert client.get(url).status_code == 403, url


def test_commissioner_reads_every_group_but_changes_none(client, two_groups):
    _, mine, theirs, sg = two_groups
    login(client, make_user(role="commissioner"))
    assert client.get(f"/planning-groups/{theirs.id}").status_code == 200
    assert client.get(f"/planning-groups/{mine.id}/members/new").status_code == 403
    assert client.get(f"/planning-groups/{mine.id}/edit").status_code == 403


def test_admin_can_do_everything(client, two_groups):
    _, mine, theirs, sg = two_groups
    login(client, make_user(role="admin"))
    for url in (f"/planning-groups/{theirs.id}", f"/planning-groups/{mine.id}/members/new", "/planning-groups/new",
                "/localities/new", "/stakeholder-groups/new", "/admin/users"):
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(client, two_groups):
    _, mine, *_ = two_groups
    response = client.get(f"/planning-groups/{mine.id}")
    assert response.status_code == 302 and "/login" in response.location
