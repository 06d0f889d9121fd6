"""The survey builder: who may build, content per language, options, show-if, reordering, pictures,
translation completeness and review, preview and copying a survey as a template."""

import io

import pytest
from sqlalchemy import func, select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.surveys.models import Survey, SurveyImage, SurveyQuestion, SurveySection
from consult.surveys.services.answering import start_response
from factories import login, make_consultation, make_planning_group, make_survey, make_user

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def facilitator(client):
    user = make_user(role="facilitator")
    db.session.commit()
    login(client, user)
    return user


def test_who_may_build_a_standalone_survey(client, app):
    creator = make_user(role="facilitator")
    survey = make_survey(created_by=creator)
    others = {"admin": make_user(role="admin"), "other facilitator": make_user(role="facilitator"),
              "commissioner": make_user(role="commissioner"), "member": make_user()}
    db.session.commit()
    assert client.get(f"/surveys/{survey.id}").status_code == 302  # sign in first
    expected = {"admin": 200, "other facilitator": 403, "commissioner": 403, "member": 403}
    for name, user in others.items():
        c = app.test_client()
        login(c, user)
        assert c.get(f"/surveys/{survey.id}").status_code == expected[name], name
        assert c.post(f"/surveys/{survey.id}/sections/new", data={"title_en": "X"}).status_code == (
            302 if expected[name] == 200 else 403), name
    login(client, creator)
    assert client.get(f"/surveys/{survey.id}").status_code == 200
    member = app.test_client()
    login(member, others["member"])
    assert member.get("/surveys").status_code == 403 and member.get("/surveys/new").status_code == 403


def test_who_may_build_a_consultations_survey(app):
    lead, local = make_user(role="facilitator"), make_user(role="facilitator")
    stranger = make_user(role="facilitator")
    consultation = make_consultation(lead=lead)
    make_planning_group(locality=consultation.localities[0], facilitators=[local])
    survey = make_survey(consultation=consultation)
    db.session.commit()
    # The consultation's lead builds its survey; a facilitator of a covered locality keys in paper forms only.
    for user, status in ((lead, 200), (local, 403), (stranger, 403)):
        c = app.test_client()
        login(c, user)
        assert c.get(f"/surveys/{survey.id}").status_code == status
        assert c.get(f"/surveys/new?consultation={consultation.slug}").status_code == status


def test_creating_a_standalone_survey_in_three_languages(client, facilitator):
    response = client.post("/surveys/new", data={
        "title_en": "Care at home", "title_cy": "Gofal yn y cartref", "title_ur": "گھر پر دیکھ بھال",
        "intro_en": "Tell us.", "slug": "care-at-home", "anonymous": "yes", "ask_about_you": "y",
        "status": "open", "opens_on": "2026-01-01", "closes_on": "2030-01-01"})
    assert response.status_code == 302, response.get_data(as_text=True)
    survey = db.session.scalar(select(Survey))
    assert survey.title == {"en": "Care at home", "cy": "Gofal yn y cartref", "ur": "گھر پر دیکھ بھال"}
    assert survey.created_by_id == facilitator.id and survey.anonymous and survey.ask_about_you
    assert survey.opens_at.year == 2026 and survey.accepts_responses()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.create")) is not None


@pytest.mark.parametrize("data, message", [
    ({"title_cy": "Dim Saesneg", "slug": "ok-slug", "anonymous": "yes"}, "Enter a title in English"),
    ({"title_en": "T", "slug": "Bad Slug!", "anonymous": "yes"}, "web address name must be"),
    ({"title_en": "T", "slug": "taken", "anonymous": "yes"}, "already uses this web address"),
    ({"title_en": "T", "slug": "ok-slug", "anonymous": "perhaps"}, "Choose one of the options"),
    ({"title_en": "T" * 201, "slug": "ok-slug", "anonymous": "yes"}, "200"),
    ({"title_en": "T", "slug": "ok-slug", "anonymous": "yes", "opens_on": "31/12/2026"}, "like 2027-01-10"),
    ({"title_en": "T", "slug": "ok-slug", "anonymous": "yes", "opens_on": "2027-02-01", "closes_on": "2027-01-01"},
     "closing date must be after"),
])
def test_bad_survey_settings_are_refused(client, facilitator, data, message):
    make_survey(slug="taken")
    db.session.commit()
    response = client.post("/surveys/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Survey) == 1


def test_a_consultation_gets_one_survey(client):
    admin = make_user(role="admin")
    consultation = make_consultation(slug="older-2027")
    db.session.commit()
    login(client, admin)
    form = client.get("/surveys/new?consultation=older-2027").get_data(as_text=True)
    assert "Consultation" in form and 'name="slug"' not in form
    assert client.post("/surveys/new?consultation=older-2027", data={
        "title_en": "Survey", "anonymous": "yes"}).status_code == 302
    db.session.expire_all()
    assert consultation.survey is not None and consultation.survey.slug == "older-2027"
    again = client.post("/surveys/new?consultation=older-2027", data={"title_en": "Again", "anonymous": "yes"})
    assert again.status_code == 400 and "already has a survey" in again.get_data(as_text=True)
    assert client.get("/surveys/new?consultation=missing").status_code == 404


def add_question(client, survey, section, **data):
    base = {"kind": "single", "text_en": "Question?"}
    base.update(data)
    return client.post(f"/surveys/{survey.id}/sections/{section.id}/questions/new", data=base)


def test_building_questions_with_options_in_every_language_and_a_show_if(client, facilitator):
    survey = make_survey(created_by=facilitator, sections=[{"title": {"en": "One"}, "questions": []}])
    db.session.commit()
    section = survey.sections[0]
    response = add_question(client, survey, section, code="transport", text_en="How do you travel?",
                            text_cy="Sut ydych chi'n teithio?", text_ur="آپ کیسے سفر کرتے ہیں؟", required="y",
                            help_en="Choose one", options_en="Bus\nCar\nWalking", options_cy="Bws\nCar\nCerdded",
                            options_ur="بس\nکار", easy_text_en="How do you get about?",
                            easy_options_en="Bus\nCar\nOn foot")
    assert response.status_code == 302, response.get_data(as_text=True)
    question = db.session.scalar(select(SurveyQuestion).where(SurveyQuestion.code == "transport"))
    assert question.required and question.text["ur"] == "آپ کیسے سفر کرتے ہیں؟"
    assert [(o.value, o.label) for o in question.options] == [
        ("bus", {"en": "Bus", "cy": "Bws", "ur": "بس"}), ("car", {"en": "Car", "cy": "Car", "ur": "کار"}),
        ("walking", {"en": "Walking", "cy": "Cerdded"})]
    assert question.options[2].easy_label == {"en": "On foot"}
    follow = add_question(client, survey, section, code="bus_ok", kind="yes_no", text_en="Is the bus on time?",
                          show_if="transport=bus", show_if_op="eq")
    assert follow.status_code == 302
    condition = db.session.scalar(select(SurveyQuestion).where(SurveyQuestion.code == "bus_ok")).condition
    assert condition == {"q": "transport", "op": "eq", "value": "bus"}
    # The show-if choices offer only options of earlier questions: tampering is refused.
    forged = add_question(client, survey, section, code="x", kind="short_text", show_if="bus_ok=yes'; --")
    assert forged.status_code == 400 and "Choose one of the options" in forged.get_data(as_text=True)
    builder = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Shown only when “How do you travel?” is “Bus”" in builder.replace("&#34;", '"')


@pytest.mark.parametrize("data, message", [
    ({"text_en": ""}, "Enter the question in English"),
    ({"options_en": ""}, "Enter at least one option in English"),
    ({"options_en": "A", "options_cy": "A\nB"}, "Cymraeg has more options than English"),
    ({"kind": "essay"}, "Choose one of the options"),
    ({"code": "1bad"}, "short name must start with a letter"),
    ({"code": "carer"}, "already has this short name"),
    ({"kind": "number", "min_value": "10", "max_value": "2"}, "must not be more than the largest"),
    ({"kind": "number", "min_value": "1.5"}, "Enter a whole number"),
    ({"kind": "number", "max_value": "lots"}, "Enter a number"),
    ({"text_en": "Q" * 2001}, "2000"),
    ({"options_en": "\n".join(f"Option {i}" for i in range(101))}, "at most 100 options"),
])
def test_bad_questions_are_refused(client, facilitator, data, message):
    survey = make_survey(created_by=facilitator)
    db.session.commit()
    before = count(SurveyQuestion)
    payload = {"options_en": "Yes\nNo", **data}
    response = add_question(client, survey, survey.sections[0], **payload)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#34;", '"')
    assert count(SurveyQuestion) == before


def test_reordering_keeps_conditions_pointing_backwards(client, facilitator):
    survey = make_survey(created_by=facilitator, sections=[
        {"title": {"en": "A"}, "questions": [
            {"code": "carer", "kind": "yes_no", "text": {"en": "Carer?"}},
            {"code": "hours", "kind": "number", "text": {"en": "Hours?"},
             "condition": {"q": "carer", "op": "eq", "value": "yes"}},
            {"code": "other", "kind": "short_text", "text": {"en": "Other?"}}]},
        {"title": {"en": "B"}, "questions": [{"code": "last", "kind": "long_text", "text": {"en": "Last?"}}]}])
    db.session.commit()
    q = {question.code: question for question in survey.ordered_questions()}
    refused = client.post(f"/surveys/{survey.id}/questions/{q['hours'].id}/move", data={"direction": "up"},
                          follow_redirects=True)
    assert "not a question asked before" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [x.code for x in db.session.get(Survey, survey.id).ordered_questions()] == ["carer", "hours", "other",
                                                                                        "last"]
    client.post(f"/surveys/{survey.id}/questions/{q['other'].id}/move", data={"direction": "up"})
    client.post(f"/surveys/{survey.id}/questions/{q['other'].id}/move", data={"direction": "down"})
    client.post(f"/surveys/{survey.id}/questions/{q['other'].id}/move", data={"direction": "down"})  # into B
    db.session.expire_all()
    fresh = db.session.get(Survey, survey.id)
    assert [[x.code for x in s.questions] for s in fresh.sections] == [["carer", "hours"], ["other", "last"]]
    client.post(f"/surveys/{survey.id}/sections/{fresh.sections[1].id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [s.title["en"] for s in db.session.get(Survey, survey.id).sections] == ["B", "A"]


def test_questions_cannot_be_removed_once_answered(client, facilitator):
    survey = make_survey(created_by=facilitator)
    db.session.commit()
    question = survey.ordered_questions()[0]
    with client.application.test_request_context():
        start_response(survey, locale="en")
    db.session.commit()
    response = client.post(f"/surveys/{survey.id}/questions/{question.id}/delete", follow_redirects=True)
    assert "cannot be removed" in response.get_data(as_text=True)
    assert count(SurveyQuestion) == 1
    retype = client.post(f"/surveys/{survey.id}/questions/{question.id}/edit",
                         data={"kind": "short_text", "text_en": "Changed"})
    assert retype.status_code == 400 and "type of question cannot change" in retype.get_data(as_text=True)
    reword = client.post(f"/surveys/{survey.id}/questions/{question.id}/edit",
                         data={"kind": "yes_no", "text_en": "Do you care for someone at home?", "required": "y"})
    assert reword.status_code == 302


def test_a_question_can_be_removed_before_anyone_answers(client, facilitator):
    survey = make_survey(created_by=facilitator)
    db.session.commit()
    question = survey.ordered_questions()[0]
    assert client.post(f"/surveys/{survey.id}/questions/{question.id}/delete").status_code == 302
    assert count(SurveyQuestion) == 0


def test_sections_can_be_added_changed_and_removed(client, facilitator):
    survey = make_survey(created_by=facilitator)
    db.session.commit()
    assert client.post(f"/surveys/{survey.id}/sections/new", data={"title_en": "More", "title_ur": "مزید",
                                                                   "intro_en": "A few more."}).status_code == 302
    db.session.expire_all()
    first, second = db.session.get(Survey, survey.id).sections
    assert second.title == {"en": "More", "ur": "مزید"} and second.position == 1
    assert client.post(f"/surveys/{survey.id}/sections/{second.id}/edit",
                       data={"title_en": "T" * 201}).status_code == 400
    assert client.post(f"/surveys/{survey.id}/sections/{first.id}/delete").status_code == 302
    db.session.expire_all()
    assert [s.title for s in db.session.get(Survey, survey.id).sections] == [{"en": "More", "ur": "مزید"}]
    assert count(SurveyQuestion) == 0 and db.session.get(Survey, survey.id).sections[0].position == 0


def test_easy_read_pictures_are_checked_and_served_safely(client, facilitator):
    survey = make_survey(created_by=facilitator)
    db.session.commit()
    question = survey.ordered_questions()[0]
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    base = {"kind": "yes_no", "text_en": "Do you look after someone?"}
    fake = client.post(url, data={**base, "image": (io.BytesIO(b"<script>alert(1)</script>"), "evil.png"),
                                  "image_alt_en": "A carer"}, content_type="multipart/form-data")
    assert fake.status_code == 400 and "must be a PNG, JPEG, GIF or WebP" in fake.get_data(as_text=True)
    huge = client.post(url, data={**base, "image": (io.BytesIO(PNG + b"\0" * (2 * 1024 * 1024)), "big.png"),
                                  "image_alt_en": "A carer"}, content_type="multipart/form-data")
    assert huge.status_code == 400 and "smaller than 2 MB" in huge.get_data(as_text=True)
    no_alt = client.post(url, data={**base, "image": (io.BytesIO(PNG), "carer.png")},
                         content_type="multipart/form-data")
    assert no_alt.status_code == 400 and "Enter a description of the picture in English" in no_alt.get_data(
        as_text=True)
    assert count(SurveyImage) == 0
    good = client.post(url, data={**base, "image": (io.BytesIO(PNG), "carer.png"), "image_alt_en": "A carer",
                                  "image_alt_cy": "Gofalwr"}, content_type="multipart/form-data")
    assert good.status_code == 302
    db.session.expire_all()
    stored = db.session.get(SurveyQuestion, question.id)
    assert stored.image.content_type == "image/png" and stored.image_alt == {"en": "A carer", "cy": "Gofalwr"}
    served = client.get(f"/survey-images/{stored.image.token}")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == PNG
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/survey-images/../../etc/passwd").status_code == 404
    assert client.get("/survey-images/" + "0" * 32).status_code == 404
    # Shown in the easy-read version, with its description.
    survey.status = "open"
    db.session.commit()
    client.post(f"/s/{survey.slug}/start")
    easy = client.get(f"/s/{survey.slug}/page/1?easy=1").get_data(as_text=True)
    assert f"/survey-images/{stored.image.token}" in easy and 'alt="A carer"' in easy


def test_translation_completeness_and_review(client, facilitator):
    survey = make_survey(created_by=facilitator, title={"en": "Care", "cy": "Gofal"}, intro={"en": "Hello"},
                         sections=[{"title": {"en": "One", "cy": "Un"}, "questions": [
                             {"code": "q1", "kind": "single", "text": {"en": "Q1", "cy": "C1", "ur": "س1"},
                              "easy_text": {"en": "Easy"},
                              "options": [("a", {"en": "A", "cy": "A"}), ("b", {"en": "B"})]}]}])
    db.session.commit()
    from consult.surveys.services.translation import translation_status

    with client.application.test_request_context():
        status = translation_status(survey)
    assert (status["en"]["done"], status["en"]["total"]) == (6, 6)
    assert (status["cy"]["done"], status["ur"]["done"]) == (4, 1)
    assert (status["en"]["easy_done"], status["cy"]["easy_done"], status["en"]["easy_total"]) == (1, 0, 2)
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "4 of 6 (67%)" in page and "Not checked" in page
    assert client.post(f"/surveys/{survey.id}/reviewed", data={"locale": "cy", "reviewed": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).reviewed_locales == ["cy"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.review")) is not None
    assert client.post(f"/surveys/{survey.id}/reviewed", data={"locale": "xx", "reviewed": "yes"}).status_code == 400
    client.post(f"/surveys/{survey.id}/reviewed", data={"locale": "cy", "reviewed": "no"})
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).reviewed_locales == []


def test_preview_in_any_language_and_easy_read(client, facilitator):
    survey = make_survey(created_by=facilitator, sections=[{"title": {"en": "One", "ur": "ایک"}, "questions": [
        {"code": "carer", "kind": "yes_no", "text": {"en": "Carer?", "cy": "Gofalwr?", "ur": "نگہداشت کرنے والا؟"},
         "easy_text": {"en": "Do you help someone?"}},
        {"code": "hours", "kind": "number", "text": {"en": "Hours?"},
         "condition": {"q": "carer", "op": "eq", "value": "yes"}}]}])
    db.session.commit()
    welsh = client.get(f"/surveys/{survey.id}/preview?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in welsh and "Gofalwr?" in welsh
    urdu = client.get(f"/surveys/{survey.id}/preview?lang=ur").get_data(as_text=True)
    assert 'dir="rtl"' in urdu and "ایک" in urdu and "app-unreviewed" in urdu
    english = client.get(f"/surveys/{survey.id}/preview?lang=en&easy=1").get_data(as_text=True)
    assert "Do you help someone?" in english and "Shown only when" in english
    assert client.get(f"/surveys/{survey.id}/preview?lang=en").status_code == 200
    assert count(SurveySection) == 1  # nothing saved by looking


def test_copying_a_survey_as_a_template(client, facilitator):
    survey = make_survey(created_by=facilitator, slug="original", sections=[{"title": {"en": "A"}, "questions": [
        {"code": "carer", "kind": "yes_no", "text": {"en": "Carer?"}},
        {"code": "help", "kind": "multiple", "text": {"en": "Help?"}, "options": [("meals", {"en": "Meals"})],
         "condition": {"q": "carer", "op": "eq", "value": "yes"}}]}])
    consultation = make_consultation(created_by_id=facilitator.id, lead=facilitator, slug="next-year")
    db.session.commit()
    with client.application.test_request_context():
        start_response(survey, locale="en")
    db.session.commit()
    response = client.post(f"/surveys/{survey.id}/duplicate", data={"consultation": "", "slug": "copy-one"})
    assert response.status_code == 302
    copy = db.session.scalar(select(Survey).where(Survey.slug == "copy-one"))
    assert copy.status == "draft" and copy.created_by_id == facilitator.id
    assert [(q.code, q.condition) for q in copy.ordered_questions()] == [
        (q.code, q.condition) for q in survey.ordered_questions()]
    assert copy.ordered_questions()[1].options[0].label == {"en": "Meals"}
    attached = client.post(f"/surveys/{survey.id}/duplicate", data={"consultation": "next-year"})
    assert attached.status_code == 302
    db.session.expire_all()
    assert consultation.survey is not None and consultation.survey.title == survey.title
    taken = client.post(f"/surveys/{survey.id}/duplicate", data={"consultation": "", "slug": "copy-one"})
    assert taken.status_code == 400
    tampered = client.post(f"/surveys/{survey.id}/duplicate", data={"consultation": "someone-elses"})
    assert tampered.status_code == 400
