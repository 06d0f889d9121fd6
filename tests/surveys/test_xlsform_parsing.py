"""The XLSForm reader's rules, one at a time, on small workbooks built in memory.

test_survey_xlsform.py proves a real form imports end to end; these pin what it leaves open: every problem's
exact words and row, the order problems are listed in, the limits, how groups become sections, how language
columns become locales, and how choice lists are read. They hold the reader to its behaviour while it is
reshaped, so they assert whole problem lists, not fragments.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from consult.surveys.conditions import ConditionError, check, parse_relevant
from consult.surveys.xlsform import (
    MAX_OPTIONS,
    MAX_ROWS,
    MAX_TEXT,
    ParsedForm,
    ParsedOption,
    ParsedQuestion,
    ParsedSection,
    XLSFormError,
    parse_xlsform,
)

SURVEY = ["type", "name", "label"]
CHOICES = ["list_name", "name", "label"]
YN = [CHOICES, ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def book(survey: list[list] | None, choices: list[list] | None = None, settings: list[list] | None = None,
         **others: list[list]) -> bytes:
    """A workbook whose sheets are given as lists of rows, the header first; None leaves a sheet out."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings), *others.items()):
        if rows is None:
            continue
        sheet = workbook.create_sheet(name)
        for values in rows:
            sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems(data: bytes, **kwargs) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(data, **kwargs)
    assert caught.value.field == "file"
    assert str(caught.value) == "; ".join(caught.value.problems)
    return caught.value.problems


def reason(expression: str, earlier: dict | None = None) -> str:
    """The conditions module's own words for why an expression is refused (the reader quotes them)."""
    try:
        check(parse_relevant(expression), earlier or {})
    except ConditionError as exc:
        return str(exc)
    raise AssertionError(f"{expression} was accepted")


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


# --- the workbook and its sheets ---------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_not_a_workbook():
    assert problems(b"type,name\ntext,q\n") == ["The file is not an Excel workbook (.xlsx)."]


def test_a_zip_that_is_not_a_workbook_is_damaged():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert problems(out.getvalue()) == ["The file is not an Excel workbook (.xlsx), or it is damaged."]


def test_without_a_survey_sheet_nothing_else_is_read():
    data = book(None, choices=[["list_name"], [""]], settings=[["default_language"], ["Klingon"]])
    assert problems(data) == ["The workbook has no “survey” sheet."]


def test_sheet_names_ignore_case_and_spaces():
    workbook = Workbook()
    survey = workbook.active
    survey.title = " Survey "
    for values in (["type", "name", "label"], ["select_one yn", "q", "Q"]):
        survey.append(values)
    choices = workbook.create_sheet("CHOICES")
    for values in YN:
        choices.append(values)
    settings = workbook.create_sheet("Settings")
    settings.append(["form_id"])
    settings.append(["the_form"])
    out = io.BytesIO()
    workbook.save(out)
    parsed = parse_xlsform(out.getvalue())
    assert [o.value for o in parsed.questions[0].options] == ["yes", "no"] and parsed.form_id == "the_form"


def test_an_empty_survey_sheet_has_no_type_and_name_columns():
    assert problems(book([])) == ["survey sheet: it needs type and name columns."]


def test_missing_type_or_name_stops_at_once_keeping_earlier_problems():
    data = book([["type", "label::Klingon"], ["text", "Q"], ["calculate", "C"]])
    assert problems(data) == [
        ("survey sheet: the column “label::Klingon” does not name a language as Language (code), like "
        "label::Cymraeg (cy)."),
        "survey sheet: it needs type and name columns."]
    assert problems(book([["name", "label"], ["q", "Q"]])) == ["survey sheet: it needs type and name columns."]


def test_the_whole_form_is_read_into_plain_data():
    data = book(
        [["type", "name", "label", "label::Cymraeg (cy)", "hint", "required", "relevant", "constraint"],
         ["start", "start"],
         ["text", "intro_q", "First", "Cyntaf", "", "", "", ""],
         ["begin group", "g", "Group", "Grŵp", "", "", "${intro_q} != ''"],
         ["select_one yn", "yes_no", "Yes or no?", "Ie neu na?", "Pick one", "yes"],
         ["integer", "age", "Age", "", "", "no", "${yes_no} = 'yes'", ". >= 18 and . <= 120"],
         ["end group"]],
        YN, [["form_title", "form_id"], ["The title", "the_id"]])
    group = {"q": "intro_q", "op": "answered"}
    assert parse_xlsform(data) == ParsedForm(
        title={"en": "The title"}, form_id="the_id", default_locale="en",
        sections=[
            ParsedSection({}, [ParsedQuestion(3, "intro_q", "short_text", False, {"en": "First", "cy": "Cyntaf"})]),
            ParsedSection({"en": "Group", "cy": "Grŵp"}, [
                ParsedQuestion(5, "yes_no", "single", True, {"en": "Yes or no?", "cy": "Ie neu na?"},
                               {"en": "Pick one"},
                               [ParsedOption("yes", {"en": "Yes"}), ParsedOption("no", {"en": "No"})], group),
                ParsedQuestion(6, "age", "number", False, {"en": "Age"}, condition={"all": [
                    group, {"q": "yes_no", "op": "eq", "value": "yes"}]}, min_value=Decimal(18),
                    max_value=Decimal(120))])],
        locales=["cy", "en"],
        notes=["survey sheet, row 2: “start” is not stored (this service keeps no times or devices with answers)."])


# --- the settings sheet -------------------------------------------------------------------------------------


def test_without_settings_the_callers_default_language_is_used():
    parsed = parse_xlsform(book([SURVEY, ["text", "q", "Cwestiwn"]]), default_locale="cy")
    assert parsed.default_locale == "cy" and parsed.questions[0].text == {"cy": "Cwestiwn"}
    assert parsed.title == {} and parsed.form_id is None and parsed.locales == ["cy"]


@pytest.mark.parametrize("language, locale", [
    ("Cymraeg", "cy"), ("welsh", "cy"), ("Welsh (cy)", "cy"), ("Welsh(CY)", "cy"), ("Welsh (cy_GB)", "cy-gb"),
    ("Somali (so)", "so")])
def test_default_language_names_the_locale_of_plain_labels(language, locale):
    parsed = parse_xlsform(book([SURVEY, ["text", "q", "Q"]], settings=[["default_language"], [language]]))
    assert parsed.default_locale == locale and parsed.questions[0].text == {locale: "Q"}
    assert parsed.locales == [locale]


def test_a_default_language_that_names_no_language_is_a_problem_and_the_callers_is_used():
    data = book([SURVEY, ["text", "q", ""]], settings=[["default_language"], ["Klingon"]])
    assert problems(data, default_locale="cy") == [
        "settings sheet: default_language “Klingon” does not name a language as Language (code).",
        "survey sheet, row 2: “q” has no label in the default language (cy)."]


def test_settings_come_from_the_first_filled_row_with_headers_in_any_case():
    data = book([SURVEY, ["text", "q", "Q"]],
                settings=[[" Form_Title ", "FORM_ID"], [None, None], ["T" * 250, "f1"], ["Second", "f2"]])
    parsed = parse_xlsform(data)
    assert parsed.title == {"en": "T" * 200} and parsed.form_id == "f1"


def test_a_settings_sheet_with_only_a_header_changes_nothing():
    parsed = parse_xlsform(book([SURVEY, ["text", "q", "Q"]], settings=[["form_title", "default_language"]]))
    assert parsed.title == {} and parsed.default_locale == "en"


def test_the_title_is_in_the_default_language():
    settings = [["form_title", "default_language"], ["Teitl", "Welsh (cy)"]]
    parsed = parse_xlsform(book([SURVEY, ["text", "q", "Q"]], settings=settings))
    assert parsed.title == {"cy": "Teitl"}


# --- columns and languages ---------------------------------------------------------------------------------


def test_language_columns_become_locales_and_a_plain_label_is_the_default():
    data = book([["TYPE", "Name", "Label", "label::Welsh (cy)", "LABEL::Urdu (UR)", "hint::Polish (pl)",
                  "hint::english"],
                 ["text", "q", "Q", "C", "U", "P", "H"]])
    parsed = parse_xlsform(data)
    [question] = parsed.questions
    assert question.text == {"en": "Q", "cy": "C", "ur": "U"} and question.help == {"pl": "P", "en": "H"}
    assert parsed.locales == ["cy", "en", "pl", "ur"]


def test_of_two_columns_for_one_language_the_later_filled_one_wins():
    data = book([["type", "name", "label::English (en)", "label"], ["text", "a", "First", "Second"],
                 ["text", "b", "Only", ""]])
    assert [q.text for q in parse_xlsform(data).questions] == [{"en": "Second"}, {"en": "Only"}]


def test_a_repeated_header_keeps_the_later_cell_even_when_empty():
    data = book([["type", "name", "label", "label"], ["text", "a", "Q", ""]])
    assert problems(data) == ["survey sheet, row 2: “a” has no label in the default language (en)."]


@pytest.mark.parametrize("column", ["label::Klingon", "label::cy", "hint::(c)", "hint::Welsh (c)"])
def test_a_language_column_that_names_no_language_is_a_problem(column):
    data = book([SURVEY + [column], ["text", "q", "Q", "x"]])
    assert problems(data) == [
        (f"survey sheet: the column “{column}” does not name a language as Language (code), like label::Cymraeg "
        "(cy).")]


def test_unknown_columns_are_noted_as_not_used_sheet_by_sheet():
    data = book([SURVEY + ["colour", "name::x", "appearance::x", "media::image", "", "Calculation"],
                 ["text", "q", "Q", "red", "n", "", "", "ignored under a blank header", ""]],
                [CHOICES + ["filter", "image"], ["l", "a", "A", "f", "i"]])
    parsed = parse_xlsform(data)
    assert parsed.notes == ["choices sheet: the column “filter” is not used.",
                            "survey sheet: the column “colour” is not used.",
                            "survey sheet: the column “name::x” is not used."]


def test_group_labels_do_not_add_locales():
    data = book([SURVEY + ["label::Welsh (cy)"], ["begin group", "g", "G", "Grŵp"], ["text", "q", "Q", ""],
                 ["end group"]])
    parsed = parse_xlsform(data)
    assert parsed.sections[0].title == {"en": "G", "cy": "Grŵp"} and parsed.locales == ["en"]


def test_numbers_in_cells_read_as_text():
    data = book([SURVEY, ["text", "q", 2.0], ["text", "r", 1.5], ["text", "s", "  spaced  "]])
    assert [q.text["en"] for q in parse_xlsform(data).questions] == ["2", "1.5", "spaced"]


@pytest.mark.parametrize("length, ok", [(MAX_TEXT, True), (MAX_TEXT + 1, False)])
def test_a_label_or_hint_is_at_most_max_text_characters(length, ok):
    data = book([SURVEY + ["hint::Welsh (cy)"], ["text", "q", "Q" * length, "H" * length]])
    if ok:
        assert parse_xlsform(data).questions[0].help == {"cy": "H" * length}
        return
    assert problems(data) == [
        "survey sheet, row 2: the text in “label” is longer than 2000 characters.",
        "survey sheet, row 2: the text in “hint::Welsh (cy)” is longer than 2000 characters.",
        "survey sheet, row 2: “q” has no label in the default language (en)."]


# --- the choices sheet -------------------------------------------------------------------------------------


def test_options_keep_their_sheet_order_within_each_list():
    choices = [["list name", "name", "label"], ["b", "z", "Z"], ["a", "2", "Two"], ["b", "y", "Y"], ["a", 1, "One"]]
    data = book([SURVEY, ["select_multiple a", "qa", "A"], ["select_one b", "qb", "B"]], choices)
    assert [[o.value for o in q.options] for q in parse_xlsform(data).questions] == [["2", "1"], ["z", "y"]]


def test_each_question_gets_its_own_copy_of_a_shared_list():
    data = book([SURVEY, ["select_one yn", "a", "A"], ["select_one yn", "b", "B"]], YN)
    first, second = parse_xlsform(data).questions
    assert first.options == second.options and first.options[0].label is not second.options[0].label


def test_only_the_lists_that_are_used_add_locales():
    choices = [CHOICES + ["label::Polish (pl)", "label::Welsh (cy)"], ["yn", "yes", "Yes", "", "Ie"],
               ["other", "x", "X", "Iks", ""]]
    parsed = parse_xlsform(book([SURVEY, ["select_one yn", "q", "Q"]], choices))
    assert parsed.locales == ["cy", "en"]


def test_the_choices_sheet_needs_its_columns_only_when_it_has_rows():
    assert parse_xlsform(book([SURVEY, ["text", "q", "Q"]], [["list_name", "name"]])).questions
    assert problems(book([SURVEY, ["select_one yn", "q", "Q"]], [["list_name", "name"], ["yn", "yes"]])) == [
        "choices sheet: it needs list_name, name and label columns.",
        "survey sheet, row 2: the choice list “yn” is not in the choices sheet."]


@pytest.mark.parametrize("header", [["name", "label"], ["list_name", "label"], ["list_name", "name", "label::x"]])
def test_each_choices_column_is_needed(header):
    assert "choices sheet: it needs list_name, name and label columns." in problems(
        book([SURVEY, ["text", "q", "Q"]], [header, ["a", "b", "c"]]))


def test_a_choices_sheet_with_only_translated_labels_has_its_label_column():
    choices = [["list_name", "name", "label::Welsh (cy)"], ["yn", "yes", "Ie"]]
    data = book([SURVEY, ["select_one yn", "q", "Q"]], choices, [["default_language"], ["Welsh (cy)"]])
    assert parse_xlsform(data).questions[0].options == [ParsedOption("yes", {"cy": "Ie"})]
    assert problems(book([SURVEY, ["select_one yn", "q", "Q"]], choices)) == [
        "choices sheet, row 2: the option “yes” has no label in the default language (en)."]


def test_each_bad_choice_row_is_listed_by_row():
    choices = [CHOICES, ["", "x", "X"], ["yn", "has space", "S"], ["yn", "", "E"], ["yn", "yes", "Yes"],
               ["yn", "yes", "Again"], ["yn", "no", ""], ["yn", "n" * 65, "Long"], ["other", "yes", "Fine"]]
    assert problems(book([SURVEY, ["select_one yn", "q", "Q"]], choices)) == [
        "choices sheet, row 2: the list_name is empty.",
        "choices sheet, row 3: the name “has space” must be 1 to 64 letters, digits, dots, hyphens or underscores.",
        "choices sheet, row 4: the name “” must be 1 to 64 letters, digits, dots, hyphens or underscores.",
        "choices sheet, row 6: “yes” appears twice in the list “yn”.",
        "choices sheet, row 7: the option “no” has no label in the default language (en).",
        (f"choices sheet, row 8: the name “{'n' * 65}” must be 1 to 64 letters, digits, dots, hyphens or "
        "underscores.")]


def test_a_too_long_option_label_is_listed_and_then_missing():
    choices = [CHOICES, ["yn", "yes", "Y" * (MAX_TEXT + 1)]]
    assert problems(book([SURVEY, ["select_one yn", "q", "Q"]], choices)) == [
        "choices sheet, row 2: the text in “label” is longer than 2000 characters.",
        "choices sheet, row 2: the option “yes” has no label in the default language (en)."]


def test_a_list_whose_every_option_is_refused_still_exists():
    problems_found = problems(book([SURVEY, ["select_one yn", "q", "Q"]], [CHOICES, ["yn", "bad name", "B"]]))
    assert problems_found == [("choices sheet, row 2: the name “bad name” must be 1 to 64 letters, digits, dots, "
                              "hyphens or underscores.")]


def test_a_list_has_at_most_as_many_options_as_the_builder_allows_a_question():
    assert MAX_OPTIONS == 100
    choices = [CHOICES] + [["big", f"o{i}", f"O{i}"] for i in range(MAX_OPTIONS + 2)]
    assert problems(book([SURVEY, ["select_one big", "q", "Q"]], choices)) == [
        "choices sheet, row 102: the list “big” has more than 100 options.",
        "choices sheet, row 103: the list “big” has more than 100 options."]
    parsed = parse_xlsform(book([SURVEY, ["select_one big", "q", "Q"]], choices[:MAX_OPTIONS + 1]))
    assert len(parsed.questions[0].options) == MAX_OPTIONS


def test_a_choices_sheet_longer_than_max_rows_is_refused_not_cut_off():
    lists = [[f"l{i // MAX_OPTIONS}", f"o{i}", "O"] for i in range(MAX_ROWS)]
    parse_xlsform(book([SURVEY, ["text", "q", "Q"]], [CHOICES] + lists))
    assert problems(book([SURVEY, ["text", "q", "Q"]], [CHOICES] + lists + [["l0", "last", "L"]])) == [
        f"choices sheet: more than {MAX_ROWS} rows."]


def test_columns_the_choices_sheet_does_not_use_are_left_alone():
    choices = [CHOICES + ["media::image", "choice_filter"], ["yn", "yes", "Yes", "a.png", "x"]]
    parsed = parse_xlsform(book([SURVEY, ["select_one yn", "q", "Q"]], choices))
    assert parsed.notes == [] and parsed.questions[0].options == [ParsedOption("yes", {"en": "Yes"})]


# --- survey rows -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("type_, kind", [
    ("text", "short_text"), ("Text", "short_text"), ("integer", "number"), ("int", "number"),
    ("decimal", "decimal"), ("date", "date"), ("note", "note"), ("select_one yn", "single"),
    ("Select One  yn", "single"), ("select_multiple yn", "multiple"), ("SELECT_MULTIPLE\tyn", "multiple")])
def test_each_supported_type_has_its_kind(type_, kind):
    parsed = parse_xlsform(book([SURVEY, [type_, "q", "Q"]], YN))
    assert parsed.questions[0].kind == kind


@pytest.mark.parametrize("type_", ["select_one yn or_other", "select_one or_other", "select_one", "geopoint",
                                   "select_one_from_file x.csv", "begin repeat", "begin group now", "calculate"])
def test_other_types_are_not_supported(type_):
    assert problems(book([SURVEY, [type_, "q", "Q"]], YN)) == [
        f"survey sheet, row 2: the type “{type_}” is not supported."]


def test_an_unsupported_types_words_are_quoted_with_spaces_collapsed():
    assert problems(book([SURVEY, ["  geo\n point ", "q", "Q"]])) == [
        "survey sheet, row 2: the type “geo point” is not supported."]


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers():
    data = book([SURVEY, [None, None, None], ["", "q", "Q"], ["text", "r", "R"], [], ["oops", "s", "S"]])
    assert problems(data) == ["survey sheet, row 3: the type is empty.",
                              "survey sheet, row 6: the type “oops” is not supported."]


@pytest.mark.parametrize("type_", ["start", "END", "deviceid", "start-geopoint", "uri:deviceid", "audit"])
def test_metadata_rows_are_noted_and_need_no_name(type_):
    parsed = parse_xlsform(book([SURVEY, [type_, "", ""], ["text", "q", "Q"]]))
    assert parsed.notes == [(f"survey sheet, row 2: “{type_}” is not stored (this service keeps no times or devices "
                            "with answers).")]
    assert [q.code for q in parsed.questions] == ["q"]


@pytest.mark.parametrize("code, ok", [("a", True), ("_a.b-c_1", True), ("a" * 64, True), ("a" * 65, False),
                                      ("1a", False), ("", False), ("a b", False), ("é", False), (3, False)])
def test_a_question_name_must_be_a_code(code, ok):
    data = book([SURVEY, ["text", code, "Q"]])
    if ok:
        assert parse_xlsform(data).questions[0].code == code
        return
    assert problems(data) == [
        (f"survey sheet, row 2: the name “{code}” must start with a letter and have only letters, digits, dots, "
        "hyphens or underscores (up to 64).")]


def test_a_name_used_twice_is_reported_before_anything_else_on_its_row():
    assert problems(book([SURVEY + ["required"], ["text", "q", "Q"], ["integer", "q", "", "maybe"]])) == [
        "survey sheet, row 3: the name “q” is used twice."]


def test_a_bad_name_is_reported_before_anything_else_on_its_row():
    assert problems(book([SURVEY + ["required"], ["text", "1q", "", "maybe"]])) == [
        ("survey sheet, row 2: the name “1q” must start with a letter and have only letters, digits, dots, hyphens "
        "or underscores (up to 64).")]


@pytest.mark.parametrize("value, required", [
    ("yes", True), ("YES", True), ("true", True), ("true()", True), ("1", True), ("y", True), (True, True),
    (1, True), ("no", False), ("False", False), ("false()", False), ("0", False), ("n", False), ("", False),
    (False, False)])
def test_required_reads_yes_or_no(value, required):
    parsed = parse_xlsform(book([SURVEY + ["required"], ["text", "q", "Q", value]]))
    assert parsed.questions[0].required is required


def test_a_note_is_never_required_and_no_required_column_means_optional():
    data = book([SURVEY + ["required"], ["note", "n", "N", "yes"], ["text", "q", "Q", ""]])
    assert [q.required for q in parse_xlsform(data).questions] == [False, False]
    assert parse_xlsform(book([SURVEY, ["text", "q", "Q"]])).questions[0].required is False


def test_another_required_value_is_a_problem_quoted_as_written():
    assert problems(book([SURVEY + ["required"], ["text", "q", "Q", "Maybe"]])) == [
        "survey sheet, row 2: required must be yes or no, not “Maybe”."]


@pytest.mark.parametrize("appearance, type_, kind", [
    ("multiline", "text", "long_text"), ("w2 MultiLine", "text", "long_text"), ("minimal", "text", "short_text"),
    ("multiline", "integer", "number")])
def test_multiline_appearance_makes_a_text_long(appearance, type_, kind):
    data = book([SURVEY + ["appearance"], [type_, "q", "Q", appearance]])
    assert parse_xlsform(data).questions[0].kind == kind


@pytest.mark.parametrize("type_, constraint, low, high", [
    ("integer", ". >= 0 and . <= 120", 0, 120), ("integer", ".>1 and .<10", 2, 9), ("integer", ". >= -5", -5, None),
    ("decimal", ". <= 2.5", None, Decimal("2.5")), ("integer", ". >= 1 and . >= 3 and . <= 9 and . <= 7", 3, 7),
    ("integer", ". >= 4 and . <= 4", 4, 4), ("integer", ". >= 2.0", 2, None)])
def test_a_numeric_constraint_is_read_as_bounds(type_, constraint, low, high):
    [question] = parse_xlsform(book([SURVEY + ["constraint"], [type_, "q", "Q", constraint]])).questions
    assert (question.min_value, question.max_value) == (low, high)


@pytest.mark.parametrize("type_, constraint", [
    ("decimal", ". > 1"), ("integer", ". > 1.5"), ("integer", ". >= 5 and . <= 1"), ("integer", ". != 3"),
    ("integer", ". >= 1 or . <= 3"), ("integer", "regex(., '[0-9]')"), ("integer", ". > 3 and . < 4")])
def test_other_constraints_are_not_supported(type_, constraint):
    assert problems(book([SURVEY + ["constraint"], [type_, "q", "Q", constraint]])) == [
        (f"survey sheet, row 2: the constraint “{constraint}” is not supported (only a minimum and maximum like . >= 0 "
        "and . <= 120).")]


@pytest.mark.parametrize("type_", ["text", "date", "select_one yn", "note"])
def test_constraints_only_on_numbers(type_):
    assert problems(book([SURVEY + ["constraint"], [type_, "q", "Q", ". >= 1"]], YN)) == [
        "survey sheet, row 2: constraints are supported only on integer and decimal questions."]


def test_a_select_needs_its_list():
    assert problems(book([SURVEY, ["select_one YN", "q", "Q"]], YN)) == [
        "survey sheet, row 2: the choice list “YN” is not in the choices sheet."]
    assert problems(book([SURVEY, ["select_one yn", "q", "Q"]])) == [
        "survey sheet, row 2: the choice list “yn” is not in the choices sheet."]


@pytest.mark.parametrize("column", ["calculation", "default", "choice_filter", "repeat_count", "read_only",
                                    "trigger", "parameters", "media", "body", "image", "audio", "video", "big-image",
                                    "media::image", "Image::English (en)"])
def test_a_value_in_an_unsupported_column_is_a_problem(column):
    data = book([SURVEY + [column], ["text", "q", "Q", "x"], ["text", "r", "R", ""], ["start", "", "", "y"]])
    assert problems(data) == [f"survey sheet, row 2: the column “{column}” is not supported.",
                              f"survey sheet, row 4: the column “{column}” is not supported."]


@pytest.mark.parametrize("columns", [["trigger", "calculation", "media"], ["media", "calculation", "trigger"],
                                     ["default", "audio", "body", "image", "video"]])
def test_several_unsupported_values_in_one_row_are_listed_in_the_sheets_column_order(columns):
    data = book([SURVEY + columns, ["text", "q", "Q"] + ["x"] * len(columns)])
    assert problems(data) == [f"survey sheet, row 2: the column “{column}” is not supported." for column in columns]


def test_columns_that_only_tune_presentation_are_ignored():
    ignored = ["required_message", "constraint_message", "guidance_hint", "autoplay", "instance_name", "note",
               "notes", "comment", "comments"]
    parsed = parse_xlsform(book([SURVEY + ignored, ["text", "q", "Q", *["x"] * len(ignored)]]))
    assert parsed.notes == [] and parsed.questions[0].kind == "short_text"


# --- relevant and conditions -------------------------------------------------------------------------------


def test_a_relevant_that_cannot_be_read_quotes_the_conditions_reason():
    expression = "count-selected(${q}) > 1"
    assert problems(book([SURVEY + ["relevant"], ["text", "q", "Q", expression]])) == [
        f"survey sheet, row 2: relevant “{expression}”: {reason(expression)}"]


def test_a_relevant_must_read_an_earlier_question():
    data = book([SURVEY + ["relevant"], ["note", "n", "N"], ["text", "q", "Q", "${later} = 'x' or ${n} = 'y'"],
                 ["text", "later", "L", "${q} = 'x'"]])
    assert problems(data) == [f"survey sheet, row 3: {reason('${later} = 1')}"]
    data = book([SURVEY + ["relevant"], ["note", "n", "N"], ["text", "q", "Q", "${n} = 'y'"]])
    assert problems(data) == [f"survey sheet, row 3: {reason('${n} = 1')}"]


def test_a_relevant_on_a_select_must_use_its_options():
    data = book([SURVEY + ["relevant"], ["select_one yn", "a", "A"], ["text", "q", "Q", "${a} = 'maybe'"]], YN)
    assert problems(data) == [
        f"survey sheet, row 3: {reason('${a} = ' + repr('maybe'), {'a': ('single', frozenset({'yes', 'no'}))})}"]


def test_a_groups_relevant_applies_to_every_question_in_it_and_nests():
    data = book([SURVEY + ["relevant"], ["text", "a", "A"], ["begin group", "outer", "O", "${a} = 'x'"],
                 ["text", "b", "B"], ["begin group", "inner", "I", "${b} = 'y'"], ["text", "c", "C", "${a} != ''"],
                 ["end group"], ["text", "d", "D"], ["end group"], ["text", "e", "E"]])
    conditions = {q.code: q.condition for q in parse_xlsform(data).questions}
    outer, inner = {"q": "a", "op": "eq", "value": "x"}, {"q": "b", "op": "eq", "value": "y"}
    assert conditions == {"a": None, "b": outer, "c": {"all": [outer, inner, {"q": "a", "op": "answered"}]},
                          "d": outer, "e": None}


def test_a_groups_relevant_is_checked_at_each_of_its_questions():
    data = book([SURVEY + ["relevant"], ["begin group", "g", "G", "${later} = 'x'"], ["text", "a", "A"],
                 ["text", "later", "L"], ["end group"]])
    assert problems(data) == [f"survey sheet, row 3: {reason('${later} = 1')}",
                              f"survey sheet, row 4: {reason('${later} = 1')}"]


def test_a_relevant_that_cannot_be_read_is_reported_on_group_rows_too():
    data = book([SURVEY + ["relevant"], ["begin group", "g", "G", "(("], ["text", "a", "A"],
                 ["end group", "", "", "))"]])
    assert problems(data) == [f"survey sheet, row 2: relevant “((”: {reason('((')}",
                              f"survey sheet, row 4: relevant “))”: {reason('))')}"]


def test_a_relevant_that_cannot_be_read_still_leaves_the_groups_to_check():
    data = book([SURVEY + ["relevant"], ["text", "a", "A"], ["begin group", "g", "G", "${later} = 1"],
                 ["text", "b", "B", "(("], ["end group"], ["text", "later", "L"]])
    assert problems(data) == [f"survey sheet, row 4: relevant “((”: {reason('((')}",
                              f"survey sheet, row 4: {reason('${later} = 1')}"]


def test_a_relevant_reading_a_long_text_sees_its_kind():
    data = book([SURVEY + ["relevant", "appearance"], ["text", "a", "A", "", "multiline"],
                 ["text", "b", "B", "${a} = 'x'"]])
    assert parse_xlsform(data).questions[1].condition == {"q": "a", "op": "eq", "value": "x"}


# --- groups become sections --------------------------------------------------------------------------------


def test_groups_become_sections_and_what_follows_a_group_starts_another():
    data = book([SURVEY, ["text", "a", "A"], ["begin_group", "outer", "Outer"], ["text", "b", "B"],
                 ["Begin  Group", "inner", "Inner"], ["text", "c", "C"], ["end_group"], ["text", "d", "D"],
                 ["END GROUP"], ["text", "e", "E"], ["text", "f", "F"]])
    sections = parse_xlsform(data).sections
    assert [(s.title, [q.code for q in s.questions]) for s in sections] == [
        ({}, ["a"]), ({"en": "Outer"}, ["b"]), ({"en": "Inner"}, ["c"]), ({"en": "Outer"}, ["d"]), ({}, ["e", "f"])]


def test_empty_groups_leave_no_section_and_a_group_may_have_no_label():
    data = book([SURVEY, ["begin group", "g1", "Empty"], ["end group"], ["begin group", "g2", ""],
                 ["text", "a", "A"], ["end group"], ["start"], ["text", "b", "B"]])
    sections = parse_xlsform(data).sections
    assert [(s.title, [q.code for q in s.questions]) for s in sections] == [({}, ["a"]), ({}, ["b"])]


def test_a_group_closed_and_another_opened_makes_one_new_section_each():
    data = book([SURVEY, ["begin group", "g1", "One"], ["text", "a", "A"], ["end group"], ["end group"],
                 ["begin group", "g2", "Two"], ["text", "b", "B"], ["end group"]])
    assert problems(data) == ["survey sheet, row 5: “end group” without a “begin group”."]
    data = book([SURVEY, ["begin group", "g1", "One"], ["text", "a", "A"], ["end group"],
                 ["begin group", "g2", "Two"], ["text", "b", "B"], ["end group"]])
    assert [s.title for s in parse_xlsform(data).sections] == [{"en": "One"}, {"en": "Two"}]


def test_group_names_are_not_question_names():
    data = book([SURVEY, ["begin group", "q", "G"], ["text", "q", "Q"], ["end group", "q"],
                 ["begin group", "1 bad", "G2"], ["text", "r", "R"], ["end group"]])
    assert [q.code for q in parse_xlsform(data).questions] == ["q", "r"]


def test_unclosed_groups_are_listed_outermost_first_after_every_row():
    data = book([SURVEY, ["begin group", "g1", "One"], ["begin group", "g2", "Two"], ["text", "a", "A"],
                 ["oops", "b", "B"]])
    assert problems(data) == ["survey sheet, row 5: the type “oops” is not supported.",
                              "survey sheet, row 2: “begin group” without an “end group”.",
                              "survey sheet, row 3: “begin group” without an “end group”."]


@pytest.mark.parametrize("rows", [[], [["start"]], [["begin group", "g", "G"], ["end group"]]])
def test_a_form_without_questions_is_refused(rows):
    assert problems(book([SURVEY, *rows])) == ["survey sheet: there are no questions."]


def test_no_questions_is_not_said_when_there_are_other_problems():
    assert problems(book([SURVEY, ["oops", "a", "A"]])) == ["survey sheet, row 2: the type “oops” is not supported."]


# --- limits and the order of problems ----------------------------------------------------------------------


def test_the_survey_sheet_has_at_most_max_rows():
    rows = [["text", f"q{i}", "Q"] for i in range(MAX_ROWS)]
    assert len(parse_xlsform(book([SURVEY, [None], *rows])).questions) == MAX_ROWS
    assert problems(book([SURVEY + ["label::Klingon"], *rows, ["oops", "x", "X"]])) == [
        ("survey sheet: the column “label::Klingon” does not name a language as Language (code), like "
        "label::Cymraeg (cy)."),
        "survey sheet: more than 2000 rows."]


def test_problems_are_listed_sheet_by_sheet_then_row_by_row_then_rule_by_rule():
    header = SURVEY + ["hint", "required", "relevant", "constraint", "calculation", "label::Nowhere"]
    survey = [header, ["begin group", "g", "G", "", "", "${later} = 'x'"],
              ["select_one nolist", "q", "", "H" * (MAX_TEXT + 1), "maybe", "((", ". > 1", "1 + 1"],
              ["text", "later", "L"]]
    choices = [CHOICES + ["label::Nowhere"], ["", "a", "A"]]
    data = book(survey, choices, [["default_language"], ["Nowhere"]])
    assert problems(data) == [
        "settings sheet: default_language “Nowhere” does not name a language as Language (code).",
        ("choices sheet: the column “label::Nowhere” does not name a language as Language (code), like "
        "label::Cymraeg (cy)."),
        "choices sheet, row 2: the list_name is empty.",
        ("survey sheet: the column “label::Nowhere” does not name a language as Language (code), like "
        "label::Cymraeg (cy)."),
        "survey sheet, row 3: the column “calculation” is not supported.",
        f"survey sheet, row 3: relevant “((”: {reason('((')}",
        "survey sheet, row 3: the text in “hint” is longer than 2000 characters.",
        "survey sheet, row 3: “q” has no label in the default language (en).",
        "survey sheet, row 3: required must be yes or no, not “maybe”.",
        "survey sheet, row 3: constraints are supported only on integer and decimal questions.",
        "survey sheet, row 3: the choice list “nolist” is not in the choices sheet.",
        f"survey sheet, row 3: {reason('${later} = 1')}",
        f"survey sheet, row 4: {reason('${later} = 1')}",
        "survey sheet, row 2: “begin group” without an “end group”."]


def test_an_unsupported_column_is_reported_even_on_a_row_without_a_type():
    data = book([SURVEY + ["default"], ["", "q", "Q", "5"]])
    assert problems(data) == ["survey sheet, row 2: the column “default” is not supported.",
                              "survey sheet, row 2: the type is empty."]


def test_notes_list_columns_then_rows():
    data = book([SURVEY + ["colour"], ["start"], ["text", "q", "Q"], ["end"]], [CHOICES + ["shade"]])
    assert parse_xlsform(data).notes == [
        "choices sheet: the column “shade” is not used.",
        "survey sheet: the column “colour” is not used.",
        "survey sheet, row 2: “start” is not stored (this service keeps no times or devices with answers).",
        "survey sheet, row 4: “end” is not stored (this service keeps no times or devices with answers)."]
