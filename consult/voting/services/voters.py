"""Who is voting, channel by channel: whose the ballot is (its one key), the group and locality it counts for,
and what the channel asks before it is stored. casting.cast_ballot does the rest the same way for every one.

The voter keys are spelt here and nowhere else. One key per person, whatever way they vote, is what lets the
database's one unique constraint (consultation, voter key) keep them to one ballot.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update

from consult.consultations.models import Consultation
from consult.core.models import utcnow
from consult.extensions import db
from consult.invitations.services import mark_responded
from consult.localities.models import Locality, Membership, StakeholderGroup
from consult.voting.models import PAPER_CHANNELS, Ballot, VotingCode
from consult.voting.permissions import paper_entry_open, voting_memberships
from consult.voting.services.ballots import (
    check_ballot,
    find_ballot,
    refuse_unless_open,
    refuse_unless_taking_part,
)
from consult.voting.services.errors import VotingError, busy_is_a_refusal


def member_key(user_id: int) -> str:
    return f"user:{user_id}"


def code_key(voting_code_id: int) -> str:
    return f"code:{voting_code_id}"


def invitation_key(invitation) -> str:
    """A member's ballot is theirs however they arrive (signed in or by link), so it cannot be cast twice."""
    return member_key(invitation.user_id) if invitation.user_id else f"invite:{invitation.id}"


def paper_key(token: str | None = None) -> str:
    """Paper and meeting ballots name nobody: each gets a fresh key of its own."""
    return f"paper:{token or uuid.uuid4()}"


def reference_key(voter: str) -> str:
    """The voter column of a ballots file."""
    return f"ref:{voter}"


class Voter:
    """Whose a ballot is, the group and locality it counts for, and what its channel asks before storing it.

    One subclass per channel. This base asks nothing: the demo's and the tests' ballots, stored whatever the
    voting window, use it as it is."""

    #: Which channel this is, for the ballot page (it tells a code holder who they are voting as).
    kind = "ballot"
    #: Casting again replaces this voter's ballot; otherwise a second ballot is refused as a duplicate.
    replaces = False
    #: A personal link votes once: nobody may change the vote it cast.
    votes_once = False
    #: The memberships a signed-in member may vote as (the others vote as one group and locality).
    memberships: Sequence[Membership] = ()
    membership: Membership | None = None

    def __init__(self, key: str, stakeholder_group: StakeholderGroup | None, locality: Locality | None,
                 channel: str, *, user_id: int | None = None, voting_code_id: int | None = None,
                 entered_by_id: int | None = None, actor=None, audit_channel: str = "web"):
        self.key, self.stakeholder_group, self.locality, self.channel = key, stakeholder_group, locality, channel
        self.user_id, self.voting_code_id, self.entered_by_id = user_id, voting_code_id, entered_by_id
        self.actor, self.audit_channel = actor, audit_channel

    def admit(self, consultation: Consultation, values: Mapping[str, int], now: datetime | None) -> None:
        """Refuse what this channel may not cast now, and use up what casting spends (a code), before storing."""

    def has_cast(self, ballot: Ballot) -> None:
        """What a stored ballot settles for this channel (a personal link is spent)."""

    def speaking_as(self, membership_id: int | None) -> Voter:
        """This voter, voting as one of their memberships (only members have a choice)."""
        return self

    def membership_of(self, ballot: Ballot) -> Membership | None:
        """The membership a stored ballot was cast as, to show the member's choice again."""
        return next((m for m in self.memberships if m.stakeholder_group_id == ballot.stakeholder_group_id
                     and m.planning_group.locality_id == ballot.locality_id), None)

    def remembered(self) -> dict[str, Any] | None:
        """What the browser keeps of this voter from page to page (a code holder's code), or None."""
        return None


class Member(Voter):
    """A signed-in member of a planning group in a covered locality, voting (and changing their vote) as one of
    their memberships; the group and locality are stamped from that membership now, not looked up later."""

    kind = "member"
    replaces = True

    def __init__(self, user, memberships: list[Membership], membership: Membership | None = None):
        if membership is None and len(memberships) == 1:
            membership = memberships[0]
        super().__init__(member_key(user.id), membership.stakeholder_group if membership else None,
                         membership.planning_group.locality if membership else None, "web", user_id=user.id,
                         actor=user)
        self.user, self.memberships, self.membership = user, list(memberships), membership

    def speaking_as(self, membership_id: int | None) -> Member:
        return Member(self.user, self.memberships, next((m for m in self.memberships if m.id == membership_id), None))

    def admit(self, consultation, values, now) -> None:
        refuse_unless_open(consultation, now)
        allowed = {m.id for m in voting_memberships(self.user, consultation)}
        if not allowed:
            raise VotingError(_("You are not a member of a planning group in the areas this consultation covers."),
                              code="not_member")
        if self.membership is None or self.membership.id not in allowed:
            raise VotingError(_("Choose which group you are voting as."), "speak_as", code="bad_membership")


class CodeHolder(Voter):
    """Someone holding a single-use voting code, counted for the group and area they declared on entering it.

    Their first ballot uses the code up, in the same transaction; the same browser may change that vote."""

    kind = "code"

    def __init__(self, voting_code_id: int, group: StakeholderGroup | None, locality: Locality | None, *,
                 cast: bool = False):
        super().__init__(code_key(voting_code_id), group, locality, "code", voting_code_id=voting_code_id)
        self.cast = cast

    @classmethod
    def from_remembered(cls, state: Mapping[str, Any]) -> CodeHolder:
        return cls(state["id"], db.session.get(StakeholderGroup, state.get("group")),
                   db.session.get(Locality, state.get("locality")), cast=bool(state.get("cast")))

    def remembered(self) -> dict[str, Any]:
        return {"id": self.voting_code_id, "group": getattr(self.stakeholder_group, "id", None),
                "locality": getattr(self.locality, "id", None), "cast": self.cast}

    @property
    def replaces(self) -> bool:
        return self.cast

    def admit(self, consultation, values, now) -> None:
        refuse_unless_open(consultation, now)
        refuse_unless_taking_part(consultation, self.stakeholder_group, self.locality)
        if self.cast:
            if find_ballot(consultation, self.key) is None:
                raise VotingError(_("We could not find the vote made with your code. Enter your code again."),
                                  "code", code="unknown_code")
            return
        check_ballot(consultation.vote, values)  # refuse a bad ballot before using the code up
        # Claiming the code is one conditional UPDATE, so two people (or tabs) cannot both use it.
        with busy_is_a_refusal():
            claimed = db.session.execute(
                update(VotingCode).where(VotingCode.id == self.voting_code_id,
                                         VotingCode.consultation_id == consultation.id, VotingCode.used_at.is_(None))
                .values(used_at=now or utcnow()).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            raise VotingError(_("This voting code has already been used. Each code can be used once."), "code",
                              code="used_code")

    def has_cast(self, ballot) -> None:
        self.cast = True


class LinkHolder(Voter):
    """The holder of a personal invitation link, counted for the invitation's group and locality. A link votes
    once: its invitation is then responded, and the link is spent."""

    kind = "invite"
    votes_once = True

    def __init__(self, invitation):
        super().__init__(invitation_key(invitation), invitation.stakeholder_group, invitation.locality, "web",
                         user_id=invitation.user_id, actor=invitation.user)
        self.invitation = invitation

    def admit(self, consultation, values, now) -> None:
        refuse_unless_open(consultation, now)

    def has_cast(self, ballot) -> None:
        mark_responded(self.invitation)


class PaperBallot(Voter):
    """A ballot collected on paper or at a meeting and keyed in by staff, from the opening until the results are
    published (forms arrive late); anonymous, and marked with who keyed it in."""

    kind = "paper"

    def __init__(self, channel: str, group: StakeholderGroup | None, locality: Locality | None, *, entered_by,
                 token: str | None = None):
        super().__init__(paper_key(token), group, locality, channel, entered_by_id=getattr(entered_by, "id", None),
                         actor=entered_by, audit_channel=channel)

    def admit(self, consultation, values, now) -> None:
        if not paper_entry_open(consultation, now):
            raise VotingError(_("Paper and meeting ballots can be entered only while voting is open and after it "
                                "closes until the results are published."), code="closed")
        if self.channel not in PAPER_CHANNELS:
            raise VotingError(_("Choose where the ballot was collected."), "channel", code="bad_channel")
        refuse_unless_taking_part(consultation, self.stakeholder_group, self.locality)


class Imported(Voter):
    """A voter named in a ballots file, counted for the file's group and locality. The file is checked as a whole
    (consult.voting.ballots_csv) before any of it is cast."""

    kind = "import"

    def __init__(self, voter: str, group: StakeholderGroup, locality: Locality, *, actor=None):
        super().__init__(reference_key(voter), group, locality, "import", actor=actor, audit_channel="cli")


def current_voter(consultation: Consultation, user, *, invitation=None,
                  code: Mapping[str, Any] | None = None) -> Voter | None:
    """Who is voting on the website: the holder of the personal link this browser followed, else of the voting code
    it entered (`code`, as CodeHolder.remembered left it), else a signed-in member who may vote here; else nobody."""
    if invitation is not None and invitation.consultation_id == consultation.id:
        return LinkHolder(invitation)
    if code and db.session.get(VotingCode, code.get("id")) is not None:
        return CodeHolder.from_remembered(code)
    memberships = voting_memberships(user, consultation)
    return Member(user, memberships) if memberships else None
