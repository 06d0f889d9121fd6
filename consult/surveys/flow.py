"""Which pages a respondent sees, and which questions on them. Pure: plain data in, plain data out.

A page is a section, split where a question's show-if condition reads an answer given on the same page:
without JavaScript the server only learns an answer when the page is sent, so a question that depends on
it has to start the next page. That keeps every condition evaluated on the server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from consult.surveys.conditions import evaluate, references


@dataclass(frozen=True)
class Step:
    """What the flow needs to know about a question."""

    code: str
    section: Any
    condition: Mapping[str, Any] | None = None


@dataclass
class Page:
    section: Any
    codes: list[str] = field(default_factory=list)
    #: True when this page continues a section split by a condition.
    continued: bool = False


def paginate(steps: Sequence[Step]) -> list[Page]:
    """One page per section, split before any question whose condition reads an answer from the same page."""
    pages: list[Page] = []
    for step in steps:
        current = pages[-1] if pages else None
        if current is None or current.section != step.section:
            pages.append(Page(step.section, [step.code]))
        elif references(step.condition) & set(current.codes):
            pages.append(Page(step.section, [step.code], continued=True))
        else:
            current.codes.append(step.code)
    return pages


def effective_answers(steps: Sequence[Step], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that count: those to questions that are shown, given the answers before them.

    An answer to a question that a later change of mind has hidden is dropped, and so cannot show others.
    """
    kept: dict[str, Any] = {}
    for step in steps:
        if evaluate(step.condition, kept) and step.code in answers:
            kept[step.code] = answers[step.code]
    return kept


def visible_codes(steps: Sequence[Step], answers: Mapping[str, Any]) -> list[str]:
    """Codes of the questions shown, in order, given these answers."""
    kept: dict[str, Any] = {}
    shown = []
    for step in steps:
        if evaluate(step.condition, kept):
            shown.append(step.code)
            if step.code in answers:
                kept[step.code] = answers[step.code]
    return shown


def visible_pages(pages: Sequence[Page], steps: Sequence[Step], answers: Mapping[str, Any]) -> list[int]:
    """Indexes of the pages that have at least one question shown."""
    shown = set(visible_codes(steps, answers))
    return [i for i, page in enumerate(pages) if shown & set(page.codes)]


def next_page(pages: Sequence[Page], steps: Sequence[Step], answers: Mapping[str, Any], after: int) -> int | None:
    return next((i for i in visible_pages(pages, steps, answers) if i > after), None)


def previous_page(pages: Sequence[Page], steps: Sequence[Step], answers: Mapping[str, Any],
                  before: int) -> int | None:
    return next((i for i in reversed(visible_pages(pages, steps, answers)) if i < before), None)
