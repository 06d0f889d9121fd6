"""A facilitator creates a consultation and sets its weights, a commissioner agrees them, the facilitator opens
it; the public reads it, and how votes are counted, in three languages."""

from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.extensions import db
from factories import PASSWORD, make_locality, make_planning_group, make_stakeholder_group, make_user


def sign_in(page, email):
    if page.is_visible("button:has-text('Sign out')"):
        page.click_and_check("button:has-text('Sign out')")
    page.visit("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click_and_check("main form button[type=submit]")


def test_facilitator_creates_and_opens_a_consultation_and_the_public_reads_it(page):
    facilitator = make_user(role="facilitator", email="fac2@example.org")
    pet = make_locality(code="PET", name={"en": "Peterlee", "cy": "Peterlee", "ur": "پیٹرلی"})
    make_planning_group(locality=pet, facilitators=[facilitator])
    carer = make_stakeholder_group(code="carer", name={"en": "Carers", "cy": "Gofalwyr", "ur": "نگہداشت کرنے والے"},
                                   weight=2.0)
    make_stakeholder_group(code="resident", name={"en": "Residents", "cy": "Trigolion", "ur": "رہائشی"})
    db.session.commit()

    sign_in(page, "fac2@example.org")
    page.visit("/consultations/new")
    page.fill("#slug", "respite-2027")
    page.fill("#title_en", "Breaks for carers")
    page.fill("#title_cy", "Seibiant i ofalwyr")
    page.fill("#title_ur", "نگہداشت کرنے والوں کے لیے وقفہ")
    page.fill("#summary_en", "Tell us which breaks matter most.")
    page.fill("#easy_read_en", "Tell us what help you want.")
    page.fill("#opens_on-day", "1")
    page.fill("#opens_on-month", "1")
    page.fill("#opens_on-year", "2026")
    page.fill("#closes_on-day", "31")
    page.fill("#closes_on-month", "12")
    page.fill("#closes_on-year", "2030")
    page.check(f"input[name=localities][value='{pet.id}']")
    page.check("input[name=method][value=ranking]")
    page.click_and_check("main form button[type=submit]")
    assert "Breaks for carers" in page.inner_text("h1"), page.inner_text("main")

    db.session.rollback()  # see what the server committed
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == "respite-2027"))
    page.visit(f"/consultations/{consultation.id}/weights")
    page.fill(f"#weight_{carer.id}", "3")
    page.click_and_check("main form button[type=submit]")
    # Without priorities the vote cannot open: a clear message, nothing changed.
    page.click_and_check("main form button:has-text('Open the consultation')")
    assert page.is_visible(".govuk-error-summary")
    assert "at least two priorities" in page.inner_text(".govuk-error-summary")

    db.session.rollback()
    consultation = db.session.get(Consultation, consultation.id)
    assert consultation.weights() == {"carer": 3.0, "resident": 1.0}
    assert consultation.status == "draft"

    from consult.voting.models import Priority

    consultation.vote.priorities = [Priority(code="P1", title={"en": "Short breaks", "cy": "Seibiannau byr"}),
                                    Priority(code="P2", title={"en": "Sitting service"})]
    db.session.commit()
    page.visit(f"/consultations/{consultation.id}")
    # Nobody has agreed how the votes are counted yet: the consultation cannot open.
    page.click_and_check("main form button:has-text('Open the consultation')")
    assert "commissioner must agree" in page.inner_text(".govuk-error-summary")

    # A commissioner agrees, saying why, on the consultation's page.
    commissioner = make_user(role="commissioner", email="com2@example.org", name="Cara Commissioner")
    db.session.commit()
    sign_in(page, "com2@example.org")
    page.visit(f"/consultations/{consultation.id}")
    assert "Carers" in page.inner_text("#how-votes-are-counted ~ table")
    page.click_and_check("main form#agree button[type=submit]")
    assert "Say why" in page.inner_text(".govuk-error-summary")
    page.fill("#reason", "Carers count three times: agreed at the carers' partnership board.")
    page.click_and_check("main form#agree button[type=submit]")
    assert "You agreed how votes are counted" in page.inner_text(".govuk-notification-banner")
    assert "Cara Commissioner" in page.inner_text("main")
    db.session.rollback()
    assert db.session.get(Consultation, consultation.id).weights_agreed_by_id == commissioner.id

    sign_in(page, "fac2@example.org")
    page.visit(f"/consultations/{consultation.id}")
    page.click_and_check("main form button:has-text('Open the consultation')")
    assert "The consultation is open" in page.inner_text(".govuk-notification-banner")

    page.click_and_check("button:has-text('Sign out')")
    page.visit("/c/respite-2027")
    assert "Breaks for carers" in page.inner_text("h1")
    assert page.is_visible("a:has-text('Vote on the priorities')")
    assert "How your vote is counted" in page.inner_text("main") and "75%" in page.inner_text("main")
    page.click_and_check("a:has-text('Read this in easy read')")
    assert "Tell us what help you want." in page.inner_text("main")
    page.visit("/c/respite-2027?lang=cy")
    assert page.get_attribute("html", "lang") == "cy"
    assert "Seibiant i ofalwyr" in page.inner_text("h1")
    page.visit("/c/respite-2027?lang=ur")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "نگہداشت کرنے والوں کے لیے وقفہ" in page.inner_text("h1")
