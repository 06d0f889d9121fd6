"""Casting a ballot at /c/<slug>/vote: the ballot form, check your answers, confirmation, changing one's vote."""

import re

import pytest
from sqlalchemy import func, select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.voting.models import Ballot, BallotChoice
from consult.voting.results import results_json
from factories import login, make_consultation, make_locality, make_membership, make_planning_group, make_user


def member_of(consultation, *, group=None, locality=None, user=None):
    planning_group = make_planning_group(locality=locality or consultation.localities[0])
    return make_membership(user=user, planning_group=planning_group,
                           stakeholder_group=group or consultation.group_weights[0].stakeholder_group)


def ballots(consultation=None):
    stmt = select(Ballot)
    if consultation is not None:
        stmt = stmt.where(Ballot.consultation_id == consultation.id)
    return db.session.scalars(stmt).all()


def choices_of(ballot):
    return {c.priority.code: (c.value, c.points) for c in ballot.choices}


def value_of(page: str, name: str) -> str | None:
    """The value an input is filled in with."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    found = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return found.group(1) if found else None


def vote_and_confirm(client, consultation, data):
    response = client.post(f"/c/{consultation.slug}/vote", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location.endswith(f"/c/{consultation.slug}/vote/check")
    return client.post(f"/c/{consultation.slug}/vote/check")


@pytest.fixture
def ranking():
    consultation = make_consultation(vote={"method": "ranking", "priorities": ["P1", "P2", "P3", "P4"]})
    membership = member_of(consultation)
    db.session.commit()
    return consultation, membership


def test_member_ranks_checks_and_confirms(client, ranking):
    consultation, membership = ranking
    login(client, membership.user)
    page = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert "Put the priorities in order" in page and 'name="p-P1"' in page and 'inputmode="numeric"' in page

    response = client.post(f"/c/{consultation.slug}/vote", data={"p-P3": "1", "p-P1": "2", "p-P2": "", "p-P4": ""})
    assert response.status_code == 302
    assert ballots() == []  # nothing is stored before the voter confirms
    check = client.get(response.location).get_data(as_text=True)
    assert "Check your vote before sending it" in check
    assert check.index("Priority P3") < check.index("Priority P1")  # shown in rank order
    assert "Priority P2" not in check

    done = client.post(f"/c/{consultation.slug}/vote/check")
    assert done.status_code == 302 and done.location.endswith("/vote/done")
    assert "Your vote has been recorded" in client.get(done.location).get_data(as_text=True)
    db.session.expire_all()
    (ballot,) = ballots()
    # m = 4: rank 1 earns 3 points, rank 2 earns 2.
    assert choices_of(ballot) == {"P3": (1, 3), "P1": (2, 2)}
    assert ballot.voter_key == f"user:{membership.user_id}" and ballot.channel == "web"
    assert ballot.stakeholder_group_id == membership.stakeholder_group_id
    assert ballot.locality_id == membership.planning_group.locality_id
    assert ballot.locale == "en"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "ballot.cast", AuditEvent.entity_id == str(ballot.id))) == 1


def test_changing_a_vote_replaces_it(client, ranking):
    consultation, membership = ranking
    login(client, membership.user)
    vote_and_confirm(client, consultation, {"p-P1": "1", "p-P2": "2"})
    db.session.expire_all()
    first_id = ballots()[0].id

    page = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert "You have already voted" in page
    assert value_of(page, "p-P1") == "1" and value_of(page, "p-P2") == "2"  # the old vote is filled in
    response = vote_and_confirm(client, consultation, {"p-P4": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    (ballot,) = ballots()
    assert ballot.id == first_id
    assert choices_of(ballot) == {"P4": (1, 3)}
    assert db.session.scalar(select(func.count()).select_from(BallotChoice)) == 1
    replace = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ballot.replace"))
    # The audit log records the replacement but never how a named member voted.
    assert "values" not in replace.before and "values" not in replace.after
    assert replace.after["voter"] == f"user:{membership.user.id}"


def test_check_page_links_back_to_the_filled_in_ballot(client, ranking):
    consultation, membership = ranking
    login(client, membership.user)
    client.post(f"/c/{consultation.slug}/vote", data={"p-P2": "1"})
    page = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert value_of(page, "p-P2") == "1" and value_of(page, "p-P1") == ""


def test_check_page_without_a_pending_ballot_goes_back_to_the_ballot(client, ranking):
    consultation, membership = ranking
    login(client, membership.user)
    response = client.post(f"/c/{consultation.slug}/vote/check")
    assert response.status_code == 302 and response.location.endswith(f"/c/{consultation.slug}/vote")
    assert ballots() == []


def test_approval_ballot_with_a_cap(client):
    consultation = make_consultation(vote={"method": "approval", "max_choices": 2, "priorities": ["A", "B", "C"]})
    membership = member_of(consultation)
    db.session.commit()
    login(client, membership.user)
    page = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert 'type="checkbox"' in page and "Choose up to 2." in page
    vote_and_confirm(client, consultation, {"approve": ["A", "C"]})
    db.session.expire_all()
    assert choices_of(ballots()[0]) == {"A": (1, 1), "C": (1, 1)}


def test_points_ballot_shows_the_budget(client):
    consultation = make_consultation(vote={"method": "points", "points_budget": 10, "priorities": ["A", "B", "C"]})
    membership = member_of(consultation)
    db.session.commit()
    login(client, membership.user)
    page = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert "You have 10 points" in page
    response = client.post(f"/c/{consultation.slug}/vote", data={"p-A": "7", "p-B": "0", "p-C": "3"})
    check = client.get(response.location).get_data(as_text=True)
    assert "You have given 10 of your 10 points." in check
    client.post(f"/c/{consultation.slug}/vote/check")
    db.session.expire_all()
    # A 0 says nothing, so it is not stored.
    assert choices_of(ballots()[0]) == {"A": (7, 7), "C": (3, 3)}


def test_urdu_digits_are_whole_numbers(client):
    consultation = make_consultation(vote={"method": "points", "points_budget": 10, "priorities": ["A", "B"]})
    membership = member_of(consultation)
    db.session.commit()
    login(client, membership.user)
    vote_and_confirm(client, consultation, {"p-A": "۷", "p-B": "۳"})
    db.session.expire_all()
    assert choices_of(ballots()[0]) == {"A": (7, 7), "B": (3, 3)}


def test_member_with_several_memberships_chooses_who_they_speak_as(client):
    place, other_place = make_locality(), make_locality()
    consultation = make_consultation(localities=[place, other_place],
                                     vote={"method": "ranking", "priorities": ["A", "B"]})
    carer, practitioner = (gw.stakeholder_group for gw in consultation.group_weights)
    user = make_user()
    member_of(consultation, group=carer, locality=place, user=user)
    second = member_of(consultation, group=practitioner, locality=other_place, user=user)
    # A membership outside the covered localities is not offered.
    make_membership(user=user, planning_group=make_planning_group(), stakeholder_group=carer)
    db.session.commit()
    login(client, user)
    page = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert "Who are you voting as?" in page
    assert page.count('name="speak_as"') == 2

    missing = client.post(f"/c/{consultation.slug}/vote", data={"p-A": "1"})
    assert missing.status_code == 400 and "Choose which group you are voting as" in missing.get_data(as_text=True)
    vote_and_confirm(client, consultation, {"p-A": "1", "speak_as": second.id})
    db.session.expire_all()
    (ballot,) = ballots()
    assert ballot.stakeholder_group_id == practitioner.id and ballot.locality_id == other_place.id


def test_group_and_locality_are_stamped_at_voting_time(client, ranking):
    consultation, membership = ranking
    carer, practitioner = (gw.stakeholder_group for gw in consultation.group_weights)
    place = consultation.localities[0].code
    login(client, membership.user)
    vote_and_confirm(client, consultation, {"p-P1": "1"})
    # The member later moves to another group: the tally still counts the vote for the group they voted as.
    membership.stakeholder_group = practitioner
    db.session.commit()
    db.session.expire_all()
    result = results_json(consultation, locality=place)
    assert result["ballots_by_group"] == {carer.code: 1, practitioner.code: 0}
    # Rank 1 of 4 earns 3 points; group_shares gives the carers' one ballot their weight of 2: 2 * 3 / 1.
    p1 = next(p for p in result["priorities"] if p["code"] == "P1")
    assert p1["by_group"] == {carer.code: 6.0, practitioner.code: 0.0}

    # Voting again stamps the ballot with what they are now.
    vote_and_confirm(client, consultation, {"p-P1": "1"})
    db.session.expire_all()
    assert results_json(consultation, locality=place)["ballots_by_group"] == {carer.code: 0, practitioner.code: 1}


def test_easy_read_toggle_shows_easy_read_text(client):
    consultation = make_consultation(vote={"method": "ranking", "priorities": ["P1", "P2"]})
    p1 = consultation.vote.priorities[0]
    p1.description = {"en": "A trained sitter stays overnight so the carer can sleep."}
    p1.easy_read = {"en": "Someone stays with you at night."}
    membership = member_of(consultation)
    db.session.commit()
    login(client, membership.user)
    standard = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert "A trained sitter stays overnight" in standard and "Someone stays with you at night." not in standard
    easy = client.get(f"/c/{consultation.slug}/vote?easy=1").get_data(as_text=True)
    assert "Someone stays with you at night." in easy and "A trained sitter" not in easy
    assert "Show the standard version" in easy
    # The easy-read choice follows the voter to the check page.
    response = client.post(f"/c/{consultation.slug}/vote?easy=1", data={"p-P1": "1"})
    assert "easy=1" in response.location


def test_ballot_in_welsh_uses_welsh_content_and_stamps_the_locale(client, ranking):
    consultation, membership = ranking
    login(client, membership.user)
    page = client.get(f"/c/{consultation.slug}/vote?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in page and "Blaenoriaeth P1" in page
    vote_and_confirm(client, consultation, {"p-P1": "1"})
    db.session.expire_all()
    assert ballots()[0].locale == "cy"


def test_voter_without_membership_or_code_is_sent_to_the_code_page(client, ranking):
    consultation, _ = ranking
    response = client.get(f"/c/{consultation.slug}/vote")
    assert response.status_code == 302 and response.location.endswith(f"/c/{consultation.slug}/vote/code")
    page = client.get(response.location).get_data(as_text=True)
    assert "Enter your voting code" in page and "sign in to vote" in page
