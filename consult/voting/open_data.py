"""The open-data file of a published priority vote (DESIGN section 6, "Open data"; README, "Open data").

Built from the published results snapshot: the aggregate table the tally used (points per stakeholder group
and priority, ballots per group, overall and per locality), the weights and scheme, and the published result.
Small cells stay private (consult.core.privacy): in each table, a group with fewer than the minimum number of
ballots is pooled with the other small groups (and, if they are still too few together, with the next smallest
groups, so that no count can be had by subtraction from the table's total). The pool publishes only its ballots
and its combined weighted contribution to each score, so every published score can still be recomputed. A
locality with too few ballots in all is published without its table or result (with the next smallest, if the
hidden ones are too few together); it still counts overall. See _pools for the rule across tables.

The JSON is canonical (sorted keys, fixed separators, UTF-8), so its SHA-256 is the fingerprint of the exact
bytes served. It holds nothing that publication changes (no publication time), so the report, built when the
consultation closes, prints the fingerprint of the very file published later. Checking a file is
consult.voting.open_data_check.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from consult.core.privacy import too_few
from consult.voting.disagreement import disagreement, group_places
from consult.voting.weighting import SCHEMES, group_factor

SCHEMA = "consult-open-data"
SCHEMA_VERSION = 1
#: Documents of snapshots that name a pair of groups to compare (version 3 and later) add "disagreement".
SCHEMA_VERSION_DISAGREEMENT = 2
#: The key under which the results page shows the pooled small groups beside the others.
POOLED = "_pooled"
CSV_COLUMNS = ["table", "locality", "group", "priority", "ballots", "points", "weight",
               *(f"contribution_{s}" for s in SCHEMES), "suppressed"]


def pooled_groups(counts: Mapping[str, int], minimum: int, also: Iterable[str] = ()) -> set[str]:
    """The members of `counts` (groups, or localities) a table must not show one by one: each with fewer than
    `minimum` ballots (but some) and those in `also`; and, if those are fewer than `minimum` together, the next
    smallest until the pool holds `minimum` or more (so that no one's figure is the table's total minus the rest)."""
    pool = {g for g, n in counts.items() if too_few(n, minimum)} | {g for g in also if counts.get(g, 0) > 0}
    pooled = sum(counts[g] for g in pool)
    rest = sorted((g for g, n in counts.items() if g not in pool and n > 0), key=lambda g: (counts[g], g))
    while pool and too_few(pooled, minimum) and rest:
        g = rest.pop(0)
        pool.add(g)
        pooled += counts[g]
    return pool


def _table(sums: Mapping[str, Mapping[str, int]], counts: Mapping[str, int], pool: set[str],
           groups: Sequence[str], priorities: Sequence[str], weights: Mapping[str, float]) -> dict[str, Any]:
    """One aggregate table as published, the groups in `pool` only as their combined contribution."""
    rows: dict[str, Any] = {}
    for g in groups:
        if g in pool:
            rows[g] = {"suppressed": True}
        else:
            rows[g] = {"ballots": counts.get(g, 0),
                       "points": {p: int(sums.get(g, {}).get(p, 0)) for p in priorities}}
    pooled = None
    if pool:
        members = sorted(pool)
        pooled = {"ballots": sum(counts[g] for g in members), "contribution": {
            s: {p: math.fsum(group_factor(s, float(weights[g]), counts[g]) * float(sums.get(g, {}).get(p, 0))
                             for g in members) for p in priorities} for s in SCHEMES}}
    return {"ballots": sum(counts.values()), "groups": rows, "pooled": pooled}


def _raw_tables(data: Mapping[str, Any]) -> dict[str | None, tuple[dict[str, dict[str, int]], dict[str, int]]]:
    """(sums, counts) of each locality, and of all of them together under the key None."""
    groups, aggregate = data["groups"], data["aggregate"]
    out: dict[str | None, tuple[dict[str, dict[str, int]], dict[str, int]]] = {}
    overall_sums: dict[str, dict[str, int]] = {}
    overall_counts = dict.fromkeys(groups, 0)
    for code in data["localities"]:
        entry = aggregate.get(code, {})
        sums = {g: dict(points) for g, points in entry.get("sums", {}).items()}
        counts = {g: entry.get("counts", {}).get(g, 0) for g in groups}
        out[code] = (sums, counts)
        for g, points in sums.items():
            for p, value in points.items():
                overall_sums.setdefault(g, {})[p] = overall_sums.get(g, {}).get(p, 0) + value
        for g, n in counts.items():
            overall_counts[g] += n
    out[None] = (overall_sums, overall_counts)
    return out


def _pools(raw: Mapping[str | None, tuple[Any, dict[str, int]]], minimum: int) -> tuple[set[str], dict]:
    """The localities hidden whole, and each table's pooled groups (None: the overall table's).

    Localities are pooled like groups, so the hidden ones are never fewer than `minimum` together. A group shown
    overall must not have fewer than `minimum` ballots (but some) in the places where it is not shown, or the
    overall figure minus the published ones would give those away: it is pooled overall too."""
    localities = [code for code in raw if code is not None]
    hidden = pooled_groups({code: sum(raw[code][1].values()) for code in localities}, minimum)
    pools: dict[str | None, set[str]] = {code: pooled_groups(raw[code][1], minimum)
                                         for code in localities if code not in hidden}
    overall = raw[None][1]
    unseen = {g: n - sum(raw[code][1][g] for code, pool in pools.items() if g not in pool)
              for g, n in overall.items()}
    pools[None] = pooled_groups(overall, minimum, also=[g for g, n in unseen.items() if too_few(n, minimum)])
    return hidden, pools


def _result(tallied: Mapping[str, Any], pool: set[str]) -> dict[str, Any]:
    """A tally as published: each priority's rank, score, share and the parts of the groups shown one by one."""
    return {"priorities": [{"code": p["code"], "rank": p["rank"], "score": p["score"], "share": p["share"],
                            "by_group": {g: part for g, part in p["by_group"].items() if g not in pool}}
                           for p in tallied["priorities"]]}


def build_document(data: Mapping[str, Any], *, slug: str, title: str, priority_titles: Mapping[str, str],
                   group_names: Mapping[str, str], locality_names: Mapping[str, str], computed_at: str,
                   minimum: int) -> dict[str, Any]:
    """The open-data document of a results snapshot's `data` (version 2 or later), with names in one language."""
    priorities, groups, weights = data["priorities"], data["groups"], data["weights"]
    raw = _raw_tables(data)
    hidden, pools = _pools(raw, minimum)
    tables: dict[str, Any] = {"overall": _table(*raw[None], pools[None], groups, priorities, weights),
                              "localities": {}}
    results = {s: {"overall": _result(data["schemes"][s]["overall"], pools[None]), "localities": {}}
               for s in SCHEMES}
    places = []
    for code in data["localities"]:
        places.append({"code": code, "name": locality_names.get(code, code), "suppressed": code in hidden})
        tables["localities"][code] = {"suppressed": True} if code in hidden else _table(
            *raw[code], pools[code], groups, priorities, weights)
        for s in SCHEMES:
            results[s]["localities"][code] = {"suppressed": True} if code in hidden else _result(
                data["schemes"][s]["localities"][code], pools[code])
    scheme = data["weighting"]
    document = {
        "schema": SCHEMA, "schema_version": SCHEMA_VERSION,
        "consultation": {"slug": slug, "title": title},
        "computed_at": computed_at,
        "method": data["method"], "weighting": scheme, "min_public_count": minimum,
        "priorities": [{"code": p, "title": priority_titles.get(p, p)} for p in priorities],
        "groups": [{"code": g, "name": group_names.get(g, g)} for g in groups],
        "weights": {g: float(weights[g]) for g in groups},
        "localities": places,
        "tables": tables,
        "result": results[scheme],
        "comparison": {s: results[s] for s in SCHEMES if s != scheme},
        "bootstrap": {"seed": data.get("seed"), "resamples": data.get("resamples", 0), "level": data.get("level"),
                      "intervals": data.get("intervals", {})},
    }
    if "compare" in data:
        # Added only for snapshots that name the pair, so that files published before never change.
        document["schema_version"] = SCHEMA_VERSION_DISAGREEMENT
        document["disagreement"] = table_disagreement(document, tables["overall"], data["compare"])
    return document


def table_disagreement(document: Mapping[str, Any], table: Mapping[str, Any],
                       pair: Sequence[str] | None) -> dict[str, Any]:
    """Where the groups a published table shows one by one disagree (consult.voting.disagreement): each group's
    own places from its published points; pooled groups are not compared."""
    priorities = [p["code"] for p in document["priorities"]]
    shown = {g: row for g, row in table["groups"].items() if not row.get("suppressed")}
    places = group_places(priorities, {g: row["points"] for g, row in shown.items()},
                          {g: row["ballots"] for g, row in shown.items()})
    return disagreement(priorities, places, groups=[g["code"] for g in document["groups"]], pair=pair)


def hidden_groups(document: Mapping[str, Any]) -> set[str]:
    """The stakeholder groups the public does not see on their own: those pooled in the overall table."""
    return {g for g, row in document["tables"]["overall"]["groups"].items() if row.get("suppressed")}


def document_bytes(document: Mapping[str, Any]) -> bytes:
    """The canonical JSON: what open-data.json serves, byte for byte."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def fingerprint(document: Mapping[str, Any]) -> str:
    """The SHA-256 of the canonical JSON, in hex, as the results page and the report show it."""
    return hashlib.sha256(document_bytes(document)).hexdigest()


def _csv_rows(document: Mapping[str, Any], name: str, code: str, table: Mapping[str, Any]) -> list[list[Any]]:
    if table.get("suppressed"):
        return [[name, code, "", "", "", "", "", *([""] * len(SCHEMES)), "true"]]
    priorities = [p["code"] for p in document["priorities"]]
    rows = []
    for g, row in table["groups"].items():
        weight = document["weights"][g]
        for p in priorities:
            if row.get("suppressed"):
                rows.append([name, code, g, p, "", "", weight, *([""] * len(SCHEMES)), "true"])
                continue
            points, n = row["points"][p], row["ballots"]
            parts = [repr(group_factor(s, weight, n) * float(points)) for s in SCHEMES]
            rows.append([name, code, g, p, n, points, weight, *parts, "false"])
    if table["pooled"]:
        pooled = table["pooled"]
        for p in priorities:
            parts = [repr(pooled["contribution"][s][p]) for s in SCHEMES]
            rows.append([name, code, POOLED, p, pooled["ballots"], "", "", *parts, "false"])
    return rows


def document_csv(document: Mapping[str, Any]) -> str:
    """The document's aggregate tables, one row per (table, locality, group, priority) (README, "Open data")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_rows(document, "overall", "", document["tables"]["overall"]))
    for code, table in document["tables"]["localities"].items():
        writer.writerows(_csv_rows(document, "locality", code, table))
    return out.getvalue()


def page_figures(document: Mapping[str, Any], locality: str | None) -> dict[str, Any] | None:
    """What the public results page shows for all areas or one locality, taken from the open data alone
    (None for a locality with too few ballots): the main result, the groups shown, and every scheme's places."""
    table = document["tables"]["overall"] if locality is None else document["tables"]["localities"][locality]
    if table.get("suppressed"):
        return None
    scheme = document["weighting"]

    def block(s: str) -> dict[str, Any]:
        results = document["result"] if s == scheme else document["comparison"][s]
        return results["overall"] if locality is None else results["localities"][locality]

    pooled = table["pooled"]
    shown = [g["code"] for g in document["groups"] if not table["groups"][g["code"]].get("suppressed")]
    counts = {g: table["groups"][g]["ballots"] for g in shown}
    priorities = [dict(p, by_group=dict(p["by_group"])) for p in block(scheme)["priorities"]]
    if pooled:
        counts[POOLED] = pooled["ballots"]
        for p in priorities:
            p["by_group"][POOLED] = pooled["contribution"][scheme][p["code"]]
    return {"main": {"ballots": table["ballots"], "ballots_by_group": counts, "priorities": priorities},
            "groups": shown + ([POOLED] if pooled else []),
            "disagreement": table_disagreement(document, table, (document.get("disagreement") or {}).get("pair")),
            "by_scheme": {s: {p["code"]: p for p in block(s)["priorities"]} for s in SCHEMES}}
