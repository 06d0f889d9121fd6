"""Demo consultations: an open points vote on older people's services, a closed ranking vote for carers, and a
draft approval vote on day opportunities whose counting rules a commissioner has yet to agree."""

from __future__ import annotations

from datetime import timedelta

from consult.accounts.services import find_user_by_email
from consult.consultations import counting
from consult.consultations.models import ConsultationStatus
from consult.consultations.services import get_by_slug, import_consultation, set_lead
from consult.core.models import utcnow

GROUPS = [{"code": code} for code in ("service_user", "carer", "practitioner", "provider", "voluntary", "resident")]


def _older_people(now):
    return {
        "slug": "older-people-2027", "default_locale": "en",
        "title": {"en": "Older people's services 2027/28", "cy": "Gwasanaethau pobl hŷn 2027/28",
                  "ur": "بزرگ افراد کی خدمات 2027/28"},
        "summary": {
            "en": "The health board and the council will buy services for older people from April 2027. "
                  "Tell us which matter most to you.\n\nYou have 10 points. Give more points to the services "
                  "you think matter most.",
            "cy": "Bydd y bwrdd iechyd a'r cyngor yn prynu gwasanaethau i bobl hŷn o fis Ebrill 2027. "
                  "Dywedwch wrthym pa rai sydd bwysicaf i chi.\n\nMae gennych 10 pwynt. Rhowch fwy o bwyntiau "
                  "i'r gwasanaethau sydd bwysicaf yn eich barn chi.",
            "ur": "ہیلتھ بورڈ اور کونسل اپریل 2027 سے بزرگ افراد کے لیے خدمات خریدیں گے۔ ہمیں بتائیں کہ آپ کے لیے "
                  "کون سی سب سے اہم ہیں۔\n\nآپ کے پاس 10 پوائنٹس ہیں۔ جو خدمات آپ کے خیال میں سب سے اہم ہیں انہیں "
                  "زیادہ پوائنٹس دیں۔",
        },
        "easy_read": {
            "en": "We want to know what help older people need. You have 10 points. Give points to the help you "
                  "want most.",
            "cy": "Rydyn ni eisiau gwybod pa help sydd ei angen ar bobl hŷn. Mae gennych 10 pwynt. Rhowch bwyntiau "
                  "i'r help rydych chi ei eisiau fwyaf.",
            "ur": "ہم جاننا چاہتے ہیں کہ بزرگ افراد کو کس مدد کی ضرورت ہے۔ آپ کے پاس 10 پوائنٹس ہیں۔ جو مدد آپ "
                  "سب سے زیادہ چاہتے ہیں اسے پوائنٹس دیں۔",
        },
        "opens_at": (now - timedelta(days=20)).isoformat(), "closes_at": (now + timedelta(days=90)).isoformat(),
        "localities": [{"code": code} for code in ("PET", "SEA", "EAS", "HOR", "SHO", "WIN", "MUR")],
        "stakeholder_groups": GROUPS,
        "vote": {"method": "points", "points_budget": 10, "max_choices": None, "weighting": "group_shares",
                 "priorities": [
                     {"code": "P01", "cost": 25000,
                      "title": {"en": "Night sitting service", "cy": "Gwasanaeth eistedd nos", "ur": "رات کی دیکھ بھال کی خدمت"},
                      "easy_read": {"en": "Someone stays with you at night", "cy": "Rhywun yn aros gyda chi yn y nos",
                                    "ur": "رات کو کوئی آپ کے ساتھ رہے"}},
                     {"code": "P02", "cost": 60000,
                      "title": {"en": "Day centre places", "cy": "Lleoedd mewn canolfan ddydd", "ur": "ڈے سینٹر میں جگہیں"},
                      "easy_read": {"en": "A place to go in the day", "cy": "Lle i fynd yn ystod y dydd",
                                    "ur": "دن میں جانے کی جگہ"}},
                     {"code": "P03", "cost": 40000,
                      "title": {"en": "Carers' breaks (respite)", "cy": "Seibiant i ofalwyr", "ur": "نگہداشت کرنے والوں کے لیے وقفہ"},
                      "easy_read": {"en": "A break for carers", "cy": "Seibiant i ofalwyr", "ur": "نگہداشت کرنے والوں کو آرام"}},
                     {"code": "P04", "cost": 15000,
                      "title": {"en": "Falls prevention classes", "cy": "Dosbarthiadau atal cwympo", "ur": "گرنے سے بچاؤ کی کلاسیں"},
                      "easy_read": {"en": "Classes to help you not fall", "cy": "Dosbarthiadau i'ch helpu i beidio â chwympo",
                                    "ur": "گرنے سے بچنے میں مدد کی کلاسیں"}},
                     {"code": "P05", "cost": 30000,
                      "title": {"en": "Community transport", "cy": "Trafnidiaeth gymunedol", "ur": "کمیونٹی ٹرانسپورٹ"},
                      "easy_read": {"en": "Buses and lifts to get about", "cy": "Bysiau a lifftiau i fynd o gwmpas",
                                    "ur": "آنے جانے کے لیے بسیں اور سواری"}},
                     {"code": "P06", "cost": 20000,
                      "title": {"en": "Memory clinic in the locality", "cy": "Clinig cof yn yr ardal", "ur": "علاقے میں یادداشت کا کلینک"},
                      "easy_read": {"en": "Help with memory near you", "cy": "Help gyda'r cof yn agos atoch",
                                    "ur": "آپ کے قریب یادداشت کی مدد"}},
                 ]},
    }


def _carers(now):
    return {
        "slug": "carers-support-2026", "default_locale": "en",
        "title": {"en": "Support for carers 2026/27", "cy": "Cymorth i ofalwyr 2026/27",
                  "ur": "نگہداشت کرنے والوں کی مدد 2026/27"},
        "summary": {"en": "Put the support for carers in order, most important first.",
                    "cy": "Rhowch y cymorth i ofalwyr mewn trefn, y pwysicaf yn gyntaf.",
                    "ur": "نگہداشت کرنے والوں کی مدد کو ترتیب دیں، سب سے اہم پہلے۔"},
        "opens_at": (now - timedelta(days=150)).isoformat(), "closes_at": (now - timedelta(days=60)).isoformat(),
        "localities": [{"code": code} for code in ("PET", "SEA", "EAS", "HOR")],
        "stakeholder_groups": GROUPS,
        "vote": {"method": "ranking", "weighting": "group_shares", "priorities": [
            {"code": "C01", "cost": 35000, "title": {"en": "Carers' assessments within four weeks",
                                                     "cy": "Asesiadau gofalwyr o fewn pedair wythnos",
                                                     "ur": "چار ہفتوں کے اندر نگہداشت کرنے والوں کی جانچ"}},
            {"code": "C02", "cost": 50000, "title": {"en": "Emergency cover when a carer is ill",
                                                     "cy": "Cymorth brys pan fydd gofalwr yn sâl",
                                                     "ur": "نگہداشت کرنے والے کے بیمار ہونے پر ہنگامی مدد"}},
            {"code": "C03", "cost": 12000, "title": {"en": "Carers' support groups", "cy": "Grwpiau cymorth i ofalwyr",
                                                     "ur": "نگہداشت کرنے والوں کے سپورٹ گروپس"}},
            {"code": "C04", "cost": 8000, "title": {"en": "Advice on benefits", "cy": "Cyngor ar fudd-daliadau",
                                                    "ur": "بینیفٹس کے بارے میں مشورہ"}},
            {"code": "C05", "cost": 45000, "title": {"en": "Short breaks at home", "cy": "Seibiannau byr gartref",
                                                     "ur": "گھر پر مختصر وقفے"}},
        ]},
    }


def _agreed(consultation, reason: str):
    """The demo commissioner agreed how votes are counted before the consultation opened."""
    counting.agree(consultation, reason=reason, actor=find_user_by_email("commissioner@consult.example"),
                   channel="cli")
#: Who leads each demo consultation: the facilitator of six of the seven localities leads the county-wide vote
#: on older people's services; a commissioner leads the carers' vote. The Seaham facilitator leads neither, and
#: works Seaham only (its voting codes, paper ballots and paper forms).
LEADS = {"older-people-2027": "facilitator@consult.example", "carers-support-2026": "commissioner@consult.example",
         "day-opportunities-2027": "facilitator@consult.example"}


def _lead(consultation) -> None:
    lead = find_user_by_email(LEADS[consultation.slug])
    if lead is not None:
        set_lead(consultation, lead, channel="cli")


def _day_opportunities(now):
    """A draft whose weights a commissioner has not agreed yet: the demo's way to try agreeing and opening."""
    return {
        "slug": "day-opportunities-2027", "default_locale": "en",
        "title": {"en": "Day opportunities 2027/28", "cy": "Cyfleoedd dydd 2027/28", "ur": "دن کے مواقع 2027/28"},
        "summary": {"en": "What should day services for adults with learning disabilities offer first?",
                    "cy": "Beth ddylai gwasanaethau dydd i oedolion ag anableddau dysgu ei gynnig yn gyntaf?",
                    "ur": "سیکھنے کی معذوری والے بالغوں کے لیے دن کی خدمات کو سب سے پہلے کیا پیش کرنا چاہیے؟"},
        "opens_at": (now + timedelta(days=14)).isoformat(), "closes_at": (now + timedelta(days=60)).isoformat(),
        "localities": [{"code": code} for code in ("PET", "EAS", "HOR")],
        "stakeholder_groups": GROUPS,
        "vote": {"method": "approval", "weighting": "group_shares", "priorities": [
            {"code": "D01", "title": {"en": "Work experience", "cy": "Profiad gwaith", "ur": "کام کا تجربہ"}},
            {"code": "D02", "title": {"en": "Evening clubs", "cy": "Clybiau gyda'r nos", "ur": "شام کے کلب"}},
            {"code": "D03", "title": {"en": "Travel training", "cy": "Hyfforddiant teithio",
                                      "ur": "سفر کی تربیت"}},
        ]},
    }


def load_consultations_demo() -> None:
    """Create the demo consultations if they are not there yet (idempotent)."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    if get_by_slug("older-people-2027") is None:
        consultation = import_consultation(_older_people(now), channel="cli")
        _agreed(consultation, "Agreed at the partnership board: each group's votes together carry its weight, "
                              "so that the most numerous group does not simply win.")
        consultation.status, consultation.opened_at = ConsultationStatus.OPEN, consultation.opens_at
        _lead(consultation)
    if get_by_slug("carers-support-2026") is None:
        consultation = import_consultation(_carers(now), channel="cli")
        _agreed(consultation, "Agreed at the carers' partnership board before voting opened.")
        _lead(consultation)
        consultation.status = ConsultationStatus.CLOSED
        consultation.opened_at, consultation.closed_at = consultation.opens_at, consultation.closes_at
    if get_by_slug("day-opportunities-2027") is None:
        _lead(import_consultation(_day_opportunities(now), channel="cli"))
