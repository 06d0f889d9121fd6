"""Who may decide, read, audit and publish commissioning (consult/commissioning/permissions.py)."""

import pytest
from flask_login import AnonymousUserMixin

from consult.commissioning import permissions as perm
from consult.notifications.permissions import can_ask_to_hear_back
from factories import make_consultation, make_user


@pytest.mark.parametrize("role, read, decide, audit", [
    ("commissioner", True, True, True),
    ("admin", True, False, True),
    ("facilitator", True, False, False),
    ("member", True, False, False),
])
def test_commissioners_decide_and_everyone_signed_in_reads(app, role, read, decide, audit):
    user = make_user(role=role)
    assert perm.can_view_commissioning(user) is read
    assert perm.can_decide_commissioning(user) is decide
    assert perm.can_view_intention_audit(user) is audit


def test_inactive_and_anonymous_people_do_nothing(app):
    anonymous = AnonymousUserMixin()
    inactive = make_user(role="commissioner", active=False)
    for who in (anonymous, inactive):
        assert not perm.can_view_commissioning(who)
        assert not perm.can_decide_commissioning(who)
        assert not perm.can_view_intention_audit(who)


@pytest.mark.parametrize("status, public", [("draft", False), ("open", False), ("closed", False),
                                            ("published", True)])
def test_you_said_we_did_is_public_and_publishable_only_after_the_results(app, status, public):
    consultation = make_consultation(status=status)
    commissioner, member = make_user(role="commissioner"), make_user()
    assert perm.can_view_you_said_we_did(consultation) is public
    assert perm.can_publish_you_said_we_did(commissioner, consultation) is public
    assert perm.can_publish_you_said_we_did(member, consultation) is False
    assert can_ask_to_hear_back(member, consultation) is (status != "draft")
    assert can_ask_to_hear_back(AnonymousUserMixin(), consultation) is False
