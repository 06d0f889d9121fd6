"""Demo survey of the closed carers' consultation: how often carers get a break, and what would make the biggest
difference, answered in English, Welsh and Urdu, so that its report has themes and people's own words.

Idempotent: nothing is added while the consultation has a survey (or when the consultation is missing).
"""

from __future__ import annotations

import random
from datetime import timedelta

from consult.consultations.services import get_by_slug
from consult.extensions import db
from consult.surveys.demo import build_sections
from consult.surveys.models import ResponseStatus, Survey, SurveyResponse
from consult.surveys.services import answering, building, finding, translation

CONSULTATION = "carers-support-2026"

TITLE = {"en": "Caring and you", "cy": "Gofalu a chi", "ur": "دیکھ بھال اور آپ"}
INTRO = {"en": "Four questions about caring. It takes about 3 minutes.",
         "cy": "Pedwar cwestiwn am ofalu. Mae'n cymryd tua 3 munud.",
         "ur": "دیکھ بھال کے بارے میں چار سوال۔ اس میں تقریباً 3 منٹ لگتے ہیں۔"}

SECTIONS = [
    {"title": {"en": "Caring and you", "cy": "Gofalu a chi", "ur": "دیکھ بھال اور آپ"}, "questions": [
        {"code": "break", "kind": "single", "required": True,
         "text": {"en": "How often do you get a break from caring?",
                  "cy": "Pa mor aml ydych chi'n cael seibiant o ofalu?",
                  "ur": "آپ کو دیکھ بھال سے کتنی بار وقفہ ملتا ہے؟"},
         "options": [  # in this order: every week, every month, less often, never
             ("weekly", {"en": "Every week", "cy": "Bob wythnos", "ur": "ہر ہفتے"}, {}),
             ("monthly", {"en": "Every month", "cy": "Bob mis", "ur": "ہر مہینے"}, {}),
             ("rarely", {"en": "Less often than that", "cy": "Yn llai aml na hynny", "ur": "اس سے کم"}, {}),
             ("never", {"en": "Never", "cy": "Byth", "ur": "کبھی نہیں"}, {}),
         ]},
        {"code": "difference", "kind": "long_text",
         "text": {"en": "What one thing would make the biggest difference to you as a carer?",
                  "cy": "Pa un peth fyddai'n gwneud y gwahaniaeth mwyaf i chi fel gofalwr?",
                  "ur": "نگہداشت کرنے والے کے طور پر کون سی ایک چیز آپ کے لیے سب سے بڑا فرق ڈالے گی؟"},
         "easy_text": {"en": "What would help you most?", "cy": "Beth fyddai'n eich helpu fwyaf?",
                       "ur": "آپ کی سب سے زیادہ مدد کس چیز سے ہوگی؟"}},
    ]},
]

#: Written answers, in the language of the response they go with (every fourth is Welsh, every fourth Urdu).
ANSWERS = [
    "A proper break once a week, knowing someone I trust is with my husband.",
    "Someone to cover if I fall ill: there is nobody else.",
    "Being listened to by the GP when I say things are getting worse.",
    "Help with the forms for Carer's Allowance; the money worries never stop.",
    "Seibiant rheolaidd, hyd yn oed am ychydig oriau.",
    "Help brys os ydw i'n sâl.",
    "ہفتے میں ایک بار وقفہ، میں بہت تھک جاتی ہوں۔",
    "اگر میں بیمار ہو جاؤں تو کوئی مدد کرنے والا ہو۔",
    "A carers' group in Peterlee in the evening, so I can go after work.",
    "Short breaks at home rather than a care home for a week.",
    "Knowing what happens if something happens to me.",
    "",
]


def load_carers_survey() -> Survey | None:
    consultation = get_by_slug(CONSULTATION)
    if consultation is None or consultation.survey is not None:
        return None
    survey = building.save_survey(None, title=TITLE, intro=INTRO, easy_intro={}, consultation=consultation,
                                  anonymous=True, ask_about_you=True, channel="cli")
    build_sections(survey, SECTIONS)
    translation.set_reviewed(survey, "cy", True)
    rng = random.Random(2026)
    groups = finding.stakeholder_groups_for(survey)
    places = finding.localities_for(survey)
    closed = consultation.closes_at.date()
    weekly, monthly, rarely, never = (o.value for o in answering.questions_by_code(survey)["break"].options)
    for n in range(48):
        answers = {"break": rng.choice([weekly, monthly, rarely, rarely, never, never])}
        if ANSWERS[n % len(ANSWERS)]:
            answers["difference"] = ANSWERS[n % len(ANSWERS)]
        day = closed - timedelta(days=rng.randint(1, 30))
        week = day - timedelta(days=day.weekday())
        # Carers answer most; the language follows the answer's.
        group = next((g for g in groups if g.code == "carer"), None) if n % 3 else rng.choice(groups)
        db.session.add(SurveyResponse(
            survey=survey, reference=answering.new_reference(), status=ResponseStatus.SUBMITTED,
            channel="paper" if n % 7 == 0 else "web", locale=_locale(n), easy_read=n % 6 == 0, answers=answers,
            started_on=week, submitted_on=week, stakeholder_group=group,
            locality=rng.choice(places) if places else None,
            age_band=rng.choice(["35_44", "45_54", "55_64", "65_74", "75_84", None]),
            ethnic_group=rng.choice(["white", "white", "white", "asian", "mixed", None]), main_language=_locale(n),
            disability=rng.choice(["yes", "no", "no", None])))
    db.session.flush()
    return survey


def _locale(n: int) -> str:
    index = n % len(ANSWERS)
    return "cy" if index in (4, 5) else "ur" if index in (6, 7) else "en"
