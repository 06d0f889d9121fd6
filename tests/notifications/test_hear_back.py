""""Tell me what was decided": signed-in people subscribe, and publishing queues one message each."""

from sqlalchemy import func, select

from consult.extensions import db
from consult.notifications.models import Notification, Subscription
from consult.notifications.services import queue_notifications, subscribe, unsubscribe
from factories import login, make_consultation, make_user


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_signed_in_person_asks_to_hear_back_and_can_stop(client):
    consultation = make_consultation(status="closed", opens_in_days=-10, closes_in_days=-1)
    person = make_user()
    db.session.commit()
    login(client, person)
    url = f"/c/{consultation.slug}/hear-back"
    response = client.post(url, data={"next": f"/c/{consultation.slug}"})
    assert response.status_code == 302 and response.location.endswith(f"/c/{consultation.slug}")
    client.post(url)  # asking twice keeps one subscription
    subscription = db.session.scalar(select(Subscription))
    assert _count(Subscription) == 1 and subscription.user_id == person.id and subscription.unsubscribed_at is None

    client.post(url + "/stop")
    db.session.expire_all()
    assert subscription.unsubscribed_at is not None
    assert queue_notifications(consultation, "results_published") == 0
    client.post(url)
    db.session.expire_all()
    assert subscription.unsubscribed_at is None  # asking again starts again


def test_anonymous_people_cannot_subscribe_and_drafts_have_no_button(client):
    consultation = make_consultation(status="closed", opens_in_days=-10, closes_in_days=-1)
    draft = make_consultation(status="draft")
    person = make_user()
    db.session.commit()
    response = client.post(f"/c/{consultation.slug}/hear-back")
    assert response.status_code == 302 and "/login" in response.location
    assert _count(Subscription) == 0
    login(client, person)
    assert client.post(f"/c/{draft.slug}/hear-back").status_code == 404
    assert client.post(f"/c/{consultation.slug}/hear-back", data={"next": "https://evil.example/"}).location \
        .endswith(f"/c/{consultation.slug}")  # never sent off-site
    assert _count(Subscription) == 1


def test_queue_notifications_once_per_person_and_kind_in_their_language(app):
    consultation = make_consultation(status="closed", opens_in_days=-10, closes_in_days=-1, default_locale="en")
    welsh, plain, gone, inactive = make_user(preferred_locale="cy"), make_user(), make_user(), make_user()
    for person in (welsh, plain, gone, inactive):
        subscribe(person, consultation)
    unsubscribe(gone, consultation)
    inactive.active = False  # an account switched off after asking
    assert queue_notifications(consultation, "results_published") == 2
    assert queue_notifications(consultation, "results_published") == 0
    assert queue_notifications(consultation, "you_said_we_did") == 2
    rows = {(n.user_id, n.kind): n for n in db.session.scalars(select(Notification))}
    assert rows[(welsh.id, "results_published")].locale == "cy"
    assert rows[(plain.id, "results_published")].locale == "en"
    assert all(n.status == "queued" and n.sent_at is None for n in rows.values())
    assert not any(user_id in (gone.id, inactive.id) for user_id, _ in rows)


def test_the_partial_offers_the_button_or_a_sign_in_link(client, app):
    from flask import render_template_string

    consultation = make_consultation(status="closed", opens_in_days=-10, closes_in_days=-1)
    person = make_user()
    db.session.commit()
    with app.test_request_context(f"/c/{consultation.slug}"):
        html = render_template_string('{% include "notifications/_hear_back.html" %}', consultation=consultation)
    assert "Sign in to be told what was decided" in html
    login(client, person)
    subscribe(person, consultation)
    db.session.commit()
    with app.test_request_context(f"/c/{consultation.slug}"):
        from flask_login import login_user

        login_user(person)
        html = render_template_string('{% include "notifications/_hear_back.html" %}', consultation=consultation)
    assert "Stop telling me" in html
