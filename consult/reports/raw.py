"""The anonymised rows a report snapshot keeps (one per response and per ballot), and how they are stored.

Pure: no Flask, no database. The spreadsheet lists every written answer from them; the CSV is them.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from consult.reports.data import answer_key, monday
from consult.surveys.kinds import TEXT_KINDS

#: Columns every raw row has, before the question, theme and priority columns.
RAW_FIELDS = ("record", "number", "channel", "week", "language", "stakeholder_group", "locality", "age_band",
              "ethnic_group", "main_language", "disability")


def raw_table(questions: Sequence[Mapping[str, Any]], priorities: Sequence[Mapping[str, Any]],
              responses: Sequence[Mapping[str, Any]], ballots: Sequence[Mapping[str, Any]],
              tags: Mapping[str, list[int]]) -> dict[str, Any]:
    """One row per response and per ballot, without references, voter keys, people or times of day.

    Dates are reduced to the Monday of their week. Multiple-choice answers are option values joined by
    ";"; theme columns hold the ids of the themes tagged on a text answer (named when rendered).
    `priorities`: [{"code", "title"}]. Column specs carry the question text or priority title per locale."""
    answered = list(questions)
    codes = [p["code"] for p in priorities]
    columns = [{"kind": "field", "key": key} for key in RAW_FIELDS]
    columns += [{"kind": "question", "key": q["code"], "text": q["text"]} for q in answered]
    columns += [{"kind": "themes", "key": q["code"], "text": q["text"]} for q in answered if q["kind"] in TEXT_KINDS]
    columns += [{"kind": "priority", "key": p["code"], "text": p["title"]} for p in priorities]
    text_codes = [q["code"] for q in answered if q["kind"] in TEXT_KINDS]

    def week(iso: str | None) -> str | None:
        return monday(date.fromisoformat(iso)).isoformat() if iso else None

    rows: list[list[Any]] = []
    for n, r in enumerate(responses, start=1):
        answers = r.get("answers", {})
        row = ["response", n, r.get("channel"), week(r.get("date")), r.get("locale"), r.get("stakeholder_group"),
               r.get("locality"), r.get("age_band"), r.get("ethnic_group"), r.get("main_language"),
               r.get("disability")]
        for q in answered:
            value = answers.get(q["code"])
            row.append(";".join(map(str, value)) if isinstance(value, list) else value)
        row += [tags.get(answer_key(r["id"], code), []) for code in text_codes]
        row += [None] * len(codes)
        rows.append(row)
    for n, b in enumerate(ballots, start=1):
        row = ["ballot", n, b.get("channel"), week(b.get("date")), b.get("locale"), b.get("stakeholder_group"),
               b.get("locality"), None, None, None, None]
        row += [None] * (len(answered) + len(text_codes))
        choices = b.get("choices", {})
        row += [choices.get(code) for code in codes]
        rows.append(row)
    return {"columns": columns, "rows": rows}


def pack(raw: dict[str, Any]) -> bytes:
    """The rows as compact JSON, gzipped, as ReportSnapshot.raw holds them."""
    return gzip.compress(json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def unpack(packed: bytes) -> dict[str, Any]:
    return json.loads(gzip.decompress(packed).decode("utf-8"))
