"""Background work for planning groups."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from consult.jobs.registry import task
from consult.localities.services import recompute_membership_profile


def _back_to_group(args: dict[str, Any]) -> tuple[str, str]:
    return url_for("localities.planning_group", group_id=args["planning_group_id"]), _("Back to the planning group")


@task("planning_group.profile", back=_back_to_group)
def profile(planning_group_id: int, progress) -> dict[str, Any]:
    return recompute_membership_profile(planning_group_id, progress=progress)
