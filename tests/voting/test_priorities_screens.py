"""Managing a vote's priorities: add, change, reorder, remove, translations; all refused once anyone has voted."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.voting.models import Priority
from consult.voting.services.priorities import vote_is_locked
from factories import login, make_ballot, make_consultation, make_planning_group, make_user


@pytest.fixture
def setup():
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(status="draft", vote={"method": "ranking", "priorities": ["P1", "P2", "P3"]},
                                     lead=facilitator)
    make_planning_group(locality=consultation.localities[0], facilitators=[facilitator])
    db.session.commit()
    return consultation, facilitator


def codes(consultation):
    db.session.expire_all()
    return [p.code for p in consultation.vote.priorities]


def test_list_shows_missing_translations(client, setup):
    consultation, facilitator = setup
    consultation.vote.priorities[0].description = {"en": "More detail"}
    db.session.commit()
    login(client, facilitator)
    page = client.get(f"/consultations/{consultation.id}/priorities").get_data(as_text=True)
    assert "Priority P1" in page and "Add a priority" in page
    # The factory writes titles in English and Welsh only.
    assert "title in اردو" in page and "title in Cymraeg" not in page
    assert "description in Cymraeg" in page


def test_add_a_priority_in_every_language(client, setup):
    consultation, facilitator = setup
    login(client, facilitator)
    form = client.get(f"/consultations/{consultation.id}/priorities/new").get_data(as_text=True)
    assert 'name="title_cy"' in form and 'name="easy_read_ur"' in form and 'dir="rtl"' in form
    response = client.post(f"/consultations/{consultation.id}/priorities/new", data={
        "code": "P4", "title_en": "Night sitting", "title_cy": "Eistedd nos", "title_ur": "رات کی دیکھ بھال",
        "description_en": "Someone stays overnight.", "easy_read_en": "Help at night.", "cost": "25000"})
    assert response.status_code == 302
    assert codes(consultation) == ["P1", "P2", "P3", "P4"]
    added = consultation.vote.priorities[-1]
    assert added.title == {"en": "Night sitting", "cy": "Eistedd nos", "ur": "رات کی دیکھ بھال"}
    assert added.cost == Decimal("25000.00") and added.easy_read == {"en": "Help at night."}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "priority.save")).after["code"] == "P4"


@pytest.mark.parametrize("data, message", [
    ({"code": "P4", "title_cy": "Dim Saesneg"}, "Enter a title in English, the consultation&#39;s default language"),
    ({"code": "P1", "title_en": "Same code"}, "Another priority in this vote already has this code"),
    ({"code": "P 4", "title_en": "Spaces"}, "Code must be 1 to 32 letters"),
    ({"code": "", "title_en": "No code"}, "Enter a code"),
    ({"code": "P4", "title_en": "Negative", "cost": "-5"}, "Enter an amount of 0 or more"),
    ({"code": "P4", "title_en": "Words", "cost": "a lot"}, "Enter an amount in pounds, like 25000"),
])
def test_bad_priorities_are_refused(client, setup, data, message):
    consultation, facilitator = setup
    login(client, facilitator)
    response = client.post(f"/consultations/{consultation.id}/priorities/new", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert codes(consultation) == ["P1", "P2", "P3"]


def test_change_reorder_and_remove(client, setup):
    consultation, facilitator = setup
    p2 = consultation.vote.priorities[1]
    login(client, facilitator)
    form = client.get(f"/consultations/{consultation.id}/priorities/{p2.id}/edit").get_data(as_text=True)
    assert 'value="Blaenoriaeth P2"' in form
    client.post(f"/consultations/{consultation.id}/priorities/{p2.id}/edit",
                data={"code": "P2", "title_en": "Renamed", "title_cy": "Newydd"})
    db.session.expire_all()
    assert p2.title == {"en": "Renamed", "cy": "Newydd"}

    client.post(f"/consultations/{consultation.id}/priorities/{p2.id}/move", data={"direction": "up"})
    assert codes(consultation) == ["P2", "P1", "P3"]
    client.post(f"/consultations/{consultation.id}/priorities/{p2.id}/move", data={"direction": "up"})
    assert codes(consultation) == ["P2", "P1", "P3"]  # already first
    client.post(f"/consultations/{consultation.id}/priorities/{p2.id}/move", data={"direction": "down"})
    assert codes(consultation) == ["P1", "P2", "P3"]
    assert client.post(f"/consultations/{consultation.id}/priorities/{p2.id}/move",
                       data={"direction": "sideways"}).status_code == 400

    client.post(f"/consultations/{consultation.id}/priorities/{p2.id}/remove")
    assert codes(consultation) == ["P1", "P3"]
    assert [p.position for p in consultation.vote.priorities] == [0, 1]


def test_a_priority_of_another_vote_is_not_found(client, setup):
    consultation, facilitator = setup
    other = make_consultation(vote={"method": "ranking"})
    db.session.commit()
    login(client, facilitator)
    foreign = other.vote.priorities[0]
    assert client.get(f"/consultations/{consultation.id}/priorities/{foreign.id}/edit").status_code == 404
    assert client.post(f"/consultations/{consultation.id}/priorities/{foreign.id}/remove").status_code == 404


def test_everything_is_refused_once_anyone_has_voted(client, setup):
    consultation, facilitator = setup
    assert not vote_is_locked(consultation)
    make_ballot(consultation, {"P1": 1})
    db.session.commit()
    assert vote_is_locked(consultation)
    p1 = consultation.vote.priorities[0]
    login(client, facilitator)
    page = client.get(f"/consultations/{consultation.id}/priorities").get_data(as_text=True)
    assert "People have already voted" in page and "Add a priority" not in page and "Move up" not in page
    for method, path, data in [
        ("get", "priorities/new", None),
        ("post", "priorities/new", {"code": "P9", "title_en": "Late"}),
        ("post", f"priorities/{p1.id}/edit", {"code": "P1", "title_en": "Changed"}),
        ("post", f"priorities/{p1.id}/move", {"direction": "down"}),
        ("post", f"priorities/{p1.id}/remove", {}),
    ]:
        response = getattr(client, method)(f"/consultations/{consultation.id}/{path}", data=data)
        assert response.status_code == 409, path
        assert "The priorities can no longer change" in response.get_data(as_text=True)
    assert codes(consultation) == ["P1", "P2", "P3"]
    assert consultation.vote.priorities[0].title["en"] == "Priority P1"


def test_consultation_without_a_vote(client, setup):
    _, facilitator = setup
    survey_only = make_consultation(created_by_id=facilitator.id, lead=facilitator)
    db.session.commit()
    login(client, facilitator)
    page = client.get(f"/consultations/{survey_only.id}/priorities").get_data(as_text=True)
    assert "This consultation has no priority vote" in page
    assert client.get(f"/consultations/{survey_only.id}/priorities/new").status_code == 404
    assert db.session.scalars(select(Priority)).all() != []  # the other consultation's are untouched
