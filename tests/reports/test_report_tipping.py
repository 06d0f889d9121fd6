"""The report's priority vote section says how far each group's weight could move (the tipping points)."""

import html
import io
import re

from sqlalchemy import select

from consult.extensions import db
from consult.reports import services
from consult.reports.models import ReportSnapshot
from factories import make_reported_consultation

# make_reported_consultation: ranking of P1-P3 (the top set is the first place), group_shares, Carers weight 2
# and GPs weight 1, two ballots each. Points per ballot: carers P1 2, P2 0.5, P3 0.5; GPs P1 0.5, P2 1, P3 1.
# In the carers' weight x: P1 = 2x + 0.5 and P2 = P3 = 0.5x + 1, which meet at x = 1/3.
# In the GPs' weight y: P1 = 4 + 0.5y and P2 = P3 = 1 + y, which meet at y = 6.
SENTENCES = [
    "The weight of Carers would have to fall from 2.0 to 0.33 before Priority P2 and Priority P3 take first place.",
    "No rise in the weight of Carers, however large, would change the first place.",
    "No fall in the weight of GPs, even to 0, would change the first place.",
    "The weight of GPs would have to rise from 1.0 to 6.0 before Priority P2 and Priority P3 take first place.",
]


def built():
    consultation, _parts = make_reported_consultation(status="closed")
    services.build_report(consultation.id, formats=(), locale="en")
    db.session.flush()
    return db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.consultation_id == consultation.id))


def test_the_html_report_lists_the_tipping_points_after_the_schemes():
    snapshot = built()
    page = html.unescape(services.render(snapshot, "html", "en").decode("utf-8"))
    section = page[page.index('id="priorities"'):]
    assert section.index("The weighting schemes side by side") < section.index("How much rests on the weights")
    block = section[section.index("How much rests on the weights"):]
    items = re.findall(r"<li>(.*?)</li>", block[:block.index("</ul>")], re.S)
    assert [re.sub(r"\s+", " ", item).strip() for item in items] == SENTENCES


def test_the_spreadsheet_has_the_same_sentences_on_the_priorities_sheet():
    from openpyxl import load_workbook

    snapshot = built()
    book = load_workbook(io.BytesIO(services.render(snapshot, "xlsx", "en")))
    cells = [row[0] for row in book["Priorities"].iter_rows(values_only=True) if row and row[0]]
    at = cells.index("How much rests on the weights")
    assert cells[at + 2:at + 6] == [f"• {text}" for text in SENTENCES]


def test_a_report_from_results_without_the_aggregate_table_has_no_tipping_points():
    snapshot = built()
    data = dict(snapshot.data)
    data["priorities"] = {**data["priorities"], "tipping": None}
    snapshot.data = data
    page = services.render(snapshot, "html", "en").decode("utf-8")
    assert "The weighting schemes side by side" in page and "How much rests on the weights" not in page


def test_the_pdf_carries_the_same_sentences():
    import pypdfium2 as pdfium

    snapshot = built()
    pdf = pdfium.PdfDocument(services.render(snapshot, "pdf", "en"))
    text = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    pdf.close()
    assert "How much rests on the weights" in text
    for sentence in SENTENCES:
        assert sentence in text, sentence


def test_the_public_report_gives_no_tipping_point_of_a_group_too_small_to_show():
    # Two ballots each: neither group is shown on its own in public, so neither has its tipping points there.
    snapshot = built()
    page = html.unescape(services.render(snapshot, "html", "en", "public").decode("utf-8"))
    assert "How much rests on the weights" in page
    assert not any(sentence in page for sentence in SENTENCES)
    assert "fewer than 5 people" in page  # the public notice says figures were left out
