"""Reading the JSON spec of `flask --app consult consultation import` (DESIGN section 8). Pure: no database.

This module checks the file's shape (objects, lists, texts per language, ISO dates, numbers) and says where
each problem is, by its path in the file ("vote.priorities[2].cost"). The rules that a consultation, its
localities, stakeholder groups and vote must obey are the services', the same ones the web forms obey:
consult.consultations.services.import_consultation builds the parsed spec through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from consult.core.errors import RuleError
from consult.core.patterns import is_code

KEYS = ("slug", "default_locale", "title", "summary", "easy_read", "opens_at", "closes_at", "localities",
        "stakeholder_groups", "vote")
VOTE_KEYS = ("method", "points_budget", "max_choices", "weighting", "priorities")


class SpecError(RuleError):
    """A problem with the file; `field` is its path in the spec, and str() starts with it."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}" if path else problem, path)


@dataclass
class ReferenceSpec:
    """A locality or stakeholder group, matched by code; `name` is required only for a new one."""

    path: str
    code: str
    name: dict[str, str]
    #: A locality's population, or a stakeholder group's weight in this consultation (None: keep its own).
    number: float | int | None


@dataclass
class PrioritySpec:
    path: str
    code: str
    title: dict[str, str]
    description: dict[str, str]
    easy_read: dict[str, str]
    cost: Decimal | None


@dataclass
class VoteSpec:
    method: str
    weighting: str
    points_budget: int | None
    max_choices: int | None
    priorities: list[PrioritySpec]


@dataclass
class ConsultationSpec:
    slug: str
    default_locale: str
    title: dict[str, str]
    summary: dict[str, str]
    easy_read: dict[str, str]
    opens_at: datetime
    closes_at: datetime
    localities: list[ReferenceSpec]
    stakeholder_groups: list[ReferenceSpec]
    vote: VoteSpec | None = None


def read_spec(spec: Any, *, locales: Sequence[str], default_locale: str) -> ConsultationSpec:
    """The spec, read; the first problem found raises SpecError naming its path. `locales` are the enabled ones."""
    if not isinstance(spec, dict):
        raise SpecError("", "the file must hold one JSON object")
    _known_keys(spec, KEYS, "")
    text = _TextReader(locales)
    locale = spec.get("default_locale", default_locale)
    if locale not in locales:
        raise SpecError("default_locale", f"{locale!r} is not an enabled language")
    slug = spec.get("slug")
    if not isinstance(slug, str):
        raise SpecError("slug", "expected a web address name, like older-people-2027")
    title = text(spec.get("title"), "title")
    if not title.get(locale):
        raise SpecError("title", f"give the title in the default language {locale!r}")
    opens_at, closes_at = _datetime(spec.get("opens_at"), "opens_at"), _datetime(spec.get("closes_at"), "closes_at")
    return ConsultationSpec(
        slug=slug, default_locale=locale, title=title,
        summary=text(spec.get("summary"), "summary", required=False),
        easy_read=text(spec.get("easy_read"), "easy_read", required=False),
        opens_at=opens_at, closes_at=closes_at,
        localities=_references(spec.get("localities"), "localities", text, "population", _population),
        stakeholder_groups=_references(spec.get("stakeholder_groups"), "stakeholder_groups", text, "weight",
                                       _weight),
        vote=None if spec.get("vote") is None else _vote(spec["vote"], text))


class _TextReader:
    """Content per language: {"en": "...", "cy": "..."}, in enabled languages only, trimmed."""

    def __init__(self, locales: Sequence[str]):
        self.locales = list(locales)

    def __call__(self, value: Any, path: str, *, required: bool = True) -> dict[str, str]:
        if value is None and not required:
            return {}
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in value.items()):
            raise SpecError(path, 'expected an object of language code to text, like {"en": "..."}')
        unknown = [k for k in value if k not in self.locales]
        if unknown:
            raise SpecError(path, f"language {unknown[0]!r} is not enabled (enabled: {', '.join(self.locales)})")
        text = {k: v.strip() for k, v in value.items() if v.strip()}
        if required and not text:
            raise SpecError(path, "give the text in at least one language")
        return text


def _known_keys(item: dict, known: Sequence[str], path: str) -> None:
    unknown = sorted(set(item) - set(known))
    if unknown:
        raise SpecError(path, f"unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")


def _datetime(value: Any, path: str) -> datetime:
    if not isinstance(value, str):
        raise SpecError(path, "expected an ISO 8601 date-time with a time zone")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SpecError(path, f"{value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise SpecError(path, "give a time zone, like 2027-01-10T09:00:00+00:00")
    return moment


def _whole(value: Any, path: str, *, minimum: int = 0, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SpecError(path, f"expected a whole number of at least {minimum}")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list) or not value:
        raise SpecError(path, "expected a non-empty list")
    return value


def _code(value: Any, path: str, seen: set[str]) -> str:
    if not is_code(value):
        raise SpecError(path, "a code is 1 to 32 letters, digits, '-' or '_'")
    if value in seen:
        raise SpecError(path, f"{value!r} appears twice")
    seen.add(value)
    return value


def _population(value: Any, path: str) -> int | None:
    return _whole(value, path, optional=True)


def _weight(value: Any, path: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecError(path, "expected a number from 0 to 1000")
    return float(value)


def _references(items: Any, key: str, text: _TextReader, number_key: str, number) -> list[ReferenceSpec]:
    """Localities or stakeholder groups. Whether a code is new is the database's to say, so a name and a
    number are read when given; the builder requires them of a code that turns out to be new."""
    seen: set[str] = set()
    rows = []
    for i, item in enumerate(_list(items, key)):
        path = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise SpecError(path, f"expected an object with code, name and {number_key}")
        code = _code(item.get("code"), f"{path}.code", seen)
        name = text(item.get("name"), f"{path}.name", required=False)
        rows.append(ReferenceSpec(path, code, name, number(item.get(number_key), f"{path}.{number_key}")))
    return rows


def _vote(vote: Any, text: _TextReader) -> VoteSpec:
    if not isinstance(vote, dict):
        raise SpecError("vote", "expected an object")
    _known_keys(vote, VOTE_KEYS, "vote")
    method, weighting = vote.get("method"), vote.get("weighting", "group_shares")
    if not isinstance(method, str):
        raise SpecError("vote.method", "expected how people vote, like \"ranking\"")
    if not isinstance(weighting, str):
        raise SpecError("vote.weighting", "expected how groups are weighted, like \"group_shares\"")
    seen: set[str] = set()
    priorities = []
    for i, item in enumerate(_list(vote.get("priorities"), "vote.priorities")):
        path = f"vote.priorities[{i}]"
        if not isinstance(item, dict):
            raise SpecError(path, "expected an object with code and title")
        priorities.append(PrioritySpec(
            path=path, code=_code(item.get("code"), f"{path}.code", seen), title=text(item.get("title"), f"{path}.title"),
            description=text(item.get("description"), f"{path}.description", required=False),
            easy_read=text(item.get("easy_read"), f"{path}.easy_read", required=False),
            cost=_cost(item.get("cost"), f"{path}.cost")))
    if len(priorities) < 2:
        raise SpecError("vote.priorities", "give at least two priorities")
    return VoteSpec(method=method, weighting=weighting,
                    points_budget=_whole(vote.get("points_budget"), "vote.points_budget", minimum=1, optional=True),
                    max_choices=_whole(vote.get("max_choices"), "vote.max_choices", minimum=1, optional=True),
                    priorities=priorities)


def _cost(value: Any, path: str) -> Decimal | None:
    if value is None:
        return None
    try:
        cost = None if isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        cost = None
    if cost is None or not cost.is_finite():
        raise SpecError(path, "expected an amount of 0 or more")
    return cost
