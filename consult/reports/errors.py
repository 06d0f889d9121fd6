"""What reports refuse: a request that breaks a rule, and a population file with problems."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.core.errors import RuleError


class ReportError(RuleError):
    """A report request that breaks a rule; str() is shown to the person, field names the form field."""


class PopulationFileError(ReportError):
    """A population CSV with problems: every one of them, with its line number (0 for the whole file)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(_("The file has problems; nothing was imported."), "file")
        self.problems = problems
