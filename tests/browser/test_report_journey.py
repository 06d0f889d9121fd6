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
