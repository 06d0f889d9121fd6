"""Reading a ballots file for `flask --app consult ballots import SLUG FILE.csv` (DESIGN section 8).

Pure: the file's text and what the consultation allows in, plain data out, no Flask or database. A file is
taken whole or not at all, so every problem is listed with its line number, in file order.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from consult.voting.tally import BallotError, ballot_points

CSV_HEADER = ["voter", "group", "locality", "priority", "value"]
#: (line number, reason); line 0 is the file as a whole.
Problem = tuple[int, str]


class BallotsFileError(ValueError):
    """A rejected ballots file: ``problems`` lists (line number, reason), in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(f"line {line}: {reason}" if line else reason for line, reason in problems))


@dataclass(frozen=True)
class FileRules:
    """What a ballots file is checked against: the consultation's vote, its groups and localities."""

    method: str
    #: The vote's priority codes, in ballot order.
    priorities: tuple[str, ...]
    groups: frozenset[str]
    localities: frozenset[str]
    points_budget: int | None = None
    max_choices: int | None = None
    #: Whether a voter (the file's voter column) already has a ballot in the consultation.
    has_voted: Callable[[str], bool] = lambda voter: False


@dataclass
class FileBallot:
    """One voter's ballot as the file gives it: values by priority code, and the line each came from."""

    voter: str
    group: str
    locality: str
    first_line: int
    values: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def read_ballots_csv(text: str, rules: FileRules, *, max_problems: int = 50) -> list[FileBallot]:
    """Check a whole ballots file against the rules; every problem is listed with its line number."""
    reader = csv.reader(io.StringIO(text))
    _check_header(reader)
    problems: list[Problem] = []
    ballots: dict[str, FileBallot] = {}
    rows = 0
    for line, row in _rows(reader, problems):
        rows += 1
        row_problems = _row_problems(line, row, rules)
        if row_problems:
            problems.extend(row_problems)
            continue
        clash = _add(ballots, line, *(cell.strip() for cell in row))
        if clash:
            problems.append((line, clash))
            continue
        if len(problems) >= max_problems:
            break
    if rows == 0 and not problems:
        problems.append((2, "the file has a header but no ballots"))
    for ballot in ballots.values():
        if len(problems) >= max_problems:
            break
        try:
            ballot_points(rules.method, rules.priorities, ballot.values, points_budget=rules.points_budget,
                          max_choices=rules.max_choices)
        except BallotError as exc:
            problems.append((_line_of_ballot_error(rules, ballot, exc), f"voter {ballot.voter!r}: {exc}"))
    if problems:
        raise BallotsFileError(sorted(problems, key=lambda p: p[0]))
    return list(ballots.values())


def _check_header(reader) -> None:
    try:
        header = next(reader)
    except StopIteration:
        raise BallotsFileError([(1, f"the file is empty; the first line must be {','.join(CSV_HEADER)}")]) from None
    except csv.Error as exc:
        raise BallotsFileError([(1, f"not a readable CSV file ({exc})")]) from None
    if [h.strip() for h in header] != CSV_HEADER:
        raise BallotsFileError([(1, f"the header must be exactly {','.join(CSV_HEADER)}, not {','.join(header)}")])


def _rows(reader, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each row that is not blank (blank lines are allowed); a row CSV cannot read ends
    the file, as a problem."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append((reader.line_num, f"not readable as CSV ({exc})"))
            return
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


def _row_problems(line: int, row: list[str], rules: FileRules) -> list[Problem]:
    """What is wrong with one row on its own: its shape, its voter, group, locality, priority and value."""
    if len(row) != len(CSV_HEADER):
        return [(line, f"expected 5 values ({','.join(CSV_HEADER)}), found {len(row)}")]
    voter, group, locality, priority, raw = (cell.strip() for cell in row)
    reasons = []
    if not voter:
        reasons.append("the voter is empty")
    elif len(voter) > 100:
        reasons.append("the voter is longer than 100 characters")
    elif rules.has_voted(voter):
        reasons.append(f"voter {voter!r} already has a ballot in this consultation")
    if group not in rules.groups:
        reasons.append(f"group {group!r} is not taking part in this consultation "
                       f"(expected one of {', '.join(sorted(rules.groups))})")
    if locality not in rules.localities:
        reasons.append(f"locality {locality!r} is not covered by this consultation "
                       f"(expected one of {', '.join(sorted(rules.localities))})")
    if priority not in rules.priorities:
        reasons.append(f"priority {priority!r} is not in this vote (expected one of {', '.join(rules.priorities)})")
    reasons.extend(_value_problems(raw, rules.method))
    return [(line, reason) for reason in reasons]


def _value_problems(raw: str, method: str) -> list[str]:
    if not re.fullmatch(r"[0-9]+", raw):
        return [f"value {raw!r} is not a whole number of 0 or more"]
    value = int(raw)
    if method == "ranking" and value < 1:
        return [f"rank {value} must be 1 or more"]
    if method == "approval" and value != 1:
        return [f"an approval must have the value 1, not {value}"]
    return []


def _add(ballots: dict[str, FileBallot], line: int, voter: str, group: str, locality: str, priority: str,
         raw: str) -> str | None:
    """Add a good row to its voter's ballot, or say why it does not fit the voter's earlier rows."""
    ballot = ballots.get(voter)
    if ballot is None:
        ballot = ballots[voter] = FileBallot(voter, group, locality, line)
    elif (ballot.group, ballot.locality) != (group, locality):
        return (f"voter {voter!r} is {ballot.group} in {ballot.locality} on line {ballot.first_line} "
                f"but {group} in {locality} here")
    if priority in ballot.values:
        return f"voter {voter!r} already has a value for {priority} on line {ballot.lines[priority]}"
    ballot.values[priority], ballot.lines[priority] = int(raw), line
    return None


def _line_of_ballot_error(rules: FileRules, ballot: FileBallot, exc: BallotError) -> int:
    """The line that completes the problem: the repeated rank, the row that goes over the budget or the cap."""
    by_line = sorted(ballot.lines.items(), key=lambda item: item[1])
    if exc.code == "repeat_rank":
        seen = set()
        for code, line in by_line:
            if ballot.values[code] in seen:
                return line
            seen.add(ballot.values[code])
    if exc.code == "over_budget":
        total = 0
        for code, line in by_line:
            total += max(ballot.values[code], 0)
            if total > (rules.points_budget or 0):
                return line
    if exc.code == "too_many_choices" and rules.max_choices:
        chosen = [line for code, line in by_line if rules.method != "points" or ballot.values[code] > 0]
        if len(chosen) > rules.max_choices:
            return chosen[rules.max_choices]
    if exc.code in ("gap_in_ranks", "empty_ballot"):
        return by_line[-1][1]
    return ballot.first_line
