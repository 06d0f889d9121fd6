"""A facilitator creates a consultation, sets its weights and opens it; the public reads it in three languages."""

from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.extensions import db
from factories import PASSWORD, make_locality, make_planning_group, make_stakeholder_group, make_user


def test_facilitator_creates_and_opens_a_consultation_and_the_public_reads_it(page):
    facilitator = make_user(role="facilitator", email="fac2@example.org")
    pet = make_locality(code="PET", name={"en": "Peterlee", "cy": "Peterlee", "ur": "پیٹرلی"})
    make_planning_group(locality=pet, facilitators=[facilitator])
    carer = make_stakeholder_group(code="carer", name={"en": "Carers", "cy": "Gofalwyr", "ur": "نگہداشت کرنے والے"},
                                   weight=2.0)
    make_stakeholder_group(code="resident", name={"en": "Residents", "cy": "Trigolion", "ur": "رہائشی"})
    db.session.commit()

    page.visit("/login")
    page.fill("#email", "fac2@example.org")
    page.fill("#password", PASSWORD)
    page.click_and_check("main form button[type=submit]")
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
    page.click_and_check("main form button:has-text('Open the consultation')")
    assert "The consultation is open" in page.inner_text(".govuk-notification-banner")

    page.click_and_check("button:has-text('Sign out')")
    page.visit("/c/respite-2027")
    assert "Breaks for carers" in page.inner_text("h1")
    assert page.is_visible("a:has-text('Vote on the priorities')")
    page.click_and_check("a:has-text('Read this in easy read')")
    assert "Tell us what help you want." in page.inner_text("main")
    page.visit("/c/respite-2027?lang=cy")
    assert page.get_attribute("html", "lang") == "cy"
    assert "Seibiant i ofalwyr" in page.inner_text("h1")
    page.visit("/c/respite-2027?lang=ur")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "نگہداشت کرنے والوں کے لیے وقفہ" in page.inner_text("h1")
