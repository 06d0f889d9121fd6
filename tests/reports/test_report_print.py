"""The PDF report prints well: a cover, contents with page numbers, table headers repeated on every page a table
runs onto, no table row alone on a page, no heading or caption left at the foot of a page, tagged PDF/UA in every
script. Checked on WeasyPrint's own layout (the boxes on each page), and on the PDF it writes."""

import io
import re

import pypdfium2 as pdfium
import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader
from sqlalchemy import select
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from consult.extensions import db
from consult.reports import render_pdf, services
from consult.reports.document import build_document
from consult.reports.document.cells import cell, count_cell, percent_cell, table
from consult.reports.models import ReportSnapshot
from consult.reports.render_html import render_document
from factories import make_reported_consultation, make_survey_response

#: Tables of up to this many rows are printed whole (templates/reports/_table.html).
WHOLE_ROWS = 12
HEADINGS = ("h2", "h3", "h4")


# --- the layout, page by page ----------------------------------------------------------------------------------

def walk(box):
    """The box and its descendants in document order, leaving out page margins (the page numbers)."""
    yield box
    for child in getattr(box, "children", None) or ():
        if not isinstance(child, boxes.MarginBox):
            yield from walk(child)


def table_pages(document):
    """Per page: {table id: {"head": header rows, "body": body rows, "caption": bool, "head_first": bool}}."""
    pages = []
    for page in document.pages:
        tables = {}
        for box in walk(page._page_box):
            if getattr(box, "is_table_wrapper", False):
                info = tables.setdefault(box.element.get("id"), {"head": 0, "body": 0, "caption": False,
                                                                 "head_first": True})
                info["caption"] = any(isinstance(c, boxes.TableCaptionBox) for c in box.children)
                table_box = box.get_wrapped_table()  # None when only the caption is on this page
                for i, group in enumerate(table_box.children if table_box else ()):
                    rows = sum(isinstance(r, boxes.TableRowBox) for r in group.children)
                    if group.is_header:
                        info["head"] += rows
                        info["head_first"] = info["head_first"] and i == 0
                    elif not group.is_footer:
                        info["body"] += rows
        pages.append(tables)
    return pages


def header_rows(html: str) -> dict[str, int]:
    """How many rows each table's thead has, from the HTML."""
    counts = {}
    for match in re.finditer(r'<table [^>]*id="([^"]+)".*?<thead[^>]*>(.*?)</thead>', html, re.S):
        counts[match[1]] = match[2].count("<tr")
    return counts


def flow(page):
    """The page's content in order, one (tag, element identity) per element: headings, paragraphs, list items,
    captions, table rows, figures, and the cover's terms and descriptions."""
    items = []
    for box in walk(page._page_box):
        tag = box.element_tag if box.element is not None else None
        if tag in (*HEADINGS, "h1", "p", "li", "caption", "tr", "figure", "dt", "dd") and not isinstance(
                box, (boxes.LineBox, boxes.TextBox, boxes.InlineBox)):
            key = (tag, id(box.element))
            if not items or items[-1] != key:
                items.append(key)
    return items


def page_of_ids(document) -> dict[str, int]:
    """The page (from 1) each element with an id starts on."""
    pages = {}
    for number, page in enumerate(document.pages, 1):
        for box in walk(page._page_box):
            if box.element is not None and box.element.get("id") and box.element_tag in HEADINGS:
                pages.setdefault(box.element.get("id"), number)
    return pages


def contents_numbers(document) -> dict[str, str]:
    """{section id: the last word of its entry in the contents list, which is its page number}."""
    numbers = {}
    for page in document.pages:
        for box in walk(page._page_box):
            if isinstance(box, boxes.InlineBox) and box.element_tag == "a" and box.element.get("href", "")[:1] == "#":
                text = "".join(b.text for b in walk(box) if isinstance(b, boxes.TextBox))
                numbers[box.element.get("href")[1:]] = text.split()[-1]
    return numbers


def check_tables(html: str, document) -> list[str]:
    """What is wrong with how the document's tables break across pages (an empty list when nothing is)."""
    heads = header_rows(html)
    pages = table_pages(document)
    rows = {}
    for tables in pages:
        for tid, info in tables.items():
            rows[tid] = rows.get(tid, 0) + info["body"]
    on = spans(document)
    problems = []
    for number, tables in enumerate(pages, 1):
        for tid, info in tables.items():
            if info["body"] == 1 and rows[tid] > 1:
                which = "first" if number == on[tid][0] else "last"
                problems.append(f"page {number}: the {which} row of {tid} ({rows[tid]} rows) alone")
            if info["body"] and (info["head"] != heads[tid] or not info["head_first"]):
                problems.append(f"page {number}: {tid} without its {heads[tid]} header rows")
            if info["caption"] and not info["body"]:
                problems.append(f"page {number}: the caption of {tid} without its table")
    for tid, total in rows.items():
        if total <= WHOLE_ROWS and len(on.get(tid, [])) > 1:
            problems.append(f"{tid} ({total} rows) split over pages {on[tid]}")
    for number, page in enumerate(document.pages, 1):
        items = flow(page)
        if number < len(document.pages) and items and items[-1][0] in (*HEADINGS, "caption"):
            problems.append(f"page {number} ends with a {items[-1][0]}")
    return problems


def spans(document) -> dict[str, list[int]]:
    """{table id: the pages it has rows on}."""
    on = {}
    for number, tables in enumerate(table_pages(document), 1):
        for tid, info in tables.items():
            if info["body"]:
                on.setdefault(tid, []).append(number)
    return on


# --- documents -------------------------------------------------------------------------------------------------

def long_table(table_id: str, n: int, *, groups: bool = False):
    rows = [[cell(f"Row {i + 1} of {table_id}", header=True), count_cell(i * 7), percent_cell(i / 3)]
            for i in range(n)]
    return table(table_id, f"Table {table_id}, {n} rows", [("Place", False), ("People", True), ("Share", True)],
                 rows, groups=[("", 1), ("Survey responses", 2)] if groups else None)


def filler(words: int) -> str:
    return " ".join(f"word{i}" for i in range(words)) + "."


COVER = {"status": "published", "status_text": "Results published",
         "rows": [{"label": "Open from", "text": "1 October 2026, 09:00"},
                  {"label": "Closing", "text": "30 November 2026, 17:00"},
                  {"label": "Figures as of", "text": "4 December 2026, 18:00"}]}


def made(sections: list[dict]) -> dict:
    return {"title": "Consultation report: Print test", "locale": "en", "audience": "full",
            "as_of_text": "4 December 2026, 18:00", "notice": None, "cover": COVER, "sections": sections}


def hand_made_document() -> dict:
    """A report-like document: tables of 2 to 90 rows, some with a row of column groups, after headings and
    paragraphs of many lengths."""
    sections = []
    sizes = (20, 41, 3, 2, 13, 5, 20, 12, 90, 7, 20, 3, 9, 4, 30)
    for s in range(4):
        blocks = []
        for b in range(11):
            k = s * 11 + b
            blocks.append({"heading": f"Block {k}", "level": 3 if k % 3 else 4,
                           "paragraphs": [filler(9 + 23 * (k % 7))] * (k % 3) if k % 5 else [],
                           "table": long_table(f"t{k}", sizes[k % len(sizes)], groups=k % 2 == 1)})
        sections.append({"id": f"section-{s}", "title": f"Section {s}", "paragraphs": [filler(30 + 20 * s)],
                         "blocks": blocks})
    return made(sections)


#: One line each: two never fit on a line of the sweep's page.
LINE = "w" * 16

#: The sweep's pages: small, and each section starts one, so that the sweep is quick to lay out.
SWEEP_PAGES = """<style>
  @page { size: 105mm 120mm; margin: 10mm 10mm 14mm; }
  .app-report__section { break-before: page; }
  .app-report__cover { padding-top: 0; }
</style></head>"""


def sweep_document() -> dict:
    """Each section starts a page with one more line before its tables than the last, until the lines fill the
    page: a line is shorter than a table row, so at some line count each break falls just after a heading,
    between a caption and its header, after a table's first row, before its last, and through a short table."""
    sections = [{"id": f"sweep-{m}", "title": f"Sweep {m}", "paragraphs": [" ".join([LINE] * m)] if m else [],
                 "blocks": [{"heading": f"Sweep {m}, long", "level": 3, "table": long_table(f"long-{m}", 20)},
                            {"heading": f"Sweep {m}, short", "level": 4, "table": long_table(f"short-{m}", 6,
                                                                                             groups=True)}]}
                for m in range(18)]
    return made(sections)


#: The report's print rules about breaks undone: the sweep, printed with these, has every problem.
UNGUARDED = """<style>
  h1, h2, h3, h4, caption, .app-report-table > tbody > tr { break-after: auto !important; break-before: auto !important; }
  .app-report-table--whole { break-inside: auto !important; }
</style></head>"""


def html_of(document: dict) -> str:
    with force_locale(document["locale"]):
        return render_document(document)


@pytest.fixture(scope="module")
def hand_made(app):
    with app.test_request_context():
        html = html_of(hand_made_document())
    return html, HTML(string=html).render()


@pytest.fixture(scope="module")
def sweep(app):
    with app.test_request_context():
        html = html_of(sweep_document()).replace("</head>", SWEEP_PAGES, 1)
    return html, HTML(string=html).render()


def test_the_sweep_would_break_badly_without_the_print_rules(sweep):
    html, _document = sweep
    unguarded = html.replace("</head>", UNGUARDED, 1)
    problems = " ".join(check_tables(unguarded, HTML(string=unguarded).render()))
    for problem in ("the first row of", "the last row of", "the caption of", r"\(6 rows\) split",
                    r"ends with a h[234]"):
        assert re.search(problem, problems), problem


def real_report(locale: str) -> tuple[bytes, str, dict]:
    """The report of a published consultation with 36 written answers (a long table): the PDF, the HTML it was
    printed from, and its document layout."""
    consultation, parts = make_reported_consultation(status="published")
    for i in range(30):
        make_survey_response(parts["survey"], group=parts["carer"], locality=parts["big"], age_band="65_74",
                             answers={"carer": "yes", "ideas": f"Answer {i}: " + filler(8 + (i * 13) % 60)})
    result = services.build_report(consultation.id, formats=(), locale="en")
    snapshot = db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.id == result["snapshot_id"]))
    with force_locale(locale):
        layout = build_document(snapshot.data, locale=locale)
        html = render_document(layout)
    return render_pdf.render(snapshot.data, locale=locale), html, layout


def pdf_pages_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


# --- tables ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["hand_made", "sweep"])
def test_no_table_row_is_alone_on_a_page_and_every_page_repeats_the_header(which, request):
    html, document = request.getfixturevalue(which)
    assert check_tables(html, document) == []
    # Tables do run over pages, with one and two header rows; some over more than two.
    on = spans(document)
    long = {tid for tid, pages in on.items() if len(pages) > 1}
    heads = header_rows(html)
    assert len(document.pages) > 15 and len(long) >= 4
    if which == "hand_made":
        assert {heads[tid] for tid in long} == {1, 2}
        assert any(len(pages) > 2 for pages in on.values())


@pytest.mark.parametrize("which", ["hand_made", "sweep"])
def test_short_tables_are_printed_whole_and_captions_stay_with_their_rows(which, request):
    html, document = request.getfixturevalue(which)
    on = spans(document)
    rows = {tid: int(n) for tid, n in re.findall(r'<caption[^>]* id="(\S+)-caption">Table \S+, (\d+) rows', html)}
    short = [tid for tid in on if rows[tid] <= WHOLE_ROWS]
    assert len(short) > 5 and all(len(on[tid]) == 1 for tid in short)
    for number, tables in enumerate(table_pages(document), 1):
        for tid, info in tables.items():
            assert not info["caption"] or info["body"] >= min(2, rows[tid]), (number, tid)


@pytest.mark.parametrize("which", ["hand_made", "sweep"])
def test_a_heading_is_never_the_last_thing_on_a_page(which, request):
    _html, document = request.getfixturevalue(which)
    headed = 0
    for number, page in enumerate(document.pages[:-1], 1):
        items = flow(page)
        assert items[-1][0] not in (*HEADINGS, "caption"), f"page {number} ends with {items[-1][0]}"
        headed += sum(tag in HEADINGS for tag, _key in items)
    assert headed > 20


# --- cover and contents ----------------------------------------------------------------------------------------

def test_the_cover_is_a_page_of_its_own_with_the_status_and_dates(hand_made):
    html, document = hand_made
    cover = flow(document.pages[0])
    assert [tag for tag, _key in cover] == ["h1", "dt", "dd", "dt", "dd", "dt", "dd", "dt", "dd"]
    text = " ".join(b.text for b in walk(document.pages[0]._page_box) if isinstance(b, boxes.TextBox))
    for words in ("Consultation report: Print test", "Results published", "Open from", "1 October 2026, 09:00",
                  "Closing", "30 November 2026, 17:00", "Figures as of", "4 December 2026, 18:00"):
        assert words in text
    assert html.count("<h1") == 1  # the cover adds no heading


def test_the_contents_give_the_page_each_section_starts_on(hand_made):
    html, document = hand_made
    numbers = contents_numbers(document)
    pages = page_of_ids(document)
    assert set(numbers) == {f"section-{s}" for s in range(4)}
    assert numbers == {key: str(pages[key]) for key in numbers}
    assert len(set(numbers.values())) == 4


def test_a_section_that_asks_for_it_starts_a_new_page(app):
    document = hand_made_document()
    document["sections"][2]["page_break"] = True
    with app.test_request_context():
        html = html_of(document)
    if not re.search(r'<section class="[^"]*app-report__section--page-break', html):
        pytest.skip("_body.html does not mark sections with page_break yet")
    layout = HTML(string=html).render()
    page = page_of_ids(layout)["section-2"]
    assert flow(layout.pages[page - 1])[0][0] == "h2"


# --- a real report, as a PDF -----------------------------------------------------------------------------------

def test_a_published_report_prints_with_its_cover_contents_and_whole_tables(app):
    pdf, html, layout = real_report("en")
    document = HTML(string=html).render()
    assert check_tables(html, document) == []
    assert max(len(pages) for pages in spans(document).values()) > 1  # the written answers run over a page
    numbers = contents_numbers(document)
    pages = page_of_ids(document)
    assert numbers and numbers == {key: str(pages[key]) for key in numbers}

    text = pdf_pages_text(pdf)
    assert len(text) == len(document.pages)
    cover = " ".join(text[0].split())
    assert layout["cover"]["status_text"] == "Results published" and "Results published" in cover
    assert [row["label"] for row in layout["cover"]["rows"]] == ["Open from", "Closing", "Figures as of"]
    for row in layout["cover"]["rows"]:
        assert f'{row["label"]} {row["text"]}' in cover
    assert "Contents" not in cover and "Contents" in text[1]
    for number, page in enumerate(text, 1):
        assert f"Page {number} / {len(text)}" in " ".join(page.split())

    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "en"


@pytest.mark.parametrize("locale", ["cy", "ur"])
def test_the_report_prints_tagged_in_each_language_and_urdu_reads_in_order(app, locale):
    pdf, html, _layout = real_report(locale)
    document = HTML(string=html).render()
    assert check_tables(html, document) == []
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == locale
    text = [" ".join(page.split()) for page in pdf_pages_text(pdf)]
    with force_locale(locale):
        words = [_("Summary"), _("Who took part"), _("Results published"), _("Contents")]
        page_word = _("Page")
    assert words[0] != "Summary", "the catalogue is compiled"
    everything = " ".join(text)
    for phrase in words:  # extracted in the order it is written, not the order it is drawn
        assert phrase in everything, phrase
    assert words[2] in text[0]
    assert page_word in text[-1]
    if locale == "ur":  # in a font for Urdu, not whatever font had the letters
        fonts = {str(font.get_object()["/BaseFont"]).replace("-", "") for page in reader.pages
                 for font in (page["/Resources"].get("/Font") or {}).values()}
        assert any("NotoNaskhArabic" in font for font in fonts), fonts
