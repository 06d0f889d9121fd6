"""Consultations open, remind and close by themselves: a real RQ worker and scheduler, with the app's clock moved."""

from datetime import timedelta

from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.core.clock import travel
from consult.extensions import db
from consult.invitations.models import Invitation
from consult.invitations.services import Invitee, create_invitations
from consult.jobs.models import JobRecord
from consult.mail.models import MailMessage
from factories import login, make_consultation, make_locality, make_planning_group, make_stakeholder_group, make_user


def messages(kind):
    db.session.rollback()  # see what the worker committed
    return db.session.scalars(select(MailMessage).where(MailMessage.kind == kind).order_by(MailMessage.id)).all()


def test_invitations_go_at_opening_reminders_before_closing_and_it_closes_itself(live_app, work_queue):
    pet = make_locality(code="PET")
    carer = make_stakeholder_group(code="carer")
    facilitator = make_user(role="facilitator")
    make_planning_group(locality=pet, facilitators=[facilitator])
    consultation = make_consultation(localities=[pet], groups=[carer], status="draft", opens_in_days=1,
                                     lead=facilitator, closes_in_days=10, vote={"method": "ranking"},
                                     title={"en": "Day care", "cy": "Gofal dydd", "ur": "دن کی دیکھ بھال"},
                                     reminder_days=3)
    create_invitations(consultation, [Invitee(f"Person {code}", f"{code}@example.org", code, carer.id, pet.id)
                                      for code in ("en", "cy", "ur")])
    db.session.commit()
    client = live_app.test_client()
    login(client, facilitator)
    assert client.post(f"/consultations/{consultation.id}/open").status_code == 302

    # Before the opening time nothing is sent.
    work_queue()
    assert messages("invitation") == []

    with travel(timedelta(days=1, minutes=5)):
        work_queue()
        invitations = messages("invitation")
        assert sorted(m.locale for m in invitations) == ["cy", "en", "ur"]
        welsh = next(m for m in invitations if m.locale == "cy")
        assert "Gofal dydd" in welsh.subject and "/i/" in welsh.text_body
        assert next(m for m in invitations if m.locale == "ur").status == "outbox"

    # Someone responds; the others are reminded three days before closing.
    responder = db.session.scalar(select(Invitation).where(Invitation.locale == "en"))
    responder.responded_at = responder.sent_at
    db.session.commit()
    with travel(timedelta(days=5)):
        work_queue()
        assert messages("reminder") == []
    with travel(timedelta(days=7, hours=1)):
        work_queue()
        reminders = messages("reminder")
        assert sorted(m.locale for m in reminders) == ["cy", "ur"]
        assert "دن کی دیکھ بھال" in next(m for m in reminders if m.locale == "ur").subject
        work_queue()
        assert len(messages("reminder")) == 2  # once only

    # At the closing time it closes by itself and queues the tally.
    with travel(timedelta(days=10, minutes=5)):
        work_queue()
        db.session.rollback()
        closed = db.session.get(Consultation, consultation.id)
        assert closed.status == "closed" and closed.closed_at is not None
        tally = db.session.scalar(select(JobRecord).where(JobRecord.kind == "consultation.tally"))
        assert tally is not None and tally.status == "finished"


def test_moving_the_closing_date_later_moves_the_automatic_close(live_app, work_queue):
    pet = make_locality(code="PET")
    consultation = make_consultation(localities=[pet], status="draft", closes_in_days=2)
    admin = make_user(role="admin")
    db.session.commit()
    client = live_app.test_client()
    login(client, admin)
    client.post(f"/consultations/{consultation.id}/open")
    work_queue()
    db.session.rollback()
    consultation = db.session.get(Consultation, consultation.id)
    consultation.closes_at = consultation.closes_at + timedelta(days=5)
    db.session.commit()
    with travel(timedelta(days=3)):
        work_queue()
        db.session.rollback()
        assert db.session.get(Consultation, consultation.id).status == "open"
    with travel(timedelta(days=7, minutes=5)):
        work_queue()
        work_queue()
        db.session.rollback()
        assert db.session.get(Consultation, consultation.id).status == "closed"


def test_publication_notice_reaches_subscribers_in_their_language_and_unsubscribe_is_honoured(live_app,
                                                                                               work_queue):
    from consult.notifications.models import Subscription
    from consult.voting.models import ResultsSnapshot

    facilitator = make_user(role="facilitator")
    pet = make_locality(code="PET")
    make_planning_group(locality=pet, facilitators=[facilitator])
    consultation = make_consultation(localities=[pet], status="closed", vote={"method": "ranking"}, lead=facilitator,
                                     title={"en": "Day care", "cy": "Gofal dydd", "ur": "دن کی دیکھ بھال"})
    people = {code: make_user(preferred_locale=code, email=f"{code}@example.org") for code in ("en", "cy", "ur")}
    stopped = make_user(preferred_locale="en", email="stopped@example.org")
    for user in [*people.values(), stopped]:
        db.session.add(Subscription(user_id=user.id, consultation_id=consultation.id))
    db.session.add(ResultsSnapshot(consultation_id=consultation.id, ballots=0, data={}))
    db.session.commit()
    stopped_subscription = db.session.scalar(select(Subscription).where(Subscription.user_id == stopped.id))

    from consult.notifications.delivery import unsubscribe_token

    anonymous = live_app.test_client()
    token = unsubscribe_token(stopped_subscription)
    assert "Stop the emails" in anonymous.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert anonymous.post(f"/unsubscribe/{token}").status_code == 200  # one-click, no form token needed
    assert anonymous.get("/unsubscribe/forged").status_code == 404

    client = live_app.test_client()
    login(client, facilitator)
    assert client.post(f"/consultations/{consultation.id}/publish").status_code == 302
    work_queue()
    notices = messages("results_published")
    assert sorted(m.locale for m in notices) == ["cy", "en", "ur"]
    assert "stopped@example.org" not in {m.to_email for m in notices}
    welsh = next(m for m in notices if m.locale == "cy")
    assert "Gofal dydd" in welsh.subject and "/unsubscribe/" in welsh.text_body
    assert welsh.unsubscribe_url and f"/c/{consultation.slug}/results" in welsh.text_body
