"""A facilitator checks who has taken part so far, builds the report, watches it build, then downloads it."""

from consult.extensions import db
from factories import PASSWORD, make_reported_consultation, make_user


def test_facilitator_watches_participation_builds_the_report_and_downloads_it(page, work_queue):
    facilitator = make_user(role="facilitator", email="report-fac@example.org")
    consultation, parts = make_reported_consultation(facilitator=facilitator)
    db.session.commit()

    page.visit("/login")
    page.fill("#email", "report-fac@example.org")
    page.fill("#password", PASSWORD)
    page.click_and_check("main form button[type=submit]")

    page.visit(f"/consultations/{consultation.id}/participation")
    assert "Who has taken part so far" in page.inner_text("h1")
    # Nobody aged 18 to 24 from Bigtown has answered, but with so few answers in all that says nothing: it is
    # "too few to say", in words, and no margin makes it a flag.
    flag = f'[data-figure="representativeness.age_band.{parts["big"].code}.18_24.under"]'
    assert page.locator(flag).inner_text().strip() == "Too few to say"
    page.fill("#margin", "1")
    page.click_and_check("main form button[type=submit]")
    assert page.locator(flag).inner_text().strip() == "Too few to say"

    page.visit(f"/consultations/{consultation.id}/report")
    assert "No report has been built yet" in page.inner_text("main")
    page.click_and_check("main form button:has-text('Build the report now')")
    assert page.is_visible("#report-progress")
    assert "Waiting" in page.inner_text("#report-progress")

    work_queue()  # a real worker builds it

    if page.javascript:
        page.wait_for_selector("#downloads", timeout=20_000)  # the page checks progress and reloads itself
        page.axe()
    else:
        page.click_and_check("#report-progress a:has-text('Check again')")
    assert page.is_visible("#downloads")
    assert not page.is_visible("#report-progress")

    with page.expect_download() as info:
        page.click("#downloads a:has-text('PDF')")
    with open(info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with page.expect_download() as info:
        page.click("#downloads a:has-text('CSV')")
    assert info.value.suggested_filename.endswith("-en.csv")

    page.click_and_check("a:has-text('Read the report on screen')")
    assert "Consultation report" in page.inner_text("h1")
    assert page.locator('[data-figure="summary.responses"]').inner_text() == "6"
    assert page.locator("svg.app-chart[role=img]").count() > 5


def test_the_report_on_screen_opens_with_its_findings_in_every_language(page, work_queue):
    """The summary comes first, says where groups disagree, and the published results page shows the same; each
    page in English, Welsh and Urdu passes axe, with and without JavaScript (the right-to-left one mirrored)."""
    from consult.reports import services

    lead = make_user(role="facilitator", email="report-lead@example.org")
    consultation, _parts = make_reported_consultation(status="closed", facilitator=lead)
    consultation.lead = lead
    services.build_report(consultation.id, formats=(), locale="en")
    db.session.commit()
    page.visit("/login")
    page.fill("#email", "report-lead@example.org")
    page.fill("#password", PASSWORD)
    page.click_and_check("main form button[type=submit]")
    for locale, direction in (("en", "ltr"), ("cy", "ltr"), ("ur", "rtl")):
        page.visit(f"/consultations/{consultation.id}/report/view?lang={locale}")
        assert page.get_attribute("html", "dir") == direction
        sections = page.locator("section.app-report__section h2").all_inner_texts()
        assert sections[0] == page.inner_text("#report-contents + ol li:first-child a")
        assert page.locator("#summary").is_visible() and page.locator("#table-disagreement").count() == 1
        assert page.locator("#table-over-time-days").count() == 0  # the days are in the spreadsheet
        page.axe()
