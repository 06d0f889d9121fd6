"""current_voter and cast_ballot, channel by channel: whose a ballot is, what it counts for, and what each channel
asks before the one store keeps it (consult.voting.services.voters and .casting)."""

import itertools
import re
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from consult.core.clock import utcnow
from consult.core.models import AuditEvent
from consult.extensions import db
from consult.invitations.models import Invitation
from consult.voting.models import Ballot, BallotChoice, VotingCode
from consult.voting.services.casting import cast_ballot, link_has_voted, store_ballot
from consult.voting.services.errors import VotingError
from consult.voting.services.voters import (
    CodeHolder,
    Imported,
    LinkHolder,
    Member,
    PaperBallot,
    current_voter,
)
from factories import (
    make_consultation,
    make_locality,
    make_membership,
    make_planning_group,
    make_stakeholder_group,
    make_user,
    make_voting_code,
)


@pytest.fixture
def consultation():
    return make_consultation(localities=[make_locality(), make_locality()],
                             vote={"method": "ranking", "priorities": ["P1", "P2", "P3"]})


def groups(consultation):
    return [gw.stakeholder_group for gw in consultation.group_weights]


_ids = itertools.count(1)


def member_of(consultation, *, group=0, locality=0, user=None):
    return make_membership(user=user, planning_group=make_planning_group(locality=consultation.localities[locality]),
                           stakeholder_group=groups(consultation)[group])


def invitation_to(consultation, *, user=None, group=0, locality=0):
    invitation = Invitation(consultation=consultation, name="Carys", email=f"carys{next(_ids)}@example.org",
                            locale="en", stakeholder_group=groups(consultation)[group],
                            locality=consultation.localities[locality], user_id=getattr(user, "id", None),
                            nonce="0" * 32)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def ballots(consultation) -> list[Ballot]:
    return db.session.scalars(select(Ballot).where(Ballot.consultation_id == consultation.id)).all()


def refusal(consultation, voter, values=None) -> VotingError:
    with pytest.raises(VotingError) as caught:
        cast_ballot(consultation, voter, values or {"P1": 1})
    return caught.value


def used(row: VotingCode) -> bool:
    db.session.refresh(row)  # the code is claimed by an UPDATE, behind the session's back
    return row.used_at is not None


def audit(action: str) -> AuditEvent:
    return db.session.scalar(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc()))


# --------------------------------------------------------------------------
# current_voter: who is voting on the website
# --------------------------------------------------------------------------


def test_a_followed_link_comes_first_then_a_code_then_membership(consultation):
    membership = member_of(consultation)
    user = membership.user
    invitation = invitation_to(consultation, group=1, locality=1)
    _code, row = make_voting_code(consultation)
    remembered = {"id": row.id, "group": groups(consultation)[1].id, "locality": consultation.localities[0].id,
                  "cast": True}

    link = current_voter(consultation, user, invitation=invitation, code=remembered)
    assert isinstance(link, LinkHolder) and link.votes_once
    assert (link.key, link.stakeholder_group, link.locality) == (
        f"invite:{invitation.id}", groups(consultation)[1], consultation.localities[1])

    holder = current_voter(consultation, user, code=remembered)
    assert isinstance(holder, CodeHolder) and holder.replaces  # it has cast, so casting again changes its vote
    assert (holder.key, holder.stakeholder_group, holder.locality) == (
        f"code:{row.id}", groups(consultation)[1], consultation.localities[0])
    assert holder.remembered() == remembered

    member = current_voter(consultation, user)
    assert isinstance(member, Member) and member.key == f"user:{user.id}" and member.replaces
    assert member.memberships == [membership]
    assert (member.stakeholder_group, member.locality) == (membership.stakeholder_group, consultation.localities[0])


def test_nobody_else_is_a_voter(consultation):
    other = make_consultation(vote={"method": "ranking"})
    outsider = make_user()
    member_elsewhere = make_membership(stakeholder_group=groups(consultation)[0]).user
    assert current_voter(consultation, AnonymousUserMixin()) is None
    assert current_voter(consultation, outsider) is None
    assert current_voter(consultation, member_elsewhere) is None
    # Another consultation's link, or a code that no longer exists, says nothing about this one.
    assert current_voter(consultation, outsider, invitation=invitation_to(other)) is None
    assert current_voter(consultation, outsider, code={"id": 987654, "group": 1, "locality": 1}) is None


def test_a_member_with_several_memberships_chooses_one(consultation):
    user = make_user()
    first = member_of(consultation, group=0, locality=0, user=user)
    second = member_of(consultation, group=1, locality=1, user=user)
    voter = current_voter(consultation, user)
    assert voter.membership is None and voter.stakeholder_group is None  # nothing to stamp until they choose
    assert refusal(consultation, voter).code == "bad_membership"
    chosen = voter.speaking_as(second.id)
    assert (chosen.stakeholder_group, chosen.locality) == (groups(consultation)[1], consultation.localities[1])
    ballot, replaced = cast_ballot(consultation, chosen, {"P2": 1})
    assert not replaced
    assert voter.membership_of(ballot) == second and voter.membership_of(ballot) != first
    # Someone else's membership, or one outside the covered localities, is not one they may vote as.
    stranger = member_of(consultation, group=0)
    elsewhere = make_membership(user=user, stakeholder_group=groups(consultation)[0])
    assert refusal(consultation, voter.speaking_as(stranger.id)).code == "bad_membership"
    for membership in (stranger, elsewhere):
        assert refusal(consultation, Member(user, [first, second, membership], membership)).code == "bad_membership"


# --------------------------------------------------------------------------
# cast_ballot, channel by channel
# --------------------------------------------------------------------------


def test_a_member_votes_and_changes_their_vote_as_they_are_at_the_time(consultation):
    membership = member_of(consultation)
    voter = current_voter(consultation, membership.user)
    ballot, replaced = cast_ballot(consultation, voter, {"P1": 1, "P2": 2}, locale="cy")
    assert not replaced
    assert (ballot.voter_key, ballot.channel, ballot.user_id, ballot.locale) == (
        f"user:{membership.user_id}", "web", membership.user_id, "cy")
    assert {c.priority.code: c.points for c in ballot.choices} == {"P1": 2, "P2": 1}
    assert audit("ballot.cast").actor_id == membership.user_id

    membership.stakeholder_group = groups(consultation)[1]
    db.session.flush()
    again, replaced = cast_ballot(consultation, current_voter(consultation, membership.user), {"P3": 1})
    assert replaced and again.id == ballot.id and len(ballots(consultation)) == 1
    assert again.stakeholder_group == groups(consultation)[1]
    assert {c.priority.code: (c.stakeholder_group_id, c.points) for c in again.choices} == {
        "P3": (groups(consultation)[1].id, 2)}


def test_a_member_votes_only_while_voting_is_open_and_only_as_a_member(consultation):
    membership = member_of(consultation)
    voter = current_voter(consultation, membership.user)
    with pytest.raises(VotingError) as caught:
        cast_ballot(consultation, voter, {"P1": 1}, now=consultation.closes_at + timedelta(minutes=1))
    assert caught.value.code == "closed"
    consultation.status = "closed"
    assert refusal(consultation, voter).code == "closed"
    consultation.status = "open"
    membership.planning_group.locality = make_locality()  # no longer a member in a covered locality
    db.session.flush()
    assert refusal(consultation, voter).code == "not_member"
    assert ballots(consultation) == []


def test_a_code_is_used_up_by_its_first_ballot(consultation):
    _code, row = make_voting_code(consultation)
    group, place = groups(consultation)[1], consultation.localities[1]
    holder = CodeHolder(row.id, group, place)
    ballot, replaced = cast_ballot(consultation, holder, {"P2": 1})
    assert not replaced and holder.cast and holder.remembered()["cast"] is True
    assert (ballot.voter_key, ballot.channel, ballot.voting_code_id, ballot.user_id) == (
        f"code:{row.id}", "code", row.id, None)
    assert (ballot.stakeholder_group, ballot.locality) == (group, place)
    assert used(row)

    # Someone else typing the same code meanwhile cannot use it again.
    assert refusal(consultation, CodeHolder(row.id, group, place)).code == "used_code"
    # The browser that cast it changes its vote instead.
    again, replaced = cast_ballot(consultation, holder, {"P3": 1})
    assert replaced and again.id == ballot.id and len(ballots(consultation)) == 1


def test_a_bad_code_ballot_does_not_use_the_code_up(consultation):
    _code, row = make_voting_code(consultation)
    holder = CodeHolder(row.id, groups(consultation)[0], consultation.localities[0])
    assert refusal(consultation, holder, {"P1": 1, "P2": 1}).code == "repeat_rank"
    assert not used(row)
    outsider = CodeHolder(row.id, make_stakeholder_group(), consultation.localities[0])
    assert refusal(consultation, outsider).code == "bad_group"
    assert refusal(consultation, CodeHolder(row.id, groups(consultation)[0], make_locality())).code == "bad_locality"
    # A session that says it has cast, with no ballot to show for it, must start again with its code.
    assert refusal(consultation, CodeHolder(row.id, groups(consultation)[0], consultation.localities[0],
                                            cast=True)).code == "unknown_code"
    assert not used(row) and ballots(consultation) == []


def test_a_personal_link_votes_once_and_is_then_spent(consultation):
    invitation = invitation_to(consultation, group=1, locality=1)
    assert not link_has_voted(invitation)
    ballot, _replaced = cast_ballot(consultation, LinkHolder(invitation), {"P1": 1})
    assert (ballot.voter_key, ballot.channel, ballot.stakeholder_group, ballot.locality) == (
        f"invite:{invitation.id}", "web", groups(consultation)[1], consultation.localities[1])
    assert invitation.responded_at is not None and link_has_voted(invitation)
    assert audit("invitation.responded").entity_id == str(invitation.id)
    assert refusal(consultation, LinkHolder(invitation), {"P2": 1}).code == "duplicate"
    assert {c.priority.code for c in ballots(consultation)[0].choices} == {"P1"}


def test_a_members_link_and_their_sign_in_share_one_ballot(consultation):
    membership = member_of(consultation)
    invitation = invitation_to(consultation, user=membership.user)
    assert LinkHolder(invitation).key == Member(membership.user, [membership]).key == f"user:{membership.user_id}"
    cast_ballot(consultation, current_voter(consultation, membership.user), {"P1": 1})
    assert link_has_voted(invitation)
    assert refusal(consultation, LinkHolder(invitation)).code == "duplicate"
    assert invitation.responded_at is None  # the refused link settled nothing


def test_a_link_votes_only_while_voting_is_open(consultation):
    invitation = invitation_to(consultation)
    consultation.status = "closed"
    assert refusal(consultation, LinkHolder(invitation)).code == "closed"
    assert invitation.responded_at is None and ballots(consultation) == []


def test_paper_ballots_are_anonymous_and_marked_with_who_keyed_them_in(consultation):
    clerk = make_user(role="facilitator")
    group, place = groups(consultation)[0], consultation.localities[0]
    first, _ = cast_ballot(consultation, PaperBallot("paper", group, place, entered_by=clerk), {"P1": 1})
    second, _ = cast_ballot(consultation, PaperBallot("meeting", group, place, entered_by=clerk), {"P1": 1})
    assert re.fullmatch(r"paper:[0-9a-f-]{36}", first.voter_key) and first.voter_key != second.voter_key
    assert (first.channel, second.channel, first.entered_by_id, first.user_id) == ("paper", "meeting", clerk.id,
                                                                                   None)
    event = audit("ballot.cast")
    assert (event.channel, event.actor_id) == ("meeting", clerk.id)
    assert event.after["values"] == {"P1": 1}  # nobody is named, so the entry can be checked later


def test_paper_ballots_are_taken_from_the_opening_until_publication(consultation):
    clerk = make_user(role="facilitator")
    group, place = groups(consultation)[0], consultation.localities[0]

    def paper(channel="paper", **kw):
        return PaperBallot(channel, kw.get("group", group), kw.get("locality", place), entered_by=clerk)

    with pytest.raises(VotingError) as early:
        cast_ballot(consultation, paper(), {"P1": 1}, now=consultation.opens_at - timedelta(minutes=1))
    assert early.value.code == "closed"
    assert refusal(consultation, paper("web")).code == "bad_channel"
    assert refusal(consultation, paper(group=make_stakeholder_group())).code == "bad_group"
    consultation.status = "closed"
    cast_ballot(consultation, paper(), {"P1": 1}, now=consultation.closes_at + timedelta(days=3))
    consultation.status = "published"
    assert refusal(consultation, paper()).code == "closed"
    assert len(ballots(consultation)) == 1


def test_an_imported_voter_is_named_by_the_file_and_votes_once(consultation):
    group, place = groups(consultation)[1], consultation.localities[0]
    ballot, _ = cast_ballot(consultation, Imported("v 1", group, place), {"P3": 1})
    assert (ballot.voter_key, ballot.channel, ballot.stakeholder_group) == ("ref:v 1", "import", group)
    assert audit("ballot.cast").channel == "cli"
    assert refusal(consultation, Imported("v 1", group, place)).code == "duplicate"


# --------------------------------------------------------------------------
# The one store
# --------------------------------------------------------------------------


def test_web_ballots_stay_secret_in_the_audit_log(consultation):
    membership = member_of(consultation)
    _code, row = make_voting_code(consultation)
    cast_ballot(consultation, current_voter(consultation, membership.user), {"P1": 1})
    cast_ballot(consultation, current_voter(consultation, membership.user), {"P2": 1})
    cast_ballot(consultation, CodeHolder(row.id, groups(consultation)[0], consultation.localities[0]), {"P3": 1})
    cast_ballot(consultation, LinkHolder(invitation_to(consultation)), {"P1": 1})
    entries = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(["ballot.cast", "ballot.replace"]))
                                 ).all()
    assert len(entries) == 4
    for entry in entries:
        assert "values" not in (entry.after or {}) and "values" not in (entry.before or {})


def test_a_ballot_is_checked_before_anything_is_stored(consultation):
    with pytest.raises(VotingError) as caught:
        store_ballot(consultation, Imported("v", groups(consultation)[0], consultation.localities[0]), {"P1": 2})
    assert (caught.value.code, caught.value.priority) == ("gap_in_ranks", "P1")
    assert "no priority has number 1" in str(caught.value)
    assert ballots(consultation) == []


def test_a_busy_database_asks_the_voter_to_send_again(consultation, monkeypatch):
    membership = member_of(consultation)
    voter = current_voter(consultation, membership.user)

    def busy(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(db.session, "flush", busy)
    refused = refusal(consultation, voter)
    monkeypatch.undo()
    assert refused.code == "busy" and "please send your vote again" in str(refused)
    assert db.session.scalar(select(func.count()).select_from(BallotChoice)) == 0
    assert ballots(consultation) == []


def test_a_ballot_stored_for_the_demo_keeps_the_moment_it_was_cast(consultation):
    when = utcnow() - timedelta(days=2)
    ballot, _ = store_ballot(consultation, Imported("old", groups(consultation)[0], consultation.localities[0]),
                             {"P1": 1}, now=when)
    assert ballot.cast_at == ballot.updated_at == when
