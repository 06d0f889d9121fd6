"""Demo report data: population figures for the demo localities, and themes on the demo survey's written answers.

Idempotent: population figures are imported only while none are stored, the older people's consultation's
target population (65 and over) is set only while it has none, and themes only while it has none. The figures are plausible for the Easington area of County Durham (2021 census shapes), not real.
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
THEMES = [
    ({"en": "Transport", "cy": "Trafnidiaeth", "ur": "ٹرانسپورٹ"}, ("bus", "transport", "bws")),
    ({"en": "Help at night", "cy": "Help yn y nos", "ur": "رات کو مدد"}, ("night", "nos", "رات")),
    ({"en": "Carers' wellbeing", "cy": "Lles gofalwyr", "ur": "نگہداشت کرنے والوں کی صحت"}, ("tired", "تھک")),
    ({"en": "Memory services", "cy": "Gwasanaethau cof", "ur": "یادداشت کی خدمات"}, ("memory", "cof")),
]


def load_reports_demo() -> None:
    if not db.session.scalar(select(func.count()).select_from(PopulationBand)):
        import_population(POPULATION_CSV.read_text(encoding="utf-8"), channel="cli")
    consultation = sources.consultation_by_slug(CONSULTATION)
    if consultation is None:
        return
    if not consultation.target_population:
        set_target_population(consultation, TARGET_POPULATION, channel="cli")
    if tagging.themes_of(consultation):
        return
    themes = [(tagging.save_theme(consultation, None, name=name), words) for name, words in THEMES]
    for question in tagging.text_questions(consultation):
        page = tagging.tagging_page(consultation, question["code"], per_page=10_000)
        assignments = {}
        for answer in page["answers"]:
            text = answer["text"].lower()
            chosen = {theme.id for theme, words in themes if any(word in text for word in words)}
            if chosen:
                assignments[answer["id"]] = chosen
        tagging.set_tags(consultation, question["code"], assignments)
    db.session.flush()
