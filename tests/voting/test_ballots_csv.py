"""Reading a ballots file (consult.voting.ballots_csv): plain text and rules in, each voter's ballot out, or every
problem with its line number. No database: the rules are plain data."""

import pytest

from consult.voting.ballots_csv import BallotsFileError, FileBallot, FileRules, read_ballots_csv

HEADER = "voter,group,locality,priority,value\n"
RANKING = FileRules(method="ranking", priorities=("P1", "P2", "P3"), groups=frozenset({"carer", "prac"}),
                    localities=frozenset({"PET", "SEA"}))
POINTS = FileRules(method="points", priorities=("P1", "P2", "P3"), groups=frozenset({"carer"}),
                   localities=frozenset({"PET"}), points_budget=10, max_choices=2)
APPROVAL = FileRules(method="approval", priorities=("P1", "P2", "P3"), groups=frozenset({"carer"}),
                     localities=frozenset({"PET"}), max_choices=2)


def problems(text: str, rules: FileRules = RANKING, **kw) -> list[tuple[int, str]]:
    with pytest.raises(BallotsFileError) as caught:
        read_ballots_csv(text, rules, **kw)
    return caught.value.problems


def test_a_good_file_gives_each_voters_ballot_and_where_it_came_from():
    text = HEADER + "v1,carer,PET,P2,1\n v1 , carer ,PET,P1, 2 \n\n,,,,\nv2,prac,SEA,P3,1\n\"v 3\",prac,SEA,P1,1\n"
    assert read_ballots_csv(text, RANKING) == [
        FileBallot("v1", "carer", "PET", 2, values={"P2": 1, "P1": 2}, lines={"P2": 2, "P1": 3}),
        FileBallot("v2", "prac", "SEA", 6, values={"P3": 1}, lines={"P3": 6}),
        FileBallot("v 3", "prac", "SEA", 7, values={"P1": 1}, lines={"P1": 7}),
    ]


def test_every_bad_row_is_reported_with_its_line_in_file_order():
    text = HEADER + ("good,carer,PET,P1,1\n"
                     "a,nurse,LEEDS,P9,x\n"
                     ",carer,PET,P1,1\n"
                     "b,carer,PET,P1\n"
                     f"{'v' * 101},carer,PET,P1,1\n"
                     "c,carer,PET,P1,0\n")
    assert problems(text) == [
        (3, "group 'nurse' is not taking part in this consultation (expected one of carer, prac)"),
        (3, "locality 'LEEDS' is not covered by this consultation (expected one of PET, SEA)"),
        (3, "priority 'P9' is not in this vote (expected one of P1, P2, P3)"),
        (3, "value 'x' is not a whole number of 0 or more"),
        (4, "the voter is empty"),
        (5, "expected 5 values (voter,group,locality,priority,value), found 4"),
        (6, "the voter is longer than 100 characters"),
        (7, "rank 0 must be 1 or more"),
    ]


def test_problems_with_a_whole_ballot_take_their_place_among_the_rows():
    text = HEADER + "v,carer,PET,P1,1\nv,carer,PET,P2,1\nw,nurse,PET,P1,1\n"
    assert problems(text) == [(3, "voter 'v': Rank 1 is given to more than one priority (P1, P2)."),
                              (4, "group 'nurse' is not taking part in this consultation "
                                  "(expected one of carer, prac)")]


def test_a_voter_must_be_one_group_in_one_place_with_one_value_a_priority():
    text = HEADER + "v,carer,PET,P1,1\nv,prac,PET,P2,2\nv,carer,PET,P1,2\n"
    assert problems(text) == [(3, "voter 'v' is carer in PET on line 2 but prac in PET here"),
                              (4, "voter 'v' already has a value for P1 on line 2")]


def test_a_voter_who_already_has_a_ballot_is_a_problem_on_each_of_their_rows():
    rules = FileRules(**{**RANKING.__dict__, "has_voted": lambda voter: voter == "old"})
    text = HEADER + "old,carer,PET,P1,1\nnew,carer,PET,P1,1\nold,carer,PET,P2,2\n"
    assert problems(text, rules) == [(2, "voter 'old' already has a ballot in this consultation"),
                                     (4, "voter 'old' already has a ballot in this consultation")]


@pytest.mark.parametrize("rules, rows, expected", [
    # The line reported is the one that completes the problem.
    (RANKING, "v,carer,PET,P1,1\nv,carer,PET,P2,1\n", (3, "voter 'v': Rank 1 is given to more than one priority")),
    (RANKING, "v,carer,PET,P1,1\nv,carer,PET,P2,3\nw,carer,PET,P1,1\n", (3, "voter 'v': Ranks must run 1, 2, 3")),
    (POINTS, "v,carer,PET,P1,6\nv,carer,PET,P2,5\nv,carer,PET,P3,0\n", (3, "voter 'v': This ballot spends 11 points")),
    (POINTS, "v,carer,PET,P1,1\nv,carer,PET,P2,1\nv,carer,PET,P3,1\n", (4, "at most 2 may be chosen")),
    (POINTS, "v,carer,PET,P1,0\nv,carer,PET,P2,0\n", (3, "voter 'v': This ballot gives no points to any priority")),
    (APPROVAL, "v,carer,PET,P1,1\nv,carer,PET,P2,1\nv,carer,PET,P3,1\n", (4, "at most 2 may be chosen")),
    (APPROVAL, "v,carer,PET,P1,2\n", (2, "an approval must have the value 1, not 2")),
])
def test_the_methods_rules_are_reported_on_the_line_that_breaks_them(rules, rows, expected):
    ((line, reason),) = problems(HEADER + rows, rules)
    assert line == expected[0] and expected[1] in reason, reason


@pytest.mark.parametrize("text, expected", [
    ("", [(1, "the file is empty; the first line must be voter,group,locality,priority,value")]),
    ("voter,group,locality,priority\n",
     [(1, "the header must be exactly voter,group,locality,priority,value, not voter,group,locality,priority")]),
    (HEADER, [(2, "the file has a header but no ballots")]),
    (HEADER + "\n\n", [(2, "the file has a header but no ballots")]),
    (HEADER + "v,carer,PET,P1,1\nw,carer,PET,P2,\"" + "x" * 200_000 + "\"\n",
     [(3, "not readable as CSV (field larger than field limit (131072))")]),
])
def test_files_that_are_not_ballots(text, expected):
    assert problems(text) == expected


def test_a_header_may_have_spaces_around_its_names():
    assert read_ballots_csv(" voter , group,locality,priority,value \nv,carer,PET,P1,1\n", RANKING)[0].voter == "v"


def test_a_long_list_of_problems_stops_after_the_limit():
    rows = "".join(f"v{i},carer,PET,P9,1\nok{i},carer,PET,P1,1\n" for i in range(10))
    found = problems(HEADER + rows, max_problems=3)
    assert [line for line, _ in found] == [2, 4, 6]
