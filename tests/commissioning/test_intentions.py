"""The checks an intention must pass before it is saved, one at a time: each refuses by its field, with its
sentence, and passes what is right. save_intention runs them in this order, then writes once."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consult.commissioning import draft_runs
from consult.commissioning.common import CommissioningError
from consult.commissioning.intentions import (
    check_best_value,
    check_choices,
    check_funding,
    check_lead,
    check_localities,
    check_planned_dates,
    check_rationale,
    check_status,
    check_title,
    check_year,
    content_locale,
    evidence_table,
    save_intention,
)
from consult.commissioning.models import Intention, IntentionStatus
from consult.core.models import AuditEvent
from consult.extensions import db
from factories import make_locality, make_planning_year, make_user, make_voted_consultation

S = IntentionStatus
COMMITTED = (S.AGREED, S.CONTRACTED, S.DELIVERED)
NOT_COMMITTED = (S.DRAFT, S.PROPOSED, S.DEFERRED, S.DECLINED)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def drafted(ctx):
    """The five draft intentions of a closed vote: P1 ranked 1st ... P5 5th; P1 and P2 are its top priorities."""
    consultation = make_voted_consultation()
    year = make_planning_year()
    draft_runs.run_draft(draft_runs.start_draft_run(year, [consultation.id], "equal").id)
    return year, consultation, {i.priority_code: i for i in db.session.scalars(select(Intention))}


def refusal(check, *args):
    with pytest.raises(CommissioningError) as refused:
        check(*args)
    return refused.value.field, str(refused.value)


# --- title ---------------------------------------------------------------------------------------------------

def test_a_title_is_needed_in_the_default_language(ctx):
    assert refusal(check_title, {"cy": "Teitl", "en": "  "}, "en") == ("title_en", "Enter a title in English.")
    assert refusal(check_title, None, "cy") == ("title_cy", "Enter a title in Cymraeg.")


def test_the_title_comes_back_trimmed_in_the_languages_offered(ctx):
    assert check_title({"en": " Respite ", "cy": "", "fr": "Répit"}, "en") == {"en": "Respite"}


def test_the_title_language_is_the_consultations_else_the_sites(drafted):
    year, consultation, by_code = drafted
    consultation.default_locale = "cy"
    assert content_locale(by_code["P1"]) == "cy"
    assert content_locale(None) == "en"
    assert content_locale(Intention(planning_year_id=year.id, title={})) == "en"  # added by hand: no consultation


# --- status --------------------------------------------------------------------------------------------------

def test_no_status_given_keeps_the_current_one(ctx):
    assert check_status(None, S.AGREED) is S.AGREED
    assert check_status("", S.DEFERRED) is S.DEFERRED


def test_an_allowed_move_comes_back_as_the_status(ctx):
    assert check_status("contracted", S.AGREED) is S.CONTRACTED
    assert check_status("agreed", S.AGREED) is S.AGREED


def test_an_unknown_status_is_refused(ctx):
    assert refusal(check_status, "approved", S.DRAFT) == ("status", "Choose a status.")


def test_a_refused_move_says_where_the_intention_can_go(ctx):
    assert refusal(check_status, "draft", S.CONTRACTED) == (
        "status", "An intention that is contracted cannot become draft. It can become: agreed, delivered.")
    assert refusal(check_status, "agreed", S.DELIVERED) == (
        "status", "An intention that is delivered cannot become agreed. It can become: contracted.")


# --- fields chosen from a list ---------------------------------------------------------------------------------

def test_empty_choices_are_none_except_the_service_change_which_is_none_of_them(ctx):
    assert check_choices({"funding_route": "", "service_area": None}) == {
        "funding_route": None, "lead_commissioner": None, "service_area": None, "service_change": "none",
        "relative_cost": None, "relative_quality": None}


def test_known_choices_pass(ctx):
    data = {"funding_route": "pooled", "lead_commissioner": "council", "service_area": "carers",
            "service_change": "replace", "relative_cost": "lower", "relative_quality": "higher"}
    assert check_choices(data) == data


@pytest.mark.parametrize("field, message", [
    ("funding_route", "Choose a funding route."),
    ("lead_commissioner", "Choose the lead commissioner."),
    ("service_area", "Choose a service area."),
    ("service_change", "Choose what this does to existing services."),
    ("relative_cost", "Choose whether the cost is lower, the same or higher."),
    ("relative_quality", "Choose whether the quality is lower, the same or higher."),
])
def test_an_unknown_choice_is_refused_by_its_field(ctx, field, message):
    assert refusal(check_choices, {field: "sideways"}) == (field, message)


# --- dates and localities ----------------------------------------------------------------------------------------

def test_the_planned_end_is_not_before_the_start(ctx):
    assert refusal(check_planned_dates, date(2027, 5, 1), date(2027, 4, 30)) == (
        "planned_end", "The planned end must be on or after the planned start.")
    check_planned_dates(date(2027, 5, 1), date(2027, 5, 1))
    check_planned_dates(None, date(2027, 4, 30))
    check_planned_dates(date(2027, 5, 1), None)


def test_localities_are_chosen_from_the_list(ctx):
    north, south = make_locality(code="NORTH"), make_locality(code="SOUTH")
    assert {loc.code for loc in check_localities([str(south.id), north.id])} == {"NORTH", "SOUTH"}
    assert check_localities(None) == [] and check_localities([]) == []
    assert refusal(check_localities, [north.id, north.id + south.id + 1000]) == (
        "localities", "Choose localities from the list.")


# --- what agreeing needs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", COMMITTED)
def test_agreeing_needs_the_amount_then_the_funding_route(ctx, status):
    assert refusal(check_funding, status, None, None) == ("amount", "Enter the amount before agreeing the intention.")
    assert refusal(check_funding, status, Decimal("0"), None) == (
        "funding_route", "Choose the funding route before agreeing the intention.")
    check_funding(status, Decimal("0"), "aligned")


@pytest.mark.parametrize("status", NOT_COMMITTED)
def test_before_agreeing_amount_and_route_may_wait(ctx, status):
    check_funding(status, None, None)


@pytest.mark.parametrize("status", COMMITTED)
def test_agreeing_needs_a_lead_commissioner(ctx, status):
    assert refusal(check_lead, status, None) == (
        "lead_commissioner", "Choose the lead commissioner before agreeing the intention.")
    check_lead(status, "health")


@pytest.mark.parametrize("status", NOT_COMMITTED)
def test_before_agreeing_the_lead_may_wait(ctx, status):
    check_lead(status, None)


BEST_VALUE = ("This intention replaces or decommissions a service: record its relative cost and quality (the Best "
              "Value check) before agreeing it.")


@pytest.mark.parametrize("change", ["replace", "decommission"])
def test_agreeing_a_replacement_needs_the_best_value_check(ctx, change):
    assert refusal(check_best_value, S.AGREED, change, None, None) == ("relative_cost", BEST_VALUE)
    assert refusal(check_best_value, S.DELIVERED, change, None, "same") == ("relative_cost", BEST_VALUE)
    assert refusal(check_best_value, S.CONTRACTED, change, "lower", None) == ("relative_quality", BEST_VALUE)
    check_best_value(S.AGREED, change, "lower", "same")


def test_a_new_service_or_an_undecided_replacement_needs_no_best_value_check(ctx):
    check_best_value(S.AGREED, "none", None, None)
    for status in NOT_COMMITTED:
        check_best_value(status, "replace", None, None)


# --- rationale and year --------------------------------------------------------------------------------------

def test_declining_a_top_priority_needs_a_rationale_in_the_consultations_language(drafted):
    year, consultation, by_code = drafted
    field, message = refusal(check_rationale, by_code["P1"], S.DECLINED, {}, "en")
    assert field == "rationale_en"
    assert message == ("Give a rationale in English: this decision departs from what the consultation said. "
                       "Service P1 was ranked 1 of 5, a top priority, but the decision is: declined.")
    assert refusal(check_rationale, by_code["P1"], S.DECLINED, {"cy": "Dim arian"}, "en")[0] == "rationale_en"


def test_agreeing_below_a_higher_priority_needs_a_rationale(drafted):
    year, consultation, by_code = drafted
    field, message = refusal(check_rationale, by_code["P3"], S.AGREED, {}, "en")
    assert field == "rationale_en" and "Service P3 (ranked 3 of 5) is agreed while higher-ranked priorities" in message


def test_a_rationale_records_the_departures_it_explains(drafted):
    year, consultation, by_code = drafted
    assert check_rationale(by_code["P1"], S.DECLINED, {"en": "No provider"}, "en") == ["top_not_pursued"]
    assert check_rationale(by_code["P3"], S.AGREED, {"en": "Cheap and quick"}, "en") == ["agreed_over_higher"]


def test_a_decision_that_follows_the_consultation_needs_no_rationale(drafted):
    year, consultation, by_code = drafted
    assert check_rationale(by_code["P1"], S.AGREED, {}, "en") == []
    assert check_rationale(by_code["P4"], S.DECLINED, {}, "en") == []  # not a top priority
    assert check_rationale(by_code["P4"], S.DECLINED, {"en": "Not needed"}, "en") == []
    assert check_rationale(None, S.DECLINED, {}, "en") == []  # a new intention answers no consultation yet


def test_a_new_intention_belongs_to_a_planning_year(drafted):
    year, consultation, by_code = drafted
    assert refusal(check_year, None, None) == ("planning_year", "Choose a planning year.")
    check_year(None, year)
    check_year(by_code["P1"], None)


# --- the checks run in order, then one write --------------------------------------------------------------------

def test_the_first_check_that_fails_is_the_one_shown_and_nothing_changes(drafted):
    year, consultation, by_code = drafted
    p1 = by_code["P1"]
    data = {"title": {"en": ""}, "status": "delivered", "funding_route": "nowhere", "amount": "-1"}
    assert refusal(lambda: save_intention(p1, data=data))[0] == "title_en"
    assert refusal(lambda: save_intention(p1, data={**data, "title": {"en": "T"}}))[0] == "status"
    assert refusal(lambda: save_intention(p1, data={**data, "title": {"en": "T"}, "status": "agreed"}))[0] == \
        "funding_route"
    assert refusal(lambda: save_intention(p1, data={"title": {"en": "T"}, "status": "agreed", "amount": "-1"}))[0] \
        == "amount"
    assert p1.status is S.DRAFT and p1.edited_fields == []


def test_one_write_marks_what_the_person_changed_and_records_it(drafted):
    year, consultation, by_code = drafted
    p1 = by_code["P1"]
    person = make_user(role="commissioner")
    saved = save_intention(p1, data={"title": p1.title, "description": p1.description, "easy_read": p1.easy_read,
                                     "status": "agreed", "amount": "12000.5", "funding_route": "health",
                                     "lead_commissioner": "council", "localities": [loc.id for loc in p1.localities]},
                           actor=person)
    assert saved is p1 and p1.status is S.AGREED and p1.amount == Decimal("12000.50")
    assert p1.edited_fields == ["amount", "funding_route", "lead_commissioner", "status"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "commissioning_intentions",
                                                        AuditEvent.entity_id == str(p1.id))
                               .order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_id) == ("intention.update", person.id)
    assert (event.before["status"], event.after["status"], event.after["amount"]) == ("draft", "agreed", "12000.50")
    created = save_intention(None, year, data={"title": {"en": "By hand"}}, actor=person)
    assert created.status is S.DRAFT and created.planning_year_id == year.id and created.service_change == "none"


# --- evidence, as the intention's page shows it ----------------------------------------------------------------

def test_evidence_is_combined_then_all_ballots_then_each_locality_with_the_groups_in_order(drafted):
    year, consultation, by_code = drafted
    table = evidence_table(by_code["P1"])
    scopes = [e.scope for e in table["evidence"]]
    assert scopes[:2] == ["combined", "all"] and scopes[2:] == sorted(scopes[2:])
    assert all(s.startswith("locality:") for s in scopes[2:]) and len(scopes) == 4
    groups = sorted((gw.stakeholder_group for gw in consultation.group_weights), key=lambda g: (g.position, g.code))
    assert table["group_order"] == [g.code for g in groups]
    assert table["group_names"] == {g.code: g.name for g in groups}


def test_evidence_of_a_group_no_longer_taking_part_comes_last(drafted):
    year, consultation, by_code = drafted
    p1 = by_code["P1"]
    p1.evidence[0].by_group = {**p1.evidence[0].by_group, "GONE": 0.1}
    assert evidence_table(p1)["group_order"][-1] == "GONE"
    assert evidence_table(Intention(planning_year_id=year.id, title={}))["group_order"] == []
