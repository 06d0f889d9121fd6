"""Population figures by locality and band, which representativeness compares the people who took part with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality
from consult.reports import sources
from consult.reports.codes import BAND_TYPES
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
