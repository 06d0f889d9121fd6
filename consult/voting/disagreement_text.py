"""Where stakeholder groups disagree, in plain words, for the results page and the report (call inside a request
or force_locale). Works on the plain data of consult.voting.disagreement.disagreement; names come from the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

Name = Callable[[str], str]


def names_list(items: list[str]) -> str:
    """Items joined as the reader's language joins a list ("a, b and c"), never by hand."""
    return format_list(items, locale=str(get_locale() or "en")) if items else ""


def lines(d: dict[str, Any], group: Name, priority: Name) -> list[str]:
    """The priorities the groups disagree on most, then the named pair's widest gaps (or that it has none)."""
    out = []
    rows = {r["code"]: r for r in d["priorities"]}
    for code in d["widest"]:
        row = rows[code]
        high = [group(g) for g in d["groups"] if row["places"].get(g) == row["highest"]]
        low = [group(g) for g in d["groups"] if row["places"].get(g) == row["lowest"]]
        out.append(_("%(priority)s: %(high)s put it in place %(highest)s, %(low)s in place %(lowest)s.",
                     priority=priority(code), highest=row["highest"], high=names_list(high), lowest=row["lowest"],
                     low=names_list(low)))
    if d["pair"]:
        a, b = (group(g) for g in d["pair"])
        for code in d["pair_widest"]:
            row = rows[code]
            out.append(_("%(a)s and %(b)s differ on %(priority)s: %(a)s put it in place %(a_place)s, %(b)s in "
                         "place %(b_place)s.", a=a, b=b, priority=priority(code),
                         a_place=row["places"][d["pair"][0]], b_place=row["places"][d["pair"][1]]))
        if not d["pair_widest"]:
            out.append(_("%(a)s and %(b)s placed every priority within one place of each other.", a=a, b=b))
    return out


def overview(d: dict[str, Any]) -> str:
    """One sentence on what the lines are, or why there are none."""
    if len(d["groups"]) < 2:
        return _("Too few stakeholder groups can be shown on their own to compare them.")
    if not d["widest"]:
        return _("Each group's own places come from its own ballots only, before any weighting. The stakeholder "
                 "groups placed every priority within one place of each other.")
    return _("Each group's own places come from its own ballots only, before any weighting.")
