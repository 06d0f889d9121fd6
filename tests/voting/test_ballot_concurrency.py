"""Many simultaneous submissions for one voter store exactly one ballot, and nobody sees an error page.

Threads post the confirmation at the same moment against a really committing database (run it on PostgreSQL
too: TEST_DATABASE_URL=postgresql://...). Losers get a clear 409 (or, on SQLite, a 503 asking them to send again).
"""

import threading

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.voting.models import Ballot, VotingCode
from factories import PASSWORD, make_consultation, make_membership, make_planning_group, make_voting_code

THREADS = 8
PRIORITIES = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"]


def confirm_all_at_once(clients, slug):
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def confirm(i):
        barrier.wait()
        responses[i] = clients[i].post(f"/c/{slug}/vote/check")

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return responses


def the_ballot(consultation):
    db.session.rollback()  # end this thread's read snapshot and see what the requests committed
    return db.session.scalars(select(Ballot).where(Ballot.consultation_id == consultation.id)).all()


@pytest.mark.parametrize("round_", range(2))
def test_one_member_many_simultaneous_confirmations(live_app, round_):
    consultation = make_consultation(vote={"method": "ranking", "priorities": PRIORITIES})
    membership = make_membership(planning_group=make_planning_group(locality=consultation.localities[0]),
                                 stakeholder_group=consultation.group_weights[0].stakeholder_group)
    db.session.commit()
    first = live_app.test_client()
    assert first.post("/login", data={"email": membership.user.email, "password": PASSWORD}).status_code == 302
    cookie = first.get_cookie("session").value
    clients, submitted = [], []
    for i in range(THREADS):
        client = live_app.test_client()
        client.set_cookie("session", cookie)
        values = {f"p-{PRIORITIES[i]}": "1"}  # each tab ranks a different priority first
        assert client.post(f"/c/{consultation.slug}/vote", data=values).status_code == 302
        clients.append(client)
        submitted.append(PRIORITIES[i])

    responses = confirm_all_at_once(clients, consultation.slug)
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {302, 409, 503}, statuses
    assert statuses.count(302) >= 1
    for r in responses:
        if r.status_code != 302:
            assert "There is a problem" in r.get_data(as_text=True)
    (ballot,) = the_ballot(consultation)
    assert ballot.voter_key == f"user:{membership.user_id}"
    # The stored ballot is one whole submission, never a mixture of two.
    assert len(ballot.choices) == 1 and ballot.choices[0].priority.code in submitted


def test_one_voting_code_many_simultaneous_confirmations(live_app):
    consultation = make_consultation(vote={"method": "ranking", "priorities": PRIORITIES})
    code, row = make_voting_code(consultation)
    db.session.commit()
    clients = []
    for i in range(THREADS):
        client = live_app.test_client()
        response = client.post(f"/c/{consultation.slug}/vote/code", data={
            "code": code, "stakeholder_group": consultation.group_weights[0].stakeholder_group_id,
            "locality": consultation.localities[0].id})
        assert response.status_code == 302, response.get_data(as_text=True)
        assert client.post(f"/c/{consultation.slug}/vote", data={f"p-{PRIORITIES[i]}": "1"}).status_code == 302
        clients.append(client)

    statuses = [r.status_code for r in confirm_all_at_once(clients, consultation.slug)]
    assert set(statuses) <= {302, 400, 409, 503}, statuses
    assert statuses.count(302) == 1
    (ballot,) = the_ballot(consultation)
    assert ballot.voter_key == f"code:{row.id}"
    assert db.session.get(VotingCode, row.id).used_at is not None
