"""The report as a self-contained, accessible HTML document (also the source of the PDF)."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale

from consult.core.i18n import text_direction
from consult.reports.document import build_document


def render_document(document: dict[str, Any]) -> str:
    """An already built document (see document.build_document) as one HTML page; call under force_locale."""
    return render_template("reports/document.html", document=document,
                           direction=text_direction(document["locale"]))


def render(data: dict[str, Any], *, locale: str, audience: str = "full") -> bytes:
    """The report in `locale` for `audience`, as UTF-8 HTML."""
    with force_locale(locale):
        return render_document(build_document(data, locale=locale, audience=audience)).encode("utf-8")
