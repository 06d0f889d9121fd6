"""How a consultation's votes are counted, agreed and locked (DESIGN section 6, "Legitimacy rules").

The counting rules are the stakeholder groups taking part with their weights, the weighting scheme and the
vote's settings (method, points budget, most choices). Whoever leads the consultation proposes them; a
commissioner agrees them, saying why (who, when and why go in the audit log); changing any of them withdraws
the agreement; a consultation with a vote cannot open until they are agreed; and from the opening on nobody
changes them, in the web or in any command. "What if" tallies under other weights stay available to staff,
always labelled as not the result.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.consultations.models import Consultation
from consult.core.errors import RuleError
from consult.core.models import utcnow
from consult.core.services import record_change

#: The longest reason a commissioner may give for agreeing.
MAX_REASON = 2000


class CountingError(RuleError):
    """A change to how votes are counted that the rules refuse; str() says why, `field` names the input."""


def is_locked(consultation: Consultation) -> bool:
    """From the opening on, how votes are counted stays as it was when the consultation opened."""
    return not consultation.status.is_draft


def refuse_if_locked(consultation: Consultation, field: str | None = None) -> None:
    if is_locked(consultation):
        raise CountingError(_("The consultation has opened, so the stakeholder groups, their weights and how "
                              "votes are counted can no longer change."), field)


def is_agreed(consultation: Consultation) -> bool:
    return consultation.weights_agreed_at is not None


def rules(consultation: Consultation) -> dict[str, Any]:
    """The counting rules as the audit log keeps them (what was agreed, or what changed)."""
    vote = getattr(consultation, "vote", None)
    return {
        "weights": consultation.weights(),
        "vote": None if vote is None else {"method": vote.method, "points_budget": vote.points_budget,
                                           "max_choices": vote.max_choices, "weighting": vote.weighting},
    }


def agree(consultation: Consultation, *, reason: str, actor, channel: str = "web") -> None:
    """A commissioner agrees the counting rules as they stand, giving a reason (only while a draft)."""
    refuse_if_locked(consultation, "reason")
    if not consultation.group_weights:
        raise CountingError(_("Choose at least one stakeholder group before agreeing how votes are counted."),
                            "reason")
    # A NUL character is no part of a reason, and PostgreSQL cannot store one in text.
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise CountingError(_("Say why these weights are right for this consultation."), "reason")
    if len(reason) > MAX_REASON:
        raise CountingError(_("The reason must be %(n)s characters or fewer.", n=f"{MAX_REASON:,}"), "reason")
    consultation.weights_agreed_by_id = getattr(actor, "id", None)
    consultation.weights_agreed_at = utcnow()
    consultation.weights_agreed_reason = reason
    record_change("consultation.counting_agreed", consultation, after={**rules(consultation), "reason": reason},
                  actor=actor, channel=channel)


def withdraw_agreement(consultation: Consultation, *, actor=None, channel: str = "web") -> None:
    """The rules changed after they were agreed: the agreement no longer holds (a commissioner agrees again)."""
    if not is_agreed(consultation):
        return
    before = {"agreed_by": consultation.weights_agreed_by_id, "agreed_at": consultation.weights_agreed_at.isoformat(),
              "reason": consultation.weights_agreed_reason}
    consultation.weights_agreed_by_id = consultation.weights_agreed_at = consultation.weights_agreed_reason = None
    record_change("consultation.counting_agreement_withdrawn", consultation, before=before, actor=actor,
                  channel=channel)


def refuse_opening_unless_agreed(consultation: Consultation) -> None:
    """A consultation with a vote opens only with counting rules a commissioner has agreed."""
    if getattr(consultation, "vote", None) is not None and not is_agreed(consultation):
        raise CountingError(_("A commissioner must agree the stakeholder weights and how votes are counted "
                              "before the consultation opens."), "status")


def groups(consultation: Consultation) -> list[dict[str, Any]]:
    """The groups taking part, in their usual order, with their weight and (if every group votes) the share
    of the say their weight gives them when each group's votes together carry its weight."""
    weights = {gw.stakeholder_group_id: gw.weight for gw in consultation.group_weights}
    total = sum(weights.values())
    return [{"group": g, "weight": weights[g.id], "share": weights[g.id] / total if total else 0.0}
            for g in consultation.groups_taking_part()]
