"""The report as a tagged PDF (PDF/UA-1), printed by WeasyPrint from the HTML document."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from consult.reports.document import build_document
from consult.reports.render_html import render_document

#: PDF/UA-1: a tagged structure tree (headings, tables, lists), the document language and title, so that
#: screen readers can read the PDF as they read the HTML.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def render(data: dict[str, Any], *, locale: str, audience: str = "full") -> bytes:
    """The report in `locale` for `audience`, as PDF bytes."""
    from weasyprint import DEFAULT_OPTIONS, HTML  # heavy; only the PDF needs it

    with force_locale(locale):
        html = render_document(build_document(data, locale=locale, audience=audience))
    # Older WeasyPrint releases tag PDF/UA documents without a separate pdf_tags option.
    options = {key: value for key, value in PDF_OPTIONS.items() if key in DEFAULT_OPTIONS}
    return HTML(string=html).write_pdf(**options)
