"""Rules for building reports: the margin, when a report may be built, and how representativeness is laid out."""

import math

import pytest

from consult.extensions import db
from consult.reports import services
from consult.reports.document import build_document
from consult.reports.errors import ReportError
from factories import make_consultation, make_reported_consultation


@pytest.mark.parametrize("value, margin", [(0, 0.0), ("7.5", 7.5), (50, 50.0)])
def test_a_margin_from_0_to_50_points_is_taken(value, margin):
    assert services.check_margin(value) == margin


@pytest.mark.parametrize("value, message", [
    ("lots", "Enter the margin as a number of percentage points, like 5"),
    (None, "Enter the margin as a number of percentage points, like 5"),
    (-0.1, "The margin must be between 0 and 50 percentage points"),
    (50.1, "The margin must be between 0 and 50 percentage points"),
    (math.nan, "The margin must be between 0 and 50 percentage points"),
])
def test_any_other_margin_is_refused_by_its_field(value, message):
    with pytest.raises(ReportError) as caught:
        services.check_margin(value)
    assert str(caught.value) == message and caught.value.field == "margin"


def test_no_margin_asked_for_means_the_configured_one(app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_MARGIN", 12)
    assert services.margin_or_default(None) == 12.0
    assert services.margin_or_default(3) == 3.0
    monkeypatch.setitem(app.config, "REPORT_MARGIN", 99)
    with pytest.raises(ReportError):
        services.margin_or_default(None)


def test_a_report_is_built_once_open_and_never_again_once_published():
    draft = make_consultation(status="draft")
    with pytest.raises(ReportError) as caught:
        services.check_can_build(draft)
    assert str(caught.value) == "A report can be built once the consultation is open."
    assert caught.value.field == "status"
    consultation, _parts = make_reported_consultation(status="published")
    services.check_can_build(consultation)  # published, but no report yet: the first is built
    services.build_report(consultation.id, formats=(), locale="en")
    db.session.flush()
    with pytest.raises(ReportError, match="published with the results and cannot be rebuilt"):
        services.check_can_build(consultation)


def _locality_table(figures):
    document = build_document(figures, locale="en", sections=("representativeness",))
    (section,) = document["sections"]
    return section["blocks"][0]["table"]


def test_representativeness_by_locality_has_columns_for_what_the_consultation_holds():
    consultation, parts = make_reported_consultation()
    figures = services.live_figures(consultation)
    both = _locality_table(figures)
    assert [g["text"] for g in both["groups"]] == ["", "Survey responses", "Ballots"]
    assert len(both["columns"]) == 11
    big = next(row for row in both["rows"] if row[0]["value"] == parts["big"].code)
    prefix = f"representativeness.locality.{parts['big'].code}"
    assert [c["figure"] for c in big[3:]] == [f"{prefix}.{kind}{part}" for kind in ("responses", "ballots")
                                               for part in ("", "_share", "_difference", "_under")]
    survey_only = _locality_table({**figures, "has_vote": False})
    assert [g["text"] for g in survey_only["groups"]] == ["", "Survey responses"]
    assert len(survey_only["columns"]) == 7
    vote_only = _locality_table({**figures, "has_survey": False})
    assert [g["text"] for g in vote_only["groups"]] == ["", "Ballots"]
    assert vote_only["rows"][0][3]["figure"].endswith(".ballots")
