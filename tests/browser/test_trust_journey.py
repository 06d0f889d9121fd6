"""The pages issue 11 added, in a real browser with axe, with and without JavaScript: an administrator chooses a
consultation's lead, the lead chooses its target population, and the public reads the published results in
Urdu (right to left), with how much rests on the weights and the open data to check them."""

import hashlib

from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.extensions import db
from factories import PASSWORD, make_results_snapshot, make_user, make_voted_consultation


def sign_in(page, email):
    if page.is_visible("button:has-text('Sign out')"):
        page.click_and_check("button:has-text('Sign out')")
    page.visit("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click_and_check("main form button[type=submit]")


def test_lead_target_population_and_the_published_results_in_urdu(page):
    admin = make_user(role="admin", email="trust-admin@example.org")
    lead = make_user(role="facilitator", email="trust-lead@example.org", name="Leila Lead")
    consultation = make_voted_consultation(status="closed", snapshot=False)
    db.session.commit()

    sign_in(page, admin.email)
    page.visit(f"/consultations/{consultation.id}/lead")
    page.check(f"input[name=lead][value='{lead.id}']")
    page.click_and_check("main form button[type=submit]")
    assert "The consultation's lead is saved." in page.inner_text(".govuk-notification-banner")

    sign_in(page, lead.email)
    page.visit(f"/consultations/{consultation.id}/target-population")
    page.check("input[name=age_band][value='75_84']")
    page.click_and_check("main form button[type=submit]")
    assert page.is_visible(".govuk-notification-banner--success")
    db.session.rollback()
    saved = db.session.get(Consultation, consultation.id)
    assert saved.lead_id == lead.id and saved.target_population == {"age_band": ["75_84"]}

    make_results_snapshot(saved, resamples=20)
    saved.status = "published"
    db.session.commit()
    page.click_and_check("button:has-text('Sign out')")
    page.visit(f"/c/{saved.slug}/results?lang=ur")
    assert page.get_attribute("html", "dir") == "rtl"
    main = page.inner_text("main")
    assert "نتیجہ وزن پر کتنا منحصر ہے" in main  # How much rests on the weights
    assert "ان اعداد و شمار کی جانچ کریں" in main  # Check these figures
    href = page.get_attribute("a[href$='open-data.json']", "href")
    body = page.page.request.get(page.base_url + href).body()
    assert hashlib.sha256(body).hexdigest() in main
    assert db.session.scalar(select(Consultation.status).where(Consultation.id == saved.id)) == "published"


def test_staff_read_where_groups_disagree_on_the_results_page_in_urdu(page):
    """Carers and GPs place the priorities differently: the staff results page names it and tables every group's
    own places, in a scrollable region a keyboard can reach; axe-clean, right to left, with and without JavaScript
    (the public page of the same results pools both small groups and shows no such table)."""
    lead = make_user(role="facilitator", email="disagree-lead@example.org")
    consultation = make_voted_consultation(status="closed")
    consultation.lead = lead
    db.session.commit()
    sign_in(page, lead.email)
    page.visit(f"/consultations/{consultation.id}/results?lang=ur")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "جہاں اسٹیک ہولڈر گروپوں میں اختلاف ہے" in page.inner_text("#disagreement")
    region = page.locator("[role=region][aria-labelledby=disagreement-caption]")
    assert region.get_attribute("tabindex") == "0" and page.locator("#disagreement-table tbody tr").count() == 5
