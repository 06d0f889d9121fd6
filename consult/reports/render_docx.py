"""The report as a Word document: the layout the HTML draws (document.build_document), with Word's own
headings, lists and tables, so that the navigation pane and screen readers find the same outline.

Heading 1 is the title, Heading 2 each section (and the contents), Heading 3 and 4 the blocks: the same levels
as the HTML's h1 to h4. Charts are left out: python-docx cannot embed SVG, and every chart is followed by a
table that gives the same numbers. Blocks meant only for the spreadsheet are left out too. The cover is a page
of its own, and a section marked page_break starts a new page (an appendix is otherwise a section like any
other).

Right-to-left languages (Urdu) get a right-to-left page, paragraphs and tables, Urdu as the language of their
complex-script text, and a font that carries the script, so that Word shapes and proofs the text. What people
wrote keeps the direction of its own first letters, as the HTML's dir="auto" does."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from consult.core.i18n import text_direction
from consult.reports.document import build_document

#: Word's language tags for the interface languages (any other locale is written as it is).
LANGUAGE_TAGS = {"en": "en-GB", "cy": "cy-GB", "ur": "ur-PK"}
#: The font for complex-script text (Arabic script), as in the HTML and PDF.
COMPLEX_SCRIPT_FONT = "Noto Naskh Arabic"
#: The HTML's text colour; Word's template colours some headings and captions too lightly to read (WCAG AA).
TEXT_COLOUR = "0B0C0C"

_RIGHT_TO_LEFT = {"R", "AL"}

# Where each property goes among its siblings (the order WordprocessingML requires), after the one set.
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del",
                     "w:trPrChange")
_AFTER_TBL_HEADER = _AFTER_CANT_SPLIT[2:]
_AFTER_TBL_CAPTION = ("w:tblDescription", "w:tblPrChange")
_AFTER_SECT_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
_AFTER_SZ_CS = ("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_COLOR = ("w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs") + _AFTER_SZ_CS
_AFTER_RFONTS = ("w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike", "w:outline",
                 "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
                 "w:color") + _AFTER_COLOR


def render(data: dict[str, Any], *, locale: str, audience: str = "full") -> bytes:
    """The report in `locale` for `audience`, as DOCX bytes."""
    with force_locale(locale):
        document = build_document(data, locale=locale, audience=audience)
        return _Writer(document).write()


def has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _RIGHT_TO_LEFT for ch in text)


def own_direction(text: str) -> str | None:
    """The direction of the text's first strong letter ("rtl" or "ltr"), None when it has none (numbers)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _RIGHT_TO_LEFT:
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def _child(parent, tag: str, successors: tuple[str, ...] = (), **attrs: str):
    """`parent`'s child `tag` (made, in its place among its siblings, when missing), with `attrs` set."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.insert_element_before(element, *successors)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


class _Writer:
    """Writes one built document into a new Word document."""

    def __init__(self, document: dict[str, Any]):
        from docx import Document

        self.layout = document
        self.rtl = text_direction(document["locale"]) == "rtl"
        self.language = LANGUAGE_TAGS.get(document["locale"], document["locale"])
        self.word = Document()

    def write(self) -> bytes:
        """The cover on a page of its own; then the notice about small numbers, the contents, the sections."""
        self._set_up()
        layout = self.layout
        self._cover()
        after_cover = self.paragraph(layout["notice"]) if layout["notice"] else None
        contents = self.heading(_("Contents"), 2)
        (after_cover or contents).paragraph_format.page_break_before = True
        for section in layout["sections"]:
            self.paragraph(section["title"], "List Number")
        for section in layout["sections"]:
            self._section(section)
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()

    # --- the document as a whole -----------------------------------------------------------------------------

    def _set_up(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        layout, word = self.layout, self.word
        # python-docx's template carries a picture of its own first page and a Word 2010 copy of its styles,
        # which Word 2010 would read instead of the styles set here.
        for rels in (word.part.package.rels, word.part.rels):
            for rel_id, rel in list(rels.items()):
                if rel.reltype.endswith(("/thumbnail", "/stylesWithEffects")):
                    del rels[rel_id]
        properties = word.core_properties
        as_of = datetime.fromisoformat(layout["as_of"])
        as_of = (as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)).astimezone(UTC)
        # Only what the report says about itself: no author, no name of whoever built it.
        properties.title, properties.subject = layout["title"][:255], layout["consultation_title"][:255]
        properties.language, properties.comments = self.language, _("Figures as of %(when)s",
                                                                     when=layout["as_of_text"])
        properties.author = properties.last_modified_by = properties.keywords = properties.category = ""
        properties.created = properties.modified = as_of.replace(tzinfo=None)
        properties.revision = 1

        section = word.sections[0]  # A4, with the printed report's margins
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(18), Mm(20)
        section.left_margin = section.right_margin = Mm(15)
        if self.rtl:
            _child(section._sectPr, "w:bidi", _AFTER_SECT_BIDI)
        self._footer(section)

        defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = _child(defaults, "w:lang", _AFTER_LANG, val=self.language)
        if self.rtl:
            lang.set(qn("w:bidi"), self.language)
            # A theme font would win over w:cs; name the font that carries the script instead.
            for fonts in word.styles.element.iter(qn("w:rFonts")):
                fonts.attrib.pop(qn("w:cstheme"), None)
                fonts.set(qn("w:cs"), COMPLEX_SCRIPT_FONT)
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption"):
            properties_of = word.styles[name].element.get_or_add_rPr()
            _child(properties_of, "w:color", _AFTER_COLOR, val=TEXT_COLOUR).attrib.pop(qn("w:themeColor"), None)
        caption = word.styles["Caption"]
        caption.font.size = Pt(10)
        _child(caption.element.get_or_add_rPr(), "w:szCs", _AFTER_SZ_CS, val="20")
        table_text = word.styles["Table Grid"].element.get_or_add_rPr()
        _child(table_text, "w:sz", ("w:szCs",) + _AFTER_SZ_CS, val="20")
        _child(table_text, "w:szCs", _AFTER_SZ_CS, val="20")

    def _footer(self, section) -> None:
        """"Page 3 / 12", as the printed report's foot says."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        foot = section.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._direct(foot, self.rtl)
        self.run(foot, _("Page") + " ")
        for i, instruction in enumerate(("PAGE", "NUMPAGES")):
            if i:
                self.run(foot, " / ")
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), instruction)
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            foot._p.append(field)

    # --- paragraphs and runs ---------------------------------------------------------------------------------

    def _direct(self, paragraph, rtl: bool) -> None:
        if rtl:
            _child(paragraph._p.get_or_add_pPr(), "w:bidi", _AFTER_BIDI)

    def run(self, paragraph, text: str, *, bold: bool = False):
        run = paragraph.add_run(text)
        if bold:
            run.bold = run.font.cs_bold = True
        if has_right_to_left(text):
            run.font.rtl = True
        return run

    def paragraph(self, text: str, style: str | None = None, *, written: bool = False, bold: bool = False):
        """A paragraph in the document's direction; what people wrote, in its own (see own_direction)."""
        paragraph = self.word.add_paragraph(style=style)
        self._direct(paragraph, self._rtl_for(text, written))
        self.run(paragraph, text, bold=bold)
        return paragraph

    def _rtl_for(self, text: str, written: bool) -> bool:
        direction = own_direction(text) if written else None
        return direction == "rtl" if direction else self.rtl

    def heading(self, text: str, level: int):
        return self.paragraph(text, f"Heading {level}")

    # --- the parts of the report -----------------------------------------------------------------------------

    def _cover(self) -> None:
        """The title, the consultation's status and dates (each date under its label)."""
        layout, cover = self.layout, self.layout["cover"]
        self.heading(layout["title"], 1)
        if cover["status_text"]:
            self.paragraph(cover["status_text"], bold=True)
        for row in cover["rows"]:
            paragraph = self.paragraph(row["label"], bold=True)
            paragraph.runs[-1].add_break()
            self.run(paragraph, row["text"])
        if layout["audience"] == "public":
            self.paragraph(_("This is the published version: written answers are left out."))

    def _section(self, section: dict[str, Any]) -> None:
        heading = self.heading(section["title"], 2)
        if section.get("page_break"):
            heading.paragraph_format.page_break_before = True
        for text in section["paragraphs"]:
            self.paragraph(text)
        for block in section["blocks"]:
            if not block.get("spreadsheet_only"):
                self._block(block)

    def _block(self, block: dict[str, Any]) -> None:
        if block.get("heading"):
            self.heading(block["heading"], 4 if block.get("level") == 4 else 3)
        for text in block.get("paragraphs") or []:
            self.paragraph(text)
        for item in block.get("list") or []:
            self.paragraph(item, "List Bullet")
        for quote in block.get("quotes") or []:
            said = self.paragraph(quote["text"], "Quote", written=True)
            said.paragraph_format.keep_with_next = True
            if quote.get("by"):
                self.paragraph(quote["by"])
        if block.get("table"):
            self._table(block["table"])

    def _table(self, t: dict[str, Any]) -> None:
        """The caption, then the table: headings over groups of columns and the column headings repeat on every
        page, no row breaks across pages, numbers sit at the end of their cells."""
        from docx.enum.table import WD_TABLE_DIRECTION
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        caption = self.paragraph(t["caption"], "Caption")
        caption.paragraph_format.keep_with_next = True
        width = len(t["columns"])
        table = self.word.add_table(rows=0, cols=width)
        table.style = self.word.styles["Table Grid"]
        _child(table._tbl.tblPr, "w:tblCaption", _AFTER_TBL_CAPTION, val=t["caption"])
        if self.rtl:
            table.table_direction = WD_TABLE_DIRECTION.RTL
        if t["groups"]:
            cells, start = self._row(table, header=True), 0
            for group in t["groups"]:
                span = max(1, min(group["span"], width - start))
                if start >= width:
                    break
                merged = cells[start].merge(cells[start + span - 1]) if span > 1 else cells[start]
                self._cell(merged, group["text"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
                start += span
        for cell, column in zip(self._row(table, header=True), t["columns"], strict=False):
            self._cell(cell, column["text"], bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT if column["numeric"] else None)
        for row in t["rows"]:
            for cell, c in zip(self._row(table), row, strict=False):
                text = c["text"] + ("*" if c.get("small") else "")
                self._cell(cell, text, bold=c["header"] or c["flag"], written=c["written"],
                           align=WD_ALIGN_PARAGRAPH.RIGHT if c["numeric"] and not c["header"] else None)

    def _row(self, table, *, header: bool = False) -> list:
        row = table.add_row()
        properties = row._tr.get_or_add_trPr()
        _child(properties, "w:cantSplit", _AFTER_CANT_SPLIT)
        if header:
            _child(properties, "w:tblHeader", _AFTER_TBL_HEADER)
        return list(row.cells)

    def _cell(self, cell, text: str, *, bold: bool = False, written: bool = False, align=None) -> None:
        """A cell's text. Word reads left and right in a right-to-left paragraph as its start and end, so RIGHT
        puts numbers at the end of the cell in either direction."""
        paragraph = cell.paragraphs[0]
        self._direct(paragraph, self._rtl_for(text, written))
        if align is not None:
            paragraph.alignment = align
        if text:
            self.run(paragraph, text, bold=bold)
