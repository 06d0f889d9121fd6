"""The tipping points in plain words, for the results page and the report (call inside a request or
force_locale). Works on the plain data of consult.voting.tipping.from_snapshot; names come from the caller."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

Name = Callable[[str], str]


def _fixed(value: float, places: int) -> str:
    text = f"{value:.{places}f}"
    return text[:-1] if places == 2 and text.endswith("0") else text


def weight_text(value: float, other: float | None = None) -> str:
    """A weight with two decimals, or one where the second is 0 (2.0, 1.35); more only where that is needed
    to tell it from `other` (a threshold a hair from the current weight)."""
    for places in range(2, 7):
        if other is None or _fixed(value, places) != _fixed(other, places):
            break
    return _fixed(value, places)


def _names(codes: Sequence[str], priority: Name) -> str:
    names = [priority(c) for c in codes]
    if len(names) == 1:
        return names[0]
    return _("%(list)s and %(last)s", list=", ".join(names[:-1]), last=names[-1])


def _what(change: dict[str, Any], cutoff: int) -> tuple[str, list[str]]:
    """What happens beyond a threshold, told by its most important part: a new first place, else a priority
    leaving (or joining) the top set. A shared first place that ends without a newcomer is only possible
    from a tie at the current weight, which _at_a_tie words; should it come, the priority left first is named."""
    if change["took_first"]:
        return "first", change["took_first"]
    if cutoff > 1 and change["leaving"]:
        return "leaves", change["leaving"]
    if cutoff > 1 and change["entering"]:
        return "joins", change["entering"]
    return "first", change["first"]


def _fall(kind: str, n: int, **kw) -> str:
    if kind == "first":
        return ngettext("The weight of %(group)s would have to fall from %(old)s to %(new)s before %(priorities)s "
                        "takes first place.", "The weight of %(group)s would have to fall from %(old)s to %(new)s "
                        "before %(priorities)s take first place.", n, **kw)
    if kind == "leaves":
        return ngettext("The weight of %(group)s would have to fall from %(old)s to %(new)s before %(priorities)s "
                        "leaves the top %(top)s.", "The weight of %(group)s would have to fall from %(old)s to "
                        "%(new)s before %(priorities)s leave the top %(top)s.", n, **kw)
    return ngettext("The weight of %(group)s would have to fall from %(old)s to %(new)s before %(priorities)s "
                    "joins the top %(top)s.", "The weight of %(group)s would have to fall from %(old)s to "
                    "%(new)s before %(priorities)s join the top %(top)s.", n, **kw)


def _rise(kind: str, n: int, **kw) -> str:
    if kind == "first":
        return ngettext("The weight of %(group)s would have to rise from %(old)s to %(new)s before %(priorities)s "
                        "takes first place.", "The weight of %(group)s would have to rise from %(old)s to %(new)s "
                        "before %(priorities)s take first place.", n, **kw)
    if kind == "leaves":
        return ngettext("The weight of %(group)s would have to rise from %(old)s to %(new)s before %(priorities)s "
                        "leaves the top %(top)s.", "The weight of %(group)s would have to rise from %(old)s to "
                        "%(new)s before %(priorities)s leave the top %(top)s.", n, **kw)
    return ngettext("The weight of %(group)s would have to rise from %(old)s to %(new)s before %(priorities)s "
                    "joins the top %(top)s.", "The weight of %(group)s would have to rise from %(old)s to "
                    "%(new)s before %(priorities)s join the top %(top)s.", n, **kw)


def _no_change(direction: str, cutoff: int, **kw) -> str:
    if direction == "fall":
        if cutoff > 1:
            return _("No fall in the weight of %(group)s, even to 0, would change the first place or the top "
                     "%(top)s.", **kw)
        return _("No fall in the weight of %(group)s, even to 0, would change the first place.", **kw)
    if direction == "rise":
        if cutoff > 1:
            return _("No rise in the weight of %(group)s, however large, would change the first place or the top "
                     "%(top)s.", **kw)
        return _("No rise in the weight of %(group)s, however large, would change the first place.", **kw)
    if cutoff > 1:
        return _("No change in the weight of %(group)s would change the first place or the top %(top)s.", **kw)
    return _("No change in the weight of %(group)s would change the first place.", **kw)


def _at_a_tie(point: dict[str, Any], cutoff: int, **kw) -> str:
    """The current weight sits on a tie that decides the outcome: any move changes it."""
    if point["weight"] > 0:
        if cutoff > 1:
            return _("The weight of %(group)s is exactly at a tipping point: any change from %(old)s, up or down, "
                     "would change the first place or the top %(top)s.", **kw)
        return _("The weight of %(group)s is exactly at a tipping point: any change from %(old)s, up or down, "
                 "would change the first place.", **kw)
    if cutoff > 1:
        return _("Any rise in the weight of %(group)s from %(old)s would change the first place or the top "
                 "%(top)s.", **kw)
    return _("Any rise in the weight of %(group)s from %(old)s would change the first place.", **kw)


def group_sentences(point: dict[str, Any], cutoff: int, group: Name, priority: Name) -> list[str]:
    """One sentence per direction for one group's tipping points (one in all when neither changes)."""
    w = point["weight"]
    kw = {"group": group(point["group"]), "old": weight_text(w), "top": cutoff}
    down, up = point["down"], point["up"]
    if (down and down["weight"] == w) or (up and up["weight"] == w):
        return [_at_a_tie(point, cutoff, **kw)]
    if down is None and up is None:
        return [_no_change("rise" if w == 0 else "either", cutoff, **kw)]
    out = []
    for change, say, direction in ((down, _fall, "fall"), (up, _rise, "rise")):
        if direction == "fall" and w == 0:
            continue
        if change is None:
            out.append(_no_change(direction, cutoff, **kw))
            continue
        kind, codes = _what(change, cutoff)
        out.append(say(kind, len(codes), priorities=_names(codes, priority),
                       new=weight_text(change["weight"], w), **kw))
    return out


#: A tipping point is near when the weight need move by no more than this share of itself (a half).
NEAR = 0.5


def nearest(tipping: dict[str, Any] | None, group: Name, priority: Name, *, limit: int = 3) -> list[str]:
    """The sentences of the `limit` tipping points nearest the weights as they are (each within NEAR of its
    group's weight), nearest first: what a summary says of how much rests on the weights."""
    if not tipping or not tipping["weighted"]:
        return []
    cutoff, near = tipping["cutoff"], []
    for point in tipping["groups"]:
        w = point["weight"]
        for change, say in ((point["down"], _fall), (point["up"], _rise)):
            if change is not None and w > 0 and abs(change["weight"] - w) <= NEAR * w:
                near.append((abs(change["weight"] - w) / w, point, change, say))
    near.sort(key=lambda item: item[0])
    out = []
    for distance, point, change, say in near[:limit]:
        kw = {"group": group(point["group"]), "old": weight_text(point["weight"]), "top": cutoff}
        if distance == 0:
            out.append(_at_a_tie(point, cutoff, **kw))
            continue
        kind, codes = _what(change, cutoff)
        out.append(say(kind, len(codes), priorities=_names(codes, priority),
                       new=weight_text(change["weight"], point["weight"]), **kw))
    return list(dict.fromkeys(out))


def sentences(tipping: dict[str, Any] | None, group: Name, priority: Name) -> list[str]:
    """Every group's sentences in order; none for a snapshot without tipping points (see intro)."""
    if not tipping or not tipping["weighted"]:
        return []
    return [text for point in tipping["groups"] for text in group_sentences(point, tipping["cutoff"], group,
                                                                             priority)]


def intro(tipping: dict[str, Any]) -> str:
    """What the sentences are about, or why there are none."""
    if not tipping["weighted"]:
        return _("Every vote counts the same in this consultation, so the stakeholder groups' weights do not "
                 "change the result.")
    return _("How far each stakeholder group's weight could move, with the other groups' weights as they are, "
             "before a different priority came first or the top priorities changed. At the weight named, two "
             "priorities would tie.")
