"""The intention lifecycle as a table on the model: every move it allows and refuses, and what each status means."""

import itertools

import pytest
from sqlalchemy import text

from consult.commissioning.models import Intention, IntentionStatus
from consult.extensions import db
from factories import make_planning_year

S = IntentionStatus

#: The lifecycle as commissioners were promised it, written out by hand (not read from the code under test).
ALLOWED = {
    ("draft", "proposed"), ("draft", "agreed"), ("draft", "deferred"), ("draft", "declined"),
    ("proposed", "draft"), ("proposed", "agreed"), ("proposed", "deferred"), ("proposed", "declined"),
    ("agreed", "proposed"), ("agreed", "contracted"), ("agreed", "deferred"), ("agreed", "declined"),
    ("contracted", "agreed"), ("contracted", "delivered"),
    ("delivered", "contracted"),
    ("deferred", "draft"), ("deferred", "proposed"), ("deferred", "agreed"), ("deferred", "declined"),
    ("declined", "draft"), ("declined", "proposed"), ("declined", "deferred"),
}
VALUES = ("draft", "proposed", "agreed", "contracted", "delivered", "deferred", "declined")


def test_the_statuses_are_the_ones_the_schema_allows():
    assert tuple(s.value for s in IntentionStatus) == VALUES


@pytest.mark.parametrize("current, new", list(itertools.product(VALUES, VALUES)))
def test_every_move_is_allowed_or_refused_as_the_lifecycle_says(current, new):
    allowed = current == new or (current, new) in ALLOWED
    assert S(current).can_become(S(new)) is allowed
    assert (S(new) in S(current).next_statuses) is ((current, new) in ALLOWED)


def test_the_next_statuses_are_offered_in_the_lifecycle_order():
    # The refusal message and the form list them in this order.
    assert [s.value for s in S.DRAFT.next_statuses] == ["proposed", "agreed", "deferred", "declined"]
    assert [s.value for s in S.AGREED.next_statuses] == ["proposed", "contracted", "deferred", "declined"]
    assert [s.value for s in S.CONTRACTED.next_statuses] == ["agreed", "delivered"]
    assert [s.value for s in S.DELIVERED.next_statuses] == ["contracted"]


def test_deferring_or_declining_is_open_until_a_contract_exists():
    for status in IntentionStatus:
        open_to_refusal = S.DEFERRED in status.next_statuses or S.DECLINED in status.next_statuses
        assert open_to_refusal is (status not in (S.CONTRACTED, S.DELIVERED))


@pytest.mark.parametrize("name, members", [
    ("is_draft", {"draft"}),
    ("is_proposed", {"proposed"}),
    ("is_decided", {"proposed", "agreed", "contracted", "delivered", "deferred", "declined"}),
    ("is_committed", {"agreed", "contracted", "delivered"}),
    ("is_not_pursued", {"deferred", "declined"}),
])
def test_each_named_property_holds_for_exactly_its_statuses(name, members):
    assert {s.value for s in IntentionStatus if getattr(s, name)} == members


def test_the_column_is_stored_as_text_and_read_back_as_the_status(app):
    year = make_planning_year()
    intention = Intention(planning_year_id=year.id, title={"en": "A"})
    assert intention.status is S.DRAFT  # before the first flush too
    intention.status = "agreed"
    assert intention.status is S.AGREED
    db.session.add(intention)
    db.session.flush()
    stored = db.session.scalar(text("SELECT status FROM commissioning_intentions WHERE id = :id"),
                               {"id": intention.id})
    assert stored == "agreed"
    db.session.expire(intention)
    assert intention.status is S.AGREED
