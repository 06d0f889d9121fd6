"""Publishing "you said, we did" and the public page: languages, easy read, localities, only what is published."""

import pytest
from sqlalchemy import func, select

from consult.commissioning import draft_runs, intentions, you_said_we_did
from consult.commissioning.models import Intention, YouSaidWeDid
from consult.consultations.lifecycle import publish_results
from consult.extensions import db
from consult.jobs.models import JobRecord
from consult.notifications.models import Notification
from consult.notifications.services import subscribe
from factories import login, make_planning_year, make_user, make_voted_consultation


@pytest.fixture
def commissioner():
    return make_user(role="commissioner")


@pytest.fixture
def decided(app, commissioner):
    """P1 agreed (both localities), P2 top priority deferred with a rationale in three languages, P3..P5 drafts."""
    consultation = make_voted_consultation()
    year = make_planning_year(budgets={"health": "100000"})
    draft_runs.run_draft(draft_runs.start_draft_run(year, [consultation.id], "equal", actor=commissioner).id)
    by_code = {i.priority_code: i for i in db.session.scalars(select(Intention))}
    with app.test_request_context():
        base = {"funding_route": "health", "lead_commissioner": "council", "service_change": "none"}
        p1 = by_code["P1"]
        intentions.save_intention(p1, data={**base, "title": p1.title, "status": "agreed", "amount": "10000",
                                            "easy_read": {"en": "Help for carers, quickly"},
                                            "localities": [loc.id for loc in p1.localities]}, actor=commissioner)
        p2 = by_code["P2"]
        intentions.save_intention(p2, data={**base, "title": p2.title, "status": "deferred", "amount": "20000",
                                            "localities": [consultation.localities[0].id],
                                            "rationale": {"en": "No provider can start this year.",
                                                          "cy": "Ni all unrhyw ddarparwr ddechrau eleni.",
                                                          "ur": "اس سال کوئی فراہم کنندہ شروع نہیں کر سکتا۔"}},
                                  actor=commissioner)
    db.session.commit()
    return year, consultation, by_code


def publish_consultation(consultation):
    publish_results(consultation)
    db.session.commit()


def test_no_page_until_the_results_are_published(client, decided):
    year, consultation, by_code = decided
    assert client.get(f"/c/{consultation.slug}/you-said-we-did").status_code == 404
    assert client.get("/c/no-such-thing/you-said-we-did").status_code == 404


def test_before_publication_the_public_sees_what_was_said_but_no_decision(client, decided):
    year, consultation, by_code = decided
    publish_consultation(consultation)
    text = client.get(f"/c/{consultation.slug}/you-said-we-did").get_data(as_text=True)
    assert "have not published what they decided yet" in text
    assert "Service P1" in text and "What each stakeholder group said about this priority" in text
    assert "Carers" in text and "GPs" in text
    assert "No provider can start this year." not in text and "Agreed:" not in text


def test_publishing_is_refused_until_the_results_are_public(client, commissioner, decided):
    year, consultation, by_code = decided
    login(client, commissioner)
    response = client.post(f"/commissioning/consultations/{consultation.id}/you-said-we-did")
    assert response.status_code == 409
    assert "results must be published first" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(YouSaidWeDid)) == 0


def test_publishing_shows_decisions_and_queues_messages_for_those_who_asked(client, commissioner, decided):
    year, consultation, by_code = decided
    publish_consultation(consultation)
    asked = make_user(preferred_locale="cy")
    stopped = make_user()
    make_user()  # never asked
    subscribe(asked, consultation)
    subscribe(stopped, consultation)
    from consult.notifications.services import unsubscribe

    unsubscribe(stopped, consultation)
    db.session.commit()
    login(client, commissioner)
    preview = client.get(f"/commissioning/consultations/{consultation.id}/you-said-we-did").get_data(as_text=True)
    assert "Preview" in preview and "No provider can start this year." in preview

    response = client.post(f"/commissioning/consultations/{consultation.id}/you-said-we-did")
    assert response.status_code == 302 and response.location.endswith(f"/c/{consultation.slug}/you-said-we-did")
    notes = db.session.scalars(select(Notification)).all()
    assert [(n.user_id, n.kind, n.locale, n.status) for n in notes] == [(asked.id, "you_said_we_did", "cy",
                                                                        "queued")]
    sending = db.session.scalars(select(JobRecord).where(JobRecord.kind == "notifications.send")
                                 .order_by(JobRecord.created_at)).all()
    # Publishing the results asked for its own notice; "you said, we did" queued its notices here, and the sender
    # takes them from here.
    assert [job.args for job in sending] == [{"consultation_id": consultation.id, "kind": "results_published"},
                                             {"consultation_id": consultation.id}]
    text = client.get(response.location).get_data(as_text=True)
    assert "1 person who asked to hear back will be told" in text
    assert "Agreed: money has been set aside for it." in text and "£10,000" in text
    assert "Deferred: not now." in text and "No provider can start this year." in text
    assert "Service P2 was ranked 2 of 5, a top priority, but the decision is: deferred." in text
    assert text.count("Not decided yet.") == 3  # the drafts are not decisions

    # Publishing again updates the page but tells nobody twice.
    assert client.post(f"/commissioning/consultations/{consultation.id}/you-said-we-did").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
    assert db.session.scalar(select(func.count()).select_from(JobRecord)) == len(sending)  # no new sending
    assert db.session.scalar(select(YouSaidWeDid.version)) == 2


def test_the_public_reads_only_what_was_published(client, commissioner, decided, app):
    year, consultation, by_code = decided
    publish_consultation(consultation)
    with app.test_request_context():
        you_said_we_did.publish_you_said_we_did(consultation, actor=commissioner)
        p3 = by_code["P3"]
        intentions.save_intention(p3, data={"title": {"en": "A secret new plan"}, "status": "proposed",
                                            "service_change": "none"}, actor=commissioner)
    db.session.commit()
    text = client.get(f"/c/{consultation.slug}/you-said-we-did").get_data(as_text=True)
    assert "A secret new plan" not in text and "Proposed:" not in text


def test_the_page_in_welsh_urdu_and_easy_read(client, commissioner, decided, app):
    year, consultation, by_code = decided
    publish_consultation(consultation)
    with app.test_request_context():
        you_said_we_did.publish_you_said_we_did(consultation, actor=commissioner)
    db.session.commit()
    url = f"/c/{consultation.slug}/you-said-we-did"
    welsh = client.get(url + "?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in welsh and "Gwasanaeth P1" in welsh and "Ni all unrhyw ddarparwr ddechrau eleni." in welsh
    assert "Gofalwyr" in welsh
    urdu = client.get(url + "?lang=ur").get_data(as_text=True)
    assert 'dir="rtl"' in urdu and "خدمت P1" in urdu and "اس سال کوئی فراہم کنندہ شروع نہیں کر سکتا۔" in urdu
    easy = client.get(url + "?easy=1&lang=en").get_data(as_text=True)
    assert "Easy P1" in easy and "Yes. We will pay for this." in easy and "Help for carers, quickly" in easy
    assert "Not now. We will think about it again later." in easy and "Show the standard version" in easy


def test_the_page_for_one_locality(client, commissioner, decided, app):
    year, consultation, by_code = decided
    big, small = consultation.localities
    publish_consultation(consultation)
    with app.test_request_context():
        you_said_we_did.publish_you_said_we_did(consultation, actor=commissioner)
    db.session.commit()
    url = f"/c/{consultation.slug}/you-said-we-did"
    whole = client.get(url).get_data(as_text=True)
    assert "6 people voted" in whole
    small_page = client.get(f"{url}?locality={small.code}").get_data(as_text=True)
    # One person voted there: too few to show that area's results in public, but what was decided is shown.
    assert "1 person voted" not in small_page and "Fewer than 5 people voted in this area" in small_page
    assert "Agreed: money has been set aside for it." in small_page
    # P2 was deferred for the big locality only, so the small one does not list that decision.
    assert "No provider can start this year." not in small_page
    assert "No provider can start this year." in client.get(f"{url}?locality={big.code}").get_data(as_text=True)
    assert client.get(f"{url}?locality=NOWHERE").status_code == 404


def test_only_decisions_go_into_the_page_and_each_says_what_the_public_is_told(app, decided):
    year, consultation, by_code = decided
    with app.test_request_context():
        content = you_said_we_did.build_you_said_we_did(consultation)
    assert set(content["decisions"]) == {"P1", "P2"}  # P3..P5 are drafts
    (p1,), (p2,) = content["decisions"]["P1"], content["decisions"]["P2"]
    assert (p1["status"], p1["amount"], p1["departures"]) == ("agreed", "10000.00", [])
    assert (p2["status"], p2["localities"], p2["year"]) == ("deferred", [consultation.localities[0].code], "2027/28")
    assert [d["kind"] for d in p2["departures"]] == ["top_not_pursued"]
    assert [p["code"] for p in content["priorities"]] == ["P1", "P2", "P3", "P4", "P5"]
    assert content["scopes"]["all"]["ballots"] == 6 and content["n_priorities"] == 5


def published_page(app, client, consultation) -> str:
    """The public page once the results and then "you said, we did" are published."""
    publish_consultation(consultation)
    with app.test_request_context():
        you_said_we_did.publish_you_said_we_did(consultation)
    db.session.commit()
    return client.get(f"/c/{consultation.slug}/you-said-we-did").get_data(as_text=True)


def test_a_decision_not_pursued_shows_no_money(client, decided, app):
    year, consultation, by_code = decided
    text = published_page(app, client, consultation)
    assert "£10,000" in text and "£20,000" not in text and text.count("Funding: Health") == 1
    easy = client.get(f"/c/{consultation.slug}/you-said-we-did?easy=1").get_data(as_text=True)
    assert "It will cost £10,000." in easy and "£20,000" not in easy


def test_what_stops_publication_is_said_in_full(app, commissioner, decided):
    year, consultation, by_code = decided
    with app.test_request_context():
        assert you_said_we_did.publication_problems(consultation) == [
            "The consultation's results must be published first."]
        publish_results(consultation)
        assert you_said_we_did.publication_problems(consultation) == []
        p2 = by_code["P2"]
        p2.rationale = {}
        assert you_said_we_did.publication_problems(consultation) == [
            "Service P2 needs a rationale: Service P2 was ranked 2 of 5, a top priority, but the decision is: "
            "deferred."]
        for intention in by_code.values():
            intention.status = "draft"
        assert you_said_we_did.publication_problems(consultation) == [
            "No decision has been made yet: every intention from this consultation is a draft."]


def test_the_notice_is_sent_in_the_subscribers_language_by_a_real_worker(live_app, work_queue):
    from consult.mail.models import MailMessage

    commissioner = make_user(role="commissioner")
    consultation = make_voted_consultation()
    consultation.title = {"en": "Day care", "cy": "Gofal dydd"}
    year = make_planning_year()
    draft_runs.run_draft(draft_runs.start_draft_run(year, [consultation.id], "equal", actor=commissioner).id)
    p1 = db.session.scalar(select(Intention).where(Intention.priority_code == "P1"))
    p1.status = "proposed"
    welsh = make_user(preferred_locale="cy", email="cymraeg@example.org")
    subscribe(welsh, consultation)
    publish_results(consultation)
    db.session.commit()
    client = live_app.test_client()
    login(client, commissioner)
    assert client.post(f"/commissioning/consultations/{consultation.id}/you-said-we-did").status_code == 302
    db.session.rollback()
    work_queue()
    db.session.rollback()
    message = db.session.scalar(select(MailMessage).where(MailMessage.kind == "you_said_we_did"))
    assert message.to_email == "cymraeg@example.org" and message.locale == "cy"
    assert "Gofal dydd" in message.text_body and f"/c/{consultation.slug}/you-said-we-did" in message.text_body
    assert db.session.scalar(select(Notification.status)) == "sent"


def test_small_groups_say_fewer_than_5_in_public_and_are_marked_for_staff(client, commissioner, decided, app):
    year, consultation, by_code = decided
    publish_consultation(consultation)
    with app.test_request_context():
        you_said_we_did.publish_you_said_we_did(consultation, actor=commissioner)
    db.session.commit()
    carers, gps = (g.stakeholder_group for g in sorted(consultation.group_weights, key=lambda g: g.weight,
                                                        reverse=True))
    text = client.get(f"/c/{consultation.slug}/you-said-we-did").get_data(as_text=True)
    assert "6 people voted" in text  # the whole consultation's total is shown
    for group in (carers, gps):  # 4 carers and 2 GPs voted: neither count, place nor part is shown
        row = text.split(f'data-group="{group.code}"', 1)[1].split("</tr>", 1)[0]
        assert row.count("fewer than 5") == 3 and "%" not in row and " of 5" not in row
    assert "are not shown: they say &#34;fewer than 5&#34;" in text
    easy = client.get(f"/c/{consultation.slug}/you-said-we-did?easy=1").get_data(as_text=True)
    assert "put it in place" not in easy
    # The commissioners' preview shows the figures, marked.
    login(client, commissioner)
    preview = client.get(f"/commissioning/consultations/{consultation.id}/you-said-we-did").get_data(as_text=True)
    row = preview.split(f'data-group="{carers.code}"', 1)[1].split("</tr>", 1)[0]
    assert ">4*<" in row and "fewer than 5" not in row
    assert "shown because you are staff; they are hidden from the public" in preview
