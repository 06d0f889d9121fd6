"""Every kind of bad ballot gets a clear 4xx with the message next to the right input, and nothing is stored."""

import html

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.voting.models import Ballot, BallotChoice
from factories import login, make_consultation, make_membership, make_planning_group, make_user


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot)) + db.session.scalar(
        select(func.count()).select_from(BallotChoice))


def voter_for(vote):
    consultation = make_consultation(vote=vote)
    membership = make_membership(planning_group=make_planning_group(locality=consultation.localities[0]),
                                 stakeholder_group=consultation.group_weights[0].stakeholder_group)
    db.session.commit()
    return consultation, membership


def refused(client, consultation, data, message, field=None, status=400):
    response = client.post(f"/c/{consultation.slug}/vote", data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == status, page[:3000]
    assert "There is a problem" in page and message in page
    if field:
        assert f'href="#{field}"' in page  # the error summary links to the input
        assert f'id="{field}-error"' in page  # and the message sits beside it
    # Refused ballots never reach the check page, so confirming stores nothing either.
    follow = client.post(f"/c/{consultation.slug}/vote/check")
    assert follow.status_code == 302 and follow.location.endswith("/vote")
    assert stored() == 0
    return page


RANKING = {"method": "ranking", "priorities": ["P1", "P2", "P3", "P4"]}


@pytest.mark.parametrize("data, message, field", [
    ({"p-P1": "1", "p-P2": "1"}, "You have given number 1 to more than one priority", "p-P2"),
    ({"p-P1": "1", "p-P2": "3"}, "no priority has number 2", "p-P2"),
    ({"p-P1": "2"}, "no priority has number 1", "p-P1"),
    ({"p-P1": "9"}, "Enter a number from 1 to 4 for Priority P1", "p-P1"),
    ({"p-P1": "0"}, "Enter a number from 1 to 4 for Priority P1", "p-P1"),
    ({"p-P1": "two"}, "Enter a number for Priority P1, like 1 or 2, or leave it empty", "p-P1"),
    ({"p-P2": "1.5"}, "Enter a number for Priority P2", "p-P2"),
    ({"p-P3": "-1"}, "Enter a number for Priority P3", "p-P3"),
    ({"p-P1": "1" * 12}, "Enter a number for Priority P1", "p-P1"),
    ({}, "Rank at least one priority", "p-P1"),
    ({"p-P1": "  ", "p-P2": ""}, "Rank at least one priority", "p-P1"),
    ({"p-P1": "1", "p-ZZZ": "2"}, "Your vote names a priority that is not on this ballot", "p-P1"),
])
def test_bad_rankings(client, data, message, field):
    consultation, membership = voter_for(RANKING)
    login(client, membership.user)
    refused(client, consultation, data, message, field)


def test_ranking_cap(client):
    consultation, membership = voter_for(dict(RANKING, max_choices=2))
    login(client, membership.user)
    refused(client, consultation, {"p-P1": "1", "p-P2": "2", "p-P4": "3"}, "Rank no more than 2 priorities", "p-P4")


POINTS = {"method": "points", "points_budget": 10, "max_choices": 2, "priorities": ["A", "B", "C"]}


@pytest.mark.parametrize("data, message, field", [
    ({"p-A": "7", "p-B": "5"}, "You have given 12 points. You can give up to 10 points in total.", "p-A"),
    ({"p-A": "11"}, "You have given 11 points", "p-A"),
    ({"p-A": "2", "p-B": "2", "p-C": "2"}, "Give points to no more than 2 priorities", "p-C"),
    ({"p-A": "0", "p-B": "0"}, "Give at least one point to a priority", "p-A"),
    ({"p-A": "2.5"}, "Enter a whole number of points for Priority A", "p-A"),
    ({"p-B": "-3"}, "Enter a whole number of points for Priority B", "p-B"),
    ({"p-C": "lots"}, "Enter a whole number of points for Priority C", "p-C"),
    ({"p-A": "3", "p-P9": "3"}, "Your vote names a priority that is not on this ballot", "p-A"),
])
def test_bad_points(client, data, message, field):
    consultation, membership = voter_for(POINTS)
    login(client, membership.user)
    refused(client, consultation, data, message, field)


APPROVAL = {"method": "approval", "max_choices": 1, "priorities": ["A", "B"]}


@pytest.mark.parametrize("data, message", [
    ({"approve": ["A", "B"]}, "Choose no more than 1 priority"),
    ({}, "Choose at least one priority"),
    ({"approve": ["A", "ZZZ"]}, "Choose one of the options"),
])
def test_bad_approvals(client, data, message):
    consultation, membership = voter_for(APPROVAL)
    login(client, membership.user)
    refused(client, consultation, data, message, "approve")


def test_speaking_as_someone_elses_membership_is_refused(client):
    consultation, membership = voter_for(RANKING)
    make_membership(user=membership.user, planning_group=make_planning_group(locality=consultation.localities[0]),
                    stakeholder_group=consultation.group_weights[1].stakeholder_group)
    stranger = make_membership(planning_group=make_planning_group(locality=consultation.localities[0]),
                               stakeholder_group=consultation.group_weights[1].stakeholder_group)
    db.session.commit()
    login(client, membership.user)
    refused(client, consultation, {"p-P1": "1", "speak_as": stranger.id}, "Choose one of the options", "speak_as")
    refused(client, consultation, {"p-P1": "1", "speak_as": "me"}, "Choose one of the options", "speak_as")


def test_posts_without_the_csrf_token_are_refused(app, client):
    consultation, membership = voter_for(RANKING)
    login(client, membership.user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/c/{consultation.slug}/vote", data={"p-P1": "1"})
        assert response.status_code == 400
        assert "The form had expired or was sent from another page" in response.get_data(as_text=True)
        response = client.post(f"/c/{consultation.slug}/vote/check")
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert stored() == 0


def test_a_stale_pending_ballot_is_checked_again_when_confirming(client):
    """The priorities may change between the ballot and its confirmation (before anyone has voted)."""
    consultation, membership = voter_for(RANKING)
    login(client, membership.user)
    assert client.post(f"/c/{consultation.slug}/vote", data={"p-P4": "1"}).status_code == 302
    consultation.vote.priorities.pop()  # the facilitator removes P4 meanwhile
    db.session.commit()
    response = client.post(f"/c/{consultation.slug}/vote/check")
    assert response.status_code == 400
    assert "not on this ballot" in response.get_data(as_text=True)
    assert stored() == 0


def test_a_signed_in_non_member_cannot_vote_as_a_member(client):
    consultation, _ = voter_for(RANKING)
    outsider = make_user()
    db.session.commit()
    login(client, outsider)
    response = client.post(f"/c/{consultation.slug}/vote", data={"p-P1": "1"})
    assert response.status_code == 302 and response.location.endswith("/vote/code")
    assert client.post(f"/c/{consultation.slug}/vote/check").location.endswith("/vote/code")
    assert stored() == 0
