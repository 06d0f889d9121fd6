"""Reading a population CSV: every problem with its line number, or the rows (no database)."""

import pytest

from consult.reports.errors import PopulationFileError
from consult.reports.population_csv import MAX_POPULATION, MAX_ROWS, PopulationRow, read_population_csv

HEAD = "locality,band_type,band,population\n"
LOCALITIES = {"PET", "SEA"}
BANDS = {"age_band": {"18_24", "65_74"}, "ethnic_group": {"white", "asian"}, "stakeholder_group": {"carer"}}


def read(text):
    return read_population_csv(text, localities=LOCALITIES, bands=BANDS)


def problems(text):
    with pytest.raises(PopulationFileError) as caught:
        read(text)
    assert str(caught.value) == "The file has problems; nothing was imported."
    assert caught.value.field == "file"
    return caught.value.problems


def test_a_good_file_gives_every_row_with_its_line():
    text = HEAD + "PET,age_band,65_74,900\n\nSEA, ethnic_group ,white,0\nPET,stakeholder_group,carer,12\n"
    assert read(text) == [PopulationRow(2, "PET", "age_band", "65_74", 900),
                          PopulationRow(4, "SEA", "ethnic_group", "white", 0),
                          PopulationRow(5, "PET", "stakeholder_group", "carer", 12)]


def test_columns_may_come_in_any_order_and_case_beside_others():
    text = "Population,Notes,BAND,Band_Type,LOCALITY\n250,census 2021,18_24,age_band,SEA\n"
    assert read(text) == [PopulationRow(2, "SEA", "age_band", "18_24", 250)]


def test_a_byte_order_mark_is_ignored():
    assert read("\ufeff" + HEAD + "PET,age_band,65_74,1\n") == [PopulationRow(2, "PET", "age_band", "65_74", 1)]


def test_an_empty_file_is_refused():
    assert problems("") == [(0, "The file is empty.")]


def test_a_file_with_no_figures_is_refused():
    assert problems(HEAD) == [(0, "The file has no rows of figures.")]
    assert problems(HEAD + "\n , ,,\n") == [(0, "The file has no rows of figures.")]


def test_a_wrong_header_names_the_missing_columns():
    assert problems("locality,band,population\nPET,65_74,1\n") == [
        (1, "The first line must name the columns locality,band_type,band,population; missing: band_type.")]
    assert problems("PET,age_band,65_74,1\n")[0][1].endswith("missing: locality, band_type, band, population.")


def test_every_bad_row_is_reported_with_its_line_and_every_reason():
    text = HEAD + "\n".join([
        "PET,age_band,65_74,10",       # 2: good
        "NOWHERE,age_band,65_74,1",    # 3
        "PET,shoe_size,9,1",           # 4
        "PET,age_band,ancient,1",      # 5
        "PET,age_band,18_24,ten",      # 6
        "PET,age_band,18_24,-1",       # 7
        "PET,age_band,18_24,1.5",      # 8
        "PET,age_band,18_24,",         # 9
        "PET,age_band",                # 10: short
        "PET,age_band,65_74,11",       # 11: repeats line 2
        "NOWHERE,ethnic_group,green,lots",  # 12: three reasons at once
    ]) + "\n"
    found = dict(problems(text))
    assert sorted(found) == list(range(3, 13))
    assert found[3] == "unknown locality code \"NOWHERE\""
    assert found[4] == ("band_type must be one of age_band, ethnic_group, stakeholder_group, "
                        "not \"shoe_size\"")
    assert found[5] == "band \"ancient\" is not known for age_band; use one of 18_24, 65_74"
    for line, value in ((6, "ten"), (7, "-1"), (8, "1.5"), (9, "")):
        assert found[line] == f"population must be a whole number of 0 or more, not \"{value}\""
    assert found[10] == ("band \"\" is not known for age_band; use one of 18_24, 65_74; "
                         "population must be a whole number of 0 or more, not \"\"")
    assert found[11] == "repeats line 2 (PET, age_band, 65_74)"
    assert found[12] == ("unknown locality code \"NOWHERE\"; band \"green\" is not known for ethnic_group; use one "
                         "of asian, white; population must be a whole number of 0 or more, not \"lots\"")


def test_nul_bytes_are_a_problem_on_their_line_not_a_crash():
    found = dict(problems(HEAD + "PET,age_band,65_74,1\x00\nP\x00ET,age_band,18_24,1\n"))
    assert found[2] == "population must be a whole number of 0 or more, not \"1\x00\""
    assert found[3] == "unknown locality code \"P\x00ET\""


@pytest.mark.parametrize("number, shown", [(str(MAX_POPULATION + 1), str(MAX_POPULATION + 1)),
                                           ("9" * 30, "9" * 20 + "…"), ("1" * 5000, "1" * 20 + "…")])
def test_huge_numbers_are_too_large_and_quoted_back_short(number, shown):
    assert problems(HEAD + f"PET,age_band,65_74,{number}\n") == [(2, f"population {shown} is too large")]


def test_a_long_value_that_is_not_a_number_is_quoted_back_short():
    assert problems(HEAD + "PET,age_band,65_74," + "x" * 5000 + "\n") == [
        (2, "population must be a whole number of 0 or more, not \"" + "x" * 20 + "…\"")]


def test_the_largest_population_and_leading_zeros_are_read():
    assert read(HEAD + f"PET,age_band,65_74,{MAX_POPULATION}\nSEA,age_band,65_74,007\n") == [
        PopulationRow(2, "PET", "age_band", "65_74", MAX_POPULATION), PopulationRow(3, "SEA", "age_band", "65_74", 7)]


def test_digits_that_are_not_decimal_are_not_a_number():
    assert problems(HEAD + "PET,age_band,65_74,²\n") == [
        (2, "population must be a whole number of 0 or more, not \"²\"")]


def test_a_field_too_long_to_read_is_reported_on_its_line():
    found = problems(HEAD + "PET,age_band,65_74,1\nPET,age_band,18_24," + "9" * 200_000 + "\n")
    assert found == [(3, "This is not a readable CSV file (field larger than field limit (131072)).")]


def test_a_file_of_more_than_the_most_rows_stops_there():
    text = HEAD + "".join(f"PET,age_band,65_74,{n}\n" for n in range(MAX_ROWS + 5))
    found = problems(text)
    assert found[-1] == (MAX_ROWS + 2, f"The file has more than {MAX_ROWS:,} rows.")
    assert len(found) == MAX_ROWS  # the repeats of line 2, then where it stopped


def test_one_bad_row_gives_no_rows_at_all():
    found = problems(HEAD + "PET,age_band,65_74,1\nSEA,age_band,65_74,x\n")
    assert found == [(3, "population must be a whole number of 0 or more, not \"x\"")]
