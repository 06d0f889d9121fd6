"""Population figures by locality and band, which representativeness compares the people who took part with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from consult.core.i18n import tr
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality
from consult.reports import sources
from consult.reports.codes import BAND_TYPES
from consult.reports.errors import ReportError
from consult.reports.models import PopulationBand
from consult.reports.population_csv import read_population_csv


def allowed_bands(band_type: str) -> list[str]:
    """The bands a band type may have: a stakeholder group's code, or an "about you" answer code."""
    if band_type == "stakeholder_group":
        return sources.stakeholder_group_codes()
    return sources.profile_codes(band_type)


def _bands_of(locality_id: int, types: set[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for band_type, band, population in db.session.execute(
            select(PopulationBand.band_type, PopulationBand.band, PopulationBand.population)
            .where(PopulationBand.locality_id == locality_id, PopulationBand.band_type.in_(types))):
        out.setdefault(band_type, {})[band] = population
    return out


def replace_population(locality: Locality, figures: dict[str, dict[str, int]], *, actor=None,
                       channel: str = "web") -> None:
    """A locality's bands of each type in `figures` ({band type: {band: population}}) become those given;
    its bands of other types stay as they were."""
    types = set(figures)
    before = _bands_of(locality.id, types)
    db.session.execute(delete(PopulationBand).where(PopulationBand.locality_id == locality.id,
                                                    PopulationBand.band_type.in_(types)))
    for band_type, bands in figures.items():
        for band, population in bands.items():
            db.session.add(PopulationBand(locality_id=locality.id, band_type=band_type, band=band,
                                          population=population))
    record_change("population.import", locality, before=before or None, after=figures, actor=actor,
                  channel=channel)


def import_population(text: str, *, actor=None, channel: str = "web") -> int:
    """Replace population figures from a CSV (locality,band_type,band,population): every row, or none.

    For each locality and band type in the file, the bands in the file replace that locality's previous
    bands of that type; other localities and types are left as they were."""
    places = sources.localities_by_code()
    rows = read_population_csv(text, localities=places.keys(),
                               bands={t: set(allowed_bands(t)) for t in BAND_TYPES})
    by_locality: dict[str, dict[str, dict[str, int]]] = {}
    for row in rows:
        by_locality.setdefault(row.locality, {}).setdefault(row.band_type, {})[row.band] = row.population
    for code, figures in by_locality.items():
        replace_population(places[code], figures, actor=actor, channel=channel)
    db.session.flush()
    return len(rows)


def population_overview() -> list[dict[str, Any]]:
    """Per locality: its total population and, per band type, the sum and number of bands imported."""
    figures = sources.population_source()
    return [{"locality": locality, "types": {t: {"bands": len(v), "total": sum(v.values())}
                                             for t, v in figures.get(code, {}).items()}}
            for code, locality in sources.localities_by_code().items()]


# --- a consultation's target population --------------------------------------------------------------------

def band_type_names() -> dict[str, str]:
    """Each band type's name in the current language, in BAND_TYPES order."""
    return {"age_band": _("Age"), "ethnic_group": _("Ethnic group"), "main_language": _("Main language"),
            "disability": _("Disability"), "stakeholder_group": _("Stakeholder group")}


def band_choices() -> dict[str, list[tuple[str, str]]]:
    """Every band type's bands, each with its name in the current language, for choosing a target population."""
    groups = sources.stakeholder_group_names()
    return {t: [(code, tr(groups.get(code)) or code if t == "stakeholder_group" else sources.profile_label(t, code))
                for code in allowed_bands(t)] for t in BAND_TYPES}


def set_target_population(consultation, chosen: Mapping[str, Sequence[str]], *, actor=None,
                          channel: str = "web") -> dict[str, list[str]]:
    """The consultation's target population becomes the bands chosen ({band type: [bands]}); a band type with
    no bands chosen is everyone. Every band must be one of its type's bands, or nothing changes."""
    names = band_type_names()
    target: dict[str, list[str]] = {}
    for band_type, bands in chosen.items():
        if band_type not in BAND_TYPES:
            raise ReportError(_("\"%(type)s\" is not a kind of band you can choose.", type=band_type), "target")
        allowed = allowed_bands(band_type)
        unknown = [band for band in bands if band not in allowed]
        if unknown:
            raise ReportError(_("\"%(band)s\" is not one of the bands of %(what)s: choose from the list.",
                                band=unknown[0], what=names[band_type].lower()), band_type)
        if bands:
            target[band_type] = [band for band in allowed if band in bands]
    before = dict(consultation.target_population or {})
    consultation.target_population = target
    record_change("consultation.target_population", consultation, before=before, after=target, actor=actor,
                  channel=channel)
    db.session.flush()
    return target
