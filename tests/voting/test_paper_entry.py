"""Keying in ballots collected on paper or at meetings."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.core.clock import travel
from consult.core.models import AuditEvent
from consult.extensions import db
from consult.voting.models import Ballot
from factories import login, make_consultation, make_locality, make_planning_group, make_user


@pytest.fixture
def setup():
    consultation = make_consultation(localities=[make_locality(), make_locality()],
                                     vote={"method": "ranking", "priorities": ["P1", "P2", "P3"]})
    # The facilitator of the second locality keys in that locality's ballots (entry() is for it).
    facilitator = make_user(role="facilitator")
    make_planning_group(locality=consultation.localities[1], facilitators=[facilitator])
    db.session.commit()
    return consultation, facilitator


def entry(consultation, **overrides):
    data = {"channel": "paper", "stakeholder_group": consultation.group_weights[1].stakeholder_group_id,
            "locality": consultation.localities[1].id, "p-P2": "1", "p-P3": "2", "save_another": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot))


def test_enter_paper_ballots_one_after_another(client, setup):
    consultation, facilitator = setup
    login(client, facilitator)
    page = client.get(f"/consultations/{consultation.id}/paper").get_data(as_text=True)
    assert "after it closes until the results are published" in page
    response = client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation))
    assert response.status_code == 302 and response.location.endswith("/paper?another=1")
    db.session.expire_all()
    (ballot,) = db.session.scalars(select(Ballot)).all()
    assert re.fullmatch(r"paper:[0-9a-f-]{36}", ballot.voter_key)
    assert (ballot.channel, ballot.entered_by_id, ballot.user_id) == ("paper", facilitator.id, None)
    assert ballot.stakeholder_group_id == consultation.group_weights[1].stakeholder_group_id
    assert ballot.locality_id == consultation.localities[1].id
    assert {c.priority.code: c.points for c in ballot.choices} == {"P2": 2, "P3": 1}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ballot.cast"))
    assert event.channel == "paper" and event.actor_id == facilitator.id

    # The next form remembers where, who and which area, and puts the cursor on the first priority.
    page = client.get(response.location).get_data(as_text=True)
    assert f"Ballot {ballot.id} saved" in page
    assert re.search(r'<input[^>]*value="paper"[^>]*checked', page)
    assert re.search(rf'<option[^>]*value="{consultation.localities[1].id}"[^>]*selected', page)
    assert re.search(r'<input[^>]*name="p-P1"[^>]*autofocus', page)

    # The same answers again are a second ballot (two people may well agree).
    client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation, channel="meeting"))
    finish = client.post(f"/consultations/{consultation.id}/paper",
                         data=entry(consultation, save_another=None, save_finish="y"))
    assert finish.location.endswith(f"/consultations/{consultation.id}")
    db.session.expire_all()
    assert count() == 3
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.channel == "meeting")) == 1


def test_paper_ballots_are_accepted_after_the_close_until_publication(client, setup):
    consultation, facilitator = setup
    login(client, facilitator)
    consultation.status = "closed"
    db.session.commit()
    with travel(timedelta(days=40)):
        assert client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation)).status_code == 302
    consultation.status = "published"
    db.session.commit()
    page = client.get(f"/consultations/{consultation.id}/paper").get_data(as_text=True)
    assert "Ballots cannot be entered now" in page
    assert client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation)).status_code == 409
    db.session.expire_all()
    assert count() == 1


def test_no_paper_ballots_before_the_opening(client, setup):
    consultation, facilitator = setup
    login(client, facilitator)
    with travel(timedelta(days=-2)):
        assert client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation)).status_code == 409
    assert count() == 0


@pytest.mark.parametrize("overrides, message", [
    ({"channel": "web"}, "Choose one of the options"),
    ({"channel": None}, "Choose where the ballot was collected"),
    ({"stakeholder_group": 987654}, "Choose one of the options"),
    ({"locality": "elsewhere"}, "Choose one of the options"),
    ({"p-P3": "1"}, "more than one priority"),
    ({"p-P2": None, "p-P3": None}, "Rank at least one priority"),
    ({"p-P1": "first"}, "Enter a number for Priority P1"),
])
def test_bad_paper_ballots_are_refused(client, setup, overrides, message):
    consultation, facilitator = setup
    login(client, facilitator)
    response = client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation, **overrides))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count() == 0


def test_a_locality_outside_the_consultation_is_refused(client, setup):
    consultation, facilitator = setup
    elsewhere = make_locality()
    db.session.commit()
    login(client, facilitator)
    response = client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation, locality=elsewhere.id))
    assert response.status_code == 400
    assert count() == 0


def test_a_facilitator_enters_ballots_only_for_their_own_localities(client, setup):
    consultation, facilitator = setup
    mine, theirs = consultation.localities[1], consultation.localities[0]
    login(client, facilitator)
    page = client.get(f"/consultations/{consultation.id}/paper").get_data(as_text=True)
    areas = re.search(r'<select[^>]*name="locality".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\d+)"', areas) == [str(mine.id)]  # only their own area is offered
    response = client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation, locality=theirs.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="locality-error"[^>]*>.*?You can enter ballots only for the areas where you facilitate '
                     r"a planning group", page, re.S)
    db.session.expire_all()
    assert count() == 0


def test_the_lead_enters_ballots_for_every_covered_locality(client, setup):
    consultation, _facilitator = setup
    lead = make_user(role="commissioner")
    consultation.lead = lead
    db.session.commit()
    login(client, lead)
    for place in consultation.localities:
        response = client.post(f"/consultations/{consultation.id}/paper", data=entry(consultation, locality=place.id))
        assert response.status_code == 302, place
    db.session.expire_all()
    assert sorted(b.locality_id for b in db.session.scalars(select(Ballot))) == sorted(
        loc.id for loc in consultation.localities)


def test_the_service_refuses_a_ballot_from_outside_the_persons_localities(setup):
    from consult.voting.services.errors import VotingError
    from consult.voting.services.paper import enter_paper_ballot

    consultation, facilitator = setup
    with pytest.raises(VotingError) as refused:
        enter_paper_ballot(consultation, channel="paper", group=consultation.group_weights[0].stakeholder_group,
                           locality=consultation.localities[0], values={"P1": 1}, entered_by=facilitator,
                           localities=[consultation.localities[1]])
    assert refused.value.field == "locality"
    assert count() == 0
