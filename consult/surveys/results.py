"""Counting survey answers, overall and broken down. Pure: plain data in, plain data out.

`questions`: [{"code", "kind", "options": [value, ...]}] in survey order.
`rows`: one per submitted response: {"answers": {code: value}, "stakeholder_group": code | None,
"locality": code | None, ...} (the shape of services.participation_rows()).
Percentages are of the people who answered that question (for multiple choice they may add up to more than 100).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from consult.surveys.kinds import CHOICE_KINDS

NOT_GIVEN = "not_given"


def _percent(count: int, base: int) -> float:
    return round(100.0 * count / base, 1) if base else 0.0


def _answered(value: Any) -> bool:
    return value not in (None, "", [])


def _choice_counts(values: Iterable[Any]) -> tuple[int, Counter]:
    base, counts = 0, Counter()
    for value in values:
        if not _answered(value):
            continue
        base += 1
        counts.update(value if isinstance(value, list) else [value])
    return base, counts


def _numbers(values: Iterable[Any]) -> list[Decimal]:
    out = []
    for value in values:
        if not _answered(value):
            continue
        try:
            out.append(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            continue
    return out


def question_results(questions: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]],
                     breakdown: str | None = None) -> list[dict[str, Any]]:
    """Per question: how many answered, and counts and percentages (choices) or a summary (numbers).

    With `breakdown` ("stakeholder_group" or "locality") each result also has `by`: {key: counts and percents},
    where people who did not say are under "not_given".
    """
    groups: dict[str, list[Mapping[str, Any]]] = {}
    if breakdown:
        for row in rows:
            groups.setdefault(row.get(breakdown) or NOT_GIVEN, []).append(row)
    results = []
    for question in questions:
        code, kind = question["code"], question["kind"]
        if kind == "note":
            continue
        values = [row["answers"].get(code) for row in rows]
        result: dict[str, Any] = {"code": code, "kind": kind}
        if kind in CHOICE_KINDS:
            base, counts = _choice_counts(values)
            result["base"] = base
            result["options"] = [{"value": v, "count": counts.get(v, 0), "percent": _percent(counts.get(v, 0), base)}
                                 for v in question["options"]]
            if breakdown:
                result["by"] = {}
                for key, members in groups.items():
                    sub_base, sub_counts = _choice_counts(row["answers"].get(code) for row in members)
                    result["by"][key] = {"base": sub_base,
                                         "counts": {v: sub_counts.get(v, 0) for v in question["options"]},
                                         "percents": {v: _percent(sub_counts.get(v, 0), sub_base)
                                                      for v in question["options"]}}
        elif kind in ("number", "decimal"):
            numbers = _numbers(values)
            result["base"] = len(numbers)
            if numbers:
                result.update(mean=round(float(sum(numbers) / len(numbers)), 2),
                              median=float(statistics.median(numbers)), min=float(min(numbers)),
                              max=float(max(numbers)))
        else:
            result["base"] = sum(1 for v in values if _answered(v))
        results.append(result)
    return results


def count_by(rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, int]:
    """How many responses gave each value of an "about you" field ("not_given" for those who skipped it)."""
    return dict(Counter(row.get(key) or NOT_GIVEN for row in rows))
