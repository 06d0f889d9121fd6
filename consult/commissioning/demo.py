"""Demo commissioning: planning year 2027/28 with its budgets, and draft intentions from the closed carers' vote.

Idempotent: the year is matched by label, and intentions are drafted only if this year has never had a run.
Drafting runs synchronously here (the same service the background job calls), so the demo needs no worker.
"""

from __future__ import annotations

from decimal import Decimal

from consult.accounts.services import find_user_by_email
from consult.commissioning.budgets import save_planning_year, set_budgets, year_by_label
from consult.commissioning.draft_runs import latest_run, run_draft, start_draft_run
from consult.consultations.services import get_by_slug
from consult.voting.results import latest_snapshot

YEAR = "2027/28"
BUDGETS = {"health": Decimal("250000"), "social_care": Decimal("180000"), "aligned": Decimal("60000")}
POOLED = {"health": Decimal("90000"), "council": Decimal("70000")}


def load_commissioning_demo() -> None:
    commissioner = find_user_by_email("commissioner@consult.example")
    year = year_by_label(YEAR)
    if year is None:
        year = save_planning_year(None, label=YEAR, actor=commissioner, channel="cli")
        set_budgets(year, amounts=BUDGETS, contributions=POOLED, actor=commissioner, channel="cli")
    carers = get_by_slug("carers-support-2026")
    if carers is not None and latest_snapshot(carers) is not None and latest_run(year) is None:
        run = start_draft_run(year, [carers.id], "population", actor=commissioner, channel="cli")
        run_draft(run.id)
