"""Localities, planning groups, stakeholder groups and memberships."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db

planning_group_facilitators = Table(
    "planning_group_facilitators",
    db.metadata,
    Column("planning_group_id", ForeignKey("planning_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Locality(db.Model):
    __tablename__ = "localities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    #: {"en": "Peterlee", "cy": "..."}
    name: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Resident population, for representativeness and population-weighted combining.
    population: Mapped[int] = mapped_column(Integer, default=0)

    planning_groups: Mapped[list[PlanningGroup]] = relationship(back_populates="locality", order_by="PlanningGroup.id")

    __table_args__ = (CheckConstraint("population >= 0", name="population_not_negative"),)


class StakeholderGroup(db.Model):
    __tablename__ = "stakeholder_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Default weight of this group's voice; a consultation may set its own.
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("weight >= 0", name="weight_not_negative"),)


class PlanningGroup(db.Model):
    __tablename__ = "planning_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"), index=True)
    name: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Small budget devolved to the group, in pounds; NULL when it holds none.
    devolved_budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: Members per stakeholder group code, as last computed by the profile job.
    profile: Mapped[dict[str, int] | None] = mapped_column(JSON)
    profile_computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    locality: Mapped[Locality] = relationship(back_populates="planning_groups")
    facilitators: Mapped[list[User]] = relationship(secondary=planning_group_facilitators, order_by=User.name)
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="planning_group", cascade="all, delete-orphan", order_by="Membership.id"
    )

    __table_args__ = (CheckConstraint("devolved_budget IS NULL OR devolved_budget >= 0", name="budget_not_negative"),)


class Membership(db.Model):
    """A person in a planning group, speaking as one stakeholder group."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    planning_group_id: Mapped[int] = mapped_column(ForeignKey("planning_groups.id", ondelete="CASCADE"), index=True)
    stakeholder_group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="RESTRICT"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    planning_group: Mapped[PlanningGroup] = relationship(back_populates="memberships")
    stakeholder_group: Mapped[StakeholderGroup] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "planning_group_id"),)
