"""Code holders vote in Urdu (points) and in Welsh (ranking), with and without JavaScript: enter the code, vote,
check the answers, confirm, then change the vote. axe checks every page on the way."""

from sqlalchemy import select

from consult.extensions import db
from consult.voting.models import Ballot
from factories import make_consultation, make_locality, make_stakeholder_group, make_voting_code

TITLES = {
    "A": {"en": "Night sitting service", "cy": "Gwasanaeth eistedd nos", "ur": "رات کی دیکھ بھال کی خدمت"},
    "B": {"en": "Day centre places", "cy": "Lleoedd mewn canolfan ddydd", "ur": "ڈے سینٹر میں جگہیں"},
    "C": {"en": "Community transport", "cy": "Trafnidiaeth gymunedol", "ur": "کمیونٹی ٹرانسپورٹ"},
}
EASY = {"en": "Someone stays with you at night", "cy": "Rhywun yn aros gyda chi yn y nos",
        "ur": "رات کو کوئی آپ کے ساتھ رہے"}


def _consultation(slug, method, **vote):
    carer = make_stakeholder_group(code=f"carer-{slug}",
                                   name={"en": "Carers", "cy": "Gofalwyr", "ur": "نگہداشت کرنے والے"}, weight=2.0)
    resident = make_stakeholder_group(code=f"resident-{slug}",
                                      name={"en": "Residents", "cy": "Trigolion", "ur": "رہائشی"})
    place = make_locality(code=f"PET-{slug}", name={"en": "Peterlee", "cy": "Peterlee", "ur": "پیٹرلی"})
    consultation = make_consultation(
        slug=slug, localities=[place], groups=[carer, resident],
        title={"en": "Older people's services", "cy": "Gwasanaethau pobl hŷn", "ur": "بزرگ افراد کی خدمات"},
        vote=dict(vote, method=method, priorities=["A", "B", "C"]))
    for p in consultation.vote.priorities:
        p.title = TITLES[p.code]
    consultation.vote.priorities[0].easy_read = EASY
    code, _ = make_voting_code(consultation)
    db.session.commit()
    return consultation, code


def _enter_code(page, consultation, code, lang):
    page.visit(f"/c/{consultation.slug}/vote?lang={lang}")  # no code yet: the code page
    assert page.url.endswith(f"/c/{consultation.slug}/vote/code")
    assert page.get_attribute("html", "lang") == lang
    page.fill("#code", code.lower())
    page.check("input[name=stakeholder_group] >> nth=0")
    page.check("input[name=locality] >> nth=0")
    page.click_and_check("main form button[type=submit]")
    assert page.url.endswith(f"/c/{consultation.slug}/vote")


def _ballot(consultation):
    db.session.rollback()  # see what the server committed
    return db.session.scalars(select(Ballot).where(Ballot.consultation_id == consultation.id)).all()


def test_vote_with_a_code_in_urdu_then_change_it(page):
    consultation, code = _consultation("urdu-points", "points", points_budget=10)
    _enter_code(page, consultation, code, "ur")
    assert page.get_attribute("html", "dir") == "rtl"
    main = page.inner_text("main")
    assert TITLES["B"]["ur"] in main and "10" in main
    if page.javascript:
        page.fill("#p-A", "4")
        assert "6" in page.inner_text("#points-left")  # the live count, an extra only
    else:
        assert page.locator("#points-left").is_hidden()

    # Too many points: a clear error, linked to the input, in an RTL page.
    page.fill("#p-A", "8")
    page.fill("#p-B", "5")
    page.click_and_check("main form button[type=submit]")
    assert page.is_visible(".govuk-error-summary") and "13" in page.inner_text(".govuk-error-summary")
    assert _ballot(consultation) == []

    page.fill("#p-A", "6")
    page.fill("#p-B", "")
    page.fill("#p-C", "4")
    page.click_and_check("main form button[type=submit]")
    assert page.url.endswith("/vote/check")
    summary = page.inner_text("main")
    assert TITLES["A"]["ur"] in summary and TITLES["C"]["ur"] in summary and TITLES["B"]["ur"] not in summary
    page.click_and_check("main form button[type=submit]")
    assert page.url.endswith("/vote/done") and page.is_visible(".govuk-panel")
    (ballot,) = _ballot(consultation)
    assert ballot.locale == "ur" and ballot.channel == "code"
    assert {c.priority.code: c.value for c in ballot.choices} == {"A": 6, "C": 4}

    # Change the vote: the old answers are filled in; the new vote replaces them.
    page.click_and_check("main a[href*='/vote']:not([href*='done'])")
    assert page.input_value("#p-A") == "6"
    page.fill("#p-A", "")
    page.fill("#p-B", "10")
    page.fill("#p-C", "")
    page.click_and_check("main form button[type=submit]")
    page.click_and_check("main form button[type=submit]")
    (ballot,) = _ballot(consultation)
    assert {c.priority.code: c.value for c in ballot.choices} == {"B": 10}
    assert page.is_visible(".govuk-panel") and len(page.checked) == 8


def test_vote_with_a_code_in_welsh_easy_read_ranking(page):
    consultation, code = _consultation("welsh-ranking", "ranking")
    _enter_code(page, consultation, code, "cy")
    assert page.get_attribute("html", "dir") == "ltr"
    page.click_and_check("main a[href*='easy=1']")
    assert EASY["cy"] in page.inner_text("main")
    # A repeated number is refused with the message next to the input.
    page.fill("#p-A", "1")
    page.fill("#p-C", "1")
    page.click_and_check("main form button[type=submit]")
    assert page.is_visible("#p-C-error")
    page.fill("#p-C", "2")
    page.click_and_check("main form button[type=submit]")
    assert "easy=1" in page.url and page.url.split("?")[0].endswith("/vote/check")
    text = page.inner_text("main")
    assert text.index(TITLES["A"]["cy"]) < text.index(TITLES["C"]["cy"])
    page.click_and_check("main form button[type=submit]")
    (ballot,) = _ballot(consultation)
    assert ballot.locale == "cy" and {c.priority.code: c.value for c in ballot.choices} == {"A": 1, "C": 2}

    # Change of mind: C first.
    page.visit(f"/c/{consultation.slug}/vote")
    assert page.input_value("#p-A") == "1"
    page.fill("#p-A", "2")
    page.fill("#p-C", "1")
    page.click_and_check("main form button[type=submit]")
    page.click_and_check("main form button[type=submit]")
    assert page.is_visible(".govuk-panel")
    (ballot,) = _ballot(consultation)
    assert {c.priority.code: c.value for c in ballot.choices} == {"A": 2, "C": 1}


def test_facilitator_voting_pages_are_accessible(page):
    from consult.voting.results import compute_results
    from factories import PASSWORD, make_ballot, make_planning_group, make_user

    consultation, _ = _consultation("facilitated", "ranking")
    consultation.status = "draft"
    facilitator = make_user(role="facilitator", email="fac-voting@example.org")
    consultation.lead = facilitator
    make_planning_group(locality=consultation.localities[0], facilitators=[facilitator])
    db.session.commit()
    page.visit("/login")
    page.fill("#email", "fac-voting@example.org")
    page.fill("#password", PASSWORD)
    page.click_and_check("main form button[type=submit]")

    page.visit(f"/consultations/{consultation.id}/priorities")
    page.click_and_check("main a:has-text('Add a priority')")
    page.fill("#code", "D")
    page.fill("#title_en", "Memory clinic")
    page.fill("#title_ur", "یادداشت کا کلینک")
    page.click_and_check("main form button[type=submit]")
    assert "Memory clinic" in page.inner_text("main")
    page.click_and_check("main form button:has-text('Move up') >> nth=2")

    page.visit(f"/consultations/{consultation.id}/codes")
    page.fill("#count", "4")
    page.click_and_check("main form button[type=submit]")
    assert page.locator(".app-slip").count() == 4

    db.session.rollback()  # end this side's read snapshot before writing (SQLite)
    consultation.status = "open"
    db.session.commit()
    page.visit(f"/consultations/{consultation.id}/paper")
    page.check("input[name=channel][value=meeting]")
    page.fill("#p-B", "1")
    page.click_and_check("main form button:has-text('Save and enter another')")
    assert page.is_visible(".govuk-notification-banner--success")

    db.session.rollback()
    carer, resident = (gw.stakeholder_group for gw in consultation.group_weights)
    for i in range(12):
        make_ballot(consultation, {"A": 1, "C": 2} if i % 3 else {"D": 1}, group=carer if i % 2 else resident)
    consultation.status = "closed"
    db.session.commit()
    compute_results(consultation.id)
    db.session.commit()
    page.visit(f"/consultations/{consultation.id}/results")
    assert page.locator("svg[role=img]").count() == 1 and "Likely places" in page.inner_text("main")
    page.select_option("#locality", consultation.localities[0].code)
    page.click_and_check("main form button:has-text('Show')")
    assert "Peterlee" in page.inner_text("h2")
