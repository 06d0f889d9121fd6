"""How representative the people who took part are: who took part against who lives there. Pure.

Inputs are the shapes of consult/reports/sources.py (see data.py). The rules, as DESIGN section 6 states them:
- Compared: survey responses and ballots by locality; survey responses by each "about you" band type that has
  population figures, for all localities together and for each locality.
- Target population ({band type: [bands]}, empty for everyone): for a targeted band type only its target bands
  are compared, and both shares (of the population and of the people who answered) are of those bands only;
  answers outside them are counted apart. Localities are compared against each locality's population within
  the target bands of the first targeted band type (in BAND_TYPES order) with figures for every locality.
- Too few to say: a band (or locality) where fewer than `min_band` people were counted and fewer than
  `min_band` would be expected at its population share is never flagged.
- Under-represented: otherwise, a share more than `margin` percentage points below the population share.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from consult.reports.codes import BAND_TYPES, ordered
from consult.surveys.profile import PREFER_NOT

#: How far below its population share (in percentage points) a group may fall before it is flagged.
DEFAULT_MARGIN = 5.0
#: Fewer people than this in a band, with fewer expected there too, is "too few to say" (MIN_BAND_RESPONSES).
DEFAULT_MIN_BAND = 10

Populations = Mapping[str, Mapping[str, Mapping[str, int]]]


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def compare(counts: Mapping[str, int], populations: Mapping[str, int], order: Sequence[str], *, margin: float,
            min_band: int) -> tuple[int, list[dict[str, Any]]]:
    """Each band's share of the people who answered against its share of the population (the bands given)."""
    base = sum(counts.get(b, 0) for b in populations)
    total_population = sum(populations.values())
    rows = []
    for band in ordered(populations, order):
        population, count = populations[band], counts.get(band, 0)
        population_share = 100.0 * population / total_population if total_population else None
        share = 100.0 * count / base if base else None
        expected = base * population / total_population if total_population else 0.0
        difference = share - population_share if share is not None and population_share is not None else None
        too_few = count < min_band and expected < min_band
        rows.append({"band": band, "population": population, "population_share": _rounded(population_share),
                     "count": count, "share": _rounded(share), "expected": round(expected, 1),
                     "difference": _rounded(difference), "too_few": too_few,
                     "under": not too_few and difference is not None and difference < -margin})
    return base, rows


def target_of(target: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    """The target population as {band type: [bands]}, known band types only, empty lists dropped."""
    return {t: list(target[t]) for t in BAND_TYPES if target and target.get(t)}


def _locality_population(localities: Sequence[str], locality_population: Mapping[str, int],
                         populations: Populations, target: Mapping[str, list[str]]) -> tuple[str | None, dict]:
    """The population each locality is compared with, and the targeted band type it was counted in (or None)."""
    for band_type, bands in target.items():
        if localities and all(band_type in populations.get(code, {}) for code in localities):
            return band_type, {code: sum(populations[code][band_type].get(b, 0) for b in bands)
                               for code in localities}
    return None, {code: locality_population.get(code, 0) for code in localities}


def _locality_block(responses, ballots, localities, pops, *, margin: float, min_band: int) -> dict[str, Any]:
    r_counts = Counter(r.get("locality") for r in responses if r.get("locality") in pops)
    b_counts = Counter(b.get("locality") for b in ballots if b.get("locality") in pops)
    r_base, r_rows = compare(r_counts, pops, localities, margin=margin, min_band=min_band)
    b_base, b_rows = compare(b_counts, pops, localities, margin=margin, min_band=min_band)
    rows = []
    for r_row, b_row in zip(r_rows, b_rows):
        row = {"locality": r_row["band"], "population": r_row["population"],
               "population_share": r_row["population_share"]}
        for kind, source in (("responses", r_row), ("ballots", b_row)):
            row.update({kind: source["count"], f"{kind}_share": source["share"],
                        f"{kind}_difference": source["difference"], f"{kind}_too_few": source["too_few"],
                        f"{kind}_under": source["under"]})
        rows.append(row)
    return {"responses_base": r_base, "ballots_base": b_base, "responses_elsewhere": len(responses) - r_base,
            "ballots_elsewhere": len(ballots) - b_base, "rows": rows}


def _band_tables(responses, localities, populations: Populations, target, band_orders, *, margin: float,
                 min_band: int) -> list[dict[str, Any]]:
    """One table per band type with figures, for all localities together and then for each locality."""
    places = set(localities)
    tables = []
    for band_type in [t for t in BAND_TYPES if any(t in populations.get(code, {}) for code in localities)]:
        scopes: list[str | None] = [None] + [c for c in localities if band_type in populations.get(c, {})]
        for scope in scopes:
            if scope is None:
                pop: dict[str, int] = defaultdict(int)
                for code in localities:
                    for band, n in populations.get(code, {}).get(band_type, {}).items():
                        pop[band] += n
                people = [r for r in responses if r.get("locality") in places or not r.get("locality")]
            else:
                pop = dict(populations[scope][band_type])
                people = [r for r in responses if r.get("locality") == scope]
            if band_type in target:
                pop = {band: n for band, n in pop.items() if band in target[band_type]}
            answers = Counter(r.get(band_type) for r in people)
            base, rows = compare(answers, pop, band_orders.get(band_type, ()), margin=margin, min_band=min_band)
            not_given = sum(n for band, n in answers.items() if band in (None, "", PREFER_NOT))
            tables.append({"band_type": band_type, "locality": scope, "base": base, "not_given": not_given,
                           "other": len(people) - base - not_given, "targeted": band_type in target,
                           "rows": rows})
    return tables


def _flagged(locality_rows, tables) -> list[dict[str, Any]]:
    """Every under-represented locality (by survey responses and by ballots) and band, as the table marks it."""
    flagged = [{"kind": "locality", "measure": kind, "locality": row["locality"], "band_type": None,
                "band": row["locality"], "people": row[kind], "difference": row[f"{kind}_difference"]}
               for kind in ("responses", "ballots") for row in locality_rows if row[f"{kind}_under"]]
    flagged += [{"kind": "band", "measure": "responses", "locality": t["locality"], "band_type": t["band_type"],
                 "band": row["band"], "people": row["count"], "difference": row["difference"]}
                for t in tables for row in t["rows"] if row["under"]]
    return flagged


def representativeness(responses: Sequence[Mapping[str, Any]], ballots: Sequence[Mapping[str, Any]], *,
                       localities: Sequence[str], locality_population: Mapping[str, int],
                       populations: Populations, band_orders: Mapping[str, Sequence[str]] | None = None,
                       target: Mapping[str, Sequence[str]] | None = None, margin: float = DEFAULT_MARGIN,
                       min_band: int = DEFAULT_MIN_BAND) -> dict[str, Any]:
    """Who took part against who lives there: by locality, and by each band type with population figures.

    People who did not say (or preferred not to) are left out of the shares and counted separately. The
    summary's list (`under_represented`) is made from the same rows as the tables, ballots included."""
    target = target_of(target)
    locality_type, pops = _locality_population(localities, locality_population, populations, target)
    locality_block = _locality_block(responses, ballots, localities, pops, margin=margin, min_band=min_band)
    locality_block["population_band_type"] = locality_type
    tables = _band_tables(responses, localities, populations, target, band_orders or {}, margin=margin,
                          min_band=min_band)
    return {"margin": float(margin), "min_band": int(min_band), "target": target, "localities": locality_block,
            "bands": tables, "under_represented": _flagged(locality_block["rows"], tables),
            "missing_population": [code for code in localities if not populations.get(code)]}
