"""The consultation timer that closes a consultation at its closing time."""

from __future__ import annotations

from typing import Any

from consult.consultations.lifecycle import close_when_due
from consult.jobs.registry import task


@task("consultation.closing")
def closing(consultation_id: int, progress) -> dict[str, Any]:
    return close_when_due(consultation_id)
