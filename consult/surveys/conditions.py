"""Show-if conditions: a small tree, read from simple XLSForm `relevant` expressions and evaluated on the server.

Pure: plain data in, plain data out. A condition is one of

    {"q": "carer", "op": "eq", "value": "yes"}        the answer to question `carer` is "yes"
    {"q": "help", "op": "selected", "value": "meals"} "meals" is among the answers to `help`
    {"q": "age", "op": "ge", "value": 65}             ops: eq ne gt ge lt le selected answered
    {"all": [cond, ...]}  {"any": [cond, ...]}  {"not": cond}

Answers are {code: value}, a value being a string, a number, or a list of option values (multiple choice).
A missing answer is the empty string, as in XLSForm. `eq` against a list means "is among them".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

OPS = ("eq", "ne", "gt", "ge", "lt", "le", "selected", "answered")
_FLIP = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}
_SYMBOL_OPS = {"=": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
MAX_DEPTH = 12


class ConditionError(ValueError):
    """A condition that cannot be read or does not fit the survey; str() says why."""


# --- evaluating -------------------------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or isinstance(value, list):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _compare(op: str, answer: Any, expected: Any) -> bool:
    if op in ("eq", "ne"):
        if isinstance(answer, list):
            hit = str(expected) in answer
        else:
            a, b = _number(answer), _number(expected)
            if a is not None and b is not None:
                hit = a == b
            else:
                hit = ("" if answer is None else str(answer)) == str(expected)
        return hit if op == "eq" else not hit
    if _blank(answer) or isinstance(answer, list):
        return False  # XPath compares a blank as NaN: every ordering comparison is false
    a, b = _number(answer), _number(expected)
    if a is None or b is None:
        a, b = str(answer), str(expected)  # ISO dates compare correctly as text
    return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]


def evaluate(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """Whether a question with this condition is shown, given the answers so far."""
    if not condition:
        return True
    if "all" in condition:
        return all(evaluate(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    answer = answers.get(condition["q"])
    op = condition["op"]
    if op == "answered":
        return not _blank(answer)
    if op == "selected":
        if isinstance(answer, list):
            return str(condition["value"]) in answer
        return not _blank(answer) and str(answer) == str(condition["value"])
    return _compare(op, answer, condition["value"])


def references(condition: Mapping[str, Any] | None) -> set[str]:
    """The question codes a condition reads."""
    if not condition:
        return set()
    if "all" in condition or "any" in condition:
        return set().union(*(references(c) for c in condition.get("all") or condition.get("any") or []))
    if "not" in condition:
        return references(condition["not"])
    return {condition["q"]}


def check(condition: Any, earlier: Mapping[str, tuple[str, frozenset[str] | None]], depth: int = 0) -> None:
    """Refuse a malformed condition, or one that reads a question that is not asked before it.

    `earlier` maps each earlier question's code to (kind, its option values or None).
    """
    if depth > MAX_DEPTH:
        raise ConditionError(_("The condition is nested too deeply."))
    if not isinstance(condition, Mapping):
        raise ConditionError(_("The condition is not in a form this service understands."))
    for key in ("all", "any"):
        if key in condition:
            parts = condition[key]
            if not isinstance(parts, list) or not parts:
                raise ConditionError(_("The condition is not in a form this service understands."))
            for part in parts:
                check(part, earlier, depth + 1)
            return
    if "not" in condition:
        check(condition["not"], earlier, depth + 1)
        return
    code, op = condition.get("q"), condition.get("op")
    if op not in OPS or not isinstance(code, str):
        raise ConditionError(_("The condition is not in a form this service understands."))
    if code not in earlier:
        raise ConditionError(_("The condition refers to “%(code)s”, which is not a question asked before this one.",
                               code=code))
    kind, values = earlier[code]
    if op in ("eq", "ne", "selected") and values is not None and str(condition.get("value")) not in values:
        raise ConditionError(_("The condition compares “%(code)s” with “%(value)s”, which is not one of its options.",
                               code=code, value=condition.get("value")))
    if op != "answered" and not isinstance(condition.get("value"), (str, int, float)):
        raise ConditionError(_("The condition is not in a form this service understands."))


def describe(condition: Mapping[str, Any] | None, question_label: Callable[[str], str],
             option_label: Callable[[str, str], str], words: Mapping[str, str]) -> str:
    """A readable sentence for builders, e.g. “Do you look after someone?” is “Yes”.

    `words` holds the translated connecting words: and, or, not, eq, ne, gt, ge, lt, le, selected, answered.
    """
    if not condition:
        return ""
    if "all" in condition or "any" in condition:
        joiner = f" {words['and']} " if "all" in condition else f" {words['or']} "
        parts = condition.get("all") or condition.get("any")
        return joiner.join(f"({describe(c, question_label, option_label, words)})"
                           if ("all" in c or "any" in c) else describe(c, question_label, option_label, words)
                           for c in parts)
    if "not" in condition:
        return f"{words['not']} ({describe(condition['not'], question_label, option_label, words)})"
    code, op = condition["q"], condition["op"]
    question = f"“{question_label(code)}”"
    if op == "answered":
        return f"{question} {words['answered']}"
    value = option_label(code, str(condition["value"]))
    return f"{question} {words[op]} “{value}”"


# --- reading XLSForm `relevant` expressions --------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:
    (?P<ref>\$\{\s*(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op>!=|>=|<=|=|>|<)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z][A-Za-z0-9_\-]*)
)""", re.X)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos, text = [], 0, text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ConditionError(_("Cannot read “%(text)s” in the condition.", text=text[pos:pos + 20]))
        pos = match.end()
        kind = match.lastgroup if match.lastgroup != "name" else "ref"
        if match.group("ref"):
            out.append(("ref", match.group("name")))
        elif kind == "string":
            out.append(("string", match.group("string")[1:-1]))
        else:
            out.append((kind, match.group(kind)))
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens, self.i = _tokens(text), 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (value and token[1] != value):
            wanted = value or kind or "…"
            raise ConditionError(_("Expected “%(wanted)s” in the condition, near “%(near)s”.", wanted=wanted,
                                   near=token[1] if token else _("the end")))
        self.i += 1
        return token

    def parse(self) -> dict:
        node = self.or_expr()
        if self.peek() is not None:
            raise ConditionError(_("Unexpected “%(text)s” in the condition.", text=self.peek()[1]))
        return node

    def or_expr(self) -> dict:
        parts = [self.and_expr()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else {"any": parts}

    def and_expr(self) -> dict:
        parts = [self.unary()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else {"all": parts}

    def unary(self) -> dict:
        token = self.peek()
        if token == ("word", "not"):
            self.take()
            self.take("punct", "(")
            inner = self.or_expr()
            self.take("punct", ")")
            return {"not": inner}
        if token == ("punct", "("):
            self.take()
            inner = self.or_expr()
            self.take("punct", ")")
            return inner
        if token == ("word", "selected"):
            self.take()
            self.take("punct", "(")
            ref = self.take("ref")[1]
            self.take("punct", ",")
            value = self.literal()
            self.take("punct", ")")
            return {"q": ref, "op": "selected", "value": str(value)}
        return self.comparison()

    def literal(self) -> str | int | float:
        token = self.peek()
        if token and token[0] == "string":
            return self.take()[1]
        if token and token[0] == "number":
            text = self.take()[1]
            return float(text) if "." in text else int(text)
        raise ConditionError(_("Expected a value in quotes or a number in the condition, near “%(near)s”.",
                               near=token[1] if token else _("the end")))

    def comparison(self) -> dict:
        token = self.peek()
        if token and token[0] == "ref":
            ref = self.take()[1]
            op = _SYMBOL_OPS[self.take("op")[1]]
            value = self.literal()
        elif token and token[0] in ("string", "number"):
            value = self.literal()
            op = _FLIP[_SYMBOL_OPS[self.take("op")[1]]]
            ref = self.take("ref")[1]
        else:
            raise ConditionError(_("Only comparisons with ${question}, selected(), and, or and not are supported; "
                                   "found “%(text)s”.", text=token[1] if token else _("the end")))
        if value == "" and op in ("eq", "ne"):
            answered = {"q": ref, "op": "answered"}
            return answered if op == "ne" else {"not": answered}
        return {"q": ref, "op": op, "value": value}


def parse_relevant(text: str) -> dict | None:
    """Read a simple XLSForm `relevant` expression; raise ConditionError for anything else."""
    if text is None or not str(text).strip():
        return None
    return _Parser(str(text)).parse()


def combine(*conditions: Mapping[str, Any] | None) -> dict | None:
    """All of the given conditions (a group's and a question's own), or None when there are none."""
    present = [dict(c) for c in conditions if c]
    if not present:
        return None
    return present[0] if len(present) == 1 else {"all": present}
