"""Priority votes: the vote's rules, priorities, ballots and their choices, voting codes, results snapshots."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from consult.consultations.models import Consultation
from consult.core.models import UTCDateTime, one_of, utcnow
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.tally import METHODS, SCHEMES

#: How a ballot arrived: a signed-in member, a single-use voting code, a paper form, a meeting, a CSV import.
CHANNELS = ("web", "code", "paper", "meeting", "import")
#: The channels staff key in: their ballots name nobody.
PAPER_CHANNELS = ("paper", "meeting")


class Vote(db.Model):
    """The priority vote of a consultation: its method and default weighting scheme (DESIGN section 6)."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), unique=True)
    method: Mapped[str] = mapped_column(String(16))
    #: For `points`: the whole points each voter may spread.
    points_budget: Mapped[int | None] = mapped_column(Integer)
    #: Optional cap on how many priorities a ballot may rank, approve or give points to.
    max_choices: Mapped[int | None] = mapped_column(Integer)
    weighting: Mapped[str] = mapped_column(String(16), default="group_shares")

    #: The consultation holds its vote as `consultation.vote` (removing it there removes the vote).
    consultation: Mapped[Consultation] = relationship(
        backref=backref("vote", uselist=False, cascade="all, delete-orphan"))
    priorities: Mapped[list[Priority]] = relationship(back_populates="vote", cascade="all, delete-orphan",
                                                      order_by="Priority.position, Priority.code")

    __table_args__ = (
        CheckConstraint(one_of("method", METHODS), name="method_known"),
        CheckConstraint(one_of("weighting", SCHEMES), name="weighting_known"),
        CheckConstraint("method != 'points' OR (points_budget IS NOT NULL AND points_budget > 0)",
                        name="points_need_budget"),
        CheckConstraint("max_choices IS NULL OR max_choices > 0", name="max_choices_positive"),
    )


class Priority(db.Model):
    """A candidate service priority put to the vote."""

    __tablename__ = "priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    easy_read: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Estimated yearly cost in pounds, if costed.
    cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    position: Mapped[int] = mapped_column(Integer, default=0)

    vote: Mapped[Vote] = relationship(back_populates="priorities")

    __table_args__ = (
        UniqueConstraint("vote_id", "code"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
    )


class VotingCode(db.Model):
    """A single-use code a facilitator hands out; its holder declares their stakeholder group and locality."""

    __tablename__ = "voting_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the code; the code itself is shown once, when the batch is printed.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    batch: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Ballot(db.Model):
    """One person's vote in one consultation, stamped with the group and locality they had when voting."""

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    #: Who voted, as one key so one unique constraint covers every channel (spelt in voting.services.voters):
    #: "user:<id>", "code:<id>", "invite:<id>", "paper:<uuid>" or "ref:<voter column of an import>".
    voter_key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    voting_code_id: Mapped[int | None] = mapped_column(ForeignKey("voting_codes.id", ondelete="SET NULL"))
    stakeholder_group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="RESTRICT"))
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"))
    channel: Mapped[str] = mapped_column(String(16), default="web")
    #: Language the ballot was cast in (for participation reports).
    locale: Mapped[str | None] = mapped_column(String(8))
    #: The facilitator who keyed in a paper or meeting ballot.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stakeholder_group: Mapped[StakeholderGroup] = relationship()
    locality: Mapped[Locality] = relationship()
    choices: Mapped[list[BallotChoice]] = relationship(back_populates="ballot", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("consultation_id", "voter_key"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel_known"),
        Index("ix_ballots_consultation_group", "consultation_id", "stakeholder_group_id"),
        # Ballot counts per (locality, group) for the tally come from this index alone.
        Index("ix_ballots_tally", "consultation_id", "locality_id", "stakeholder_group_id"),
    )


class BallotChoice(db.Model):
    """One priority on one ballot: the value given and the points it earns.

    Consultation, group and locality are copied from the ballot so that the tally is
    one indexed scan of this table, grouped by (group, priority)."""

    __tablename__ = "ballot_choices"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    stakeholder_group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="RESTRICT"))
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"))
    #: As entered: rank position for ranking, 1 for approval, points for points.
    value: Mapped[int] = mapped_column(Integer)
    #: What the value earns under the method (DESIGN section 6).
    points: Mapped[int] = mapped_column(Integer)

    ballot: Mapped[Ballot] = relationship(back_populates="choices")
    priority: Mapped[Priority] = relationship()

    __table_args__ = (
        Index("ix_ballot_choices_tally", "consultation_id", "locality_id", "stakeholder_group_id", "priority_id",
              "points"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )


class ResultsSnapshot(db.Model):
    """A tally as of a moment, so that published results never change under a reader."""

    __tablename__ = "results_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ballots: Mapped[int] = mapped_column(Integer, default=0)
    #: {"weighting", "schemes": {scheme: {"overall": TallyResult.as_dict(), "localities": {code: ...}}},
    #:  "intervals": {scheme: {priority code: [low, high]}}, ...} as written by the tally service.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    job_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_results_snapshots_latest", "consultation_id", "computed_at"),)
