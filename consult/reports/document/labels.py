"""Names for the codes a report's figures carry, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.core.i18n import locale_name, tr
from consult.reports import sources
from consult.reports.codes import NOT_GIVEN
from consult.reports.document.cells import Guard
from consult.reports.populations import band_type_names


class Labels:
    """Names for codes, in the reader's language, and the small-numbers rule for the document's audience."""

    def __init__(self, data: dict[str, Any], locale: str, audience: str = "full"):
        self.data, self.locale = data, locale
        self.guard = Guard(public=audience != "full")
        self.fallback = data["consultation"]["default_locale"]
        self.channels = {"web": _("Online"), "code": _("Online, with a voting code"), "paper": _("Paper form"),
                         "meeting": _("At a meeting"), "import": _("Imported")}
        self.dimensions = {"stakeholder_group": _("Stakeholder group"), "locality": _("Locality"),
                           "language": _("Language"), "channel": _("How they took part")}
        self.band_types = band_type_names()
        self.schemes = {"equal_people": _("Every vote counts the same"),
                        "group_weights": _("Each vote counts its group's weight"),
                        "group_shares": _("Each group's votes together carry its weight")}
        self.statuses = {"draft": _("Draft"), "open": _("Open"), "closed": _("Closed"),
                         "published": _("Results published")}
        self.not_given = _("Not given")

    def content(self, text: dict[str, str] | None) -> str:
        return tr(text, self.locale, self.fallback)

    def group(self, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        return self.content(self.data["group_names"].get(code)) or code

    def locality(self, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        return self.content(self.data["locality_names"].get(code)) or code

    def language(self, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        return locale_name(code)

    def channel(self, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        return self.channels.get(code, code)

    def key(self, dimension: str, code: str | None) -> str:
        return {"stakeholder_group": self.group, "locality": self.locality, "language": self.language,
                "channel": self.channel}[dimension](code)

    def band(self, band_type: str, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        if band_type == "stakeholder_group":
            return self.group(code)
        return sources.profile_label(band_type, code) or code

    def option(self, option: dict[str, Any]) -> str:
        if option.get("label") is None:
            return sources.builtin_option_label(option["value"])
        return self.content(option["label"]) or option["value"]

    def theme(self, theme: dict[str, Any]) -> str:
        return self.content(theme["name"])

    def priority(self, code: str) -> str:
        return self.content(self.data["priorities"]["titles"].get(code)) or code

    def scope(self, code: str | None) -> str:
        return _("All localities") if code is None else self.locality(code)
