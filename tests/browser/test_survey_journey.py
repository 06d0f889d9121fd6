"""Surveys in a browser (with and without JavaScript, axe on every page): a facilitator builds and previews a
small survey in three languages; people answer one in Welsh and in Urdu (right to left), meeting a show-if
question and a validation error on the way, checking their answers and getting a reference."""

from sqlalchemy import select

from consult.extensions import db
from consult.surveys.models import Survey, SurveyQuestion, SurveyResponse
from factories import PASSWORD, make_survey, make_user


def test_facilitator_builds_and_previews_a_survey(page):
    make_user(role="facilitator", email="builder@example.org", name="Bethan Builder")
    db.session.commit()
    page.visit("/login")
    page.fill("#email", "builder@example.org")
    page.fill("#password", PASSWORD)
    page.click_and_check("main form button[type=submit]")

    page.visit("/surveys")
    page.click_and_check("main a:has-text('Create a survey')")
    page.fill("#title_en", "Getting about")
    page.fill("#title_cy", "Mynd o gwmpas")
    page.fill("#title_ur", "آنا جانا")
    page.fill("#slug", "getting-about")
    page.check("#anonymous")
    page.select_option("#status", "open")
    page.click_and_check("main form button[type=submit]")
    assert "Getting about" in page.inner_text("h1")

    page.click_and_check("main a:has-text('Add a section')")
    page.fill("#title_en", "Transport")
    page.fill("#title_cy", "Trafnidiaeth")
    page.fill("#title_ur", "ٹرانسپورٹ")
    page.click_and_check("main form button[type=submit]")

    page.select_option("main form.app-add-question select", "yes_no")
    page.click_and_check("main form.app-add-question button")
    page.fill("#code", "drives")
    page.fill("#text_en", "Do you drive?")
    page.fill("#text_cy", "Ydych chi'n gyrru?")
    page.fill("#text_ur", "کیا آپ گاڑی چلاتے ہیں؟")
    page.check("#required")
    page.click_and_check("main form button[type=submit]")

    page.select_option("main form.app-add-question select", "number")
    page.click_and_check("main form.app-add-question button")
    page.fill("#code", "miles")
    page.fill("#text_en", "How many miles a week?")
    page.fill("#text_cy", "Sawl milltir yr wythnos?")
    page.fill("#text_ur", "ہفتے میں کتنے میل؟")
    page.fill("#min_value", "0")
    page.fill("#max_value", "2000")
    page.select_option("#show_if", "drives=yes")
    page.click_and_check("main form button[type=submit]")
    assert "Shown only when" in page.inner_text("main")

    page.click_and_check("main a[href*='preview'][href*='lang=cy']:not([href*='easy'])")
    assert page.get_attribute("html", "lang") == "cy"
    assert "Ydych chi'n gyrru?" in page.inner_text("main") and "Sawl milltir" in page.inner_text("main")
    page.visit("/surveys")
    db.session.rollback()
    survey = db.session.scalar(select(Survey).where(Survey.slug == "getting-about"))
    page.visit(f"/surveys/{survey.id}/preview?lang=ur")
    assert page.get_attribute("html", "dir") == "rtl" and "ہفتے میں کتنے میل؟" in page.inner_text("main")
    page.visit(f"/surveys/{survey.id}?lang=en")
    page.click_and_check("#translation-cy button:has-text('Mark as checked')")
    db.session.rollback()
    survey = db.session.scalar(select(Survey).where(Survey.slug == "getting-about"))
    assert survey.reviewed_locales == ["cy"]
    miles = db.session.scalar(select(SurveyQuestion).where(SurveyQuestion.code == "miles"))
    assert miles.condition == {"q": "drives", "op": "eq", "value": "yes"} and int(miles.max_value) == 2000
    assert len(page.checked) >= 12


SECTIONS = [
    {"title": {"en": "Caring", "cy": "Gofalu", "ur": "دیکھ بھال"}, "questions": [
        {"code": "carer", "kind": "yes_no", "required": True,
         "text": {"en": "Do you look after someone?", "cy": "Ydych chi'n gofalu am rywun?",
                  "ur": "کیا آپ کسی کی دیکھ بھال کرتے ہیں؟"}},
        {"code": "hours", "kind": "number", "required": True, "min_value": 1, "max_value": 168,
         "condition": {"q": "carer", "op": "eq", "value": "yes"},
         "text": {"en": "Hours a week caring", "cy": "Oriau'r wythnos yn gofalu", "ur": "ہفتے میں دیکھ بھال کے گھنٹے"}},
    ]},
    {"title": {"en": "Your views", "cy": "Eich barn", "ur": "آپ کی رائے"}, "questions": [
        {"code": "ideas", "kind": "long_text",
         "text": {"en": "Any ideas?", "cy": "Unrhyw syniadau?", "ur": "کوئی خیال؟"}},
    ]},
]


def answer(page, lang, carer, ideas):
    page.visit(f"/s/care-2027?lang={lang}")
    page.click_and_check("main form button[type=submit]")  # start now
    page.click_and_check("main form button[value=continue]")  # nothing chosen: an error
    assert page.is_visible(".govuk-error-summary") and page.is_visible("#q-carer-error")
    page.check("#q-carer" if carer else "#q-carer-2")
    page.click_and_check("main form button[value=continue]")
    if carer:
        page.fill("#q-hours", "500")
        page.click_and_check("main form button[value=continue]")
        assert page.is_visible(".govuk-error-summary")
        assert "168" in page.inner_text(".govuk-error-summary")
        page.fill("#q-hours", "20")
        page.click_and_check("main form button[value=continue]")
    page.fill("#q-ideas", ideas)
    page.click_and_check("main form button[value=continue]")
    page.click_and_check("main form button[value=skip]")  # about you: all optional
    summary = page.inner_text("main")
    assert ideas in summary and (("20" in summary) == carer)
    page.click_and_check("main form button[type=submit]")
    assert page.is_visible(".govuk-panel")
    return page.inner_text(".govuk-panel strong")


def test_people_answer_in_welsh_and_in_urdu(page):
    make_survey(slug="care-2027", sections=SECTIONS, reviewed_locales=["cy"],
                title={"en": "Care at home", "cy": "Gofal yn y cartref", "ur": "گھر پر دیکھ بھال"})
    db.session.commit()

    welsh_ref = answer(page, "cy", True, "Mwy o help yn y nos")
    assert page.get_attribute("html", "lang") == "cy"

    page.visit("/s/care-2027?lang=ur")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.is_visible(".app-unreviewed")  # Urdu has not been checked by a person
    urdu_ref = answer(page, "ur", False, "رات کو مدد")
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ur"

    db.session.rollback()
    responses = {r.reference: r for r in db.session.scalars(select(SurveyResponse))}
    assert set(responses) == {welsh_ref.strip(), urdu_ref.strip()}
    welsh, urdu = responses[welsh_ref.strip()], responses[urdu_ref.strip()]
    assert (welsh.locale, welsh.answers) == ("cy", {"carer": "yes", "hours": 20, "ideas": "Mwy o help yn y nos"})
    assert (urdu.locale, urdu.answers) == ("ur", {"carer": "no", "ideas": "رات کو مدد"})
    assert welsh.user_id is None and urdu.status == "submitted"
    assert len(page.checked) >= 16
