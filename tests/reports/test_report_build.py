"""On the demo data the report builds on a real worker, and HTML, PDF, XLSX, DOCX and CSV show the same figures."""

import csv
import io
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from docx import Document
from flask_babel import force_locale
from openpyxl import load_workbook
from report_files import html_headings, word_headings
from sqlalchemy import select

from consult.accounts.models import User
from consult.consultations.services import get_by_slug
from consult.extensions import db
from consult.jobs.models import JobRecord
from consult.reports import render_xlsx
from consult.reports.document import build_document
from consult.reports.models import ReportSnapshot
from factories import PASSWORD, login


class FigureParser(HTMLParser):
    """Collects the text of every element carrying data-figure."""

    def __init__(self):
        super().__init__()
        self.figures, self._open = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._open.append((tag, attrs.get("data-figure"), []))

    def handle_endtag(self, tag):
        while self._open:
            name, figure, text = self._open.pop()
            if figure:
                self.figures[figure] = "".join(text).strip()
            if self._open:
                self._open[-1][2].extend(text)
            if name == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def html_figures(html: str) -> dict[str, str]:
    parser = FigureParser()
    parser.feed(html)
    return parser.figures


def document_cells(document, *, printed=False):
    """Every table row of the document; `printed`: only those the HTML, PDF and Word show (not spreadsheet_only)."""
    for section in document["sections"]:
        for block in section["blocks"]:
            if block.get("table") and not (printed and block.get("spreadsheet_only")):
                for row in block["table"]["rows"]:
                    yield section, block["table"], row


@pytest.fixture
def demo(live_app):
    from consult.demo import load_demo

    load_demo()
    facilitator = db.session.scalar(select(User).where(User.email == "facilitator@consult.example"))
    facilitator.set_password(PASSWORD)
    db.session.commit()
    return get_by_slug("older-people-2027"), facilitator


def build_on_worker(live_app, work_queue, consultation, facilitator):
    client = live_app.test_client()
    login(client, facilitator)
    page = client.get(f"/consultations/{consultation.id}/participation")
    assert page.status_code == 200  # the live view, before the report
    response = client.post(f"/consultations/{consultation.id}/report", data={"margin": "5"})
    assert response.status_code == 302
    db.session.rollback()
    record = db.session.scalar(select(JobRecord).where(JobRecord.kind == "report.build"))
    assert record.status == "queued"
    assert "report-progress-bar" in client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    work_queue()
    db.session.rollback()  # see the worker's commits
    return client, db.session.get(JobRecord, record.id)


def test_demo_report_builds_in_the_background_and_every_format_shows_the_same_figures(live_app, work_queue, demo):
    consultation, facilitator = demo
    client, record = build_on_worker(live_app, work_queue, consultation, facilitator)
    assert record.status == "finished", record.error
    snapshot = db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.consultation_id == consultation.id))
    assert record.result["snapshot_id"] == snapshot.id and snapshot.job_id == record.id
    assert {(f.format, f.locale) for f in snapshot.files} == {(f, "en") for f in ("html", "pdf", "xlsx", "csv",
                                                                                  "docx")}
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert "Download the report as PDF" in page and "report-progress-bar" not in page
    data = snapshot.data
    part = data["participation"]
    assert part["responses"] == 36 and part["ballots"] > 0 and data["priorities"]["rows"]
    assert data["representativeness"]["bands"], "the demo ships population figures"
    # The demo's older people's consultation is for people aged 65 and over: younger bands are never flagged.
    assert data["representativeness"]["target"] == {"age_band": ["65_74", "75_84", "85_plus"]}
    ages = [t for t in data["representativeness"]["bands"] if t["band_type"] == "age_band"]
    assert ages and all(row["band"] in ("65_74", "75_84", "85_plus") for t in ages for row in t["rows"])
    assert not any(f["band"] == "under_18" for f in data["representativeness"]["under_represented"])

    downloads = {}
    for fmt in ("html", "pdf", "xlsx", "csv", "docx"):
        response = client.get(f"/consultations/{consultation.id}/report/download/{fmt}")
        assert response.status_code == 200, fmt
        downloads[fmt] = response.get_data()

    with live_app.test_request_context(), force_locale("en"):
        document = build_document(data, locale="en")

    # HTML: every figure in the layout, as the reader sees it.
    figures = html_figures(downloads["html"].decode("utf-8"))
    # Staff see figures about fewer than 5 people, marked "*".
    expected = {c["figure"]: c["text"] + ("*" if c["small"] else "")
                for _s, _t, row in document_cells(document, printed=True) for c in row if c["figure"]}
    assert len(expected) > 200
    assert {k: figures.get(k) for k in expected} == expected
    # ... and they are the snapshot's figures.
    for row in part["by"]["stakeholder_group"]:
        for kind in ("responses", "ballots"):
            mark = "*" if 0 < row[kind] < 5 else ""
            assert figures[f"participation.stakeholder_group.{row['key']}.{kind}"] == f"{row[kind]:,}{mark}"

    # XLSX: one sheet per section, with every table row's values.
    book = load_workbook(io.BytesIO(downloads["xlsx"]))
    assert book.sheetnames == [s["sheet"] for s in document["sections"]]
    for section, table, row in document_cells(document):
        if section["id"] == "free-text":
            continue  # the sheet lists every written answer instead of the most recent
        values = [tuple(c.value for c in line) for line in book[section["sheet"]].iter_rows()]
        wanted = tuple(render_xlsx._value(c) for c in row)
        assert any(line[:len(wanted)] == wanted for line in values), (section["sheet"], table["id"], wanted)

    # DOCX: the HTML's headings, and every table with the same cells (marked "*" the same way).
    word = Document(io.BytesIO(downloads["docx"]))
    assert word_headings(word) == html_headings(downloads["html"])
    tables = [b["table"] for s in document["sections"] for b in s["blocks"]
              if b.get("table") and not b.get("spreadsheet_only")]
    assert len(word.tables) == len(tables)
    for table, t in zip(word.tables, tables, strict=True):
        body = [[c.text for c in row.cells] for row in table.rows[1 + bool(t["groups"]):]]
        assert body == [[c["text"] + ("*" if c["small"] else "") for c in row] for row in t["rows"]], t["id"]

    # CSV: the raw anonymised rows add up to the same participation figures.
    rows = list(csv.DictReader(io.StringIO(downloads["csv"].decode("utf-8-sig"))))
    responses = [r for r in rows if r["Record"] == "response"]
    ballots = [r for r in rows if r["Record"] == "ballot"]
    assert len(responses) == part["responses"] and len(ballots) == part["ballots"]
    for dimension, column in (("stakeholder_group", "Stakeholder group"), ("locality", "Locality"),
                              ("language", "Language"), ("channel", "Channel")):
        by_response = Counter(r[column] or "not_given" for r in responses)
        by_ballot = Counter(r[column] or "not_given" for r in ballots)
        for row in part["by"][dimension]:
            assert by_response.get(row["key"], 0) == row["responses"], (dimension, row)
            assert by_ballot.get(row["key"], 0) == row["ballots"], (dimension, row)
    header = next(csv.reader(io.StringIO(downloads["csv"].decode("utf-8-sig"))))
    most_help = next(h for h in header if h.startswith("most_help:"))
    question = next(q for q in data["survey"]["questions"] if q["code"] == "most_help")
    counted = Counter(r[most_help] for r in responses if r[most_help])
    assert {o["value"]: o["count"] for o in question["options"]} == {
        o["value"]: counted.get(o["value"], 0) for o in question["options"]}
    assert not any(re.fullmatch(r"[A-Z0-9]{6,16}", r["Number"]) for r in rows)  # no response references

    # PDF: tagged, its text carries the same figures, and every page renders to an image.
    pdf = downloads["pdf"]
    from pypdf import PdfReader

    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "en"
    import pypdfium2 as pdfium

    document_pdf = pdfium.PdfDocument(pdf)
    text = " ".join(" ".join(document_pdf[i].get_textpage().get_text_range().split())
                    for i in range(len(document_pdf)))
    for section, table, row in document_cells(document):
        numbers = [c["text"] + ("*" if c["small"] else "")
                   for c in row if c["figure"] and not c["header"] and c["text"]]
        if numbers and section["id"] in ("summary", "participation", "survey", "themes", "priorities"):
            # A row labelled in Urdu is extracted right to left.
            assert " ".join(numbers) in text or " ".join(reversed(numbers)) in text, (table["id"], numbers)
    for i in range(len(document_pdf)):
        image = document_pdf[i].render(scale=0.5).to_pil().convert("L")
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.01  # A4
        dark = sum(image.histogram()[:128])
        assert dark > 200, f"page {i + 1} renders blank"
    document_pdf.close()


def test_a_failed_build_shows_a_message_and_a_retry_builds_it(live_app, work_queue, demo, monkeypatch):
    consultation, facilitator = demo

    def broken(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr("consult.reports.render_pdf.render", broken)
    client, record = build_on_worker(live_app, work_queue, consultation, facilitator)
    assert record.status == "failed" and "no space left" in record.error
    assert db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.consultation_id == consultation.id)) is None
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert "The report could not be built" in page and "Try again" in page
    monkeypatch.undo()
    assert client.post(f"/consultations/{consultation.id}/report/retry").status_code == 302
    work_queue()
    db.session.rollback()
    assert db.session.get(JobRecord, record.id).status == "finished"
    assert db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.consultation_id == consultation.id))
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert "Download the report as XLSX" in page and "could not be built" not in page


def test_files_in_other_languages_are_rendered_on_first_download_and_kept(live_app, work_queue, demo):
    consultation, facilitator = demo
    client, record = build_on_worker(live_app, work_queue, consultation, facilitator)
    response = client.get(f"/consultations/{consultation.id}/report/download/html?lang=ur")
    html = response.get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html and "پیٹرلی" in html
    db.session.rollback()
    snapshot = db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.consultation_id == consultation.id))
    assert ("html", "ur") in {(f.format, f.locale) for f in snapshot.files}
