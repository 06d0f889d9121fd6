"""What commissioning's codes are called on the page (lazy: translated when shown), and money as people read it."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from consult.commissioning import bestvalue
from consult.commissioning.models import IntentionStatus

STATUS_LABELS = {
    IntentionStatus.DRAFT: _l("Draft"), IntentionStatus.PROPOSED: _l("Proposed"),
    IntentionStatus.AGREED: _l("Agreed"), IntentionStatus.CONTRACTED: _l("Contracted"),
    IntentionStatus.DELIVERED: _l("Delivered"), IntentionStatus.DEFERRED: _l("Deferred"),
    IntentionStatus.DECLINED: _l("Declined"),
}
ROUTE_LABELS = {"health": _l("Health"), "social_care": _l("Social care"), "aligned": _l("Aligned"),
                "pooled": _l("Pooled")}
PARTNER_LABELS = {"health": _l("Health (NHS)"), "council": _l("Council")}
AREA_LABELS = {
    "older_people": _l("Older people"), "carers": _l("Carers"), "learning_disability": _l("Learning disability"),
    "mental_health": _l("Mental health"), "physical_disability": _l("Physical disability"),
    "children_families": _l("Children and families"), "public_health": _l("Public health"), "other": _l("Other"),
}
CHANGE_LABELS = {"none": _l("A new or continuing service"), "replace": _l("Replaces an existing service"),
                 "decommission": _l("Decommissions an existing service")}
RELATIVE_LABELS = {"lower": _l("Lower"), "same": _l("The same"), "higher": _l("Higher")}
JUDGEMENT_LABELS = {
    bestvalue.BEST_VALUE: _l("Best value"),
    bestvalue.NOT_BEST_VALUE: _l("Not best value"),
    bestvalue.JUDGEMENT_REQUIRED: _l("Judgement required on non-financial costs and benefits"),
    bestvalue.NO_DISCERNIBLE_CHANGE: _l("No discernible gain or loss"),
}
COMBINE_LABELS = {"equal": _l("Every locality counts the same"),
                  "population": _l("Each locality counts by its population")}
#: An intention's fields, as its audit history names them.
FIELD_LABELS = {
    "title": _l("Title"), "description": _l("Description"), "easy_read": _l("Easy read"),
    "service_area": _l("Service area"), "localities": _l("Localities"), "amount": _l("Amount"),
    "funding_route": _l("Funding route"), "lead_commissioner": _l("Lead commissioner"), "status": _l("Status"),
    "planned_start": _l("Planned start"), "planned_end": _l("Planned end"), "rationale": _l("Rationale"),
    "service_change": _l("Effect on existing services"), "relative_cost": _l("Relative cost"),
    "relative_quality": _l("Relative quality"), "best_value_note": _l("Best Value notes"), "rank": _l("Rank"),
    "rationale_explains": _l("Rationale explains"),
}


def status_name(status: str) -> str:
    """A status as it reads inside a sentence: "agreed", "deferred"."""
    return str(STATUS_LABELS.get(status, status)).lower()


def pounds(value: Decimal | float | None) -> str:
    if value is None:
        return ""
    value = Decimal(str(value))
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"
