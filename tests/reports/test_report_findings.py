"""A report a commissioner can decide from: findings first, where groups disagree, people's own words, detail
in its place (one table per question, days in the spreadsheet only, the method at the end), a page per locality."""

import io
import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import select

from consult.consultations.services import get_by_slug
from consult.demo import load_demo
from consult.extensions import db
from consult.reports import services, tagging
from consult.reports.document import build_document
from consult.reports.errors import ReportError
from consult.reports.models import FreeTextTag
from factories import PASSWORD, login, make_population, make_reported_consultation, make_user


def _report(consultation):
    services.build_report(consultation.id, formats=(), locale="en")
    db.session.flush()
    return services.latest_report(consultation)


@pytest.fixture
def carers(app):
    """The demo's closed consultation, with its survey, themes and quoted answers, and its report."""
    load_demo()
    consultation = get_by_slug("carers-support-2026")
    return consultation, _report(consultation)


def _section(document, section_id):
    return next(s for s in document["sections"] if s["id"] == section_id)


def _block(section, heading):
    return next(b for b in section["blocks"] if b.get("heading") == heading)


@pytest.mark.parametrize("locale", ["en", "cy", "ur"])
def test_the_first_section_states_the_ranking_its_settledness_the_disagreement_and_the_themes(carers, locale):
    consultation, snapshot = carers
    data = snapshot.data
    with force_locale(locale):
        document = build_document(data, locale=locale)
        headings = {key: _(key) for key in ("Summary", "The priorities in order", "Where stakeholder groups disagree",
                                            "What people wrote", "What happens next", "Who took part")}
    summary = document["sections"][0]
    assert summary["id"] == "summary" and summary["title"] == headings["Summary"]
    if locale != "en":
        assert headings["Summary"] != "Summary"  # the catalogue has it
    assert [b["heading"] for b in summary["blocks"]][1:3] == [headings["Who took part"],
                                                              headings["The priorities in order"]]
    ranking = _block(summary, headings["The priorities in order"])["table"]["rows"]
    main = data["priorities"]["weighting"]
    assert [row[0]["value"] for row in ranking] == [r["code"] for r in data["priorities"]["rows"]]
    assert [row[1]["value"] for row in ranking] == [r["schemes"][main]["rank"] for r in data["priorities"]["rows"]]
    assert [row[3]["value"] for row in ranking] == [r["schemes"][main]["interval"] for r in data["priorities"]["rows"]]
    disagree = _block(summary, headings["Where stakeholder groups disagree"])
    assert disagree["list"]  # the demo's groups do not want the same things
    themes = _block(summary, headings["What people wrote"])["paragraphs"][0]
    tally = {r["name"]["en"]: r["total"] for r in data["themes"]["rows"]}
    top = max(tally, key=tally.get)
    name = next(r["name"] for r in data["themes"]["rows"] if r["name"]["en"] == top)
    assert name.get(locale, name["en"]) in themes and str(tally[top]) in themes
    assert f"/c/{consultation.slug}/you-said-we-did" in _block(summary, headings["What happens next"])["paragraphs"][0]


def test_the_summary_names_what_the_tables_flag_and_nothing_else(carers):
    _consultation, snapshot = carers
    with force_locale("en"):
        document = build_document(snapshot.data, locale="en")
    said = _block(document["sections"][0], "Who took part")["paragraphs"][1]
    flagged_localities = {c["value"] for b in _section(document, "representativeness")["blocks"] if b.get("table")
                          and b["table"]["id"] == "rep-locality" for row in b["table"]["rows"] for c in row[:1]
                          if any(x["flag"] for x in row)}
    names = snapshot.data["locality_names"]
    assert flagged_localities and all(names[code]["en"] in said for code in flagged_localities)
    for code in set(snapshot.data["localities"]) - flagged_localities:
        assert names[code]["en"] not in said


def test_quoted_answers_are_for_staff_and_the_public_version_has_none(carers):
    consultation, snapshot = carers
    quoted = db.session.scalars(select(FreeTextTag).where(FreeTextTag.quoted.is_(True))).all()
    assert quoted
    with force_locale("en"):
        full = build_document(snapshot.data, locale="en")
        public = build_document(snapshot.data, locale="en", audience="public")
    quotes = [q["text"] for b in _section(full, "themes")["blocks"] for q in b.get("quotes") or []]
    assert "Being listened to by the GP when I say things are getting worse." in quotes
    assert not [q for b in _section(public, "themes")["blocks"] for q in b.get("quotes") or []]
    html = services.render(snapshot, "html", "en", "public").decode()
    assert "Being listened to by the GP" not in html and "app-quote" not in html
    assert "Being listened to by the GP" in services.render(snapshot, "html", "en", "full").decode()


def test_detail_is_in_its_place(carers):
    consultation, snapshot = carers
    html = services.render(snapshot, "html", "en").decode()
    ids = re.findall(r'<(?:section|table)[^>]* id="([^"]+)"|aria-labelledby="([^"]+)"', html)
    assert html.index('id="summary"') < html.index('id="priorities"') < html.index('id="representativeness"')
    assert html.index('id="representativeness"') < html.index('id="method"')
    assert len(set(re.findall(r' id="([^"]+)"', html))) == len(re.findall(r' id="([^"]+)"', html)), ids
    # Participation by day is in the spreadsheet, not on pages of daily rows.
    assert 'id="table-over-time-days"' not in html and 'id="chart-over-time-weeks"' in html
    book = load_workbook(io.BytesIO(services.render(snapshot, "xlsx", "en")))
    assert any(row[0] == "Ballots each day" for row in book["Over time"].iter_rows(values_only=True) if row)
    # One representativeness table per question about people, not one per locality per question.
    assert len(re.findall(r'<table[^>]* id="table-rep-age_band"', html)) == 1
    assert not re.search(r'<table[^>]* id="table-rep-age_band-', html)
    # A page for each locality, each starting a new page in print.
    for code in snapshot.data["localities"]:
        assert f'id="locality-{code}"' in html
    breaks = re.findall(r'<section class="[^"]*app-report__section--page-break', html)
    assert len(breaks) == len(snapshot.data["localities"]) + 2  # and the summary, and the method


def test_a_question_nobody_answered_is_named_once_not_tabled():
    consultation, parts = make_reported_consultation()
    make_population(parts["big"], "main_language", {"en": 5_000, "cy": 1_000})  # nobody said their language
    snapshot = _report(consultation)
    with force_locale("en"):
        document = build_document(snapshot.data, locale="en")
    rep = _section(document, "representativeness")
    tables = [b["table"]["id"] for b in rep["blocks"] if b.get("table")]
    assert "rep-main_language" not in tables and "rep-age_band" in tables
    notes = [p for b in rep["blocks"] for p in b.get("paragraphs") or []]
    assert any("Nobody answered the questions about" in p and "main language" in p for p in notes)
    assert not any("0 people answered" in p for p in notes)


def test_groups_with_too_few_ballots_are_not_compared_in_public_and_are_marked_for_staff():
    consultation, _parts = make_reported_consultation(status="closed")
    snapshot = _report(consultation)
    with force_locale("en"):
        full = build_document(snapshot.data, locale="en")
        public = build_document(snapshot.data, locale="en", audience="public")
    table = next(b["table"] for b in _section(full, "priorities")["blocks"]
                 if b.get("table") and b["table"]["id"] == "disagreement")
    assert all(c["small"] for row in table["rows"] for c in row[2:-1])  # 2 ballots per group: marked
    public_tables = [b["table"]["id"] for b in _section(public, "priorities")["blocks"] if b.get("table")]
    assert "disagreement" not in public_tables
    said = _block(public["sections"][0], "Where stakeholder groups disagree")["paragraphs"]
    assert said == ["Too few stakeholder groups can be shown on their own to compare them."]
    assert public["notice"]  # and the public version says that figures were left out


def test_a_facilitator_chooses_answers_to_quote_under_their_themes(client):
    facilitator = make_user(role="facilitator")
    consultation, parts = make_reported_consultation(facilitator=facilitator)
    consultation.lead = facilitator
    first, welsh = parts["responses"][0], parts["responses"][2]
    with pytest.raises(ReportError) as caught:  # a quote is shown under a theme, so it needs one
        tagging.set_tags(consultation, "ideas", {welsh.id: set()}, quoted=[welsh.id])
    assert "Give an answer a theme before quoting it" in str(caught.value)
    db.session.commit()
    login(client, facilitator, PASSWORD)
    page = f"/consultations/{consultation.id}/themes/answers/ideas"
    assert 'name="quote-%d"' % first.id in client.get(page).get_data(as_text=True)
    theme = parts["theme"].id
    response = client.post(page, data={"answer": [first.id, welsh.id], f"themes-{first.id}": theme,
                                       f"themes-{welsh.id}": theme, f"quote-{first.id}": "1"})
    assert response.status_code == 302
    tags = {t.response_id: t.quoted for t in db.session.scalars(select(FreeTextTag).where(
        FreeTextTag.theme_id == theme))}
    assert tags == {first.id: True, welsh.id: False}
    assert 'id="quote-%d" name="quote-%d" type="checkbox" value="1" aria-describedby="quote-%d-hint" checked' % (
        (first.id,) * 3) in client.get(page).get_data(as_text=True)
    document = build_document(_report(consultation).data, locale="en")
    quotes = [q for b in _section(document, "themes")["blocks"] for q in b.get("quotes") or []]
    assert [q["text"] for q in quotes] == ["The bus is gone"] and quotes[0]["by"] == "Carers, Bigtown"


@pytest.mark.parametrize("locale", ["en", "cy", "ur"])
def test_the_printed_summary_is_one_page_with_the_ranking_disagreement_and_themes(carers, locale):
    import pypdfium2 as pdfium

    _consultation, snapshot = carers
    pdf = pdfium.PdfDocument(services.render(snapshot, "pdf", locale))
    pages = [" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    with force_locale(locale):
        wanted = [_(text) for text in ("The priorities in order", "Where stakeholder groups disagree",
                                       "What people wrote", "What happens next")]
        summary, easy = _("Summary"), _("Summary in easy read")
    first = next(i for i, text in enumerate(pages) if text.startswith(summary) and not text.startswith(easy))
    assert first == 2  # after the cover, and the contents
    page = pages[first]
    assert all(heading in page for heading in wanted), (locale, page)
    titles = snapshot.data["priorities"]["titles"]
    top = snapshot.data["priorities"]["rows"][0]["code"]
    assert titles[top].get(locale, titles[top]["en"]) in page
    assert "you-said-we-did" in page  # the last thing the summary says (Urdu may wrap the address)
