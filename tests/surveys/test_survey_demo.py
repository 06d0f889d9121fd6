"""The demo survey: English, Welsh and Urdu with easy read and some responses, loaded once."""

from sqlalchemy import func, select

from consult.extensions import db
from consult.surveys.demo import load_survey_demo
from consult.surveys.models import Survey, SurveyResponse
from factories import make_consultation


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_consultation_gets_a_survey_in_three_languages_once():
    consultation = make_consultation(slug="older-people-2027")
    survey = load_survey_demo()
    assert consultation.survey is survey and survey.slug == "older-people-2027"
    questions = survey.ordered_questions()
    assert all(set(q.text) == {"en", "cy", "ur"} for q in questions)
    assert any(set(q.easy_text) == {"en", "cy", "ur"} for q in questions) and set(survey.easy_intro) == {"en", "cy",
                                                                                                        "ur"}
    assert any(q.condition for q in questions)
    assert survey.reviewed_locales == ["cy"]  # Urdu is shown as not yet checked
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert len(responses) >= 30 and {r.locale for r in responses} == {"en", "cy", "ur"}
    assert {r.channel for r in responses} == {"web", "paper"}
    assert all(r.status == "submitted" and r.user_id is None for r in responses)
    assert all("caring_hours" not in r.answers for r in responses if r.answers["carer"] == "no")
    totals = (count(Survey), count(SurveyResponse))
    assert load_survey_demo() is None
    assert (count(Survey), count(SurveyResponse)) == totals


def test_without_the_consultation_a_standalone_demo_survey_is_made():
    survey = load_survey_demo()
    assert survey.consultation is None and survey.slug == "older-people-survey" and survey.accepts_responses()
    assert load_survey_demo() is None
