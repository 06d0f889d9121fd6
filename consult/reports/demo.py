"""Demo report data: population figures for the demo localities, and themes on the demo surveys' written answers
(with two answers a theme chosen for quoting, in the closed carers' consultation).

Idempotent: population figures are imported only while none are stored, the older people's consultation's
target population (65 and over) is set only while it has none, and a consultation's themes only while it has none.
The figures are plausible for the Easington area of County Durham (2021 census shapes), not real.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from consult.extensions import db
from consult.reports import sources, tagging
from consult.reports.models import PopulationBand
from consult.reports.populations import import_population, set_target_population

POPULATION_CSV = Path(__file__).with_name("demo_population.csv")
CONSULTATION = "older-people-2027"
#: Who the demo's older people's consultation is for: representativeness compares people with these bands only.
TARGET_POPULATION = {"age_band": ["65_74", "75_84", "85_plus"]}

#: Theme names, and words that mark an answer as being about it (in any of the demo's languages).
OLDER_PEOPLE_THEMES = [
    ({"en": "Transport", "cy": "Trafnidiaeth", "ur": "ٹرانسپورٹ"}, ("bus", "transport", "bws")),
    ({"en": "Help at night", "cy": "Help yn y nos", "ur": "رات کو مدد"}, ("night", "nos", "رات")),
    ({"en": "Carers' wellbeing", "cy": "Lles gofalwyr", "ur": "نگہداشت کرنے والوں کی صحت"}, ("tired", "تھک")),
    ({"en": "Memory services", "cy": "Gwasanaethau cof", "ur": "یادداشت کی خدمات"}, ("memory", "cof")),
]
CARERS_THEMES = [
    ({"en": "Regular breaks", "cy": "Seibiant rheolaidd", "ur": "باقاعدہ وقفہ"},
     ("break", "seibiant", "وقفہ")),
    ({"en": "Cover in an emergency", "cy": "Help mewn argyfwng", "ur": "ہنگامی حالت میں مدد"},
     ("ill", "brys", "بیمار", "happens to me")),
    ({"en": "Being listened to", "cy": "Cael gwrandawiad", "ur": "بات سنی جانا"}, ("listened", "gp")),
    ({"en": "Money and benefits", "cy": "Arian a budd-daliadau", "ur": "پیسے اور فوائد"},
     ("money", "allowance")),
]
#: The themes of each demo consultation, and how many answers under each are chosen for quoting.
THEMES = {"older-people-2027": (OLDER_PEOPLE_THEMES, 0), "carers-support-2026": (CARERS_THEMES, 2)}


def load_reports_demo() -> None:
    if not db.session.scalar(select(func.count()).select_from(PopulationBand)):
        import_population(POPULATION_CSV.read_text(encoding="utf-8"), channel="cli")
    consultation = sources.consultation_by_slug(CONSULTATION)
    if consultation is not None and not consultation.target_population:
        set_target_population(consultation, TARGET_POPULATION, channel="cli")
    for slug, (spec, quotes) in THEMES.items():
        _tag(sources.consultation_by_slug(slug), spec, quotes)
    db.session.flush()


def _tag(consultation, spec, quotes: int) -> None:
    """Name the themes and tag each written answer with those whose words it uses; quote the first `quotes`
    different answers under each theme."""
    if consultation is None or tagging.themes_of(consultation):
        return
    themes = [(tagging.save_theme(consultation, None, name=name), words) for name, words in spec]
    for question in tagging.text_questions(consultation):
        page = tagging.tagging_page(consultation, question["code"], per_page=10_000)
        assignments, quoted, seen, texts = {}, [], {}, set()
        for answer in page["answers"]:
            text = answer["text"].lower()
            chosen = {theme.id for theme, words in themes if any(word in text for word in words)}
            if not chosen:
                continue
            assignments[answer["id"]] = chosen
            theme = min(chosen)
            if seen.get(theme, 0) < quotes and text not in texts:
                quoted.append(answer["id"])
                seen[theme] = seen.get(theme, 0) + 1
                texts.add(text)
        tagging.set_tags(consultation, question["code"], assignments, quoted=quoted)
