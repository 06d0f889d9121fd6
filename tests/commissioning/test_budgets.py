"""Planning years and their money: the label rule, budgets by route, the pooled budget as the partners' sum, and
what the year's intentions commit against each budget."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from consult.commissioning.budgets import (
    budget_summary,
    financial_year_dates,
    save_planning_year,
    set_budgets,
)
from consult.commissioning.common import CommissioningError, clean_text, money
from consult.commissioning.models import Intention
from consult.core.models import AuditEvent
from consult.extensions import db
from factories import make_planning_year


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def refusal(change):
    with pytest.raises(CommissioningError) as refused:
        change()
    return refused.value.field, str(refused.value)


def money_of(year):
    return {b.funding_route: (str(b.amount), {c.partner: str(c.amount) for c in b.contributions})
            for b in year.budgets}


# --- planning years ------------------------------------------------------------------------------------------

def test_a_label_is_the_uk_financial_year():
    assert financial_year_dates("2027/28") == (date(2027, 4, 1), date(2028, 3, 31))
    assert financial_year_dates("2027") is None and financial_year_dates("") is None


@pytest.mark.parametrize("label", ["2027", "2027/29", "27/28", "2099/01", "2027-28"])
def test_a_label_names_a_year_and_the_next(ctx, label):
    assert refusal(lambda: save_planning_year(None, label=label)) == (
        "label", "Enter the year as the first year and the next, like 2027/28.")


def test_a_label_across_the_century_is_accepted(ctx):
    assert save_planning_year(None, label=" 2099/00 ").label == "2099/00"


def test_a_label_is_used_once(ctx):
    year = save_planning_year(None, label="2027/28")
    assert save_planning_year(year, label="2027/28") is year  # saving it again is not a clash with itself
    assert refusal(lambda: save_planning_year(None, label="2027/28")) == ("label", "This planning year already exists.")


def test_a_year_ends_after_it_starts(ctx):
    assert refusal(lambda: save_planning_year(None, label="2027/28", starts_on=date(2028, 3, 31))) == (
        "ends_on", "The year must end after it starts.")
    year = save_planning_year(None, label="2027/28", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    assert (year.starts_on, year.ends_on) == (date(2027, 1, 1), date(2027, 12, 31))


# --- budgets -------------------------------------------------------------------------------------------------

def test_budgets_by_route_and_a_pooled_budget_of_the_partners_contributions(ctx):
    year = make_planning_year()
    set_budgets(year, amounts={"health": "100", "social_care": 50, "aligned": ""},
                contributions={"health": "30", "council": "12.5"})
    assert money_of(year) == {"health": ("100.00", {}), "social_care": ("50.00", {}),
                              "pooled": ("42.50", {"council": "12.50", "health": "30.00"})}


def test_emptying_a_route_or_a_contribution_takes_it_away(ctx):
    year = make_planning_year(budgets={"health": "100", "aligned": "5"}, pooled={"health": "30", "council": "10"})
    set_budgets(year, amounts={"health": "120"}, contributions={"council": "10"})
    assert money_of(year) == {"health": ("120.00", {}), "pooled": ("10.00", {"council": "10.00"})}
    set_budgets(year, amounts={}, contributions={})
    assert money_of(year) == {}


def test_a_pooled_budget_given_by_route_is_ignored(ctx):
    year = make_planning_year()
    set_budgets(year, amounts={"pooled": "999"}, contributions={})
    assert money_of(year) == {}


@pytest.mark.parametrize("amounts, contributions, field", [
    ({"health": "-1"}, {}, "amount_health"),
    ({"aligned": "lots"}, {}, "amount_aligned"),
    ({}, {"council": "NaN"}, "pooled_council"),
    ({}, {"health": "1000000000000"}, "pooled_health"),
])
def test_a_bad_amount_is_refused_by_its_field_and_nothing_changes(ctx, amounts, contributions, field):
    year = make_planning_year(budgets={"health": "100"})
    assert refusal(lambda: set_budgets(year, amounts=amounts, contributions=contributions))[0] == field
    assert money_of(year) == {"health": ("100.00", {})}


def test_the_change_of_budgets_is_recorded_before_and_after(ctx):
    year = make_planning_year(budgets={"health": "100"})
    set_budgets(year, amounts={"health": "100", "aligned": "7"}, contributions={"council": "1"})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "planning_year.budgets")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.before == {"budgets": {"health": {"amount": "100.00"}}}
    assert event.after == {"budgets": {"aligned": {"amount": "7.00"}, "health": {"amount": "100.00"},
                                       "pooled": {"amount": "1.00", "contributions": {"council": "1.00"}}}}


def test_the_summary_counts_agreed_money_and_shows_proposed_beside_it(ctx):
    year = make_planning_year(budgets={"health": "100", "social_care": "50"})
    for status, route, amount in [("agreed", "health", "60"), ("delivered", "health", "30"),
                                  ("proposed", "health", "20"), ("draft", "health", "500"),
                                  ("contracted", "social_care", "60"), ("declined", "social_care", "900"),
                                  ("proposed", None, "5"), ("agreed", "aligned", None)]:
        db.session.add(Intention(planning_year_id=year.id, title={"en": status}, status=status, funding_route=route,
                                 amount=Decimal(amount) if amount else None))
    db.session.flush()
    rows = {row["route"]: row for row in budget_summary(year)}
    assert list(rows) == ["health", "social_care", "aligned", "pooled", None]
    health, social_care, aligned = rows["health"], rows["social_care"], rows["aligned"]
    assert (health["committed"], health["proposed"], health["remaining"]) == (Decimal("90"), Decimal("20"),
                                                                              Decimal("10"))
    assert (health["over"], health["over_with_proposed"]) == (False, True)
    assert (social_care["committed"], social_care["proposed"], social_care["over"]) == (Decimal("60"), Decimal("0"),
                                                                                        True)
    assert (aligned["budget"], aligned["committed"], aligned["over"]) == (None, Decimal("0"), False)
    assert (rows[None]["proposed"], rows[None]["budget"]) == (Decimal("5"), None)


def test_the_summary_has_no_row_for_money_without_a_route_when_there_is_none(ctx):
    year = make_planning_year(budgets={"health": "100"})
    assert [row["route"] for row in budget_summary(year)] == ["health", "social_care", "aligned", "pooled"]


# --- what people type ------------------------------------------------------------------------------------------

def test_money_is_pounds_to_the_penny(ctx):
    assert money("25000.556", "amount") == Decimal("25000.56") and money(0, "amount") == Decimal("0.00")
    assert money("", "amount") is None and money(None, "amount") is None
    assert refusal(lambda: money("25,000", "amount")) == (
        "amount", "Enter an amount in pounds, like 25000 or 25000.50.")
    for bad in ("-0.01", "Infinity", "NaN", "1000000000000"):
        assert refusal(lambda: money(bad, "x")) == ("x", "Enter an amount of 0 or more, in pounds.")


def test_text_is_kept_per_language_offered_trimmed_and_filled_in(ctx):
    assert clean_text({"en": " a ", "cy": "   ", "ur": "b", "de": "c"}) == {"en": "a", "ur": "b"}
    assert clean_text(None) == {}
