"""Demo survey: the older people's consultation asks about care at home, in English, Welsh and Urdu, with easy read.

Idempotent: a consultation that already has a survey is left alone. If the demo consultation is missing, a
standalone survey (/s/older-people-survey) is made instead.
"""

from __future__ import annotations

import random
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from consult.consultations.services import get_by_slug
from consult.core.models import utcnow
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.surveys.models import ResponseStatus, Survey, SurveyResponse
from consult.surveys.services import answering, building, finding, translation
from consult.surveys.services import questions as question_rules
from consult.surveys.services.questions import QuestionDraft

CONSULTATION = "older-people-2027"
STANDALONE = "older-people-survey"

TITLE = {"en": "Care at home for older people", "cy": "Gofal yn y cartref i bobl hŷn",
         "ur": "بزرگ افراد کے لیے گھر پر دیکھ بھال"}
INTRO = {
    "en": "This survey takes about 5 minutes. It asks about the help older people and carers get at home.",
    "cy": "Mae'r arolwg hwn yn cymryd tua 5 munud. Mae'n holi am yr help y mae pobl hŷn a gofalwyr yn ei gael "
          "gartref.",
    "ur": "یہ سروے تقریباً 5 منٹ لیتا ہے۔ یہ اس مدد کے بارے میں پوچھتا ہے جو بزرگ افراد اور نگہداشت کرنے والوں کو "
          "گھر پر ملتی ہے۔",
}
EASY_INTRO = {
    "en": "We want to know about help at home. It takes 5 minutes.",
    "cy": "Rydyn ni eisiau gwybod am help gartref. Mae'n cymryd 5 munud.",
    "ur": "ہم گھر پر مدد کے بارے میں جاننا چاہتے ہیں۔ اس میں 5 منٹ لگتے ہیں۔",
}

SECTIONS = [
    {"title": {"en": "You and caring", "cy": "Chi a gofalu", "ur": "آپ اور دیکھ بھال"}, "questions": [
        {"code": "carer", "kind": "yes_no", "required": True,
         "text": {"en": "Do you look after someone who is older or disabled?",
                  "cy": "Ydych chi'n gofalu am rywun sy'n hŷn neu'n anabl?",
                  "ur": "کیا آپ کسی بزرگ یا معذور شخص کی دیکھ بھال کرتے ہیں؟"},
         "easy_text": {"en": "Do you look after someone?", "cy": "Ydych chi'n gofalu am rywun?",
                       "ur": "کیا آپ کسی کی دیکھ بھال کرتے ہیں؟"}},
        {"code": "caring_hours", "kind": "number", "required": True, "min": 1, "max": 168,
         "condition": {"q": "carer", "op": "eq", "value": "yes"},
         "text": {"en": "About how many hours a week do you spend caring?",
                  "cy": "Tua faint o oriau'r wythnos ydych chi'n eu treulio yn gofalu?",
                  "ur": "آپ ہفتے میں تقریباً کتنے گھنٹے دیکھ بھال میں گزارتے ہیں؟"},
         "help": {"en": "A whole number, like 20", "cy": "Rhif cyfan, fel 20", "ur": "ایک مکمل عدد، جیسے 20"},
         "easy_text": {"en": "How many hours a week do you care?", "cy": "Faint o oriau'r wythnos ydych chi'n gofalu?",
                       "ur": "آپ ہفتے میں کتنے گھنٹے دیکھ بھال کرتے ہیں؟"}},
        {"code": "services", "kind": "multiple",
         "text": {"en": "Which of these have you or the person you care for used in the last year?",
                  "cy": "Pa rai o'r rhain ydych chi neu'r person rydych chi'n gofalu amdano wedi'u defnyddio yn y "
                        "flwyddyn ddiwethaf?",
                  "ur": "پچھلے سال آپ نے یا جس کی آپ دیکھ بھال کرتے ہیں اس نے ان میں سے کون سی خدمات استعمال کیں؟"},
         "easy_text": {"en": "What help have you used this year?", "cy": "Pa help ydych chi wedi'i ddefnyddio eleni?",
                       "ur": "اس سال آپ نے کون سی مدد استعمال کی؟"},
         "options": [
             ("home_care", {"en": "Care workers visiting at home", "cy": "Gweithwyr gofal yn ymweld â'r cartref",
                            "ur": "گھر آنے والے دیکھ بھال کے کارکن"},
              {"en": "Someone comes to help at home", "cy": "Rhywun yn dod i helpu gartref",
               "ur": "کوئی گھر پر مدد کے لیے آتا ہے"}),
             ("day_centre", {"en": "A day centre", "cy": "Canolfan ddydd", "ur": "ڈے سینٹر"},
              {"en": "A place to go in the day", "cy": "Lle i fynd yn ystod y dydd", "ur": "دن میں جانے کی جگہ"}),
             ("transport", {"en": "Community transport", "cy": "Trafnidiaeth gymunedol", "ur": "کمیونٹی ٹرانسپورٹ"},
              {"en": "Buses and lifts", "cy": "Bysiau a lifftiau", "ur": "بسیں اور سواری"}),
             ("memory_clinic", {"en": "A memory clinic", "cy": "Clinig cof", "ur": "یادداشت کا کلینک"},
              {"en": "Help with memory", "cy": "Help gyda'r cof", "ur": "یادداشت کی مدد"}),
         ]},
    ]},
    {"title": {"en": "What matters to you", "cy": "Beth sy'n bwysig i chi", "ur": "آپ کے لیے کیا اہم ہے"},
     "questions": [
        {"code": "get_help", "kind": "scale", "required": True,
         "text": {"en": "Older people in my area get the help they need to stay living at home.",
                  "cy": "Mae pobl hŷn yn fy ardal i yn cael yr help sydd ei angen arnynt i aros yn byw gartref.",
                  "ur": "میرے علاقے میں بزرگ افراد کو گھر پر رہنے کے لیے ضروری مدد ملتی ہے۔"},
         "easy_text": {"en": "Older people here get the help they need at home.",
                       "cy": "Mae pobl hŷn yma yn cael yr help sydd ei angen arnynt gartref.",
                       "ur": "یہاں بزرگ افراد کو گھر پر ضروری مدد ملتی ہے۔"}},
        {"code": "most_help", "kind": "single", "required": True,
         "text": {"en": "Which one would help most?", "cy": "Pa un fyddai'n helpu fwyaf?",
                  "ur": "کون سی چیز سب سے زیادہ مدد کرے گی؟"},
         "options": [
             ("night_sitting", {"en": "Someone to sit with the person at night", "cy": "Rhywun i eistedd gyda'r "
                                "person yn y nos", "ur": "رات کو اس شخص کے ساتھ بیٹھنے کے لیے کوئی"}, {}),
             ("respite", {"en": "Breaks for carers", "cy": "Seibiant i ofalwyr",
                          "ur": "نگہداشت کرنے والوں کے لیے وقفہ"}, {}),
             ("transport", {"en": "Transport to appointments", "cy": "Trafnidiaeth i apwyntiadau",
                            "ur": "ملاقاتوں تک ٹرانسپورٹ"}, {}),
             ("falls", {"en": "Help to avoid falls", "cy": "Help i osgoi cwympo", "ur": "گرنے سے بچنے میں مدد"}, {}),
         ]},
        {"code": "ideas", "kind": "long_text",
         "text": {"en": "Is there anything else you want to tell us?",
                  "cy": "Oes unrhyw beth arall rydych chi eisiau ei ddweud wrthym?",
                  "ur": "کیا آپ ہمیں کچھ اور بتانا چاہتے ہیں؟"},
         "easy_text": {"en": "Anything else?", "cy": "Unrhyw beth arall?", "ur": "کچھ اور؟"}},
    ]},
]

IDEAS = ["The day centre bus stopped running and my mum cannot get there now.",
         "Mae angen mwy o help yn y nos.",
         "رات کو مدد کی ضرورت ہے، میں بہت تھک جاتی ہوں۔",
         "Please keep the memory clinic in Peterlee.", ""]


def build_sections(survey: Survey, sections: list[dict] = SECTIONS) -> None:
    """The survey's sections and questions from a demo spec (SECTIONS' shape)."""
    for s_pos, spec in enumerate(sections):
        section = building.save_section(survey, None, title=spec["title"], channel="cli")
        section.position = s_pos
        for q in spec["questions"]:
            question_rules.save_question(section, None, QuestionDraft(
                code=q["code"], kind=q["kind"], required=q.get("required", False), text=q["text"],
                help=q.get("help"), easy_text=q.get("easy_text"), min_value=q.get("min"), max_value=q.get("max"),
                options=[{"label": label, "easy_label": easy} for _v, label, easy in q.get("options", [])],
                condition=q.get("condition")), channel="cli")


def _responses(survey: Survey, count: int = 36) -> None:
    """Invented answers, spread over groups, places and languages, a few typed in from paper."""
    rng = random.Random(2027)
    groups = finding.stakeholder_groups_for(survey) or list(db.session.scalars(select(StakeholderGroup)))
    places = finding.localities_for(survey) or list(db.session.scalars(select(Locality)))
    by_code = answering.questions_by_code(survey)
    today = utcnow().date()
    for n in range(count):
        carer = rng.random() < 0.55
        answers = {"carer": "yes" if carer else "no", "get_help": rng.choice(
            ["strongly_agree", "agree", "neither", "disagree", "disagree", "strongly_disagree"]),
            "most_help": rng.choice([o.value for o in by_code["most_help"].options])}
        if carer:
            answers["caring_hours"] = rng.choice([5, 10, 20, 35, 50, 80])
        used = [o.value for o in by_code["services"].options if rng.random() < 0.35]
        if used:
            answers["services"] = used
        idea = IDEAS[n % len(IDEAS)]
        if idea:
            answers["ideas"] = idea
        day = today - timedelta(days=rng.randint(0, 18))
        week = day - timedelta(days=day.weekday())
        response = SurveyResponse(
            survey=survey, reference=answering.new_reference(), status=ResponseStatus.SUBMITTED,
            channel="paper" if n % 9 == 0 else "web", locale=["en", "en", "cy", "ur"][n % 4],
            easy_read=n % 5 == 0, answers=answers, started_on=week, submitted_on=week,
            stakeholder_group=rng.choice(groups) if groups and rng.random() < 0.9 else None,
            locality=rng.choice(places) if places and rng.random() < 0.85 else None,
            age_band=rng.choice(["55_64", "65_74", "75_84", "85_plus", "45_54", None]),
            ethnic_group=rng.choice(["white", "white", "asian", "black", "mixed", None]),
            main_language=["en", "en", "cy", "ur"][n % 4], disability=rng.choice(["yes", "no", "no", None]))
        db.session.add(response)


def load_survey_demo() -> Survey | None:
    """Give the demo consultation its survey (or make a standalone one); does nothing the second time."""
    # Run from the command line there is no request to take a language from: use the service's default.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _load()


def _load() -> Survey | None:
    consultation = get_by_slug(CONSULTATION)
    if consultation is not None and consultation.survey is not None:
        return None
    if consultation is None and finding.survey_by_slug(STANDALONE) is not None:
        return None
    survey = building.save_survey(None, title=TITLE, intro=INTRO, easy_intro=EASY_INTRO, consultation=consultation,
                                  slug=STANDALONE if consultation is None else None, anonymous=True,
                                  ask_about_you=True, status="open" if consultation is None else None,
                                  channel="cli")
    build_sections(survey)
    translation.set_reviewed(survey, "cy", True)
    _responses(survey)
    db.session.flush()
    return survey
