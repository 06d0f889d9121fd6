"""Small numbers stay private in reports: no public page or file shows a figure for a locality, stakeholder
group or band of fewer than 5 people (whole-consultation totals are shown); staff see them, marked. And the
summary says what the tables say, "too few to say" included."""

import io
import re
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from consult.extensions import db
from consult.reports import representation, services
from consult.reports.document import build_document
from factories import (
    login,
    make_ballot,
    make_consultation,
    make_locality,
    make_reported_consultation,
    make_stakeholder_group,
    make_user,
)

#: Figure keys that count (or share out) people of one locality, stakeholder group or band.
PEOPLE_FIGURE = re.compile(r"^(participation\.(stakeholder_group|locality|language)\.|representativeness\."
                           r"|themes\.\d+\.(?!total)|priorities\.[^.]+\.locality\.)")


class Figures(HTMLParser):
    """Every data-figure cell's text."""

    def __init__(self):
        super().__init__()
        self.figures, self._key, self._text = {}, None, []

    def handle_starttag(self, tag, attrs):
        key = dict(attrs).get("data-figure")
        if key:
            self._key, self._text = key, []

    def handle_endtag(self, tag):
        if self._key and tag in ("td", "th"):
            self.figures[self._key] = "".join(self._text).strip()
            self._key = None

    def handle_data(self, data):
        if self._key:
            self._text.append(data)


def figures_of(html: str) -> dict[str, str]:
    parser = Figures()
    parser.feed(html)
    return parser.figures


def small(text: str) -> bool:
    """A count of 1 to 4 people (marked or not)."""
    return text.rstrip("*") in ("1", "2", "3", "4")


@pytest.fixture
def published():
    facilitator = make_user(role="facilitator")
    consultation, parts = make_reported_consultation(status="closed", facilitator=facilitator)
    services.build_report(consultation.id, formats=("html",), locale="en")
    consultation.status = "published"
    db.session.commit()
    return consultation, parts, facilitator


def test_the_public_report_says_fewer_than_5_for_small_groups_and_shows_the_totals(client, published):
    consultation, parts, _facilitator = published
    html = client.get(f"/c/{consultation.slug}/report").get_data(as_text=True)
    figures = figures_of(html)
    carers = f"participation.stakeholder_group.{parts['carer'].code}"
    assert figures[f"{carers}.responses"] == "fewer than 5" and figures[f"{carers}.ballots"] == "fewer than 5"
    assert figures[f"{carers}.responses_percent"] == "fewer than 5"  # 50.0% of 6 would give the 3 away
    assert figures["summary.responses"] == "6" and figures["summary.ballots"] == "4"  # totals are exempt
    leaks = {k: v for k, v in figures.items() if PEOPLE_FIGURE.match(k) and (small(v) or v.endswith("*"))}
    assert not leaks
    assert any(PEOPLE_FIGURE.match(k) and v == "fewer than 5" for k, v in figures.items() if "themes" in k)
    assert "are not shown: they say &#34;fewer than 5&#34;" in html
    assert "because you are staff" not in html
    # The downloaded HTML is the same public form.
    download = client.get(f"/c/{consultation.slug}/report/download/html").get_data(as_text=True)
    assert figures_of(download)[f"{carers}.responses"] == "fewer than 5"
    assert not any(PEOPLE_FIGURE.match(k) and small(v) for k, v in figures_of(download).items())


def test_the_public_spreadsheet_says_fewer_than_5_and_keeps_the_totals(client, published):
    consultation, _parts, _facilitator = published
    response = client.get(f"/c/{consultation.slug}/report/download/xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    rows = {row[0]: row for row in book["Participation"].iter_rows(values_only=True) if row and row[0]}
    assert rows["Carers"][:5] == ("Carers", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5")
    assert rows["Bigtown"][1] == "fewer than 5"
    channels = {"Online", "Paper form", "At a meeting", "Imported"}  # how people took part is not who they are
    for sheet in ("Participation", "Representativeness", "Themes"):
        for row in book[sheet].iter_rows(values_only=True):
            # Populations are large; no count of 1 to 4 people is left in a people column.
            people = row[2:] if sheet == "Themes" else row[1:]  # a theme's total is a whole-consultation total
            if row[0] not in channels:
                assert not any(isinstance(v, int) and 0 < v < 5 for v in people), (sheet, row)
    summary = [row for row in book["Summary"].iter_rows(values_only=True)]
    # The summary's table of who took part follows the same rule (its other tables are places, not people).
    assert [row[:3] for row in summary if row[0] == "Carers"] == [("Carers", "fewer than 5", "fewer than 5")]
    glance = [row for row in book["About the figures"].iter_rows(values_only=True)]
    assert ("Survey responses", 6) in [row[:2] for row in glance]
    assert any(row[0] and "fewer than 5" in str(row[0]) for row in summary)  # the sheet says why
    assert client.get(f"/c/{consultation.slug}/report/download/csv").status_code == 404  # raw data: staff only


def test_the_public_pdf_says_fewer_than_5(client, published):
    consultation, _parts, _facilitator = published
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(client.get(f"/c/{consultation.slug}/report/download/pdf").get_data())
    text = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    assert "fewer than 5" in text and "because you are staff" not in text


def test_staff_see_the_small_figures_marked(client, published):
    consultation, parts, facilitator = published
    login(client, facilitator)
    html = client.get(f"/consultations/{consultation.id}/report/view").get_data(as_text=True)
    figures = figures_of(html)
    assert figures[f"participation.stakeholder_group.{parts['carer'].code}.responses"] == "3*"
    assert figures["summary.responses"] == "6"
    assert ("Figures about fewer than 5 people, marked *, are shown because you are staff; they are hidden from "
            "the public.") in html
    book = load_workbook(io.BytesIO(client.get(f"/consultations/{consultation.id}/report/download/xlsx").get_data()))
    carers = next(row for row in book["Participation"].iter_rows() if row[0].value == "Carers")
    assert carers[1].value == 3 and carers[1].number_format.endswith('"*"')


def test_the_threshold_is_the_setting(app, client, published, monkeypatch):
    consultation, parts, _facilitator = published
    monkeypatch.setitem(app.config, "MIN_PUBLIC_COUNT", 3)
    figures = figures_of(client.get(f"/c/{consultation.slug}/report").get_data(as_text=True))
    carers = f"participation.stakeholder_group.{parts['carer'].code}"
    assert figures[f"{carers}.responses"] == "3" and figures[f"{carers}.ballots"] == "fewer than 3"


# --- the summary and "too few to say" -----------------------------------------------------------------------

def test_a_locality_under_represented_in_ballots_is_named_in_the_summary(app, client):
    facilitator = make_user(role="facilitator")
    pet = make_locality(population=10_000, name={"en": "Peterlee"})
    sea = make_locality(population=10_000, name={"en": "Seaham"})
    group = make_stakeholder_group(name={"en": "Residents"})
    consultation = make_consultation(localities=[pet, sea], groups=[group], lead=facilitator,
                                     vote={"method": "approval", "priorities": ["P1", "P2"]})
    for i in range(40):
        make_ballot(consultation, {"P1": 1}, group=group, locality=pet if i < 34 else sea)
    db.session.commit()
    login(client, facilitator)
    html = client.get(f"/consultations/{consultation.id}/participation").get_data(as_text=True)
    # Seaham: 6 of 40 ballots (15%) against half the population: 35 points below.
    assert f'data-figure="representativeness.locality.{sea.code}.ballots_under"><strong' in html
    assert "Localities, by ballots: Seaham (-35.0)" in html
    assert "No group is under-represented" not in html


def test_a_band_with_3_to_9_responses_is_too_few_to_say_and_not_flagged():
    populations = {"PET": {"age_band": {"65_74": 300, "75_84": 700}}}
    for n in (3, 9):
        responses = [{"id": i, "locality": "PET", "age_band": "65_74"} for i in range(n)]
        result = representation.representativeness(responses, [], localities=["PET"],
                                                   locality_population={"PET": 1_000}, populations=populations)
        table = next(t for t in result["bands"] if t["locality"] is None)
        older = {row["band"]: row for row in table["rows"]}["75_84"]
        assert older["count"] == 0 and older["difference"] == -70.0  # far below, but from n answers
        assert older["too_few"] is True and older["under"] is False
        assert not result["under_represented"]
    # With enough answers the same gap is judged.
    responses = [{"id": i, "locality": "PET", "age_band": "65_74"} for i in range(20)]
    result = representation.representativeness(responses, [], localities=["PET"], locality_population={"PET": 1_000},
                                               populations=populations)
    assert {(f["band"], f["difference"]) for f in result["under_represented"]} == {("75_84", -70.0)}


def test_too_few_to_say_is_what_the_report_prints(app):
    populations = {"PET": {"age_band": {"65_74": 300, "75_84": 700}}}
    responses = [{"id": i, "locality": "PET", "age_band": "65_74"} for i in range(5)]
    rep = representation.representativeness(responses, [], localities=["PET"], locality_population={"PET": 1_000},
                                            populations=populations, min_band=10)
    data = {"consultation": {"title": {"en": "T"}, "default_locale": "en", "status": "open",
                             "opens_at": "2027-01-01T00:00:00+00:00", "closes_at": "2027-02-01T00:00:00+00:00"},
            "as_of": "2027-01-10T00:00:00+00:00", "groups": [], "group_names": {}, "localities": ["PET"],
            "locality_names": {"PET": {"en": "Peterlee"}}, "has_survey": True, "has_vote": False,
            "participation": {"responses": 5, "ballots": 0, "by": {}}, "representativeness": rep}
    with app.test_request_context(), force_locale("en"):
        document = build_document(data, locale="en", sections=("glance", "representativeness"))
    cells = {c["figure"]: c["text"] for s in document["sections"] for b in s["blocks"] if b.get("table")
             for row in b["table"]["rows"] for c in row if c["figure"]}
    assert cells["representativeness.age_band.all.75_84.under"] == "Too few to say"
    summary = next(s for s in document["sections"] if s["id"] == "glance")
    assert summary["blocks"][1]["list"] is None


def test_a_report_built_before_these_rules_still_hides_small_figures_in_public(app):
    """Published snapshots are never rebuilt: their flags carry no head count, so it is read from the table."""
    rep = {"margin": 5.0, "localities": {"rows": [{"locality": "SEA", "population": 5_000, "population_share": 50.0,
                                                   "responses": 3, "responses_share": 7.5,
                                                   "responses_difference": -42.5, "responses_under": True}],
                                         "responses_elsewhere": 0},
           "bands": [], "missing_population": [],
           "under_represented": [{"kind": "locality", "locality": "SEA", "band_type": None, "band": "SEA",
                                  "difference": -42.5}]}
    data = {"consultation": {"title": {"en": "T"}, "default_locale": "en", "status": "published",
                             "opens_at": "2027-01-01T00:00:00+00:00", "closes_at": "2027-02-01T00:00:00+00:00"},
            "as_of": "2027-02-02T00:00:00+00:00", "groups": [], "group_names": {}, "localities": ["SEA"],
            "locality_names": {"SEA": {"en": "Seaham"}}, "has_survey": True, "has_vote": False,
            "participation": {"responses": 40, "ballots": 0, "by": {}}, "representativeness": rep}
    with app.test_request_context(), force_locale("en"):
        public = build_document(data, locale="en", audience="public", sections=("glance", "representativeness"))
        full = build_document(data, locale="en", audience="full", sections=("glance", "representativeness"))
    assert public["sections"][0]["blocks"][1]["list"] == ["Localities, by survey responses: Seaham"]
    assert full["sections"][0]["blocks"][1]["list"] == ["Localities, by survey responses: Seaham (-42.5)"]
