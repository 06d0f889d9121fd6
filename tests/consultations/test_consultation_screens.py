import pytest
from sqlalchemy import func, select

from consult.consultations.models import Consultation
from consult.core.models import AuditEvent
from consult.extensions import db
from consult.jobs.models import JobRecord
from consult.localities.models import StakeholderGroup
from consult.voting.models import ResultsSnapshot
from factories import (
    login,
    make_consultation,
    make_locality,
    make_planning_group,
    make_stakeholder_group,
    make_user,
)

FORM = {"slug": "respite-2027", "default_locale": "en", "title_en": "Respite care", "title_cy": "Gofal seibiant",
        "summary_en": "Tell us about breaks for carers.", "opens_on": ["10", "1", "2027"], "opens_time": "09:00",
        "closes_on": ["31", "3", "2027"], "closes_time": "17:00", "has_vote": "yes", "method": "points",
        "points_budget": "10", "weighting": "group_shares"}


@pytest.fixture
def facilitator_in_pet():
    pet = make_locality(code="PET")
    facilitator = make_user(role="facilitator")
    make_planning_group(locality=pet, facilitators=[facilitator])
    make_stakeholder_group(code="carer", weight=2.0)
    db.session.commit()
    return facilitator, pet


def test_facilitator_creates_a_consultation(client, facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    login(client, facilitator)
    response = client.post("/consultations/new", data={**FORM, "localities": [pet.id]})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    c = db.session.scalar(select(Consultation))
    assert c.slug == "respite-2027" and c.status == "draft" and c.title == {"en": "Respite care",
                                                                            "cy": "Gofal seibiant"}
    # UK wall-clock times are stored in UTC (January: GMT).
    assert c.opens_at.isoformat() == "2027-01-10T09:00:00+00:00"
    assert c.vote.method == "points" and c.vote.points_budget == 10
    assert c.weights() == {"carer": 2.0}
    assert c.created_by_id == facilitator.id
    assert c.lead_id == facilitator.id  # whoever creates a consultation leads it


def test_summer_times_are_converted_from_british_summer_time(client, facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    login(client, facilitator)
    client.post("/consultations/new", data={**FORM, "localities": [pet.id], "opens_on": ["1", "7", "2027"],
                                            "closes_on": ["1", "8", "2027"]})
    assert db.session.scalar(select(Consultation)).opens_at.isoformat() == "2027-07-01T08:00:00+00:00"


@pytest.mark.parametrize("change, message", [
    ({"slug": "Not OK"}, "web address name must be"),
    ({"title_en": ""}, "Enter a title in English"),
    ({"opens_on": ["31", "2", "2027"]}, "Enter a real date"),
    ({"opens_time": "25:00"}, "24-hour clock"),
    ({"closes_on": ["1", "1", "2027"]}, "closing date must be after"),
    ({"localities": []}, "Choose at least one locality"),
    ({"points_budget": ""}, "points each person may spread"),
    ({"method": "lottery"}, "Choose one of the options"),
    ({"points_budget": "ten"}, "Not a valid integer value"),
])
def test_bad_consultation_input_is_refused_and_nothing_saved(client, facilitator_in_pet, change, message):
    facilitator, pet = facilitator_in_pet
    login(client, facilitator)
    response = client.post("/consultations/new", data={**FORM, "localities": [pet.id], **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0


def test_who_may_manage_a_consultation(client, facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    elsewhere = make_user(role="facilitator")
    make_planning_group(locality=make_locality(code="SEA"), facilitators=[elsewhere])
    member, commissioner = make_user(), make_user(role="commissioner")
    lead = make_user(role="facilitator")
    c = make_consultation(localities=[pet], status="draft", lead=lead)
    db.session.commit()
    # The lead manages it; the facilitator of the locality it covers sees it but does not change its settings.
    for user, manage, view in ((lead, 200, 200), (facilitator, 403, 200), (elsewhere, 403, 403), (member, 403, 403),
                               (commissioner, 403, 200)):
        login(client, user)
        assert client.get(f"/consultations/{c.id}/edit").status_code == manage, user.role
        assert client.get(f"/consultations/{c.id}/weights").status_code == manage
        assert client.post(f"/consultations/{c.id}/open").status_code in ((302,) if manage == 200 else (403,))
        assert client.get(f"/consultations/{c.id}").status_code == view
        client.post("/logout")
        db.session.rollback()
        c.status = "draft"
        db.session.commit()
    login(client, member)
    assert client.get("/consultations").status_code == 403
    assert client.get("/consultations/new").status_code == 403


def test_open_close_publish(client, facilitator_in_pet, app):
    facilitator, pet = facilitator_in_pet
    c = make_consultation(localities=[pet], lead=facilitator, status="draft", vote={"method": "ranking"})
    db.session.commit()
    login(client, facilitator)
    assert client.post(f"/consultations/{c.id}/publish").status_code == 409  # not closed yet
    assert client.post(f"/consultations/{c.id}/open").status_code == 302
    db.session.refresh(c)
    assert c.status == "open" and c.opened_at is not None
    assert client.post(f"/consultations/{c.id}/open").status_code == 409
    assert client.post(f"/consultations/{c.id}/close").status_code == 302
    db.session.refresh(c)
    assert c.status == "closed"
    # Closing queued the tally as a job recorded against the consultation.
    job = db.session.scalar(select(JobRecord).where(JobRecord.subject == f"consultation:{c.id}"))
    assert job.kind == "consultation.tally"
    refused = client.post(f"/consultations/{c.id}/publish")
    assert refused.status_code == 409 and "not been calculated" in refused.get_data(as_text=True)
    db.session.add(ResultsSnapshot(consultation_id=c.id, ballots=0, data={}))
    db.session.commit()
    assert client.post(f"/consultations/{c.id}/publish").status_code == 302
    db.session.refresh(c)
    assert c.status == "published"


def test_cannot_open_a_vote_without_two_priorities(client, facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    c = make_consultation(localities=[pet], lead=facilitator, status="draft", vote={"method": "ranking", "priorities": ["ONLY"]})
    db.session.commit()
    login(client, facilitator)
    response = client.post(f"/consultations/{c.id}/open")
    assert response.status_code == 409 and "at least two priorities" in response.get_data(as_text=True)
    db.session.refresh(c)
    assert c.status == "draft"


def test_how_votes_are_counted_is_fixed_once_open_but_the_details_may_change(client, facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    carer = db.session.scalar(select(StakeholderGroup))
    c = make_consultation(localities=[pet], lead=facilitator, groups=[carer], status="open",
                          vote={"method": "points", "points_budget": 10}, slug="fixed")
    db.session.commit()
    login(client, facilitator)
    data = {**FORM, "slug": "fixed", "localities": [pet.id], "opens_on": ["1", "1", "2026"],
            "closes_on": ["1", "1", "2030"], "method": "points", "points_budget": "10"}
    for change in ({"method": "ranking"}, {"weighting": "equal_people"}, {"points_budget": "20"}):
        refused = client.post(f"/consultations/{c.id}/edit", data={**data, **change})
        assert refused.status_code == 400 and "can no longer change" in refused.get_data(as_text=True), change
        db.session.refresh(c.vote)
        assert (c.vote.method, c.vote.weighting, c.vote.points_budget) == ("points", "group_shares", 10)
    ok = client.post(f"/consultations/{c.id}/edit", data={**data, "title_en": "A clearer title"})
    assert ok.status_code == 302
    db.session.refresh(c)
    assert c.title["en"] == "A clearer title" and c.vote.weighting == "group_shares"


def test_weights_screen(client, facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    carer = db.session.scalar(select(StakeholderGroup))
    resident = make_stakeholder_group(code="resident", weight=1.0)
    c = make_consultation(localities=[pet], lead=facilitator, groups=[carer], status="draft")
    db.session.commit()
    login(client, facilitator)
    bad = client.post(f"/consultations/{c.id}/weights", data={f"take_{resident.id}": "y",
                                                              f"weight_{resident.id}": "lots"})
    assert bad.status_code == 400 and "as a number from 0 to 1,000" in bad.get_data(as_text=True)
    db.session.refresh(c)
    assert c.weights() == {carer.code: 2.0}
    ok = client.post(f"/consultations/{c.id}/weights", data={
        f"take_{carer.id}": "y", f"weight_{carer.id}": "3", f"take_{resident.id}": "y",
        f"weight_{resident.id}": "0.5"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, c.id).weights() == {carer.code: 3.0, "resident": 0.5}
    none = client.post(f"/consultations/{c.id}/weights", data={})
    assert none.status_code == 400 and "at least one stakeholder group" in none.get_data(as_text=True)


def test_translation_completeness_and_review(client, facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    c = make_consultation(localities=[pet], lead=facilitator, status="draft", title={"en": "Only English"})
    db.session.commit()
    login(client, facilitator)
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Not reviewed" in page and "title" in page
    client.post(f"/consultations/{c.id}/translations/cy", data={"reviewed": "1"})
    db.session.refresh(c)
    assert c.reviewed_locales == ["cy"]
    assert client.post(f"/consultations/{c.id}/translations/xx", data={"reviewed": "1"}).status_code == 400


def test_public_landing_page(client):
    c = make_consultation(status="open", vote={"method": "ranking"},
                          title={"en": "Older people", "cy": "Pobl hŷn"}, easy_read={"en": "Easy words."})
    draft = make_consultation(status="draft")
    db.session.commit()
    page = client.get(f"/c/{c.slug}").get_data(as_text=True)
    assert "Older people" in page and f'/c/{c.slug}/vote' in page and "Read this in easy read" in page
    assert "Easy words." in client.get(f"/c/{c.slug}?easy=1").get_data(as_text=True)
    welsh = client.get(f"/c/{c.slug}?lang=cy").get_data(as_text=True)
    assert "Pobl hŷn" in welsh
    # The Welsh translation has not been reviewed, and readers are told so (in Welsh).
    assert "govuk-inset-text" in welsh.split("<h1")[0]
    c.reviewed_locales = ["cy"]
    db.session.commit()
    reviewed = client.get(f"/c/{c.slug}?lang=cy").get_data(as_text=True)
    assert "govuk-inset-text" not in reviewed.split("<h1")[0]
    assert client.get(f"/c/{draft.slug}").status_code == 404
    assert client.get("/c/no-such-thing").status_code == 404


def test_landing_page_before_and_after_the_window(client):
    early = make_consultation(status="open", opens_in_days=5, closes_in_days=10, vote={"method": "ranking"})
    late = make_consultation(status="closed", opens_in_days=-10, closes_in_days=-1, vote={"method": "ranking"})
    db.session.commit()
    early_page = client.get(f"/c/{early.slug}").get_data(as_text=True)
    assert "opens on" in early_page and "/vote" not in early_page
    assert "has closed" in client.get(f"/c/{late.slug}").get_data(as_text=True)


@pytest.mark.parametrize("dates", [{"opens_on": None}, {"opens_on": "2027-01-10"}, {"opens_on": ["1", "2"]}])
def test_missing_or_tampered_date_parts_are_a_400(client, facilitator_in_pet, dates):
    facilitator, pet = facilitator_in_pet
    login(client, facilitator)
    data = {**FORM, "localities": [pet.id], **dates}
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post("/consultations/new", data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0


def test_administrators_choose_the_lead_among_active_facilitators_and_commissioners(client, facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    admin, commissioner = make_user(role="admin"), make_user(role="commissioner", name="Chris Commissioner")
    gone = make_user(role="facilitator", name="Gone Facilitator", active=False)
    member = make_user(name="Mo Member")
    c = make_consultation(localities=[pet], status="draft", lead=facilitator)
    db.session.commit()
    url = f"/consultations/{c.id}/lead"
    login(client, facilitator)  # the lead does not choose who leads
    assert client.get(url).status_code == 403
    assert client.post(url, data={"lead": facilitator.id}).status_code == 403
    client.post("/logout")
    login(client, admin)
    page = client.get(url).get_data(as_text=True)
    assert "Chris Commissioner" in page and "Gone Facilitator" not in page and "Mo Member" not in page
    for refused in (member.id, gone.id, 987654):
        response = client.post(url, data={"lead": refused})
        assert response.status_code == 400 and 'id="lead-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert c.lead_id == facilitator.id
    response = client.post(url, data={"lead": commissioner.id})
    assert response.status_code == 302 and response.location.endswith(f"/consultations/{c.id}")
    db.session.expire_all()
    assert c.lead_id == commissioner.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.lead"))
    assert (event.before, event.after, event.actor_id) == ({"lead": facilitator.email},
                                                           {"lead": commissioner.email}, admin.id)
    client.post("/logout")
    login(client, commissioner)  # a commissioner who leads manages it; the facilitator no longer does
    assert client.get(f"/consultations/{c.id}/weights").status_code == 200
    client.post("/logout")
    login(client, facilitator)
    assert client.get(f"/consultations/{c.id}/weights").status_code == 403


def test_a_facilitator_lists_the_consultations_they_lead_or_whose_localities_they_facilitate(client,
                                                                                             facilitator_in_pet):
    facilitator, pet = facilitator_in_pet
    elsewhere = make_locality(code="SEA")
    covering = make_consultation(localities=[pet, elsewhere], slug="covers-pet", title={"en": "Covers Peterlee"})
    led = make_consultation(localities=[elsewhere], slug="led-by-them", title={"en": "Led by them"},
                            lead=facilitator)
    make_consultation(localities=[elsewhere], slug="not-theirs", title={"en": "Somebody else's"})
    db.session.commit()
    login(client, facilitator)
    page = client.get("/consultations").get_data(as_text=True)
    assert "Covers Peterlee" in page and "Led by them" in page and "Somebody else" not in page
    # Covering their locality lets them work it, not manage it.
    assert client.get(f"/consultations/{covering.id}/edit").status_code == 403
    assert client.get(f"/consultations/{led.id}/edit").status_code == 200
