"""Show-if conditions (read from XLSForm `relevant`) and the pages they produce: pure functions."""

import pytest

from consult.surveys.conditions import ConditionError, check, combine, describe, evaluate, parse_relevant
from consult.surveys.flow import Step, effective_answers, next_page, paginate, previous_page, visible_pages


@pytest.fixture(autouse=True)
def _request(app):
    """Messages are translated, which needs a request (for the reader's language)."""
    with app.test_request_context():
        yield


@pytest.mark.parametrize("expression, expected", [
    ("${carer} = 'yes'", {"q": "carer", "op": "eq", "value": "yes"}),
    ("'yes' = ${carer}", {"q": "carer", "op": "eq", "value": "yes"}),
    ("${age} >= 65", {"q": "age", "op": "ge", "value": 65}),
    ("5 < ${age}", {"q": "age", "op": "gt", "value": 5}),
    ("selected(${help}, 'meals')", {"q": "help", "op": "selected", "value": "meals"}),
    ("${name} != ''", {"q": "name", "op": "answered"}),
    ("${carer} = 'yes' and selected(${help}, 'meals') or ${age} < 18",
     {"any": [{"all": [{"q": "carer", "op": "eq", "value": "yes"}, {"q": "help", "op": "selected", "value": "meals"}]},
              {"q": "age", "op": "lt", "value": 18}]}),
    ("not(${carer} = 'no')", {"not": {"q": "carer", "op": "eq", "value": "no"}}),
    ("(${a} = 'x' or ${b} = 'y') and ${c} = 'z'",
     {"all": [{"any": [{"q": "a", "op": "eq", "value": "x"}, {"q": "b", "op": "eq", "value": "y"}]},
              {"q": "c", "op": "eq", "value": "z"}]}),
])
def test_simple_relevant_expressions_are_read(expression, expected):
    assert parse_relevant(expression) == expected


@pytest.mark.parametrize("expression", [
    "${a} = ", "count-selected(${a}) > 1", "${a} = 'x' and", "pulldata('x')", "${a} + 1 = 2", "${a} = 'x')",
    "selected(${a})", "${a} = 'x' ${b}",
])
def test_anything_else_is_refused_with_a_reason(expression):
    with pytest.raises(ConditionError) as caught:
        parse_relevant(expression)
    assert str(caught.value)


def test_evaluation_follows_xlsform_meaning():
    answers = {"carer": "yes", "help": ["meals", "lifts"], "age": 70, "hours": "7.5"}
    assert evaluate({"q": "carer", "op": "eq", "value": "yes"}, answers)
    assert not evaluate({"q": "carer", "op": "ne", "value": "yes"}, answers)
    assert evaluate({"q": "help", "op": "selected", "value": "meals"}, answers)
    assert evaluate({"q": "help", "op": "eq", "value": "lifts"}, answers)  # "is" on checkboxes means "includes"
    assert not evaluate({"q": "help", "op": "selected", "value": "visits"}, answers)
    assert evaluate({"q": "age", "op": "ge", "value": 65}, answers)
    assert evaluate({"q": "hours", "op": "gt", "value": 7}, answers)
    # A blank answer: not equal to anything, and every ordering comparison is false.
    assert evaluate({"q": "missing", "op": "ne", "value": "yes"}, answers)
    assert not evaluate({"q": "missing", "op": "lt", "value": 5}, answers)
    assert not evaluate({"q": "missing", "op": "answered"}, answers)
    assert evaluate({"not": {"q": "missing", "op": "answered"}}, answers)
    assert evaluate(None, {})


def test_check_refuses_references_to_later_questions_and_unknown_options():
    earlier = {"carer": ("yes_no", frozenset({"yes", "no"})), "age": ("number", None)}
    check({"all": [{"q": "carer", "op": "eq", "value": "yes"}, {"q": "age", "op": "ge", "value": 65}]}, earlier)
    with pytest.raises(ConditionError, match="later"):
        check({"q": "later", "op": "eq", "value": "x"}, earlier)
    with pytest.raises(ConditionError, match="maybe"):
        check({"q": "carer", "op": "eq", "value": "maybe"}, earlier)
    with pytest.raises(ConditionError):
        check({"q": "carer", "op": "explode", "value": "yes"}, earlier)
    with pytest.raises(ConditionError):
        check({"all": []}, earlier)


def test_describe_and_combine():
    words = {"and": "and", "or": "or", "not": "not", "eq": "is", "ne": "is not", "gt": ">", "ge": ">=", "lt": "<",
             "le": "<=", "selected": "includes", "answered": "is answered"}
    condition = combine({"q": "carer", "op": "eq", "value": "yes"}, {"q": "age", "op": "answered"})
    text = describe(condition, lambda code: code.upper(), lambda code, value: value.title(), words)
    assert text == "“CARER” is “Yes” and “AGE” is answered"
    assert combine(None, None) is None


def test_pages_split_where_a_condition_reads_the_same_page():
    steps = [Step("carer", "s1"), Step("hours", "s1", {"q": "carer", "op": "eq", "value": "yes"}),
             Step("support", "s1"), Step("ideas", "s2"), Step("more", "s2", {"q": "carer", "op": "eq", "value": "no"})]
    pages = paginate(steps)
    assert [p.codes for p in pages] == [["carer"], ["hours", "support"], ["ideas", "more"]]
    assert pages[1].continued and not pages[2].continued
    # Page 2 still shows (support has no condition); a carer who said "no" is asked "more".
    assert visible_pages(pages, steps, {"carer": "no"}) == [0, 1, 2]
    assert next_page(pages, steps, {"carer": "yes"}, 0) == 1
    assert previous_page(pages, steps, {"carer": "yes"}, 2) == 1


def test_hidden_answers_are_forgotten_and_cannot_reveal_others():
    steps = [Step("carer", "s1"), Step("hours", "s2", {"q": "carer", "op": "eq", "value": "yes"}),
             Step("tired", "s3", {"q": "hours", "op": "gt", "value": 30})]
    answers = {"carer": "no", "hours": 50, "tired": "yes"}
    assert effective_answers(steps, answers) == {"carer": "no"}
    assert effective_answers(steps, {**answers, "carer": "yes"}) == {"carer": "yes", "hours": 50, "tired": "yes"}
