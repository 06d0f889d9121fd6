"""XLSForm import: a real multilingual workbook (English, Welsh, Urdu) made with openpyxl, through the service,
the stable command and the builder's upload; anything unsupported is listed by row and nothing is stored."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.models import Survey, SurveyQuestion
from consult.surveys.services.answering import start_response
from consult.surveys.services.importing import import_xlsform
from consult.surveys.xlsform import XLSFormError, parse_xlsform
from factories import login, make_consultation, make_survey, make_user

LANGS = ["English (en)", "Welsh (cy)", "Urdu (ur)"]
SURVEY_HEADER = (["type", "name"] + [f"label::{lang}" for lang in LANGS] + [f"hint::{lang}" for lang in LANGS]
                 + ["required", "relevant", "constraint", "appearance"])


def row(type_, name, labels=("", "", ""), hints=("", "", ""), required="", relevant="", constraint="",
        appearance=""):
    return [type_, name, *labels, *hints, required, relevant, constraint, appearance]


SURVEY_ROWS = [
    row("start", "start"),
    row("begin group", "care", ("About care", "Am ofal", "دیکھ بھال کے بارے میں")),
    row("select_one yn", "carer", ("Do you look after someone?", "Ydych chi'n gofalu am rywun?",
                                   "کیا آپ کسی کی دیکھ بھال کرتے ہیں؟"),
        ("Unpaid care only", "Gofal di-dâl yn unig", "صرف بلا معاوضہ دیکھ بھال"), required="yes"),
    row("integer", "hours", ("Hours a week caring", "Oriau'r wythnos yn gofalu", "ہفتے میں دیکھ بھال کے گھنٹے"),
        required="yes", relevant="${carer} = 'yes'", constraint=". >= 1 and . <= 168"),
    row("select_multiple services", "services", ("Services used", "Gwasanaethau a ddefnyddiwyd",
                                                 "استعمال شدہ خدمات")),
    row("end group", ""),
    row("begin group", "views", ("Your views", "Eich barn", "آپ کی رائے")),
    row("note", "views_note", ("Tell us what you think.", "Dywedwch wrthym beth yw eich barn.",
                               "ہمیں اپنی رائے بتائیں۔")),
    row("text", "ideas", ("Any ideas?", "Unrhyw syniadau?", "کوئی خیال؟"), appearance="multiline"),
    row("decimal", "distance", ("Miles to the day centre", "Milltiroedd i'r ganolfan ddydd", "ڈے سینٹر تک میل"),
        relevant="selected(${services}, 'day_centre') or ${carer} = 'no'"),
    row("date", "last_visit", ("Date of your last visit", "Dyddiad eich ymweliad diwethaf",
                               "آپ کے آخری دورے کی تاریخ")),
    row("text", "name_en_only", ("Your first name (optional)", "", "")),
    row("end group", ""),
]
CHOICES = [
    ["yn", "yes", "Yes", "Ydw", "ہاں"],
    ["yn", "no", "No", "Nac ydw", "نہیں"],
    ["services", "home_care", "Home care", "Gofal cartref", "گھر پر دیکھ بھال"],
    ["services", "day_centre", "Day centre", "Canolfan ddydd", "ڈے سینٹر"],
    ["services", "transport", "Transport", "Trafnidiaeth", "ٹرانسپورٹ"],
]


def workbook(survey_rows=SURVEY_ROWS, choices=CHOICES, settings=True) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(SURVEY_HEADER)
    for r in survey_rows:
        sheet.append(r)
    choice_sheet = book.create_sheet("choices")
    choice_sheet.append(["list_name", "name"] + [f"label::{lang}" for lang in LANGS])
    for r in choices:
        choice_sheet.append(r)
    if settings:
        settings_sheet = book.create_sheet("settings")
        settings_sheet.append(["form_title", "form_id", "default_language"])
        settings_sheet.append(["Care at home", "care_at_home", "English (en)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_multilingual_xlsform_imports_with_all_its_languages():
    consultation = make_consultation()
    survey = import_xlsform(workbook(), consultation=consultation, channel="cli")
    assert consultation.survey is survey
    assert [s.title for s in survey.sections] == [
        {"en": "About care", "cy": "Am ofal", "ur": "دیکھ بھال کے بارے میں"},
        {"en": "Your views", "cy": "Eich barn", "ur": "آپ کی رائے"}]
    q = {question.code: question for question in survey.ordered_questions()}
    assert list(q) == ["carer", "hours", "services", "views_note", "ideas", "distance", "last_visit", "name_en_only"]
    assert q["carer"].text == {"en": "Do you look after someone?", "cy": "Ydych chi'n gofalu am rywun?",
                               "ur": "کیا آپ کسی کی دیکھ بھال کرتے ہیں؟"}
    assert q["carer"].help["cy"] == "Gofal di-dâl yn unig" and q["carer"].required
    assert [(o.value, o.label["ur"]) for o in q["carer"].options] == [("yes", "ہاں"), ("no", "نہیں")]
    assert q["services"].kind == "multiple" and q["services"].options[1].label["cy"] == "Canolfan ddydd"
    assert (q["hours"].kind, int(q["hours"].min_value), int(q["hours"].max_value)) == ("number", 1, 168)
    assert q["hours"].condition == {"q": "carer", "op": "eq", "value": "yes"}
    assert q["distance"].condition == {"any": [{"q": "services", "op": "selected", "value": "day_centre"},
                                               {"q": "carer", "op": "eq", "value": "no"}]}
    assert (q["views_note"].kind, q["ideas"].kind, q["distance"].kind, q["last_visit"].kind) == (
        "note", "long_text", "decimal", "date")
    assert q["name_en_only"].text == {"en": "Your first name (optional)"}
    # Every language is complete but for the one English-only label and the title (form_title is English).
    from consult.surveys.services.translation import translation_status

    status = translation_status(survey)
    assert status["en"]["percent"] == 100
    assert status["cy"]["missing"] == status["ur"]["missing"] == ["Survey title", "Question name_en_only"]


def test_list_names_with_underscores_and_odd_cells():
    rows = [row("select_one yes_no", "q", ("Q", "", ""), required=True), row("select_multiple yes_no or_other", "r",
                                                                          ("R", "", ""))]
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(workbook(rows, [["yes_no", "yes", "Yes", "", ""], ["yes_no", 2, "Two", "", ""]]))
    assert len(caught.value.problems) == 1 and "row 3" in caught.value.problems[0]
    parsed = parse_xlsform(workbook(rows[:1], [["yes_no", "yes", "Yes", "Ie", ""], ["yes_no", 2, "Two", "", ""]]))
    [question] = parsed.questions
    assert question.required and [o.value for o in question.options] == ["yes", "2"]


def test_metadata_rows_are_listed_as_not_stored():
    parsed = parse_xlsform(workbook())
    assert any("row 2" in note and "start" in note for note in parsed.notes)
    assert parsed.locales == ["cy", "en", "ur"] and parsed.title == {"en": "Care at home"}


@pytest.mark.parametrize("rows, choices, expected", [
    ([row("calculate", "total", ("Total", "", ""))], CHOICES, ["row 2", "calculate"]),
    ([row("begin repeat", "people", ("People", "", "")), row("text", "n", ("Name", "", "")),
      row("end repeat", "")], CHOICES, ["row 2", "begin repeat", "row 4", "end repeat"]),
    ([row("select_one missing", "q", ("Q", "", ""))], CHOICES, ["row 2", "missing"]),
    ([row("text", "q", ("Q", "", ""), relevant="${later} = 'x'"), row("text", "later", ("L", "", ""))], CHOICES,
     ["row 2", "later"]),
    ([row("text", "q", ("Q", "", ""), relevant="count-selected(${q}) > 1")], CHOICES, ["row 2", "relevant"]),
    ([row("text", "q", ("Q", "", ""), required="${x} = 1")], CHOICES, ["row 2", "required"]),
    ([row("text", "q", ("Q", "", ""), constraint=". > 3")], CHOICES, ["row 2", "constraint"]),
    ([row("integer", "q", ("Q", "", ""), constraint="regex(., '[0-9]')")], CHOICES, ["row 2", "constraint"]),
    ([row("text", "q", ("", "Cwestiwn", ""))], CHOICES, ["row 2", "no label"]),
    ([row("text", "q", ("Q", "", "")), row("text", "q", ("Again", "", ""))], CHOICES, ["row 3", "used twice"]),
    ([row("text", "2bad", ("Q", "", ""))], CHOICES, ["row 2", "2bad"]),
    ([row("begin group", "g", ("G", "", "")), row("text", "q", ("Q", "", ""))], CHOICES, ["row 2", "end group"]),
    ([row("select_one yn", "q", ("Q", "", ""))], CHOICES + [["yn", "yes", "Again", "", ""]], ["choices", "row 7"]),
    ([row("select_one yn", "q", ("Q", "", "")), row("geopoint", "where", ("Where", "", ""))], CHOICES,
     ["row 3", "geopoint"]),
])
def test_unsupported_content_is_listed_by_row_and_nothing_is_stored(rows, choices, expected):
    consultation = make_consultation()
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(workbook(rows, choices), consultation=consultation)
    text = " | ".join(caught.value.problems)
    for fragment in expected:
        assert fragment in text, text
    db.session.rollback()
    assert count(Survey) == 0 and count(SurveyQuestion) == 0


def test_a_file_is_held_to_the_builders_rules_with_each_problem_on_its_row():
    """What the builder's forms would refuse (and so could not save again) is refused on import too."""
    consultation = make_consultation()
    rows = [row("begin group", "g", ("G", "", "")),
            row("integer", "hours", ("Hours", "", ""), constraint=". <= 99999999999999999999"),
            row("decimal", "miles", ("Miles", "", ""), constraint=". >= 2.5"),
            row("integer", "count", ("Count", "", ""), constraint=". >= 2.5"),
            row("select_one long", "choose", ("Choose", "", "")),
            row("end group", ""),
            row("text", "fine", ("Fine", "", ""))]
    choices = CHOICES + [["long", "a", "A" * 201, "", ""]]
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(workbook(rows, choices), consultation=consultation)
    assert caught.value.problems == [
        "survey sheet, row 3: Enter a number between -1,000,000,000,000 and 1,000,000,000,000",
        "survey sheet, row 5: Enter a whole number",
        "survey sheet, row 6: English text must be 200 characters or fewer."]
    db.session.rollback()
    assert count(Survey) == 0 and count(SurveyQuestion) == 0
    # A page's title is held to the section form's limit, reported on the row of the page's first question.
    long_title = [row("begin group", "g", ("G" * 201, "", "")), row("text", "q", ("Q", "", "")),
                  row("end group", "")]
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(workbook(long_title), consultation=make_consultation())
    assert caught.value.problems == ["survey sheet, row 3: English text must be 200 characters or fewer."]


def test_an_imported_survey_is_audited_once_for_the_file_and_once_per_page():
    from consult.core.models import AuditEvent

    import_xlsform(workbook(), consultation=make_consultation(), channel="cli")
    actions = sorted(db.session.scalars(select(AuditEvent.action).where(AuditEvent.channel == "cli")))
    assert actions == ["survey.create", "survey.import_xlsform", "survey_section.save", "survey_section.save"]


def test_several_problems_are_all_listed():
    rows = SURVEY_ROWS + [row("calculate", "c", ("C", "", "")), row("image", "photo", ("Photo", "", ""))]
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(workbook(rows))
    assert len(caught.value.problems) == 2
    assert "row 15" in caught.value.problems[0] and "row 16" in caught.value.problems[1]


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(XLSFormError, match="not an Excel workbook"):
        parse_xlsform(b"type,name\ntext,q\n")
    with pytest.raises(XLSFormError, match="survey"):
        book = Workbook()
        book.active.title = "other"
        out = io.BytesIO()
        book.save(out)
        parse_xlsform(out.getvalue())


def test_replacing_needs_consent_and_no_answers_yet():
    consultation = make_consultation()
    survey = import_xlsform(workbook(), consultation=consultation)
    with pytest.raises(SurveyError, match="already has a survey"):
        import_xlsform(workbook(), consultation=consultation)
    smaller = workbook([row("text", "only", ("Only question", "Unig gwestiwn", "واحد سوال"))])
    assert import_xlsform(smaller, consultation=consultation, replace=True) is survey
    assert [q.code for q in survey.ordered_questions()] == ["only"]
    start_response(survey, locale="en")
    with pytest.raises(SurveyError, match="already answered"):
        import_xlsform(workbook(), consultation=consultation, replace=True)


def test_the_stable_command_attaches_the_survey(app, tmp_path):
    consultation = make_consultation(slug="older-people-2027")
    db.session.commit()
    path = tmp_path / "form.xlsx"
    path.write_bytes(workbook())
    result = app.test_cli_runner().invoke(args=["survey", "import-xlsform", "older-people-2027", str(path)])
    assert result.exit_code == 0, result.output
    assert "8 questions" in result.output and "cy, en, ur" in result.output
    db.session.expire_all()
    assert consultation.survey is not None and consultation.survey.sections[0].title["cy"] == "Am ofal"


def test_the_command_refuses_bad_input_with_reasons_and_stores_nothing(app, tmp_path):
    make_consultation(slug="carers")
    db.session.commit()
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(SURVEY_ROWS + [row("calculate", "total", ("Total", "", ""))]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["survey", "import-xlsform", "carers", str(path)])
    assert result.exit_code != 0
    assert "nothing was imported" in result.output and "row 15" in result.output and "calculate" in result.output
    assert runner.invoke(args=["survey", "import-xlsform", "nobody", str(path)]).exit_code != 0
    assert runner.invoke(args=["survey", "import-xlsform", "carers", str(tmp_path / "none.xlsx")]).exit_code != 0
    assert count(Survey) == 0


def test_the_command_can_make_a_standalone_survey(app, tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(workbook())
    result = app.test_cli_runner().invoke(args=["survey", "import-xlsform", "--standalone", "care-2027", str(path)])
    assert result.exit_code == 0, result.output
    survey = db.session.scalar(select(Survey))
    assert survey.slug == "care-2027" and survey.consultation is None and survey.title == {"en": "Care at home"}


def test_builder_upload(client):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(created_by_id=facilitator.id, lead=facilitator)
    other = make_user(role="facilitator")
    db.session.commit()
    login(client, other)
    denied = client.post(f"/surveys/import?consultation={consultation.slug}",
                         data={"file": (io.BytesIO(workbook()), "form.xlsx")})
    assert denied.status_code == 403
    client.post("/logout")
    login(client, facilitator)
    bad = client.post(f"/surveys/import?consultation={consultation.slug}",
                      data={"file": (io.BytesIO(workbook(SURVEY_ROWS + [row("calculate", "t", ("T", "", ""))])),
                                     "form.xlsx")})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "row 15" in page and "calculate" in page and "There is a problem" in page
    assert count(Survey) == 0
    empty = client.post(f"/surveys/import?consultation={consultation.slug}", data={})
    assert empty.status_code == 400 and "Select an XLSForm file" in empty.get_data(as_text=True)
    good = client.post(f"/surveys/import?consultation={consultation.slug}",
                       data={"file": (io.BytesIO(workbook()), "form.xlsx")})
    assert good.status_code == 302
    db.session.expire_all()
    assert len(consultation.survey.ordered_questions()) == 8


def test_builder_can_replace_a_standalone_surveys_questions(client):
    facilitator = make_user(role="facilitator")
    survey = make_survey(created_by=facilitator)
    db.session.commit()
    login(client, facilitator)
    response = client.post(f"/surveys/{survey.id}/import", data={"file": (io.BytesIO(workbook()), "form.xlsx")})
    assert response.status_code == 302
    db.session.expire_all()
    assert [q.code for q in db.session.get(Survey, survey.id).ordered_questions()][:2] == ["carer", "hours"]
