"""How votes are counted: proposed, agreed by a commissioner (who, when, why), shown, and locked at opening
(consult/consultations/counting.py and the pages that use it)."""

import pytest
from sqlalchemy import select

from consult.consultations import counting, lifecycle
from consult.consultations.counting import CountingError
from consult.consultations.models import Consultation
from consult.consultations.services import set_group_weights
from consult.core.models import AuditEvent
from consult.extensions import db
from consult.voting.services.priorities import save_vote_settings
from factories import login, make_consultation, make_stakeholder_group, make_user

LOCKED = "can no longer change"


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def settings(vote, **change):
    out = {"enabled": True, "method": vote.method, "points_budget": vote.points_budget,
           "max_choices": vote.max_choices, "weighting": vote.weighting}
    return {**out, **change}


@pytest.fixture
def draft():
    return make_consultation(status="draft", agreed=False, vote={"method": "ranking"})


def test_a_vote_opens_only_once_a_commissioner_has_agreed_how_it_is_counted(draft):
    with pytest.raises(CountingError, match="commissioner must agree"):
        lifecycle.open_consultation(draft)
    assert draft.status.is_draft
    commissioner = make_user(role="commissioner")
    counting.agree(draft, reason="Carers count double: the board asked for it.", actor=commissioner)
    lifecycle.open_consultation(draft)
    assert draft.status.is_open
    (event,) = events("consultation.counting_agreed")
    assert event.actor_id == commissioner.id
    assert event.after["reason"] == "Carers count double: the board asked for it."
    assert event.after["weights"] == draft.weights() and event.after["vote"]["weighting"] == "group_shares"
    assert (draft.weights_agreed_by_id, draft.weights_agreed_reason) == (commissioner.id, event.after["reason"])


def test_a_survey_without_a_vote_opens_without_an_agreement():
    consultation = make_consultation(status="draft", agreed=False)
    lifecycle.open_consultation(consultation)
    assert consultation.status.is_open


@pytest.mark.parametrize("reason, message", [("", "Say why"), ("   ", "Say why"), ("x" * 2001, "2,000 characters")])
def test_an_agreement_needs_a_reason(draft, reason, message):
    with pytest.raises(CountingError, match=message):
        counting.agree(draft, reason=reason, actor=make_user(role="commissioner"))
    assert draft.weights_agreed_at is None and not events("consultation.counting_agreed")


def test_changing_the_weights_or_the_vote_withdraws_the_agreement_but_saving_them_unchanged_does_not(draft):
    counting.agree(draft, reason="Agreed at the board.", actor=make_user(role="commissioner"))
    same = {gw.stakeholder_group_id: gw.weight for gw in draft.group_weights}
    set_group_weights(draft, same)
    save_vote_settings(draft, **settings(draft.vote))
    assert counting.is_agreed(draft) and not events("consultation.counting_agreement_withdrawn")
    set_group_weights(draft, {**same, next(iter(same)): 5.0})
    assert not counting.is_agreed(draft)
    (withdrawn,) = events("consultation.counting_agreement_withdrawn")
    assert withdrawn.before["reason"] == "Agreed at the board."
    counting.agree(draft, reason="Agreed again.", actor=make_user(role="commissioner"))
    save_vote_settings(draft, **settings(draft.vote, weighting="equal_people"))
    assert not counting.is_agreed(draft) and len(events("consultation.counting_agreement_withdrawn")) == 2
    with pytest.raises(CountingError, match="commissioner must agree"):
        lifecycle.open_consultation(draft)


@pytest.mark.parametrize("status", ["open", "closed", "published"])
def test_nothing_changes_how_votes_are_counted_once_the_consultation_has_opened(status):
    consultation = make_consultation(status=status, vote={"method": "points", "points_budget": 10})
    weights = consultation.weights()
    ids = {gw.stakeholder_group_id: gw.weight for gw in consultation.group_weights}
    with pytest.raises(CountingError, match=LOCKED):
        set_group_weights(consultation, {group_id: 10.0 for group_id in ids})
    for change in ({"weighting": "equal_people"}, {"method": "ranking"}, {"points_budget": 20},
                   {"max_choices": 2}, {"enabled": False}):
        with pytest.raises(CountingError, match=LOCKED):
            save_vote_settings(consultation, **settings(consultation.vote, **change))
    with pytest.raises(CountingError, match=LOCKED):
        counting.agree(consultation, reason="Too late.", actor=make_user(role="commissioner"))
    db.session.expire_all()
    again = db.session.get(Consultation, consultation.id)
    assert again.weights() == weights and (again.vote.method, again.vote.weighting) == ("points", "group_shares")
    # Saving the vote's settings as they are (the details form always sends them) is no change.
    assert save_vote_settings(again, **settings(again.vote)) is again.vote


def test_after_opening_the_weights_page_refuses_every_change_with_the_reason(client):
    admin = make_user(role="admin")
    consultation = make_consultation(status="open", vote={"method": "ranking"})
    group = consultation.group_weights[0].stakeholder_group
    db.session.commit()
    weights = consultation.weights()
    login(client, admin)
    page = client.get(f"/consultations/{consultation.id}/weights").get_data(as_text=True)
    assert LOCKED in page and "Save weights" not in page
    refused = client.post(f"/consultations/{consultation.id}/weights",
                          data={f"take_{group.id}": "y", f"weight_{group.id}": "10"})
    assert refused.status_code == 400 and LOCKED in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).weights() == weights
    assert not events("consultation.weights")


def test_only_a_commissioner_agrees_and_a_reason_is_asked_for_by_its_field(client):
    consultation = make_consultation(status="draft", agreed=False, vote={"method": "ranking"})
    db.session.commit()
    url = f"/consultations/{consultation.id}/agree-counting"
    login(client, make_user(role="admin"))
    assert client.post(url, data={"reason": "I run the system."}).status_code == 403
    client.post("/logout")
    commissioner = make_user(role="commissioner", name="Cara Commissioner")
    db.session.commit()
    login(client, commissioner)
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Agree how votes are counted" in page and "has not agreed these rules yet" in page
    missing = client.post(url, data={"reason": ""})
    assert missing.status_code == 400 and 'href="#reason"' in missing.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).weights_agreed_at is None
    assert client.post(url, data={"reason": "\x00"}).status_code == 409  # nothing but a NUL is no reason
    assert client.post(url, data={"reason": "Weights agreed at the March board.\x00"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).weights_agreed_reason == "Weights agreed at the March board."
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Cara Commissioner" in page and "Weights agreed at the March board." in page
    assert "Agree how votes are counted" not in page or "agree-counting" in page
    client.post("/logout")
    # Once open, nobody agrees any more.
    db.session.expire_all()
    opened = db.session.get(Consultation, consultation.id)
    lifecycle.open_consultation(opened)
    db.session.commit()
    login(client, commissioner)
    assert client.post(url, data={"reason": "Again."}).status_code == 403


def test_the_public_page_says_how_votes_are_counted_before_voting_starts(client):
    carers = make_stakeholder_group(code="carers", name={"en": "Carers", "cy": "Gofalwyr"}, weight=3.0)
    residents = make_stakeholder_group(code="residents", name={"en": "Residents", "cy": "Preswylwyr"}, weight=1.0)
    consultation = make_consultation(status="open", opens_in_days=2, groups=[carers, residents],
                                     vote={"method": "ranking", "priorities": ["P1", "P2", "P3", "P4"]},
                                     easy_read={"en": "Easy words."})
    db.session.commit()
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert "How your vote is counted" in page
    assert "your first choice gets 3 points" in page and "the largest group does not simply win" in page
    assert "Carers" in page and "75%" in page and "25%" in page
    assert "A commissioner agreed these rules on" in page
    easy = client.get(f"/c/{consultation.slug}?easy=1").get_data(as_text=True)
    assert "Each group gets its own share of the say" in easy and "Your first choice counts most" in easy
    welsh = client.get(f"/c/{consultation.slug}?lang=cy").get_data(as_text=True)
    assert "Gofalwyr" in welsh and "How your vote is counted" not in welsh
