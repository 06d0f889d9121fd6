"""Planning years and their budgets, commissioning intentions with their evidence, draft runs, "you said, we did"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from consult.accounts.models import User
from consult.commissioning import departures
from consult.commissioning.drafting import COMBINE_METHODS
from consult.consultations.models import Consultation
from consult.core.models import StrEnumType, UTCDateTime, enum_validator, one_of, utcnow
from consult.extensions import db
from consult.localities.models import Locality

#: How money reaches a service: one partner's budget, budgets aligned but kept apart, or one pooled budget.
FUNDING_ROUTES = ("health", "social_care", "aligned", "pooled")
#: The partners: the NHS body and the council. Either may lead an intention; both contribute to a pooled budget.
PARTNERS = ("health", "council")


class IntentionStatus(StrEnum):
    """Where an intention is in its life; `next_statuses` says where it may go from here (MOVES below)."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    AGREED = "agreed"
    CONTRACTED = "contracted"
    DELIVERED = "delivered"
    DEFERRED = "deferred"
    DECLINED = "declined"

    @property
    def next_statuses(self) -> tuple[IntentionStatus, ...]:
        return MOVES[self]

    def can_become(self, status: IntentionStatus) -> bool:
        """Staying put is always allowed; anything else must be one of the next statuses."""
        return status is self or status in MOVES[self]

    @property
    def is_draft(self) -> bool:
        return self is IntentionStatus.DRAFT

    @property
    def is_proposed(self) -> bool:
        return self is IntentionStatus.PROPOSED

    @property
    def is_decided(self) -> bool:
        """Anything but a draft: a decision the public may be told about."""
        return self is not IntentionStatus.DRAFT

    @property
    def is_committed(self) -> bool:
        """Agreed, contracted or delivered: money is committed (departures.COMMITTED)."""
        return self.value in departures.COMMITTED

    @property
    def is_not_pursued(self) -> bool:
        """Deferred or declined (departures.NOT_PURSUED)."""
        return self.value in departures.NOT_PURSUED


_S = IntentionStatus
#: Where an intention may go next, in the order people are offered them. Deferring or declining is open until a
#: contract exists.
MOVES: dict[IntentionStatus, tuple[IntentionStatus, ...]] = {
    _S.DRAFT: (_S.PROPOSED, _S.AGREED, _S.DEFERRED, _S.DECLINED),
    _S.PROPOSED: (_S.DRAFT, _S.AGREED, _S.DEFERRED, _S.DECLINED),
    _S.AGREED: (_S.PROPOSED, _S.CONTRACTED, _S.DEFERRED, _S.DECLINED),
    _S.CONTRACTED: (_S.AGREED, _S.DELIVERED),
    _S.DELIVERED: (_S.CONTRACTED,),
    _S.DEFERRED: (_S.DRAFT, _S.PROPOSED, _S.AGREED, _S.DECLINED),
    _S.DECLINED: (_S.DRAFT, _S.PROPOSED, _S.DEFERRED),
}
STATUSES = tuple(s.value for s in IntentionStatus)
SERVICE_AREAS = ("older_people", "carers", "learning_disability", "mental_health", "physical_disability",
                 "children_families", "public_health", "other")
#: What the intention does to services already there; replacing or decommissioning needs a Best Value check.
SERVICE_CHANGES = ("none", "replace", "decommission")
RELATIVE = ("lower", "same", "higher")


class PlanningYear(db.Model):
    """A commissioning year, like 2027/28, with its budgets."""

    __tablename__ = "planning_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Shown to people and unique: "2027/28".
    label: Mapped[str] = mapped_column(String(16), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    budgets: Mapped[list[Budget]] = relationship(back_populates="planning_year", cascade="all, delete-orphan",
                                                 order_by="Budget.funding_route")

    __table_args__ = (CheckConstraint("ends_on > starts_on", name="ends_after_start"),)

    def budget(self, route: str) -> Budget | None:
        return next((b for b in self.budgets if b.funding_route == route), None)


class Budget(db.Model):
    """The money available in a planning year through one funding route."""

    __tablename__ = "budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    planning_year_id: Mapped[int] = mapped_column(ForeignKey("planning_years.id", ondelete="CASCADE"))
    funding_route: Mapped[str] = mapped_column(String(16))
    #: In pounds. For a pooled budget, the sum of the partners' contributions.
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))

    planning_year: Mapped[PlanningYear] = relationship(back_populates="budgets")
    contributions: Mapped[list[BudgetContribution]] = relationship(
        back_populates="budget", cascade="all, delete-orphan", order_by="BudgetContribution.partner")

    __table_args__ = (
        UniqueConstraint("planning_year_id", "funding_route"),
        CheckConstraint(one_of("funding_route", FUNDING_ROUTES), name="route_known"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class BudgetContribution(db.Model):
    """What one partner puts into a pooled budget (where the money loses its health or council identity)."""

    __tablename__ = "budget_contributions"

    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), primary_key=True)
    partner: Mapped[str] = mapped_column(String(16), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    budget: Mapped[Budget] = relationship(back_populates="contributions")

    __table_args__ = (
        CheckConstraint(one_of("partner", PARTNERS), name="partner_known"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class DraftRun(db.Model):
    """One run of the draft-intentions job: which consultations it read and how it combined localities."""

    __tablename__ = "draft_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    planning_year_id: Mapped[int] = mapped_column(ForeignKey("planning_years.id", ondelete="CASCADE"), index=True)
    #: "equal" (every locality counts the same) or "population" (each counts by its population).
    combine: Mapped[str] = mapped_column(String(16))
    consultation_ids: Mapped[list[int]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: {"created": n, "updated": n, "kept_edits": n, "consultations": {slug: {...}}} once finished.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    planning_year: Mapped[PlanningYear] = relationship()
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint(one_of("combine", COMBINE_METHODS), name="combine_known"),)


intention_localities = Table(
    "intention_localities",
    db.metadata,
    Column("intention_id", ForeignKey("commissioning_intentions.id", ondelete="CASCADE"), primary_key=True),
    Column("locality_id", ForeignKey("localities.id", ondelete="RESTRICT"), primary_key=True),
)


class Intention(db.Model):
    """A commissioning intention: what will be bought in a planning year, with which money, and why."""

    __tablename__ = "commissioning_intentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    planning_year_id: Mapped[int] = mapped_column(ForeignKey("planning_years.id", ondelete="CASCADE"), index=True)
    #: The consultation and priority it answers; empty for an intention a commissioner added by hand.
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="SET NULL"),
                                                        index=True)
    priority_code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    easy_read: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    service_area: Mapped[str | None] = mapped_column(String(32))
    #: In pounds for the planning year.
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    funding_route: Mapped[str | None] = mapped_column(String(16))
    lead_commissioner: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[IntentionStatus] = mapped_column(StrEnumType(IntentionStatus), default=IntentionStatus.DRAFT,
                                                    index=True)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    #: Why the decision departs from the consultation, per locale (shown publicly).
    rationale: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: The departure kinds (see departures.py) the rationale was written to explain.
    rationale_explains: Mapped[list[str]] = mapped_column(JSON, default=list)
    service_change: Mapped[str] = mapped_column(String(16), default="none")
    #: Best Value check (bestvalue.py): cost and quality relative to the service replaced or decommissioned.
    relative_cost: Mapped[str | None] = mapped_column(String(8))
    relative_quality: Mapped[str | None] = mapped_column(String(8))
    best_value_note: Mapped[str | None] = mapped_column(Text)
    #: The priority's place in the consultation's result (all ballots, its own weighting; 1 = highest).
    rank: Mapped[int | None] = mapped_column(Integer)
    #: How many priorities that vote had (to tell which ranks are "top").
    priorities_in_vote: Mapped[int | None] = mapped_column(Integer)
    #: Fields a person has changed: the draft job never overwrites these.
    edited_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("draft_runs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    planning_year: Mapped[PlanningYear] = relationship()
    consultation: Mapped[Consultation | None] = relationship()
    localities: Mapped[list[Locality]] = relationship(secondary=intention_localities, order_by=Locality.code)
    evidence: Mapped[list[IntentionEvidence]] = relationship(back_populates="intention", cascade="all, delete-orphan",
                                                             order_by="IntentionEvidence.scope")
    last_run: Mapped[DraftRun | None] = relationship()

    __table_args__ = (
        # Re-running the draft job finds the intention again instead of adding a second one.
        UniqueConstraint("planning_year_id", "consultation_id", "priority_code"),
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint(one_of("funding_route", FUNDING_ROUTES, nullable=True), name="route_known"),
        CheckConstraint(one_of("lead_commissioner", PARTNERS, nullable=True), name="lead_known"),
        CheckConstraint(one_of("service_area", SERVICE_AREAS, nullable=True), name="area_known"),
        CheckConstraint(one_of("service_change", SERVICE_CHANGES), name="change_known"),
        CheckConstraint(one_of("relative_cost", RELATIVE, nullable=True), name="cost_known"),
        CheckConstraint(one_of("relative_quality", RELATIVE, nullable=True), name="quality_known"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint("planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start",
                        name="ends_after_start"),
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("status", IntentionStatus.DRAFT)
        super().__init__(**kwargs)

    _status_is_enum = validates("status")(enum_validator(IntentionStatus))


class IntentionEvidence(db.Model):
    """What a consultation said about an intention's priority, as read by a draft run from a results snapshot."""

    __tablename__ = "intention_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    intention_id: Mapped[int] = mapped_column(ForeignKey("commissioning_intentions.id", ondelete="CASCADE"))
    #: "combined" (localities combined as the run chose), "all" (every ballot together) or "locality:<code>".
    scope: Mapped[str] = mapped_column(String(48))
    rank: Mapped[int] = mapped_column(Integer)
    #: Weighted score; for "combined" the weighted average of the localities' shares.
    score: Mapped[float] = mapped_column(Float)
    share: Mapped[float | None] = mapped_column(Float)
    ballots: Mapped[int | None] = mapped_column(Integer)
    #: Stakeholder group code -> that group's part of the score.
    by_group: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    #: How much this locality counted in the combined rank (0 to 1).
    weight: Mapped[float | None] = mapped_column(Float)
    #: Bootstrap rank interval over all ballots (on the "all" and "combined" rows).
    interval_low: Mapped[int | None] = mapped_column(Integer)
    interval_high: Mapped[int | None] = mapped_column(Integer)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("results_snapshots.id", ondelete="SET NULL"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("draft_runs.id", ondelete="SET NULL"))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    intention: Mapped[Intention] = relationship(back_populates="evidence")

    __table_args__ = (UniqueConstraint("intention_id", "scope"),)


class YouSaidWeDid(db.Model):
    """The published "you said, we did" of a consultation: a frozen copy, so the public sees only what was published."""

    __tablename__ = "you_said_we_did"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), unique=True)
    #: What the public page shows: priorities, what each group said, decisions and why (all locales).
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: 1 when first published; each re-publication adds one.
    version: Mapped[int] = mapped_column(Integer, default=1)
    first_published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    consultation: Mapped[Consultation] = relationship()
