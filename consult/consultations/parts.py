"""What a consultation's own rules ask of its priority vote.

A consultation may hold a priority vote, which is consult.voting's: voting builds on consultations (a vote
belongs to a consultation, its screens check who manages the consultation), so consultations cannot import
it. Voting registers here, once, the few things the consultation's screens, lifecycle and file import need of
a vote, the way each domain registers its job kinds with the queue (and as Indico's event modules or
Decidim's components plug into the space that holds them). Everything else about the vote stays in voting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VoteHooks:
    #: Add, change or remove a consultation's vote: (consultation, *, enabled, method, points_budget,
    #: max_choices, weighting, actor, channel) -> the vote or None. Refusals raise a RuleError by field.
    save_settings: Callable[..., Any]
    #: Add a priority to a consultation's vote: (vote, None, *, code, title, description, easy_read, cost,
    #: actor, channel) -> the priority. Refusals raise a RuleError by field.
    add_priority: Callable[..., Any]
    #: Whether the results have been calculated (publishing needs them): (consultation) -> bool.
    has_results: Callable[[Any], bool]
    #: Whether a personal invitation link has already cast its one ballot: (invitation) -> bool.
    link_has_voted: Callable[[Any], bool]


_vote: VoteHooks | None = None


def register_vote(hooks: VoteHooks) -> None:
    global _vote
    _vote = hooks


def vote() -> VoteHooks:
    if _vote is None:
        raise RuntimeError("consult.voting has not registered its vote hooks (create the app first)")
    return _vote
