"""Who may vote, enter paper ballots, issue codes, manage priorities and see results: per role, and before,
during and after the voting window."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.core.clock import travel, utcnow
from consult.extensions import db
from consult.voting import permissions as perm
from consult.voting.models import Ballot
from factories import (
    login,
    make_consultation,
    make_locality,
    make_membership,
    make_planning_group,
    make_stakeholder_group,
    make_user,
)

RANKING = {"method": "ranking", "priorities": ["P1", "P2"]}


@pytest.fixture
def world():
    """An open consultation in one locality, and one person of every kind around it."""
    place = make_locality()
    lead = make_user(role="facilitator")
    consultation = make_consultation(localities=[place], vote=RANKING, lead=lead)
    taking_part = consultation.group_weights[0].stakeholder_group
    facilitator = make_user(role="facilitator")
    make_planning_group(locality=place, facilitators=[facilitator])
    people = {
        "member": make_membership(planning_group=make_planning_group(locality=place),
                                  stakeholder_group=taking_part).user,
        "member elsewhere": make_membership(planning_group=make_planning_group(locality=make_locality()),
                                            stakeholder_group=taking_part).user,
        "member of a group not taking part": make_membership(
            planning_group=make_planning_group(locality=place), stakeholder_group=make_stakeholder_group()).user,
        "lead": lead,
        "facilitator": facilitator,
        "other facilitator": make_user(role="facilitator"),
        "commissioner": make_user(role="commissioner"),
        "admin": make_user(role="admin"),
    }
    db.session.commit()
    return consultation, people


def moments(consultation):
    return {"before": consultation.opens_at - timedelta(minutes=1),
            "during": consultation.opens_at + timedelta(minutes=1),
            "after": consultation.closes_at + timedelta(minutes=1)}


@pytest.mark.parametrize("when", ["before", "during", "after"])
def test_who_may_vote_as_a_member(world, when):
    consultation, people = world
    now = moments(consultation)[when]
    allowed = {name for name, user in people.items() if perm.can_vote_as_member(user, consultation, now)}
    assert allowed == ({"member"} if when == "during" else set())
    assert perm.can_vote_with_code(consultation, now) is (when == "during")
    from flask_login import AnonymousUserMixin

    assert not perm.can_vote_as_member(AnonymousUserMixin(), consultation, now)


@pytest.mark.parametrize("status", ["draft", "closed", "published"])
def test_nobody_votes_unless_the_consultation_is_open(world, status):
    consultation, people = world
    consultation.status = status
    now = moments(consultation)["during"]
    assert not perm.can_vote_as_member(people["member"], consultation, now)
    assert not perm.can_vote_with_code(consultation, now)


@pytest.mark.parametrize("when, status, expected", [
    ("before", "open", False),
    ("during", "open", True),
    ("after", "open", True),  # past the closing time, not yet formally closed
    ("after", "closed", True),  # paper forms arrive late
    ("after", "published", False),
    ("during", "draft", False),
])
def test_who_may_enter_paper_ballots(world, when, status, expected):
    consultation, people = world
    consultation.status = status
    now = moments(consultation)[when]
    allowed = {name for name, user in people.items() if perm.can_enter_paper_ballots(user, consultation, now)}
    assert allowed == ({"lead", "facilitator", "admin"} if expected else set())


@pytest.mark.parametrize("status, expected", [("draft", True), ("open", True), ("closed", False),
                                              ("published", False)])
def test_who_may_issue_voting_codes_and_recalculate(world, status, expected):
    consultation, people = world
    consultation.status = status
    managers = {"lead", "admin"}
    assert {n for n, u in people.items() if perm.can_issue_voting_codes(u, consultation)} == (
        managers | {"facilitator"} if expected else set())
    assert {n for n, u in people.items() if perm.can_manage_priorities(u, consultation)} == managers
    assert {n for n, u in people.items() if perm.can_recalculate_results(u, consultation)} == (
        managers if status != "published" else set())


def ballots() -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot))


def test_the_ballot_before_the_opening_says_when_it_opens(client, world):
    consultation, people = world
    login(client, people["member"])
    with travel(consultation.opens_at - utcnow() - timedelta(hours=1)):
        page = client.get(f"/c/{consultation.slug}/vote")
        assert page.status_code == 200 and "Voting has not opened yet" in page.get_data(as_text=True)
        response = client.post(f"/c/{consultation.slug}/vote", data={"p-P1": "1"})
        assert response.status_code == 403 and "Voting has not opened yet" in response.get_data(as_text=True)
        assert client.get(f"/c/{consultation.slug}/vote/code").status_code == 200
        assert client.post(f"/c/{consultation.slug}/vote/code", data={"code": "X"}).status_code == 403
    assert ballots() == 0


def test_a_vote_confirmed_after_the_close_is_refused(client, world):
    consultation, people = world
    login(client, people["member"])
    assert client.post(f"/c/{consultation.slug}/vote", data={"p-P1": "1"}).status_code == 302
    with travel(timedelta(days=31)):
        response = client.post(f"/c/{consultation.slug}/vote/check")
        assert response.status_code == 403
        assert "Voting has closed" in response.get_data(as_text=True)
        page = client.get(f"/c/{consultation.slug}/vote")
        assert "Voting has closed" in page.get_data(as_text=True)
    assert ballots() == 0


def test_closing_early_stops_voting(client, world):
    consultation, people = world
    consultation.status = "closed"
    db.session.commit()
    login(client, people["member"])
    response = client.post(f"/c/{consultation.slug}/vote", data={"p-P1": "1"})
    assert response.status_code == 403 and "Voting has closed" in response.get_data(as_text=True)
    assert ballots() == 0


def test_a_draft_vote_is_hidden_from_the_public(client, world):
    consultation, people = world
    consultation.status = "draft"
    db.session.commit()
    assert client.get(f"/c/{consultation.slug}/vote").status_code == 404
    login(client, people["facilitator"])
    assert client.get(f"/c/{consultation.slug}/vote").status_code == 200  # the people who run it may preview it


def test_unknown_consultations_and_consultations_without_a_vote_are_404(client, world):
    consultation, _ = world
    survey_only = make_consultation()
    db.session.commit()
    assert client.get("/c/no-such-thing/vote").status_code == 404
    assert client.get(f"/c/{survey_only.slug}/vote").status_code == 404
    assert client.get(f"/c/{survey_only.slug}/results").status_code == 404


# The list of priorities is only ever read (a POST to it is 405 for everyone); the other pages take a POST.
# Priorities are the managers' (the lead, administrators); codes and paper ballots also the local facilitator's.
@pytest.mark.parametrize("path, refused_post, staff", [
    ("priorities", 405, ("lead", "admin")), ("priorities/new", 403, ("lead", "admin")),
    ("codes", 403, ("lead", "facilitator", "admin")), ("paper", 403, ("lead", "facilitator", "admin"))])
def test_management_pages_are_for_the_people_who_run_the_consultation(client, world, path, refused_post, staff):
    consultation, people = world
    url = f"/consultations/{consultation.id}/{path}"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    for name in {"member", "commissioner", "other facilitator", "facilitator"} - set(staff):
        login(client, people[name])
        assert client.get(url).status_code == 403, name
        assert client.post(url, data={}).status_code == refused_post, name
        client.post("/logout")
    for name in staff:
        login(client, people[name])
        assert client.get(url).status_code == 200, name
        client.post("/logout")
