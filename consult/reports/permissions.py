"""Who may read, build and annotate consultation reports, and import population figures."""

from __future__ import annotations

from consult.consultations.permissions import can_manage_consultation, can_view_unpublished_results
from consult.localities.permissions import can_manage_reference_data


def can_view_full_report(user, consultation) -> bool:
    """The full report (written answers, raw data): whoever sees the unpublished results (commissioners, the
    consultation's lead, administrators, facilitators of its localities), always."""
    return can_view_unpublished_results(user, consultation)


def can_view_published_report(consultation) -> bool:
    """Once the results are published, anyone may read the report's published version (HTML, PDF, XLSX):
    every figure, but no written answers and no raw data, which stay with can_view_full_report."""
    return consultation.status.is_published


def can_build_report(user, consultation) -> bool:
    """Whoever may see the full report may build it once the consultation has opened
    (reports.services.check_can_build also refuses to rebuild a published report)."""
    return not consultation.status.is_draft and can_view_full_report(user, consultation)


def can_view_live_participation(user, consultation) -> bool:
    """Who has taken part so far, computed now: for the people who run the consultation and commissioners."""
    return not consultation.status.is_draft and can_view_unpublished_results(user, consultation)


def can_tag_free_text(user, consultation) -> bool:
    """The consultation's managers (its lead, administrators) tag written answers with themes."""
    return can_manage_consultation(user, consultation)


def can_choose_target_population(user, consultation) -> bool:
    """Who the consultation is for (its target population) is chosen by the people who manage it."""
    return can_manage_consultation(user, consultation)


def can_import_population(user) -> bool:
    """Population figures are reference data: administrators."""
    return can_manage_reference_data(user)
