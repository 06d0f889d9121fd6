"""The report as a Word document: the HTML's outline and tables, right to left in Urdu, and no written answers
in the published version; from the command line, the report page and the public download."""

import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from report_files import html_headings, word_headings

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.reports import render_docx, services
from consult.reports.document import build_document
from consult.reports.document.cells import cell
from factories import login, make_reported_consultation, make_user

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WRITTEN = "The bus is gone"  # one response's written answer (factories.make_reported_consultation)


def all_text(word) -> str:
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def is_bidi(paragraph) -> bool:
    return paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:bidi")) is not None


def row_flags(row) -> set[str]:
    properties = row._tr.trPr
    return {name for name in ("cantSplit", "tblHeader")
            if properties is not None and properties.find(qn(f"w:{name}")) is not None}


def layout_tables(document):
    return [b["table"] for s in document["sections"] for b in s["blocks"]
            if b.get("table") and not b.get("spreadsheet_only")]


@pytest.fixture
def snapshot():
    consultation, _parts = make_reported_consultation()
    services.build_report(consultation.id, formats=(), locale="en")
    db.session.commit()
    return services.latest_report(consultation)


def word(snapshot, locale="en", audience="full"):
    return Document(io.BytesIO(services.render(snapshot, "docx", locale, audience)))


@pytest.mark.parametrize("locale", ["en", "ur"])
@pytest.mark.parametrize("audience", ["full", "public"])
def test_the_headings_are_the_html_reports_headings_in_order(app, snapshot, locale, audience):
    wanted = html_headings(services.render(snapshot, "html", locale, audience))
    assert wanted[0][0] == 1 and {level for level, _text in wanted} >= {1, 2, 3}
    assert word_headings(word(snapshot, locale, audience)) == wanted


def test_tables_carry_the_layouts_cells_with_header_rows_that_repeat_on_every_page(app, snapshot):
    document = word(snapshot)
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("en"):
            tables = layout_tables(build_document(snapshot.data, locale="en"))
    assert len(document.tables) == len(tables) > 5
    captions = [p for p in document.paragraphs if p.style.name == "Caption"]
    assert [p.text for p in captions] == [t["caption"] for t in tables]
    for table, t in zip(document.tables, tables, strict=True):
        headed = 1 + bool(t["groups"])
        rows = table.rows
        assert [row_flags(r) for r in rows[:headed]] == [{"cantSplit", "tblHeader"}] * headed, t["id"]
        assert all(row_flags(r) == {"cantSplit"} for r in rows[headed:]), t["id"]
        assert [c.text for c in rows[headed - 1].cells] == [c["text"] for c in t["columns"]]
        body = [[c.text for c in r.cells] for r in rows[headed:]]
        assert body == [[c["text"] + ("*" if c["small"] else "") for c in r] for r in t["rows"]], t["id"]
        for row, cells in zip(rows[headed:], t["rows"], strict=True):
            for word_cell, c in zip(row.cells, cells, strict=True):
                if c["numeric"] and not c["header"]:
                    # RIGHT: the end of the cell, in either direction
                    assert word_cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, (t["id"], c)
        if t["groups"]:
            assert [c.text for c in dict.fromkeys(rows[0].cells)] == [g["text"] for g in t["groups"]]


def test_an_under_represented_flag_is_bold(app, snapshot, monkeypatch):
    def flagged(data, **kwargs):
        document = build_document(data, **kwargs)
        table = next(b["table"] for s in document["sections"] if s["id"] == "representativeness"
                     for b in s["blocks"] if b.get("table"))
        table["rows"][0][-1] = cell(True, "Under-represented", flag=True)
        return document

    monkeypatch.setattr(render_docx, "build_document", flagged)
    found = [c for t in word(snapshot).tables for row in t.rows for c in row.cells if c.text == "Under-represented"]
    assert found and all(run.bold and run.font.cs_bold for c in found for run in c.paragraphs[0].runs)


def test_the_published_version_leaves_out_what_people_wrote(app, snapshot):
    assert WRITTEN in all_text(word(snapshot, audience="full"))
    public = word(snapshot, audience="public")
    text = all_text(public)
    assert WRITTEN not in text and "Mwy o help" not in text
    assert "This is the published version: written answers are left out." in text


def test_urdu_is_right_to_left_and_says_its_language(app, snapshot):
    document = word(snapshot, "ur")
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None
    body = [p for p in document.paragraphs if p.text]
    cells = [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    written = [p for p in cells if p.text in (WRITTEN, "Mwy o help yn y nos", '=HYPERLINK("x")')]
    assert len(written) == 3 and not any(is_bidi(p) for p in written)  # answers keep their own direction
    assert all(is_bidi(p) for p in body + [p for p in cells if p not in written])
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in document.tables)
    urdu_runs = [r for p in body for r in p.runs if render_docx.has_right_to_left(r.text)]
    assert len(urdu_runs) > 20 and all(r.font.rtl for r in urdu_runs)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == lang.get(qn("w:bidi")) == "ur-PK"
    fonts = list(document.styles.element.iter(qn("w:rFonts")))
    assert fonts and all(f.get(qn("w:cs")) == "Noto Naskh Arabic" and f.get(qn("w:cstheme")) is None
                         for f in fonts)
    assert document.core_properties.language == "ur-PK"

    english = word(snapshot, "en")
    assert english.sections[0]._sectPr.find(qn("w:bidi")) is None
    assert not any(is_bidi(p) for p in english.paragraphs)
    assert not any(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in english.tables)


def test_what_people_wrote_in_urdu_runs_right_to_left_in_an_english_report(app, snapshot, monkeypatch):
    """Quoted answers (in Word's Quote style, with who wrote them after each) and written cells take the
    direction of their own text."""
    urdu = "بس اب نہیں آتی"

    def with_quotes(data, **kwargs):
        document = build_document(data, **kwargs)
        block = document["sections"][0]["blocks"][0]
        block["quotes"] = [{"text": urdu, "by": "A carer in Bigtown"}, {"text": WRITTEN, "by": "A GP"}]
        return document

    monkeypatch.setattr(render_docx, "build_document", with_quotes)
    document = word(snapshot)
    paragraphs = document.paragraphs
    quotes = [i for i, p in enumerate(paragraphs) if p.style.name == "Quote"]
    assert [paragraphs[i].text for i in quotes] == [urdu, WRITTEN]
    assert [paragraphs[i + 1].text for i in quotes] == ["A carer in Bigtown", "A GP"]
    assert [is_bidi(paragraphs[i]) for i in quotes] == [True, False]
    assert paragraphs[quotes[0]].runs[0].font.rtl and not is_bidi(paragraphs[quotes[0] + 1])


def test_a_section_can_start_a_page_and_a_block_can_be_for_the_spreadsheet_only(app, snapshot, monkeypatch):
    def marked(data, **kwargs):
        document = build_document(data, **kwargs)
        document["sections"][1]["page_break"] = True
        document["sections"][1]["appendix"] = True
        document["sections"][2]["blocks"][0]["spreadsheet_only"] = True
        marked.sections = document["sections"]
        return document

    monkeypatch.setattr(render_docx, "build_document", marked)
    document = word(snapshot)
    headings = {p.text: p for p in document.paragraphs if p.style.name == "Heading 2"}
    assert headings[marked.sections[1]["title"]].paragraph_format.page_break_before
    assert not headings[marked.sections[2]["title"]].paragraph_format.page_break_before
    left_out = marked.sections[2]["blocks"][0]
    assert left_out["table"]["caption"] not in [p.text for p in document.paragraphs]
    # The cover is a page of its own: what follows it (the notice, if any, then the contents) starts a page.
    paragraphs = document.paragraphs
    contents = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 2")
    assert paragraphs[contents].text == "Contents"
    breaks = [i for i, p in enumerate(paragraphs[:contents + 1]) if p.paragraph_format.page_break_before]
    assert breaks in ([contents], [contents - 1])


def test_the_files_properties_name_the_report_and_nobody(app, snapshot):
    parts = zipfile.ZipFile(io.BytesIO(services.render(snapshot, "docx", "en"))).namelist()
    assert not [name for name in parts if "thumbnail" in name or "stylesWithEffects" in name]  # the template's
    properties = word(snapshot).core_properties
    assert properties.title.startswith("Consultation report: ")
    assert properties.language == "en-GB"
    assert properties.author == properties.last_modified_by == ""
    assert "python-docx" not in (properties.comments + properties.author)
    assert properties.created.replace(tzinfo=None) == snapshot.as_of.replace(tzinfo=None, microsecond=0)


def test_the_report_command_writes_a_word_document(app, snapshot, tmp_path):
    out = tmp_path / "report.docx"
    slug = snapshot.data["consultation"]["slug"]
    result = app.test_cli_runner().invoke(args=["report", slug, "--format", "DOCX", "--output", str(out)])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert word_headings(document)[0] == (1, document.core_properties.title)
    assert WRITTEN in all_text(document)


def test_an_unknown_format_is_refused(app, snapshot):
    with pytest.raises(services.ReportError, match="html, pdf, xlsx, csv or docx"):
        services.render(snapshot, "odt", "en")


def test_the_report_page_offers_the_word_document_and_the_public_gets_one_once_published(app, client, snapshot):
    consultation = db.session.get(Consultation, snapshot.consultation_id)
    login(client, make_user(role="commissioner"))
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    link = f'/consultations/{consultation.id}/report/download/docx'
    assert link in page and "Download the report as DOCX" in page
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == DOCX
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and services.file_name(snapshot, "docx", "en") in disposition
    assert WRITTEN in all_text(Document(io.BytesIO(response.get_data())))
    assert client.get(f"/consultations/{consultation.id}/report/download/odt").status_code == 404
    assert client.get(f"/c/{consultation.slug}/report/download/docx").status_code == 404  # not published yet

    consultation.status = "published"
    db.session.commit()
    client.post("/logout")
    page = client.get(f"/c/{consultation.slug}/report").get_data(as_text=True)
    assert f"/c/{consultation.slug}/report/download/docx" in page and "download/csv" not in page
    response = client.get(f"/c/{consultation.slug}/report/download/docx?lang=ur")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert response.headers["Content-Disposition"].rstrip('"').endswith("-ur.docx")
    public = Document(io.BytesIO(response.get_data()))
    assert WRITTEN not in all_text(public) and public.core_properties.language == "ur-PK"
    db.session.refresh(snapshot)
    assert ("docx", "ur", "public") in {(f.format, f.locale, f.audience) for f in snapshot.files}  # kept
