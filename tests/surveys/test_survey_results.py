"""Results for managers and commissioners, free-text answers, exports, paper entry, and the rows reports read."""

import csv
import io

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from sqlalchemy import func, select

from consult.core.models import AuditEvent, utcnow
from consult.extensions import db
from consult.surveys.models import SurveyResponse
from consult.surveys.results import question_results
from consult.surveys.services.reading import participation_rows, survey_results
from factories import login, make_consultation, make_planning_group, make_survey, make_user

SECTIONS = [{"title": {"en": "All"}, "questions": [
    {"code": "carer", "kind": "yes_no", "required": True, "text": {"en": "Are you a carer?", "cy": "Gofalwr?"}},
    {"code": "priority", "kind": "single", "text": {"en": "Most important", "cy": "Pwysicaf"},
     "options": [("night", {"en": "Night sitting", "cy": "Eistedd nos"}), ("bus", {"en": "Bus", "cy": "Bws"})]},
    {"code": "age", "kind": "number", "text": {"en": "Age"}},
    {"code": "ideas", "kind": "long_text", "text": {"en": "Ideas", "cy": "Syniadau"}},
    {"code": "intro", "kind": "note", "text": {"en": "Thanks"}},
]}]


@pytest.fixture
def setup():
    consultation = make_consultation(slug="older")
    survey = make_survey(consultation=consultation, sections=SECTIONS)
    carer, practitioner = (gw.stakeholder_group for gw in consultation.group_weights)
    place = consultation.localities[0]
    rows = [
        (carer, place, {"carer": "yes", "priority": "night", "age": 80, "ideas": "More night help please"}),
        (carer, None, {"carer": "yes", "priority": "bus", "ideas": "=HYPERLINK(\"http://evil\")"}),
        (practitioner, place, {"carer": "no", "priority": "night", "age": 40}),
        (None, None, {"carer": "no"}),
    ]
    for n, (group, locality, answers) in enumerate(rows):
        db.session.add(SurveyResponse(survey=survey, reference=f"SV-TEST-000{n}", status="submitted", channel="web",
                                      locale="en", answers=answers, started_on=utcnow().date(),
                                      submitted_on=utcnow().date(), stakeholder_group=group, locality=locality,
                                      age_band="75_84" if n == 0 else None))
    db.session.add(SurveyResponse(survey=survey, reference="SV-DRAFT-0001", status="in_progress", channel="web",
                                  locale="en", answers={"carer": "yes"}, started_on=utcnow().date()))
    db.session.commit()
    return {"consultation": consultation, "survey": survey, "carer": carer, "practitioner": practitioner,
            "place": place}


def test_participation_rows_are_plain_data_for_reports(setup):
    rows = participation_rows(setup["consultation"])
    assert len(rows) == 4  # unfinished answers are not counted
    assert set(rows[0]) == {"reference", "channel", "submitted_on", "locale", "easy_read", "stakeholder_group",
                            "locality", "age_band", "ethnic_group", "main_language", "disability", "answers"}
    assert rows[0]["stakeholder_group"] == setup["carer"].code and rows[0]["locality"] == setup["place"].code
    assert rows[0]["age_band"] == "75_84" and rows[3]["stakeholder_group"] is None
    assert participation_rows(make_consultation()) == []
    assert len(participation_rows(setup["survey"], stakeholder_group=setup["carer"].code)) == 2


def test_counts_and_percentages_overall_by_group_and_by_locality(setup):
    data = survey_results(setup["survey"])
    assert data["responses"] == 4
    by_code = {r["code"]: r for r in data["questions"]}
    assert "intro" not in by_code
    assert by_code["carer"]["base"] == 4
    assert by_code["carer"]["options"] == [{"value": "yes", "count": 2, "percent": 50.0},
                                           {"value": "no", "count": 2, "percent": 50.0}]
    assert by_code["priority"]["options"][0] == {"value": "night", "count": 2, "percent": 66.7}
    assert (by_code["age"]["base"], by_code["age"]["mean"]) == (2, 60.0)
    grouped = {r["code"]: r for r in survey_results(setup["survey"], breakdown="stakeholder_group")["questions"]}
    assert grouped["carer"]["by"][setup["carer"].code]["counts"] == {"yes": 2, "no": 0}
    assert grouped["carer"]["by"]["not_given"]["percents"] == {"yes": 0.0, "no": 100.0}
    local = survey_results(setup["survey"], locality=setup["place"].code)
    assert local["responses"] == 2


def test_question_results_is_pure():
    questions = [{"code": "help", "kind": "multiple", "options": ["a", "b"]}]
    rows = [{"answers": {"help": ["a", "b"]}, "locality": "X"}, {"answers": {"help": ["a"]}, "locality": None},
            {"answers": {}, "locality": "X"}]
    [result] = question_results(questions, rows, breakdown="locality")
    assert result["base"] == 2 and result["options"][0] == {"value": "a", "count": 2, "percent": 100.0}
    assert result["by"]["X"]["base"] == 1 and result["by"]["not_given"]["counts"] == {"a": 1, "b": 0}


def test_who_may_see_results(setup, app):
    survey = setup["survey"]
    local = make_user(role="facilitator")
    make_planning_group(locality=setup["place"], facilitators=[local])
    people = {"commissioner": (make_user(role="commissioner"), 200), "local facilitator": (local, 200),
              "admin": (make_user(role="admin"), 200), "other facilitator": (make_user(role="facilitator"), 403),
              "member": (make_user(), 403)}
    db.session.commit()
    assert app.test_client().get(f"/surveys/{survey.id}/results").status_code == 302
    for name, (user, status) in people.items():
        c = app.test_client()
        login(c, user)
        for path in ("results", "results/text", "export?format=csv"):
            assert c.get(f"/surveys/{survey.id}/{path}").status_code == status, (name, path)


def test_results_page_and_free_text_filters(setup, client):
    survey = setup["survey"]
    login(client, make_user(role="commissioner"))
    db.session.commit()
    page = client.get(f"/surveys/{survey.id}/results?by=stakeholder_group").get_data(as_text=True)
    assert "66.7%" in page and "Night sitting" in page and "<caption" in page
    assert "2 (100.0%)*" in page  # carers: 2 of 2 said yes, marked as too few to show the public
    assert "shown because you are staff; they are hidden from the public" in page
    whole = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "hidden from the public" not in whole  # no breakdown: whole-survey totals only
    for bad in ("?group=nobody", "?locality=NOWHERE", "?by=shoe_size"):
        assert client.get(f"/surveys/{survey.id}/results{bad}").status_code == 400
    texts = client.get(f"/surveys/{survey.id}/results/text?question=ideas").get_data(as_text=True)
    assert "More night help please" in texts and "HYPERLINK" in texts
    only_local = client.get(f"/surveys/{survey.id}/results/text?question=ideas&locality={setup['place'].code}")
    assert "HYPERLINK" not in only_local.get_data(as_text=True)
    searched = client.get(f"/surveys/{survey.id}/results/text?question=ideas&q=NIGHT").get_data(as_text=True)
    assert "More night help please" in searched and "HYPERLINK" not in searched
    assert client.get(f"/surveys/{survey.id}/results/text?question=carer").status_code == 400


def test_exports_have_one_row_per_response_and_labels_in_the_chosen_language(setup, client):
    survey = setup["survey"]
    login(client, make_user(role="commissioner"))
    db.session.commit()
    response = client.get(f"/surveys/{survey.id}/export?format=csv&lang_labels=cy")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 4
    assert "carer: Gofalwr?" in header and "priority: Pwysicaf" in header and "ideas: Syniadau" in header
    assert not any(h.startswith("intro") for h in header)
    first = dict(zip(header, body[0]))
    with client.application.test_request_context():
        with force_locale("cy"):
            welsh_yes = gettext("Yes")
    assert first["priority: Pwysicaf"] == "Eistedd nos" and first["carer: Gofalwr?"] == welsh_yes
    second = dict(zip(header, body[1]))
    assert second["ideas: Syniadau"].startswith("'=HYPERLINK")  # never run as a formula
    xlsx = client.get(f"/surveys/{survey.id}/export?format=xlsx&lang_labels=en")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.values)
    assert len(values) == 5 and "priority: Most important" in values[0]
    assert values[1][values[0].index("priority: Most important")] == "Night sitting"
    assert values[2][values[0].index("ideas: Ideas")].startswith("'=")
    assert client.get(f"/surveys/{survey.id}/export?format=pdf").status_code == 400
    assert client.get(f"/surveys/{survey.id}/export?format=csv&lang_labels=xx").status_code == 400


def test_paper_responses_are_entered_marked_and_audited(setup, client):
    survey = setup["survey"]
    manager = make_user(role="admin")
    db.session.commit()
    login(client, manager)
    form = client.get(f"/surveys/{survey.id}/paper").get_data(as_text=True)
    assert "autofocus" in form and 'name="q-carer"' in form and 'name="stakeholder_group"' in form
    before = db.session.scalar(select(func.count()).select_from(SurveyResponse))
    saved = client.post(f"/surveys/{survey.id}/paper", data={
        "locale": "cy", "q-carer": "yes", "q-priority": "bus", "q-age": "77", "q-ideas": "Ysgrifennwyd ar bapur",
        "stakeholder_group": setup["carer"].code, "locality": setup["place"].code, "age_band": "75_84"})
    assert saved.status_code == 302
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.channel == "paper"))
    assert response.status == "submitted" and response.entered_by_id == manager.id and response.locale == "cy"
    assert response.answers == {"carer": "yes", "priority": "bus", "age": 77, "ideas": "Ysgrifennwyd ar bapur"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey_response.paper"))
    assert event.channel == "paper" and event.actor_id == manager.id
    # People skip questions on paper: blanks are kept as blanks, even for required questions.
    assert client.post(f"/surveys/{survey.id}/paper", data={"locale": "en"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == before + 2


@pytest.mark.parametrize("data, message", [
    ({"q-age": "old"}, "must be a whole number"),
    ({"q-priority": "free_cake"}, "Choose one of the options for “Most important”"),
    ({"q-ideas": "z" * 5001}, "5000 characters or fewer"),
    ({"stakeholder_group": "aliens"}, "Choose one of the options"),
    ({"locale": "fr"}, "Choose one of the options"),
])
def test_bad_paper_input_is_refused_and_nothing_saved(setup, client, data, message):
    survey = setup["survey"]
    login(client, make_user(role="admin"))
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(SurveyResponse))
    response = client.post(f"/surveys/{survey.id}/paper", data={"locale": "en", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#34;", '"')
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == before


def test_who_may_enter_paper_responses(setup, app):
    survey = setup["survey"]
    outsider, member = make_user(role="facilitator"), make_user()
    db.session.commit()
    for user in (outsider, member):
        c = app.test_client()
        login(c, user)
        assert c.post(f"/surveys/{survey.id}/paper", data={"locale": "en", "q-carer": "yes"}).status_code == 403
    setup["consultation"].status = "published"
    admin = make_user(role="admin")
    db.session.commit()
    c = app.test_client()
    login(c, admin)
    refused = c.post(f"/surveys/{survey.id}/paper", data={"locale": "en", "q-carer": "yes"})
    assert refused.status_code == 400 and "published" in refused.get_data(as_text=True)


def test_a_facilitator_enters_paper_forms_only_for_their_own_localities(client):
    from factories import make_locality

    mine, theirs = make_locality(name={"en": "Minetown"}), make_locality(name={"en": "Theirton"})
    consultation = make_consultation(localities=[mine, theirs])
    survey = make_survey(consultation=consultation, sections=SECTIONS)
    facilitator = make_user(role="facilitator")
    make_planning_group(locality=mine, facilitators=[facilitator])
    db.session.commit()
    login(client, facilitator)
    form = client.get(f"/surveys/{survey.id}/paper").get_data(as_text=True)
    assert f'value="{mine.code}"' in form and f'value="{theirs.code}"' not in form  # only their own area
    refused = client.post(f"/surveys/{survey.id}/paper", data={"locale": "en", "q-carer": "yes",
                                                              "locality": theirs.code})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="locality-error"' in page and "only for the areas where you facilitate a planning group" in page
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
    saved = client.post(f"/surveys/{survey.id}/paper", data={"locale": "en", "q-carer": "yes", "locality": mine.code})
    assert saved.status_code == 302
    assert db.session.scalar(select(SurveyResponse.locality_id)) == mine.id


def test_a_facilitator_reads_only_the_responses_from_their_own_localities(client):
    from factories import make_locality

    mine, theirs = make_locality(name={"en": "Minetown"}), make_locality(name={"en": "Theirton"})
    consultation = make_consultation(localities=[mine, theirs])
    survey = make_survey(consultation=consultation, sections=SECTIONS)
    for n, (place, idea) in enumerate([(mine, "Ours: a bench"), (theirs, "Theirs: a bus"), (None, "Nowhere said")]):
        db.session.add(SurveyResponse(survey=survey, reference=f"SV-SCOPE-000{n}", status="submitted", channel="web",
                                      locale="en", answers={"carer": "yes", "ideas": idea},
                                      started_on=utcnow().date(), submitted_on=utcnow().date(), locality=place))
    facilitator, lead = make_user(role="facilitator"), make_user(role="facilitator")
    make_planning_group(locality=mine, facilitators=[facilitator])
    consultation.lead = lead
    db.session.commit()
    login(client, facilitator)
    results = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "You see the responses from the areas where you facilitate a planning group: Minetown." in results
    text = client.get(f"/surveys/{survey.id}/results/text?question=ideas").get_data(as_text=True)
    assert "Ours: a bench" in text and "Theirs: a bus" not in text and "Nowhere said" not in text
    assert client.get(f"/surveys/{survey.id}/results/text?question=ideas&locality={theirs.code}").status_code == 400
    rows = list(csv.reader(io.StringIO(client.get(f"/surveys/{survey.id}/export").get_data(as_text=True))))
    assert [row[0] for row in rows[1:]] == ["SV-SCOPE-0000"]
    client.post("/logout")
    login(client, lead)
    text = client.get(f"/surveys/{survey.id}/results/text?question=ideas").get_data(as_text=True)
    assert all(idea in text for idea in ("Ours: a bench", "Theirs: a bus", "Nowhere said"))
    assert "You see the responses from the areas" not in text
    rows = list(csv.reader(io.StringIO(client.get(f"/surveys/{survey.id}/export").get_data(as_text=True))))
    assert len(rows) == 4
