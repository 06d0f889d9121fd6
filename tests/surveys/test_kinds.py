"""What each kind of question accepts and how its answers read back (consult/surveys/kinds.py), on plain
stand-ins for questions: no database."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from consult.surveys import kinds
from consult.surveys.errors import SurveyError


def question(kind, *, code="q1", required=False, options=(), low=None, high=None):
    return SimpleNamespace(code=code, kind=kind, required=required, min_value=low, max_value=high,
                           options=[SimpleNamespace(value=v, label={"en": v.title()}) for v in options],
                           survey=SimpleNamespace(default_locale="en"))


def clean(q, raw, *, require=True):
    return kinds.clean_answer(q, raw, require=require, label="How often?")


def refused(q, raw, *, require=True) -> SurveyError:
    with pytest.raises(SurveyError) as caught:
        clean(q, raw, require=require)
    return caught.value


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context():
        yield


def test_every_kind_has_a_cleaner_and_a_name_and_notes_are_never_answered():
    assert set(kinds.KINDS) == set(kinds._CLEANERS) | {"note"}
    assert [kind for kind, _label in kinds.KIND_LABELS] == list(kinds.KINDS)
    assert clean(question("note", required=True), {"q-q1": ["anything"]}) is None
    assert not kinds.is_answerable("note") and kinds.is_answerable("short_text")


def test_built_in_options_come_from_the_kind_and_written_ones_from_the_question():
    assert kinds.option_values(question("scale"))[0] == "strongly_agree"
    assert kinds.option_values(question("yes_no", options=["maybe"])) == ["yes", "no"]
    assert kinds.option_values(question("single", options=["bus", "car"])) == ["bus", "car"]
    assert kinds.option_values(question("short_text")) == []


def test_single_choice_takes_one_known_option():
    q = question("single", options=["bus", "car"], required=True)
    assert clean(q, {"q-q1": [" car "]}) == "car"
    assert str(refused(q, {})) == "Select an answer for “How often?”"
    assert str(refused(q, {"q-q1": ["train"]})) == "Choose one of the options for “How often?”"
    assert str(refused(q, {"q-q1": ["bus", "car"]})) == "Choose one of the options for “How often?”"
    assert refused(q, {}).field == "q-q1"
    assert clean(q, {}, require=False) is None


def test_multiple_choice_keeps_the_options_order_and_drops_repeats():
    q = question("multiple", options=["bus", "car", "walk"], required=True)
    assert clean(q, {"q-q1": ["walk", "bus", "walk"]}) == ["bus", "walk"]
    assert str(refused(q, {"q-q1": [""]})) == "Select at least one answer for “How often?”"
    assert str(refused(q, {"q-q1": ["bus", "plane"]})) == "Choose one of the options for “How often?”"


def test_a_date_comes_from_three_boxes_and_must_be_real():
    q = question("date", required=True)
    assert clean(q, {"q-q1-day": ["7"], "q-q1-month": ["3"], "q-q1-year": ["2027"]}) == "2027-03-07"
    for day, month, year in [("31", "2", "2027"), ("1", "1", "1899"), ("x", "1", "2027"), ("1", "", "2027")]:
        problem = refused(q, {"q-q1-day": [day], "q-q1-month": [month], "q-q1-year": [year]})
        assert str(problem) == "“How often?” must be a real date, like 27 3 2027" and problem.field == "q-q1-day"
    assert str(refused(q, {})) == "Enter a date for “How often?”"
    assert clean(question("date"), {}) is None


def test_text_is_trimmed_has_a_limit_per_kind_and_takes_one_value():
    short = question("short_text", required=True)
    assert clean(short, {"q-q1": ["  Buses\r\n "]}) == "Buses"
    assert clean(question("long_text"), {"q-q1": ["a\r\nb\x00"]}) == "a\nb"
    assert clean(short, {"q-q1": ["x" * 200]}) == "x" * 200
    assert str(refused(short, {"q-q1": ["x" * 201]})) == "“How often?” must be 200 characters or fewer"
    assert clean(question("long_text"), {"q-q1": ["x" * 5000]}) == "x" * 5000
    assert "5000 characters" in str(refused(question("long_text"), {"q-q1": ["x" * 5001]}))
    assert str(refused(short, {"q-q1": ["   "]})) == "Enter an answer for “How often?”"
    assert str(refused(short, {"q-q1": ["a", "b"]})) == "Give one answer for “How often?”"


def test_whole_numbers_are_stored_as_numbers_within_their_bounds():
    # Bounds come back from the database with six decimal places.
    q = question("number", required=True, low=Decimal("0.000000"), high=Decimal("168.000000"))
    assert clean(q, {"q-q1": ["1,0 0"]}) == 100
    assert clean(q, {"q-q1": ["168"]}) == 168 and clean(q, {"q-q1": ["0"]}) == 0
    assert str(refused(q, {"q-q1": ["2.5"]})) == "“How often?” must be a whole number, like 12"
    assert str(refused(q, {"q-q1": ["169"]})) == "“How often?” must be between 0 and 168"
    assert str(refused(q, {"q-q1": ["-1"]})) == "“How often?” must be between 0 and 168"
    assert str(refused(q, {})) == "Enter a whole number for “How often?”"
    assert str(refused(q, {"q-q1": ["1" * 14]})) == "“How often?” must be a whole number, like 12"
    assert clean(q, {"q-q1": [" 12\n"]}) == 12
    only_low = question("number", low=Decimal("5"))
    assert str(refused(only_low, {"q-q1": ["4"]})) == "“How often?” must be 5 or more"
    only_high = question("number", high=Decimal("5"))
    assert str(refused(only_high, {"q-q1": ["6"]})) == "“How often?” must be 5 or less"


def test_decimals_are_stored_as_exact_text():
    q = question("decimal", low=Decimal("0.500000"), high=Decimal("2.250000"))
    assert clean(q, {"q-q1": ["1.50"]}) == "1.5"
    assert clean(q, {"q-q1": ["2"]}) == "2"
    assert str(refused(q, {"q-q1": ["3"]})) == "“How often?” must be between 0.5 and 2.25"
    assert str(refused(q, {"q-q1": ["1.1234567"]})) == "“How often?” must be a number, like 2.5"
    assert str(refused(question("decimal", required=True), {})) == "Enter a number for “How often?”"


def test_answers_read_back_as_people_gave_them():
    assert kinds.answer_text(question("yes_no"), "yes") == "Yes"
    assert kinds.answer_text(question("multiple", options=["bus", "car"]), ["bus", "car"]) == "Bus, Car"
    assert kinds.answer_text(question("single", options=["bus"]), "gone") == "gone"
    assert kinds.answer_text(question("date"), "2027-03-07") == "7 3 2027"
    assert kinds.answer_text(question("number"), 12) == "12"
    assert kinds.answer_text(question("short_text"), "") == ""


def test_exported_cells_use_labels_and_keep_whole_numbers_numeric():
    assert kinds.export_cell(question("multiple", options=["bus", "car"]), ["bus", "car"], "en") == "Bus; Car"
    assert kinds.export_cell(question("scale"), "agree", "en") == "Agree"
    assert kinds.export_cell(question("number"), "12", "en") == 12
    assert kinds.export_cell(question("decimal"), "1.5", "en") == "1.5"
    assert kinds.export_cell(question("short_text"), None, "en") == ""


def test_a_refused_page_shows_back_what_was_typed_and_a_stored_date_fills_its_three_boxes():
    raw = {"q-q1-day": ["7"], "q-q1-month": ["3"], "q-q1-year": ["2027"], "q-q1": ["x", "y"]}
    assert kinds.posted_value(question("date"), raw) == {"day": "7", "month": "3", "year": "2027"}
    assert kinds.posted_value(question("multiple"), raw) == ["x", "y"]
    assert kinds.posted_value(question("short_text"), raw) == "x"
    assert kinds.posted_value(question("short_text"), {}) == ""
    assert kinds.form_value(question("date"), "2027-03-07") == {"year": "2027", "month": "3", "day": "7"}
    assert kinds.form_value(question("date"), None) == {"year": "", "month": "", "day": ""}
    assert kinds.form_value(question("number"), 12) == 12
