"""Single-use voting codes: issued in batches, shown once, stored hashed; their holders declare group and area."""

import hashlib
import html
import re

import pytest
from sqlalchemy import func, select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.voting.models import Ballot, VotingCode
from factories import login, make_consultation, make_locality, make_planning_group, make_user, make_voting_code

CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")


@pytest.fixture
def consultation():
    c = make_consultation(localities=[make_locality(code="PET"), make_locality(code="SEA")],
                          vote={"method": "points", "points_budget": 10, "priorities": ["A", "B", "C"]},
                          title={"en": "Older people 2027", "cy": "Pobl hŷn 2027", "ur": "بزرگ افراد 2027"})
    db.session.commit()
    return c


@pytest.fixture
def facilitator(consultation):
    user = make_user(role="facilitator")
    make_planning_group(locality=consultation.localities[0], facilitators=[user])
    db.session.commit()
    return user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_batch_of_codes_is_shown_once_and_stored_hashed(client, consultation, facilitator):
    login(client, facilitator)
    response = client.post(f"/consultations/{consultation.id}/codes", data={"count": "5"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    codes = CODE.findall(page)
    assert len(codes) == 5 and len(set(codes)) == 5
    assert f"http://localhost/c/{consultation.slug}/vote" in page
    assert "@media print" in page and page.count('class="app-slip"') == 5
    assert "Pobl hŷn 2027" in page and "بزرگ افراد 2027" in page  # the consultation's languages
    db.session.expire_all()
    rows = db.session.scalars(select(VotingCode)).all()
    assert sorted(r.code_hash for r in rows) == sorted(
        hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes)
    assert all(r.batch == 1 and r.used_at is None for r in rows)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "voting_codes.issue")).after == {
        "batch": 1, "count": 5}

    again = client.get(f"/consultations/{consultation.id}/codes").get_data(as_text=True)
    assert not any(code in again for code in codes)  # never shown again
    assert re.search(r"<th[^>]*>1</th>\s*<td[^>]*>[^<]+</td>\s*<td[^>]*>5</td>\s*<td[^>]*>0</td>", again)
    client.post(f"/consultations/{consultation.id}/codes", data={"count": "2"})
    db.session.expire_all()
    assert db.session.scalar(select(func.max(VotingCode.batch))) == 2


@pytest.mark.parametrize("count_value, message", [("0", "Enter a number from 1 to 500"),
                                                  ("501", "Enter a number from 1 to 500"),
                                                  ("lots", "Enter a whole number, like 20"),
                                                  ("", "Enter how many codes you need")])
def test_bad_batch_sizes_are_refused(client, consultation, facilitator, count_value, message):
    login(client, facilitator)
    response = client.post(f"/consultations/{consultation.id}/codes", data={"count": count_value})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(VotingCode) == 0


def test_no_codes_once_voting_has_closed(client, consultation, facilitator):
    consultation.status = "closed"
    db.session.commit()
    login(client, facilitator)
    page = client.get(f"/consultations/{consultation.id}/codes").get_data(as_text=True)
    assert "no more codes can be made" in page
    assert client.post(f"/consultations/{consultation.id}/codes", data={"count": "3"}).status_code == 409
    assert count(VotingCode) == 0


def enter(client, consultation, code, group=None, locality=None):
    return client.post(f"/c/{consultation.slug}/vote/code", data={
        "code": code,
        "stakeholder_group": group if group is not None else consultation.group_weights[1].stakeholder_group_id,
        "locality": locality if locality is not None else consultation.localities[1].id})


def test_a_code_holder_declares_group_and_area_votes_and_changes_the_vote(client, consultation):
    code, row = make_voting_code(consultation)
    db.session.commit()
    assert client.get(f"/c/{consultation.slug}/vote").location.endswith("/vote/code")
    response = enter(client, consultation, "  " + code.lower().replace("-", " ") + " ")  # as people type it
    assert response.status_code == 302 and response.location.endswith(f"/c/{consultation.slug}/vote")
    group = consultation.group_weights[1].stakeholder_group
    page = client.get(response.location).get_data(as_text=True)
    assert f"You are voting as: {group.name['en']} in {consultation.localities[1].name['en']}." in page
    assert client.post(f"/c/{consultation.slug}/vote", data={"p-A": "6", "p-B": "4"}).status_code == 302
    assert count(Ballot) == 0 and db.session.get(VotingCode, row.id).used_at is None
    assert client.post(f"/c/{consultation.slug}/vote/check").status_code == 302
    db.session.expire_all()
    (ballot,) = db.session.scalars(select(Ballot)).all()
    assert (ballot.voter_key, ballot.channel, ballot.voting_code_id) == (f"code:{row.id}", "code", row.id)
    assert (ballot.stakeholder_group_id, ballot.locality_id) == (group.id, consultation.localities[1].id)
    assert db.session.get(VotingCode, row.id).used_at is not None

    # The same session may change the vote until the close; the code is not used twice.
    done = client.get(f"/c/{consultation.slug}/vote/done").get_data(as_text=True)
    assert "Change your vote" in done
    page = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    assert "You have already voted" in page
    client.post(f"/c/{consultation.slug}/vote", data={"p-C": "10"})
    assert client.post(f"/c/{consultation.slug}/vote/check").status_code == 302
    db.session.expire_all()
    (ballot,) = db.session.scalars(select(Ballot)).all()
    assert {c.priority.code: c.value for c in ballot.choices} == {"C": 10}


def refused_code(response, message):
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400, page[:2000]
    assert "There is a problem" in page and message in page


def test_used_unknown_and_foreign_codes_are_refused(client, consultation):
    used, _ = make_voting_code(consultation, used=True)
    other = make_consultation(vote={"method": "ranking"})
    foreign, _ = make_voting_code(other)
    db.session.commit()
    refused_code(enter(client, consultation, used), "This voting code has already been used")
    refused_code(enter(client, consultation, "ACDEF-GHJKM"), "This voting code is not recognised")
    refused_code(enter(client, consultation, foreign), "This voting code is not recognised")
    refused_code(enter(client, consultation, ""), "Enter your voting code")
    # None of these lets anyone through to the ballot.
    assert client.get(f"/c/{consultation.slug}/vote").location.endswith("/vote/code")
    assert count(Ballot) == 0


def test_group_and_area_must_be_the_consultations(client, consultation):
    code, _ = make_voting_code(consultation)
    elsewhere = make_locality()
    db.session.commit()
    refused_code(enter(client, consultation, code, locality=elsewhere.id), "Choose one of the options")
    refused_code(enter(client, consultation, code, group=987654), "Choose one of the options")
    refused_code(enter(client, consultation, code, group="carer"), "Choose one of the options")
    assert client.get(f"/c/{consultation.slug}/vote").location.endswith("/vote/code")


def test_a_code_used_by_someone_else_meanwhile_is_refused_at_confirmation(client, app, consultation):
    code, row = make_voting_code(consultation)
    db.session.commit()
    enter(client, consultation, code)
    client.post(f"/c/{consultation.slug}/vote", data={"p-A": "1"})
    other = app.test_client()
    enter(other, consultation, code)
    other.post(f"/c/{consultation.slug}/vote", data={"p-B": "1"})
    assert other.post(f"/c/{consultation.slug}/vote/check").status_code == 302
    response = client.post(f"/c/{consultation.slug}/vote/check")
    refused_code(response, "This voting code has already been used")
    db.session.expire_all()
    (ballot,) = db.session.scalars(select(Ballot)).all()
    assert {c.priority.code for c in ballot.choices} == {"B"}
    # The refused session has to start again with a code.
    assert client.get(f"/c/{consultation.slug}/vote").location.endswith("/vote/code")


def test_codes_cannot_be_guessed_many_wrong_codes_lock_out_that_address(client, app, consultation):
    code, _ = make_voting_code(consultation)
    db.session.commit()
    limit = app.config["CODE_MAX_FAILURES"]
    for _ in range(limit):
        refused_code(enter(client, consultation, "ACDEF-GHJKM"), "This voting code is not recognised")
    # Now even a real code is refused from this address for a while, with a clear message.
    locked = enter(client, consultation, code)
    assert locked.status_code == 429
    assert "Too many codes that did not work" in html.unescape(locked.get_data(as_text=True))
    assert client.get(f"/c/{consultation.slug}/vote").location.endswith("/vote/code")
    # Someone at another address is not held up by the guesser.
    elsewhere = app.test_client()
    response = elsewhere.post(f"/c/{consultation.slug}/vote/code", environ_base={"REMOTE_ADDR": "192.0.2.7"}, data={
        "code": code, "stakeholder_group": consultation.group_weights[1].stakeholder_group_id,
        "locality": consultation.localities[1].id})
    assert response.status_code == 302
