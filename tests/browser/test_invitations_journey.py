"""Invitations, the outbox and the unsubscribe pages: keyboard-and-screen-reader checks, in Urdu right to left."""


from sqlalchemy import select

from consult.extensions import db
from consult.notifications.delivery import unsubscribe_token
from consult.notifications.models import Subscription
from factories import PASSWORD, make_consultation, make_locality, make_planning_group, make_stakeholder_group, make_user


def sign_in(page, email):
    page.visit("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click_and_check("main form button[type=submit]")


def test_invitations_outbox_and_unsubscribe_pages(page, tmp_path):
    pet = make_locality(code="PET", name={"en": "Peterlee", "ur": "پیٹرلی"})
    carer = make_stakeholder_group(code="carer", name={"en": "Carers", "ur": "نگہداشت کرنے والے"})
    facilitator = make_user(role="facilitator", email="fac-inv@example.org")
    make_user(role="admin", email="admin-inv@example.org")
    make_planning_group(locality=pet, facilitators=[facilitator])
    consultation = make_consultation(localities=[pet], groups=[carer], status="open", vote={"method": "ranking"},
                                     lead=facilitator, title={"en": "Day care", "ur": "دن کی دیکھ بھال"})
    member = make_user(email="member-inv@example.org", preferred_locale="ur")
    db.session.add(Subscription(user_id=member.id, consultation_id=consultation.id))
    db.session.commit()

    sign_in(page, "fac-inv@example.org")
    page.visit(f"/consultations/{consultation.id}/invitations?lang=ur")
    assert page.get_attribute("html", "dir") == "rtl"
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("name,email,language,group,locality\nFarah Khan,farah@example.org,ur,carer,PET\n"
                        "Bad Row,not-an-email,ur,carer,PET\n")
    page.set_input_files("#file", str(contacts))
    page.click_and_check("main form[enctype] button[type=submit]")
    assert page.is_visible("#problems")  # line 3 is wrong: nobody imported
    contacts.write_text("name,email,language,group,locality\nFarah Khan,farah@example.org,ur,carer,PET\n")
    page.set_input_files("#file", str(contacts))
    page.click_and_check("main form[enctype] button[type=submit]")
    assert "farah@example.org" in page.inner_text("main")
    page.click_and_check("button:has-text('Sign out'), button[type=submit] >> nth=0")

    sign_in(page, "admin-inv@example.org")
    page.visit("/admin/outbox?lang=ur")
    assert "farah@example.org" in page.inner_text("main")
    page.click_and_check("main table a")
    assert page.get_attribute("h1", "lang") == "ur"

    page.visit("/i/not-a-real-link")
    db.session.rollback()
    subscription = db.session.scalar(select(Subscription))
    page.visit(f"/unsubscribe/{unsubscribe_token(subscription)}?lang=ur")
    page.click_and_check("main form button[type=submit]")
    assert page.is_visible(".govuk-panel")
    db.session.rollback()
    assert db.session.scalar(select(Subscription)).unsubscribed_at is not None
