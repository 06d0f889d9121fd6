"""Reading a population CSV (locality,band_type,band,population). Pure: no database.

The file is checked whole: every problem is reported with its line number (0 for the file as a whole), and
a file with any problem gives no rows, so the import stores all of it or nothing. Which localities and bands
exist is the caller's to say; consult.reports.populations.import_population reads them and stores the rows,
for `flask --app consult population import` and for the population screen alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from consult.reports.errors import PopulationFileError

COLUMNS = ("locality", "band_type", "band", "population")
MAX_ROWS = 20_000
MAX_POPULATION = 100_000_000


@dataclass(frozen=True)
class PopulationRow:
    line: int
    locality: str
    band_type: str
    band: str
    population: int


def _columns(reader) -> dict[str, int]:
    """Where each column is, from the first line (in any order, any case, with other columns beside them)."""
    try:
        head = next(reader)
    except StopIteration:
        raise PopulationFileError([(0, _("The file is empty."))]) from None
    except csv.Error as exc:
        raise PopulationFileError([(1, _("This is not a readable CSV file (%(error)s).", error=str(exc)))]) from None
    names = [h.strip().lower() for h in head]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise PopulationFileError([(1, _("The first line must name the columns %(columns)s; missing: %(missing)s.",
                                         columns=",".join(COLUMNS), missing=", ".join(missing)))])
    return {c: names.index(c) for c in COLUMNS}


def _shown(value: str, limit: int = 20) -> str:
    """A value quoted back in a problem, cut short: a line may hold thousands of characters."""
    return value if len(value) <= limit else value[:limit] + "…"


def _population(number: str) -> tuple[int | None, str | None]:
    """The number of people, or why it is not one."""
    if not number.isdecimal():
        return None, _("population must be a whole number of 0 or more, not \"%(value)s\"", value=_shown(number))
    # Python will not read a number of more than 4,300 digits, and none of over nine digits is allowed anyway.
    if len(number.lstrip("0")) > len(str(MAX_POPULATION)) or int(number) > MAX_POPULATION:
        return None, _("population %(value)s is too large", value=_shown(number))
    return int(number), None


def _check_row(code: str, band_type: str, band: str, number: str, *, localities: Collection[str],
               bands: Mapping[str, Collection[str]]) -> tuple[int | None, list[str]]:
    """One row's number of people, and what is wrong with the row on its own."""
    reasons = []
    if code not in localities:
        reasons.append(_("unknown locality code \"%(code)s\"", code=code))
    if band_type not in bands:
        reasons.append(_("band_type must be one of %(types)s, not \"%(value)s\"",
                         types=", ".join(bands), value=band_type))
    elif band not in bands[band_type]:
        reasons.append(_("band \"%(band)s\" is not known for %(type)s; use one of %(bands)s", band=band,
                         type=band_type, bands=", ".join(sorted(bands[band_type]))))
    population, reason = _population(number)
    if reason:
        reasons.append(reason)
    return population, reasons


def read_population_csv(text: str, *, localities: Collection[str],
                        bands: Mapping[str, Collection[str]]) -> list[PopulationRow]:
    """The rows of a population file, or PopulationFileError with every problem and its line number.

    `localities` are the known locality codes; `bands` gives, per band type (in the order to list them), the
    band codes it allows. Blank lines are skipped; a leading byte-order mark is ignored."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    at = _columns(reader)
    width = max(at.values()) + 1
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    rows: list[PopulationRow] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append((line, _("The file has more than %(n)s rows.", n=f"{MAX_ROWS:,}")))
                break
            values = values + [""] * (width - len(values))
            code, band_type, band, number = (values[at[c]].strip() for c in COLUMNS)
            population, reasons = _check_row(code, band_type, band, number, localities=localities, bands=bands)
            key = (code, band_type, band)
            if not reasons and key in seen:
                reasons.append(_("repeats line %(line)s (%(locality)s, %(type)s, %(band)s)", line=seen[key],
                                 locality=code, type=band_type, band=band))
            if reasons:
                problems.append((line, "; ".join(reasons)))
                continue
            seen[key] = line
            rows.append(PopulationRow(line, code, band_type, band, population))
    except csv.Error as exc:
        problems.append((reader.line_num, _("This is not a readable CSV file (%(error)s).", error=str(exc))))
    if not rows and not problems:
        problems.append((0, _("The file has no rows of figures.")))
    if problems:
        raise PopulationFileError(problems)
    return rows
