"""The builder's rules, called as the services they are (consult/surveys/services/questions.py and common.py):
what a question may become, before and after people have answered, and the one web-address rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.services.building import save_survey
from consult.surveys.services.questions import QuestionDraft, save_question
from factories import make_survey, make_survey_response

TEXT = {"en": "How many hours?"}


@pytest.fixture
def survey():
    return make_survey(slug="rules")


def refused(survey, question, draft) -> SurveyError:
    with pytest.raises(SurveyError) as caught:
        save_question(survey.sections[0], question, draft)
    return caught.value


def test_a_new_question_gets_the_next_free_short_name_and_an_audit_event(survey):
    question = save_question(survey.sections[0], None, QuestionDraft(kind="number", text=TEXT, required=True,
                                                                     min_value="0", max_value="168"))
    assert question.code == "q2" and question.required
    assert (question.min_value, question.max_value) == (Decimal("0"), Decimal("168"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey_question.create"))
    assert event.after["code"] == "q2" and event.after["max"] == "168"


@pytest.mark.parametrize("draft, field, message", [
    (QuestionDraft(kind="essay", text=TEXT), "kind", "Choose one of the options"),
    (QuestionDraft(kind="number", text=TEXT, code="2nd"), "code", "The short name must start with a letter"),
    (QuestionDraft(kind="number", text=TEXT, code="carer"), "code", "already has this short name"),
    (QuestionDraft(kind="number", text={"cy": "Sawl awr?"}), "text_en", "Enter the question in English"),
    (QuestionDraft(kind="number", text=TEXT, min_value="1.5"), "min_value", "Enter a whole number"),
    (QuestionDraft(kind="decimal", text=TEXT, min_value="5", max_value="1"), "max_value",
     "The smallest allowed answer must not be more than the largest."),
    (QuestionDraft(kind="decimal", text=TEXT, max_value="1e20"), "max_value", "Enter a number between"),
    (QuestionDraft(kind="single", text=TEXT, options=[]), "options_en", "Enter at least one option in English"),
    (QuestionDraft(kind="single", text=TEXT, options=[{"label": {"en": str(n)}} for n in range(101)]),
     "options_en", "at most 100 options"),
])
def test_a_draft_that_breaks_a_rule_is_refused_on_its_field_and_nothing_is_saved(survey, draft, field, message):
    before = [q.code for q in survey.questions]
    problem = refused(survey, None, draft)
    assert problem.field == field and message in str(problem)
    db.session.expire_all()
    assert [q.code for q in survey.questions] == before


def test_bounds_and_options_are_kept_only_for_the_kinds_that_have_them(survey):
    question = save_question(survey.sections[0], None, QuestionDraft(
        kind="short_text", text=TEXT, min_value="1", max_value="2", options=[{"label": {"en": "Bus"}}]))
    assert question.min_value is None and question.max_value is None and question.options == []
    note = save_question(survey.sections[0], None, QuestionDraft(kind="note", text=TEXT, required=True))
    assert not note.required


def test_once_answered_a_question_keeps_its_kind_short_name_and_options(survey):
    question = save_question(survey.sections[0], None, QuestionDraft(
        kind="single", text=TEXT, code="travel", options=[{"label": {"en": "Bus"}}, {"label": {"en": "Car"}}]))
    make_survey_response(survey, answers={"travel": "bus"})
    assert refused(survey, question, QuestionDraft(kind="multiple", text=TEXT, code="travel")).field == "kind"
    assert "short name cannot change" in str(refused(survey, question, QuestionDraft(
        kind="single", text=TEXT, code="how", options=[{"label": {"en": "Bus"}}, {"label": {"en": "Car"}}])))
    assert "options cannot be removed" in str(refused(survey, question, QuestionDraft(
        kind="single", text=TEXT, code="travel", options=[{"label": {"en": "Bus"}}])))
    reworded = save_question(survey.sections[0], question, QuestionDraft(
        kind="single", text={"en": "How do you travel?"}, code="travel",
        options=[{"label": {"en": "Bus"}}, {"label": {"en": "Car"}}, {"label": {"en": "Walk"}}]))
    assert [o.value for o in reworded.options] == ["bus", "car", "walk"]


def test_an_unchanged_condition_is_kept_when_the_form_cannot_show_it(survey):
    condition = {"q": "carer", "op": "eq", "value": "yes"}
    question = save_question(survey.sections[0], None, QuestionDraft(kind="number", text=TEXT, condition=condition))
    kept = save_question(survey.sections[0], question, QuestionDraft(kind="number", text=TEXT, keep_condition=True))
    assert kept.condition == condition
    cleared = save_question(survey.sections[0], question, QuestionDraft(kind="number", text=TEXT))
    assert cleared.condition is None


@pytest.mark.parametrize("slug", ["a", "older-people-2027", " Older-People "])
def test_a_survey_address_follows_the_one_slug_rule(slug):
    survey = save_survey(None, title={"en": "Care"}, slug=slug)
    assert survey.slug == slug.strip().lower()


@pytest.mark.parametrize("slug", ["older-", "-older", "older people", "a" * 65, "", "older_people"])
def test_a_survey_address_the_slug_rule_refuses_is_refused_with_the_consultations_message(slug):
    with pytest.raises(SurveyError) as caught:
        save_survey(None, title={"en": "Care"}, slug=slug)
    assert caught.value.field == "slug"
    assert str(caught.value) == ("The web address name must be 1 to 64 lower-case letters, digits or hyphens, "
                                 "like older-people-2027.")


def test_an_address_made_from_a_long_title_never_ends_in_a_hyphen():
    from consult.surveys.services.common import slugify

    assert slugify("x" * 47 + " and more") == "x" * 47
    assert slugify("Gofal yn y cartref!") == "gofal-yn-y-cartref"
