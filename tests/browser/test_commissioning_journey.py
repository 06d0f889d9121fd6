"""From the demo data: a commissioner drafts intentions from two closed consultations, agrees one, defers a top
priority (refused until there is a rationale), publishes "you said, we did", and the public reads it in English,
Welsh, Urdu and easy read. axe checks every page, with and without JavaScript."""

from sqlalchemy import select

from consult.commissioning.models import Intention
from consult.consultations.lifecycle import close_consultation, publish_results
from consult.consultations.services import get_by_slug
from consult.demo import load_demo
from consult.extensions import db
from consult.voting.results import latest_snapshot
from factories import make_ballot, make_results_snapshot

CARERS = [{"C02": 1, "C01": 2, "C05": 3}, {"C01": 1, "C02": 2}, {"C02": 1, "C03": 2, "C04": 3}]
OLDER = [{"P03": 6, "P01": 4}, {"P01": 5, "P02": 5}, {"P03": 3, "P04": 3, "P06": 4}]


def _vote(consultation, ballots, n=12):
    groups = [gw.stakeholder_group for gw in consultation.group_weights]
    for i in range(n):
        make_ballot(consultation, ballots[i % len(ballots)], group=groups[i % len(groups)],
                    locality=consultation.localities[i % len(consultation.localities)])


def _demo():
    """The demo county, with the two demo votes closed and counted (and the carers' results public)."""
    created = load_demo()
    password = next(pw for email, _role, pw in created if email == "commissioner@consult.example")
    carers, older = get_by_slug("carers-support-2026"), get_by_slug("older-people-2027")
    if latest_snapshot(carers) is None:  # the voting demo supplies these once it exists
        _vote(carers, CARERS)
        make_results_snapshot(carers)
    publish_results(carers)
    _vote(older, OLDER)
    close_consultation(older)
    make_results_snapshot(older)
    db.session.commit()
    return password, carers.id, older.id


def _intention(consultation_id, rank=1):
    db.session.rollback()
    return db.session.scalars(select(Intention).where(Intention.consultation_id == consultation_id)
                              .order_by(Intention.rank, Intention.priority_code)).all()[rank - 1]


def test_commissioner_drafts_decides_and_publishes_you_said_we_did(page, work_queue):
    password, carers_id, older_id = _demo()

    page.visit("/login")
    page.fill("#email", "commissioner@consult.example")
    page.fill("#password", password)
    page.click_and_check("button[type=submit]:has-text('Sign in')")
    page.click_and_check("header a:has-text('Commissioning')")
    page.click_and_check("main a:has-text('2027/28')")
    assert "Budgets and spending" in page.inner_text("main")
    year_path = page.url[len(page.base_url):]
    page.click_and_check("main a:has-text('Change budgets')")
    assert page.input_value("#pooled_council") == "70000.00"
    page.visit("/commissioning/years/new")
    page.visit(year_path)

    # Draft from both closed consultations, combining localities by population, as a background job.
    page.click_and_check("main a:has-text('Draft intentions from consultations')")
    page.check(f"input[name=consultations][value='{carers_id}']")
    page.check(f"input[name=consultations][value='{older_id}']")
    page.check("input[name=combine][value=population]")
    page.click_and_check("main form button[type=submit]")
    page.click_and_check("main a:has-text(\"See the job's progress\")")
    assert "Background job" in page.inner_text("h1")
    db.session.rollback()
    work_queue()
    page.visit(year_path)
    assert "Each locality counts by its population" in page.inner_text("#last-run")
    assert "Edits made by people were kept" in page.inner_text("#last-run")

    # Agree the older people's top priority.
    top_older = _intention(older_id)
    page.visit(f"/commissioning/intentions/{top_older.id}/edit")
    page.check("input[name=status][value=agreed]")
    page.check("input[name=funding_route][value=pooled]")
    page.check("input[name=lead_commissioner][value=council]")
    page.click_and_check("main form button[type=submit]")
    assert "Intention saved." in page.inner_text("main")
    assert _intention(older_id).status == "agreed"

    # Defer the carers' top priority: refused without a rationale, then saved with one in three languages.
    top_carers = _intention(carers_id)
    page.visit(f"/commissioning/intentions/{top_carers.id}/edit")
    page.check("input[name=status][value=deferred]")
    page.click_and_check("main form button[type=submit]")
    assert page.is_visible(".govuk-error-summary")
    assert "departs from what the consultation said" in page.inner_text(".govuk-error-summary")
    page.check("input[name=status][value=deferred]")
    page.fill("#rationale_en", "No provider can start before next spring.")
    page.fill("#rationale_cy", "Ni all unrhyw ddarparwr ddechrau cyn y gwanwyn nesaf.")
    page.fill("#rationale_ur", "کوئی فراہم کنندہ اگلے موسم بہار سے پہلے شروع نہیں کر سکتا۔")
    page.click_and_check("main form button[type=submit]")
    assert "Explained by the rationale" in page.inner_text("main")
    assert _intention(carers_id).status == "deferred"

    # Publish "you said, we did" for the carers' consultation.
    page.visit(f"/commissioning/consultations/{carers_id}/you-said-we-did")
    page.click_and_check("main form button[type=submit]")
    assert "You said, we did" in page.inner_text("h1")
    assert "No provider can start before next spring." in page.inner_text("main")

    page.click_and_check("a[hreflang=cy]")
    assert page.get_attribute("html", "lang") == "cy"
    assert "Ni all unrhyw ddarparwr ddechrau cyn y gwanwyn nesaf." in page.inner_text("main")
    page.click_and_check("a[hreflang=ur]")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "کوئی فراہم کنندہ اگلے موسم بہار سے پہلے شروع نہیں کر سکتا۔" in page.inner_text("main")
    page.click_and_check("a[hreflang=en]")
    page.click_and_check("main a:has-text('Read this in easy read')")
    assert "Not now. We will think about it again later." in page.inner_text("main")
    page.click_and_check("main a:has-text('Peterlee')")
    assert "Peterlee" in page.inner_text(".govuk-body-l")
    assert len(page.checked) >= 16
