"""A facilitator signs in, reads the service in Welsh and Urdu, and adds a member to their group."""

from sqlalchemy import select

from consult.extensions import db
from consult.localities.models import Membership
from factories import PASSWORD, make_planning_group, make_stakeholder_group, make_user


def test_facilitator_switches_language_and_adds_a_member(page):
    facilitator = make_user(role="facilitator", email="fac@example.org", name="Fatima Facilitator")
    group = make_planning_group(facilitators=[facilitator],
                                name={"en": "Peterlee older people", "cy": "Pobl hŷn Peterlee",
                                      "ur": "پیٹرلی بزرگ افراد"})
    make_stakeholder_group(code="carer", name={"en": "Carers", "cy": "Gofalwyr", "ur": "نگہداشت کرنے والے"})
    make_stakeholder_group(code="resident", name={"en": "Residents", "cy": "Trigolion", "ur": "رہائشی"})
    db.session.commit()

    page.visit("/login")
    page.fill("#email", "fac@example.org")
    page.fill("#password", PASSWORD)
    page.click_and_check("button[type=submit]:has-text('Sign in')")
    assert "Fatima Facilitator" in page.inner_text("main")

    page.click_and_check("a[hreflang=cy]")
    assert page.get_attribute("html", "lang") == "cy"
    assert page.get_attribute("html", "dir") == "ltr"
    page.visit("/planning-groups")
    assert page.get_attribute("html", "lang") == "cy"  # the switch sticks
    assert "Pobl hŷn Peterlee" in page.inner_text("main")

    page.click_and_check("a[hreflang=ur]")
    assert page.get_attribute("html", "lang") == "ur"
    assert page.get_attribute("html", "dir") == "rtl"

    page.visit(f"/planning-groups/{group.id}")
    assert "پیٹرلی بزرگ افراد" in page.inner_text("h1")
    page.visit(f"/planning-groups/{group.id}/members/new")
    # Submitting nothing shows the error summary, linked to the fields, in Urdu.
    page.click_and_check("main form button[type=submit]")
    assert page.is_visible(".govuk-error-summary")
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("#name", "Nasreen Begum")
    page.fill("#email", "nasreen@example.org")
    page.check("input[name=stakeholder_group] >> nth=0")
    page.click_and_check("main form button[type=submit]")
    assert "Nasreen Begum" in page.inner_text("main")

    db.session.rollback()
    membership = db.session.scalar(select(Membership))
    assert membership.user.email == "nasreen@example.org"
    assert membership.stakeholder_group.code == "carer"
    assert len(page.checked) >= 8
