"""The tipping points in words (consult.voting.tipping_text), on hand-worked tables (see test_tipping.py)."""

import pytest
from flask_babel import force_locale

from consult.voting.tipping import tipping_points
from consult.voting.tipping_text import group_sentences, sentences, weight_text

# The running example of test_tipping.py: in the carers' weight x, A = 2 + 2x, B = 1 + x, C = 3, D = 2.5x.
CODES = ["A", "B", "C", "D"]
SUMS = {("carer", "A"): 4, ("carer", "B"): 2, ("carer", "D"): 5,
        ("prac", "A"): 8, ("prac", "B"): 4, ("prac", "C"): 12}
COUNTS = {"carer": 2, "prac": 4}
WEIGHTS = {"carer": 2.0, "prac": 1.0}
NAMES = {"carer": "Carers", "prac": "Practitioners"}


def words(codes, sums, counts, weights, scheme="group_weights"):
    with force_locale("en"):
        return {p.group: group_sentences(p.as_dict(), 2 if len(codes) > 3 else 1, NAMES.get, lambda c: f"{c}s")
                for p in tipping_points(codes, sums, counts, weights, scheme)}


@pytest.mark.parametrize("value, other, text", [
    (2.0, None, "2.0"), (1.35, None, "1.35"), (1 / 3, None, "0.33"), (0.0, None, "0.0"), (4.0, 2.0, "4.0"),
    (1.996, 2.0, "1.996"), (2.0004, 2.0, "2.0004"),
])
def test_weights_have_one_or_two_decimals_unless_more_tell_them_apart(value, other, text):
    assert weight_text(value, other) == text


def test_a_priority_leaving_the_top_set_and_one_taking_first_place():
    said = words(CODES, SUMS, COUNTS, WEIGHTS, "group_shares")
    assert said["carer"] == [
        "The weight of Carers would have to fall from 2.0 to 1.2 before Ds leaves the top 2.",
        "The weight of Carers would have to rise from 2.0 to 4.0 before Ds takes first place.",
    ]
    assert said["prac"] == [
        "The weight of Practitioners would have to fall from 1.0 to 0.5 before Ds takes first place.",
        "The weight of Practitioners would have to rise from 1.0 to 1.67 before Ds leaves the top 2.",
    ]


def test_a_weight_on_a_deciding_tie_says_any_change_moves_it():
    sums = {("carer", "A"): 5, ("carer", "B"): 2, ("carer", "C"): 1, ("prac", "B"): 1, ("prac", "C"): 2}
    said = words(CODES, sums, {"carer": 1, "prac": 1}, {"carer": 1.0, "prac": 1.0})
    assert said["carer"] == ["The weight of Carers is exactly at a tipping point: any change from 1.0, up or "
                             "down, would change the first place or the top 2."]


def test_a_weight_of_zero_only_rises_and_one_that_changes_nothing_says_so():
    # Practitioners (weight 0) leave A and B tied on the carers' 3 points each; their 1 point for B breaks it.
    sums = {("carer", "A"): 3, ("carer", "B"): 3, ("prac", "B"): 1}
    said = words(["A", "B", "C"], sums, {"carer": 1, "prac": 1}, {"carer": 1.0, "prac": 0.0})
    assert said["prac"] == ["Any rise in the weight of Practitioners from 0.0 would change the first place."]
    said = words(["A", "B", "C"], {("carer", "A"): 1}, {"carer": 1, "prac": 0}, {"carer": 1.0, "prac": 1.0})
    assert said["prac"] == ["No change in the weight of Practitioners would change the first place."]
    # At 0 every score is 0: B and C join A in first place.
    assert said["carer"] == ["The weight of Carers would have to fall from 1.0 to 0.0 before Bs and Cs take "
                             "first place.", "No rise in the weight of Carers, however large, would change the "
                             "first place."]


def test_there_are_no_sentences_without_weights():
    assert sentences(None, NAMES.get, str) == []
    assert sentences({"weighted": False, "cutoff": 1, "groups": []}, NAMES.get, str) == []
