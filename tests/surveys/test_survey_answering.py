"""Answering a survey on the web: pages, show-if on the server, bad input, check answers, save and return,
anonymity, and who may answer when."""

from datetime import timedelta

import pytest
from sqlalchemy import Date, func, select

from consult.core.models import AuditEvent, utcnow
from consult.extensions import db
from consult.surveys.models import SurveyResponse
from factories import login, make_consultation, make_survey, make_user

SECTIONS = [
    {"title": {"en": "You and caring", "cy": "Chi a gofalu", "ur": "آپ اور دیکھ بھال"}, "questions": [
        {"code": "carer", "kind": "yes_no", "required": True,
         "text": {"en": "Do you look after someone?", "cy": "Ydych chi'n gofalu am rywun?",
                  "ur": "کیا آپ کسی کی دیکھ بھال کرتے ہیں؟"},
         "easy_text": {"en": "Do you care for someone?"}},
        {"code": "hours", "kind": "number", "required": True, "min_value": 1, "max_value": 168,
         "condition": {"q": "carer", "op": "eq", "value": "yes"},
         "text": {"en": "Hours a week caring", "cy": "Oriau'r wythnos yn gofalu", "ur": "ہفتے میں گھنٹے"}},
    ]},
    {"title": {"en": "Your views", "cy": "Eich barn"}, "questions": [
        {"code": "help", "kind": "multiple", "text": {"en": "Help used", "cy": "Help a ddefnyddiwyd"},
         "options": [("meals", {"en": "Meals", "cy": "Prydau"}), ("lifts", {"en": "Lifts", "cy": "Lifftiau"})]},
        {"code": "agree", "kind": "scale", "required": True, "text": {"en": "Help is good", "cy": "Mae help yn dda"}},
        {"code": "visit", "kind": "date", "text": {"en": "Last visit"}},
        {"code": "name", "kind": "short_text", "text": {"en": "Your first name"}},
        {"code": "ideas", "kind": "long_text", "text": {"en": "Ideas"}},
    ]},
]


@pytest.fixture
def survey():
    s = make_survey(sections=SECTIONS, slug="care-survey")
    db.session.commit()
    return s


def start(client, base="/s/care-survey", lang=None):
    response = client.post(base + "/start" + (f"?lang={lang}" if lang else ""))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def the_response():
    db.session.expire_all()
    return db.session.scalar(select(SurveyResponse))


def test_answering_in_welsh_with_a_show_if_question_then_checking_and_sending(client, survey):
    home = client.get("/s/care-survey?lang=cy")
    assert home.status_code == 200 and 'lang="cy"' in home.get_data(as_text=True)
    assert start(client).endswith("/s/care-survey/page/1")
    page = client.get("/s/care-survey/page/1").get_data(as_text=True)
    assert "Ydych chi&#39;n gofalu am rywun?" in page and "Oriau" not in page  # hours waits for the answer
    step = client.post("/s/care-survey/page/1", data={"q-carer": "yes", "action": "continue"})
    assert step.headers["Location"].endswith("/page/2")
    assert "Oriau&#39;r wythnos yn gofalu" in client.get("/s/care-survey/page/2").get_data(as_text=True)
    assert client.post("/s/care-survey/page/2", data={"q-hours": "35"}).headers["Location"].endswith("/page/3")
    step = client.post("/s/care-survey/page/3", data={
        "q-help": ["meals", "lifts"], "q-agree": "agree", "q-visit-day": "3", "q-visit-month": "11",
        "q-visit-year": "2026", "q-name": "  Carys ", "q-ideas": "Mwy o help yn y nos"})
    assert step.headers["Location"].endswith("/about-you")
    assert client.post("/s/care-survey/about-you", data={"action": "skip"}).headers["Location"].endswith("/check")
    check = client.get("/s/care-survey/check").get_data(as_text=True)
    assert "Gwiriwch eich atebion" in check or "Check your answers" in check
    assert "Prydau, Lifftiau" in check and "3 11 2026" in check and "35" in check
    done = client.post("/s/care-survey/check")
    assert done.headers["Location"].endswith("/s/care-survey/done")
    confirmation = client.get("/s/care-survey/done").get_data(as_text=True)
    saved = the_response()
    assert saved.status == "submitted" and saved.reference in confirmation and "govuk-panel" in confirmation
    assert saved.answers == {"carer": "yes", "hours": 35, "help": ["meals", "lifts"], "agree": "agree",
                             "visit": "2026-11-03", "name": "Carys", "ideas": "Mwy o help yn y nos"}
    assert saved.locale == "cy" and saved.channel == "web"


def test_anonymous_answers_keep_no_person_no_address_and_only_the_week(client, survey):
    member = make_user()
    db.session.commit()
    login(client, member)
    start(client)
    client.post("/s/care-survey/page/1", data={"q-carer": "no"})
    client.post("/s/care-survey/page/3", data={"q-agree": "neither"})
    client.post("/s/care-survey/about-you", data={"action": "skip"})
    client.post("/s/care-survey/check")
    saved = the_response()
    assert saved.user_id is None and saved.status == "submitted"
    assert saved.submitted_on.weekday() == 0 and saved.started_on.weekday() == 0
    assert utcnow().date() - saved.submitted_on < timedelta(days=7)
    # The schema itself has no place for an address or a time of day.
    columns = SurveyResponse.__table__.columns
    assert not any("ip" == c.name or "address" in c.name for c in columns)
    assert isinstance(columns["submitted_on"].type, Date) and isinstance(columns["started_on"].type, Date)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "survey_responses")) == 0


def test_a_named_survey_keeps_the_person_and_takes_one_response_each(client):
    survey = make_survey(anonymous=False, slug="named")
    member = make_user()
    db.session.commit()
    login(client, member)
    start(client, "/s/named")
    client.post("/s/named/page/1", data={"q-carer": "yes"})
    client.post("/s/named/about-you", data={"action": "skip"})
    assert client.post("/s/named/check").status_code == 302
    saved = the_response()
    assert saved.user_id == member.id and saved.submitted_on == utcnow().date()
    again = client.post("/s/named/start")
    assert again.status_code == 302 and again.headers["Location"].endswith("/s/named")
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    other = make_user()
    db.session.commit()
    client.post("/logout")
    login(client, other)
    start(client, "/s/named")
    owners = db.session.scalars(select(SurveyResponse.user_id).where(SurveyResponse.survey_id == survey.id))
    assert sorted(owners) == sorted([member.id, other.id])


def test_changing_an_answer_forgets_answers_to_questions_it_hides(client, survey):
    start(client)
    client.post("/s/care-survey/page/1", data={"q-carer": "yes"})
    client.post("/s/care-survey/page/2", data={"q-hours": "10"})
    assert the_response().answers == {"carer": "yes", "hours": 10}
    step = client.post("/s/care-survey/page/1?return=check", data={"q-carer": "no"})
    assert step.headers["Location"].endswith("/check")
    assert the_response().answers == {"carer": "no"}
    assert client.get("/s/care-survey/page/2").headers["Location"].endswith("/page/3")  # hidden now: skipped


@pytest.mark.parametrize("page, data, message", [
    (1, {}, "Select an answer for “Do you look after someone?”"),
    (1, {"q-carer": "perhaps"}, "Choose one of the options for “Do you look after someone?”"),
    (1, {"q-carer": ["yes", "no"]}, "Choose one of the options"),
    (2, {"q-hours": ""}, "Enter a whole number for “Hours a week caring”"),
    (2, {"q-hours": "500"}, "“Hours a week caring” must be between 1 and 168"),
    (2, {"q-hours": "0"}, "must be between 1 and 168"),
    (2, {"q-hours": "twelve"}, "“Hours a week caring” must be a whole number, like 12"),
    (2, {"q-hours": "1.5"}, "must be a whole number"),
    (3, {"q-agree": "agree", "q-visit-day": "31", "q-visit-month": "2", "q-visit-year": "2027"},
     "“Last visit” must be a real date, like 27 3 2027"),
    (3, {"q-agree": "agree", "q-visit-day": "1", "q-visit-month": "", "q-visit-year": "2027"}, "must be a real date"),
    (3, {"q-agree": "agree", "q-visit-day": "1", "q-visit-month": "1", "q-visit-year": "27"}, "must be a real date"),
    (3, {"q-agree": "fantastic"}, "Choose one of the options for “Help is good”"),
    (3, {"q-agree": "agree", "q-help": ["meals", "caviar"]}, "Choose one of the options for “Help used”"),
    (3, {}, "Select an answer for “Help is good”"),
    (3, {"q-agree": "agree", "q-name": "x" * 201}, "“Your first name” must be 200 characters or fewer"),
    (3, {"q-agree": "agree", "q-ideas": "y" * 5001}, "“Ideas” must be 5000 characters or fewer"),
])
def test_bad_answers_are_refused_with_a_clear_message_and_nothing_saved(client, survey, page, data, message):
    start(client)
    if page > 1:
        client.post("/s/care-survey/page/1", data={"q-carer": "yes"})
    if page > 2:
        client.post("/s/care-survey/page/2", data={"q-hours": "5"})
    before = dict(the_response().answers)
    response = client.post(f"/s/care-survey/page/{page}", data={**data, "q-name": data.get("q-name", "Kept?")}
                           if page == 3 else data)
    html = response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")
    assert response.status_code == 400
    assert message in html
    assert "govuk-error-summary" in html and "govuk-error-message" in html and "<title>Error:" in html
    assert the_response().answers == before


def test_the_error_summary_links_to_each_field(client, survey):
    start(client)
    client.post("/s/care-survey/page/1", data={"q-carer": "yes"})
    client.post("/s/care-survey/page/2", data={"q-hours": "5"})
    html = client.post("/s/care-survey/page/3", data={"q-visit-day": "40", "q-visit-month": "1",
                                                       "q-visit-year": "2027"}).get_data(as_text=True)
    assert 'href="#q-agree"' in html and 'href="#q-visit-day"' in html and 'id="q-agree"' in html
    assert 'value="40"' in html  # what the person typed is shown back to them


def test_sending_with_a_required_answer_missing_is_refused(client, survey):
    start(client)
    client.post("/s/care-survey/page/1", data={"q-carer": "no"})
    response = client.post("/s/care-survey/check")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Answer “Help is good”" in html and "/s/care-survey/page/3?return=check" in html
    assert the_response().status == "in_progress"


def test_save_and_come_back_later_with_a_code(client, app, survey):
    start(client)
    client.post("/s/care-survey/page/1", data={"q-carer": "yes"})
    saved = client.post("/s/care-survey/page/2", data={"q-hours": "", "action": "save"})
    assert saved.headers["Location"].endswith("/s/care-survey/saved")
    html = client.get("/s/care-survey/saved").get_data(as_text=True)
    code = html.split('id="resume-code">')[1].split("<")[0].strip()
    assert len(code) == 14
    assert code not in client.get("/s/care-survey/saved").get_data(as_text=True)  # shown once
    stored = the_response()
    assert stored.resume_code_hash and code.replace("-", "") not in stored.resume_code_hash
    # Save checks what is there, but does not insist on required answers.
    bad = client.post("/s/care-survey/page/2", data={"q-hours": "999", "action": "save"})
    assert bad.status_code == 400

    other = app.test_client()
    wrong = other.post("/s/care-survey/resume", data={"code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 400 and "could not find answers saved with that code" in wrong.get_data(as_text=True)
    back = other.post("/s/care-survey/resume", data={"code": code.lower().replace("-", " ")})
    assert back.headers["Location"].endswith("/s/care-survey/page/2")
    assert other.post("/s/care-survey/page/2", data={"q-hours": "12"}).status_code == 302
    assert the_response().answers == {"carer": "yes", "hours": 12}


def test_easy_read_and_unreviewed_translations_are_shown_to_respondents(client, survey):
    start(client)
    assert "Do you care for someone?" in client.get("/s/care-survey/page/1?easy=1").get_data(as_text=True)
    assert "Do you look after someone?" in client.get("/s/care-survey/page/1?easy=0").get_data(as_text=True)
    welsh = client.get("/s/care-survey/page/1?lang=cy").get_data(as_text=True)
    assert "app-unreviewed" in welsh
    survey.reviewed_locales = ["cy"]
    db.session.commit()
    assert "app-unreviewed" not in client.get("/s/care-survey/page/1?lang=cy").get_data(as_text=True)
    urdu = client.get("/s/care-survey/page/1?lang=ur").get_data(as_text=True)
    assert 'dir="rtl"' in urdu and "app-unreviewed" in urdu
    english = client.get("/s/care-survey/page/1?lang=en").get_data(as_text=True)
    assert "app-unreviewed" not in english
    # Text missing in Urdu falls back to English, marked with its own language.
    client.post("/s/care-survey/page/1", data={"q-carer": "no"})
    assert '<span lang="en" dir="ltr">Your views</span>' in client.get(
        "/s/care-survey/page/3?lang=ur").get_data(as_text=True)


def test_about_you_is_optional_and_refuses_tampered_values(client):
    consultation = make_consultation(slug="older")
    survey = make_survey(consultation=consultation)
    outsider = make_user()  # noqa: F841  (groups outside the consultation cannot be chosen)
    db.session.commit()
    start(client, "/c/older/survey")
    client.post("/c/older/survey/page/1", data={"q-carer": "yes"})
    group = consultation.group_weights[0].stakeholder_group
    place = consultation.localities[0]
    page = client.get("/c/older/survey/about-you").get_data(as_text=True)
    assert group.code in page and "(optional)" in page
    for field, value in [("stakeholder_group", "not-a-group"), ("locality", "ZZZ"), ("age_band", "200_plus"),
                         ("ethnic_group", "martian"), ("main_language", "klingon"), ("disability", "maybe")]:
        bad = client.post("/c/older/survey/about-you", data={field: value})
        assert bad.status_code == 400 and "Choose one of the options" in bad.get_data(as_text=True)
    assert the_response().stakeholder_group is None
    good = client.post("/c/older/survey/about-you", data={"stakeholder_group": group.code, "locality": place.code,
                                                           "age_band": "75_84", "disability": "prefer_not"})
    assert good.status_code == 302
    stored = the_response()
    assert (stored.stakeholder_group_id, stored.locality_id, stored.age_band, stored.ethnic_group,
            stored.disability) == (group.id, place.id, "75_84", None, "prefer_not")
    client.post("/c/older/survey/about-you", data={"action": "skip", "age_band": "75_84"})
    skipped = the_response()
    assert skipped.age_band is None and skipped.stakeholder_group_id is None
    # Skipping forgets only the "about you" answers, on this consultation's survey.
    assert skipped.survey_id == survey.id and skipped.answers == {"carer": "yes"}


def test_a_consultation_survey_is_open_only_while_the_consultation_accepts_responses(client):
    consultation = make_consultation(slug="window", opens_in_days=1, closes_in_days=10)
    make_survey(consultation=consultation)
    db.session.commit()
    assert "not open for answers" in client.get("/c/window/survey").get_data(as_text=True)
    assert client.post("/c/window/survey/start").status_code == 403
    consultation.opens_at = utcnow() - timedelta(days=1)
    db.session.commit()
    start(client, "/c/window/survey")
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = client.post("/c/window/survey/page/1", data={"q-carer": "yes"})
    assert late.status_code == 403
    assert the_response().answers == {}
    assert client.get("/c/no-such/survey").status_code == 404


def test_a_standalone_survey_follows_its_own_status_and_window(client):
    survey = make_survey(slug="solo", status="closed")
    admin = make_user(role="admin")
    db.session.commit()
    assert client.post("/s/solo/start").status_code == 403
    survey.status = "open"
    survey.opens_at = utcnow() + timedelta(days=2)
    db.session.commit()
    assert client.post("/s/solo/start").status_code == 403
    survey.opens_at, survey.closes_at = utcnow() - timedelta(days=2), utcnow() + timedelta(days=2)
    db.session.commit()
    start(client, "/s/solo")
    survey.status = "draft"
    db.session.commit()
    assert client.get("/s/solo").status_code == 404  # a draft is not public
    login(client, admin)
    assert client.get("/s/solo").status_code == 200  # but its builders can look
