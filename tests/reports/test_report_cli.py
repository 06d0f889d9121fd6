"""`flask --app consult report SLUG --format ... --output FILE` and `flask --app consult population import FILE`."""

import csv
import io
import os
from html import unescape

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from consult.extensions import db
from consult.reports.models import PopulationBand, ReportSnapshot
from factories import make_reported_consultation


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def consultation():
    consultation, _parts = make_reported_consultation()
    db.session.commit()
    return consultation


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_report_command_writes_each_format_without_the_queue(app, consultation, tmp_path):
    for fmt in ("html", "xlsx", "csv", "pdf", "docx"):
        out = tmp_path / f"report.{fmt}"
        result = run(app, "report", consultation.slug, "--format", fmt, "--output", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0 and f"report of {consultation.slug}" in result.output
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert "<html" in (tmp_path / "report.html").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO((tmp_path / "report.csv").read_text(encoding="utf-8-sig"))))
    assert sum(1 for r in rows[1:] if r[0] == "response") == 6 and sum(1 for r in rows[1:] if r[0] == "ballot") == 4
    assert load_workbook(tmp_path / "report.xlsx").sheetnames[0] == "Summary"
    assert Document(str(tmp_path / "report.docx")).paragraphs[0].style.name == "Heading 1"
    assert count(ReportSnapshot, ReportSnapshot.consultation_id == consultation.id) == 5


def test_report_command_speaks_the_chosen_language(app, consultation, tmp_path):
    out = tmp_path / "adroddiad.html"
    assert run(app, "report", consultation.slug, "--format", "html", "--output", str(out),
               "--locale", "cy").exit_code == 0
    html = unescape(out.read_text(encoding="utf-8"))
    assert '<html lang="cy"' in html and "Trefawr" in html and "Ydych chi'n gofalu?" in html


@pytest.mark.parametrize("args, message", [
    (["report", "no-such-consultation", "--format", "pdf"], "No consultation"),
    (["report", "{slug}", "--format", "odt"], "Invalid value for '--format'"),
    (["report", "{slug}", "--format", "pdf", "--locale", "fr"], "Unknown language"),
])
def test_report_command_refuses_bad_input_with_a_message(app, consultation, tmp_path, args, message):
    args = [a.format(slug=consultation.slug) for a in args] + ["--output", str(tmp_path / "out.pdf")]
    result = run(app, *args)
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "out.pdf").exists()
    assert count(ReportSnapshot, ReportSnapshot.consultation_id == consultation.id) == 0


def test_report_command_refuses_a_path_it_cannot_write(app, consultation, tmp_path):
    result = run(app, "report", consultation.slug, "--format", "csv", "--output", str(tmp_path / "nope" / "r.csv"))
    assert result.exit_code == 1 and "does not exist" in result.output
    result = run(app, "report", consultation.slug, "--format", "csv", "--output", str(tmp_path))
    assert result.exit_code != 0 and "is a directory" in result.output
    assert count(ReportSnapshot, ReportSnapshot.consultation_id == consultation.id) == 0
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run(app, "report", consultation.slug, "--format", "csv", "--output", str(locked / "r.csv"))
        if os.geteuid() != 0:  # root may write anywhere
            assert result.exit_code == 1 and "cannot write" in result.output
    finally:
        locked.chmod(0o700)


def test_a_draft_has_no_report(app, tmp_path):
    consultation, _parts = make_reported_consultation()
    consultation.status = "draft"
    db.session.commit()
    result = run(app, "report", consultation.slug, "--format", "html", "--output", str(tmp_path / "r.html"))
    assert result.exit_code == 1 and "once the consultation is open" in result.output


def test_population_import_is_all_or_nothing_with_line_numbers(app, consultation, tmp_path):
    code = consultation.localities[0].code
    before = count(PopulationBand)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"locality,band_type,band,population\n{code},age_band,65_74,100\n"
                   f"{code},shoe_size,9,5\n{code},age_band,85_plus,-2\n{code},age_band,65_74,7\n", encoding="utf-8")
    result = run(app, "population", "import", str(bad))
    assert result.exit_code == 1
    assert "line 3: band_type must be one of" in result.output
    assert "line 4: population must be a whole number" in result.output
    assert "line 5: repeats line 2" in result.output
    assert count(PopulationBand) == before
    missing = tmp_path / "missing.csv"
    missing.write_text("locality,band,population\n", encoding="utf-8")
    result = run(app, "population", "import", str(missing))
    assert result.exit_code == 1 and "missing: band_type" in result.output
    assert run(app, "population", "import", str(tmp_path / "none.csv")).exit_code == 1
    good = tmp_path / "good.csv"
    good.write_text(f"\ufeffLocality,Band_type,Band,Population\n{code},age_band,85_plus,250\n\n", encoding="utf-8")
    result = run(app, "population", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "1 population figure(s) imported" in result.output
    bands = dict(db.session.execute(select(PopulationBand.band, PopulationBand.population).where(
        PopulationBand.locality_id == consultation.localities[0].id, PopulationBand.band_type == "age_band")).all())
    assert bands == {"85_plus": 250}


def test_the_demo_population_file_imports_cleanly(app, tmp_path):
    from consult.demo import load_demo

    load_demo()
    db.session.commit()
    assert count(PopulationBand) > 100
    from consult.reports.demo import POPULATION_CSV

    result = run(app, "population", "import", str(POPULATION_CSV))
    assert result.exit_code == 0, result.output
    # Every demo locality's bands add up to its population, for every band type.
    from consult.localities.models import Locality

    totals: dict[tuple[str, str], int] = {}

    for locality in db.session.scalars(select(Locality)):
        for band_type in ("age_band", "ethnic_group", "main_language", "disability"):
            total = db.session.scalar(select(func.sum(PopulationBand.population)).where(
                PopulationBand.locality_id == locality.id, PopulationBand.band_type == band_type))
            totals[(locality.code, band_type)] = total
            assert total == locality.population, (locality.code, band_type)
    assert {code for code, _t in totals} >= {"PET", "SEA", "EAS", "HOR", "SHO", "WIN", "MUR"}


def test_a_consultation_without_a_survey_or_a_vote_still_has_a_report(app, tmp_path):
    from factories import make_consultation

    consultation = make_consultation()
    db.session.commit()
    for fmt in ("html", "xlsx", "csv", "pdf", "docx"):
        result = run(app, "report", consultation.slug, "--format", fmt, "--output", str(tmp_path / f"r.{fmt}"))
        assert result.exit_code == 0, result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Who took part" in html and "Survey results" not in html and "Priority vote" not in html
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").count("\n") == 1  # the header only
    headings = [p.text for p in Document(str(tmp_path / "r.docx")).paragraphs if p.style.name.startswith("Heading")]
    assert "Who took part" in headings and "Survey results" not in headings
