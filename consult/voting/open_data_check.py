"""Checking an open-data file (consult.voting.open_data) from the file alone: `flask --app consult results verify`.

Every published score is recomputed with consult.voting.tally.tally from the file's aggregate table, weights and
scheme: the terms of the groups shown one by one, plus the pooled small groups' contribution (fed to the tally
as one more group of weight 1 and one ballot, whose term under every scheme is exactly that contribution).
Shares and competition ranks follow from the scores. Floats must agree within 1e-9 relative; ranks and ballot
counts exactly. Pure: plain data in, plain data out.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from consult.voting.open_data import POOLED, SCHEMA, SCHEMA_VERSION, SCHEMA_VERSION_DISAGREEMENT, table_disagreement
from consult.voting.tally import SCHEMES, tally
from consult.voting.weighting import ABS_TOL, REL_TOL


class OpenDataError(ValueError):
    """A file that is not a consult open-data document, or contradicts itself; str() says where."""


@dataclass(frozen=True)
class Mismatch:
    """One published figure that the file's own tables do not give."""

    figure: str
    published: Any
    recomputed: Any

    def __str__(self) -> str:
        return f"{self.figure}: file says {self.published}, recomputed {self.recomputed}"


def _get(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict):
        raise OpenDataError(f"{where} is not an object")
    if key not in obj:
        raise OpenDataError(f"{where} has no {key!r}")
    value = obj[key]
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise OpenDataError(f"{where}.{key} is not a number")
    elif kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise OpenDataError(f"{where}.{key} is not a whole number >= 0")
    elif not isinstance(value, kind):
        raise OpenDataError(f"{where}.{key} has the wrong type")
    return value


def _codes(document: dict, key: str) -> list[str]:
    items = _get(document, key, list, "the file")
    codes = [_get(item, "code", str, f"{key}[{i}]") for i, item in enumerate(items)]
    if len(set(codes)) != len(codes):
        raise OpenDataError(f"{key} repeats a code")
    return codes


def _table_input(table: dict, where: str, priorities: list[str], groups: list[str], scheme: str):
    """The sums and counts a table gives the tally, with the pool as one more group; and the groups shown."""
    rows = _get(table, "groups", dict, where)
    if set(rows) != set(groups):
        raise OpenDataError(f"{where}.groups does not list exactly the file's groups")
    sums: dict[tuple[str, str], float] = {}
    counts: dict[str, int] = {}
    for g in groups:
        row = rows[g]
        if isinstance(row, dict) and row.get("suppressed") is True:
            continue
        counts[g] = _get(row, "ballots", int, f"{where}.groups.{g}")
        points = _get(row, "points", dict, f"{where}.groups.{g}")
        for p in priorities:
            sums[(g, p)] = _get(points, p, float, f"{where}.groups.{g}.points")
    pooled = table.get("pooled")
    if pooled is not None:
        counts[POOLED] = 1
        contribution = _get(_get(pooled, "contribution", dict, f"{where}.pooled"), scheme, dict,
                            f"{where}.pooled.contribution")
        for p in priorities:
            sums[(POOLED, p)] = _get(contribution, p, float, f"{where}.pooled.contribution.{scheme}")
    return sums, counts, [g for g in groups if g in counts]


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _check_result(document: dict, table: dict, published: dict, scheme: str, where: str) -> list[Mismatch]:
    priorities = _codes(document, "priorities")
    groups = _codes(document, "groups")
    weights = {g: _get(document["weights"], g, float, "weights") for g in groups}
    sums, counts, shown = _table_input(table, where, priorities, groups, scheme)
    try:
        recomputed = tally(priorities, sums, counts, {**weights, POOLED: 1.0}, scheme)
    except ValueError as exc:
        raise OpenDataError(f"{where}: {exc}") from None
    found = {p.code: p for p in recomputed.priorities}
    listed = _get(published, "priorities", list, f"result {where}")
    if sorted(_get(p, "code", str, f"result {where}") for p in listed) != sorted(priorities):
        raise OpenDataError(f"the result {where} does not list exactly the file's priorities")
    out = []
    for p in listed:
        code, again = p["code"], found[p["code"]]
        label = f"priority {code} {where}"
        if _get(p, "rank", int, label) != again.rank:
            out.append(Mismatch(f"rank of {label}", p["rank"], again.rank))
        for name in ("score", "share"):
            if not _same(_get(p, name, float, label), getattr(again, name)):
                out.append(Mismatch(f"{name} of {label}", p[name], getattr(again, name)))
        parts = _get(p, "by_group", dict, label)
        if set(parts) != set(shown) - {POOLED}:
            raise OpenDataError(f"the parts of {label} are not those of the groups shown one by one")
        for g in sorted(parts):
            if not _same(_get(parts, g, float, label), again.by_group[g]):
                out.append(Mismatch(f"part of group {g} in {label}", parts[g], again.by_group[g]))
    return out


def _check_ballots(table: dict, where: str) -> list[Mismatch]:
    total = _get(table, "ballots", int, where)
    rows = _get(table, "groups", dict, where)
    counted = sum(_get(row, "ballots", int, f"{where}.groups.{g}") for g, row in rows.items()
                  if not (isinstance(row, dict) and row.get("suppressed") is True))
    if table.get("pooled") is not None:
        counted += _get(table["pooled"], "ballots", int, f"{where}.pooled")
    return [] if total == counted else [Mismatch(f"ballots {where}", total, counted)]


def _check_header(document: Any) -> str:
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise OpenDataError(f"not a {SCHEMA} file (no \"schema\": \"{SCHEMA}\")")
    if document.get("schema_version") not in (SCHEMA_VERSION, SCHEMA_VERSION_DISAGREEMENT):
        raise OpenDataError(f"schema_version {document.get('schema_version')!r} is not {SCHEMA_VERSION} or "
                            f"{SCHEMA_VERSION_DISAGREEMENT}")
    scheme = _get(document, "weighting", str, "the file")
    if scheme not in SCHEMES:
        raise OpenDataError(f"unknown weighting {scheme!r}")
    _get(document, "weights", dict, "the file")
    _get(_get(document, "consultation", dict, "the file"), "slug", str, "consultation")
    return scheme


def verify(document: Any) -> list[Mismatch]:
    """Every published figure that the file's tables, weights and scheme do not give, first found first: the
    consultation's scheme (overall, then each locality), then the schemes shown for comparison."""
    scheme = _check_header(document)
    tables = _get(document, "tables", dict, "the file")
    localities = _get(tables, "localities", dict, "tables")
    places = [("overall", _get(tables, "overall", dict, "tables"), None)]
    places += [(f"in {code}", table, code) for code, table in localities.items()
               if not (isinstance(table, dict) and table.get("suppressed") is True)]
    comparison = _get(document, "comparison", dict, "the file")
    out = []
    for where, table, _ in places:
        out += _check_ballots(table, where)
    for s in [scheme] + [s for s in SCHEMES if s != scheme]:
        results = _get(document, "result", dict, "the file") if s == scheme else _get(comparison, s, dict,
                                                                                        "comparison")
        label = "" if s == scheme else f" ({s}, for comparison)"
        for where, table, code in places:
            published = (_get(results, "overall", dict, "result") if code is None
                         else _get(_get(results, "localities", dict, "result"), code, dict, "result.localities"))
            out += _check_result(document, table, published, s, where + label)
    if document["schema_version"] >= SCHEMA_VERSION_DISAGREEMENT:
        out += _check_disagreement(document, places[0][1])
    return out


def _check_disagreement(document: dict, overall: dict) -> list[Mismatch]:
    """Each group's own places, spreads and gaps, worked out again from the overall table's points."""
    published = _get(document, "disagreement", dict, "the file")
    pair = published.get("pair")
    if pair is not None and not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(g, str) for g in pair)):
        raise OpenDataError("disagreement.pair is not a list of two group codes")
    again = table_disagreement(document, overall, pair)
    return [] if again == published else [Mismatch("where groups disagree", published, again)]


def summary(document: Mapping[str, Any]) -> str:
    """One line saying what a file that matches holds."""
    shown = [c for c, t in document["tables"]["localities"].items() if not t.get("suppressed")]
    return (f"{document['consultation']['slug']}: {len(document['priorities'])} priorities, "
            f"{document['tables']['overall']['ballots']} ballots, {document['weighting']}, overall and "
            f"{len(shown)} of {len(document['tables']['localities'])} localities")
