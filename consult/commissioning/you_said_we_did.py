""""You said, we did": building the public page from results and decisions, what stops it being published, and
publishing it (a frozen copy, so the public sees only what was published)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.commissioning import drafting
from consult.commissioning.common import CommissioningError
from consult.commissioning.intentions import (
    departures_for,
    describe_departure,
    intentions_for_consultation,
    titles_for,
    unexplained_departures,
)
from consult.commissioning.models import Intention, YouSaidWeDid
from consult.consultations.models import Consultation
from consult.core import privacy
from consult.core.i18n import tr
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.notifications.services import queue_notifications
from consult.voting.results import latest_snapshot


def build_you_said_we_did(consultation: Consultation) -> dict[str, Any]:
    """The content of the public page: each priority, what each group said, what was decided and why."""
    snapshot = latest_snapshot(consultation)
    groups = consultation.groups_taking_part()
    content: dict[str, Any] = {
        "consultation": {"slug": consultation.slug, "title": consultation.title,
                         "default_locale": consultation.default_locale},
        "groups": [{"code": g.code, "name": g.name} for g in groups],
        "localities": [{"code": loc.code, "name": loc.name} for loc in consultation.localities],
        "priorities": [], "scopes": {}, "decisions": {}, "snapshot": None,
    }
    if consultation.vote is None or snapshot is None:
        return content
    evidence = drafting.read_snapshot(snapshot.data)
    content["snapshot"] = {"id": snapshot.id, "computed_at": snapshot.computed_at.isoformat(),
                           "weighting": evidence.scheme, "ballots": evidence.overall.ballots}
    content["scopes"]["all"] = _scope(evidence.overall)
    for code, result in evidence.localities.items():
        content["scopes"][code] = _scope(result)
    ordered = sorted(consultation.vote.priorities,
                     key=lambda p: (evidence.overall.priorities.get(p.code, {}).get("rank", 10**6), p.code))
    content["priorities"] = [{"code": p.code, "title": p.title, "description": p.description or {},
                              "easy_read": p.easy_read or {}} for p in ordered]
    content["n_priorities"] = len(ordered)
    for intention in intentions_for_consultation(consultation):
        if intention.status.is_decided:
            content["decisions"].setdefault(intention.priority_code, []).append(_decision(intention))
    content["titles"] = {p.code: p.title for p in ordered}
    return content


def _scope(result: drafting.ScopeResult) -> dict[str, Any]:
    """One area's results as the page shows them: each priority's rank and share, overall and by group."""
    group_ranks = {}
    for g in result.ballots_by_group:
        ranks = drafting.competition_ranks({c: p["by_group"].get(g, 0.0) for c, p in result.priorities.items()})
        group_ranks[g] = ranks if result.ballots_by_group.get(g) else {}
    total = sum(p["score"] for p in result.priorities.values())
    return {"ballots": result.ballots, "ballots_by_group": result.ballots_by_group,
            "priorities": {c: {"rank": p["rank"], "share": p["share"],
                               "by_group": {g: (v / total if total else 0.0) for g, v in p["by_group"].items()},
                               "group_ranks": {g: r[c] for g, r in group_ranks.items() if c in r}}
                           for c, p in result.priorities.items()}}


def _decision(intention: Intention) -> dict[str, Any]:
    """What the public is told of one decision: what, when, with which money, and why it departs (if it does)."""
    return {
        "year": intention.planning_year.label, "status": intention.status,
        "amount": str(intention.amount) if intention.amount is not None else None,
        "funding_route": intention.funding_route, "lead_commissioner": intention.lead_commissioner,
        "title": intention.title, "description": intention.description or {},
        "easy_read": intention.easy_read or {}, "rationale": intention.rationale or {},
        "departures": [d.as_dict() for d in departures_for(intention)],
        "localities": [loc.code for loc in intention.localities],
        "planned_start": intention.planned_start.isoformat() if intention.planned_start else None,
        "planned_end": intention.planned_end.isoformat() if intention.planned_end else None,
    }


def published_feedback(consultation: Consultation) -> YouSaidWeDid | None:
    return db.session.scalar(select(YouSaidWeDid).where(YouSaidWeDid.consultation_id == consultation.id))


def publication_problems(consultation: Consultation) -> list[str]:
    """What stops "you said, we did" being published, as sentences (empty when it can be)."""
    problems = []
    if not consultation.status.is_published:
        problems.append(_("The consultation's results must be published first."))
    intentions = intentions_for_consultation(consultation)
    if not any(i.status.is_decided for i in intentions):
        problems.append(_("No decision has been made yet: every intention from this consultation is a draft."))
    for intention in intentions:
        missing = unexplained_departures(intention)
        if missing:
            titles = titles_for(consultation)
            problems.append(_("%(title)s needs a rationale: %(reason)s", title=tr(intention.title),
                              reason=" ".join(describe_departure(d, titles, intention.priorities_in_vote)
                                              for d in missing)))
    return problems


def publish_you_said_we_did(consultation: Consultation, *, actor=None,
                            channel: str = "web") -> tuple[YouSaidWeDid, int]:
    """Publish (or update) the public page; the first publication queues messages for people who asked to hear.

    Returns the publication and how many notifications were queued.
    """
    problems = publication_problems(consultation)
    if problems:
        raise CommissioningError(" ".join(problems), "publish")
    content = build_you_said_we_did(consultation)
    feedback = published_feedback(consultation)
    now = utcnow()
    if feedback is None:
        feedback = YouSaidWeDid(consultation_id=consultation.id, content=content, version=1, first_published_at=now,
                                published_at=now, published_by_id=getattr(actor, "id", None))
        db.session.add(feedback)
        before = None
    else:
        before = {"version": feedback.version}
        feedback.content, feedback.version = content, feedback.version + 1
        feedback.published_at, feedback.published_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    record_change("you_said_we_did.publish", feedback, before=before,
                  after={"consultation": consultation.slug, "version": feedback.version}, actor=actor, channel=channel)
    queued = queue_notifications(consultation, "you_said_we_did", actor=actor, channel=channel)
    return feedback, queued


def you_said_we_did_items(content: Mapping[str, Any], locality: str | None = None) -> list[dict[str, Any]]:
    """The public page's rows for all areas or one locality: each priority in that area's order, its result there,
    and the decisions that cover that area (an intention with no localities covers them all)."""
    scope = (content.get("scopes") or {}).get(locality or "all") or {"priorities": {}}
    results = scope.get("priorities") or {}
    items = []
    for priority in content.get("priorities") or []:
        decisions = [d for d in (content.get("decisions") or {}).get(priority["code"], [])
                     if locality is None or not d.get("localities") or locality in d["localities"]]
        items.append({"priority": priority, "result": results.get(priority["code"]), "decisions": decisions})
    items.sort(key=lambda item: ((item["result"] or {}).get("rank", 10**6), item["priority"]["code"]))
    return items


def small_numbers(scope: Mapping[str, Any] | None, locality: str | None, *, public: bool) -> dict[str, Any]:
    """Which of an area's figures are about fewer than MIN_PUBLIC_COUNT people (consult.core.privacy).

    For the public, a locality whose voters are too few shows no results at all (`area_hidden`), and a
    stakeholder group with too few votes shows "fewer than 5" for its votes, place and part (`groups`:
    {code: "hidden"}); all areas together are the whole consultation, whose total is always shown. For staff
    (the preview, of all areas) the same figures are shown and marked ("marked"). `notice` says what was done."""
    ballots = (scope or {}).get("ballots") or 0
    area_hidden = locality is not None and privacy.hidden(ballots, public=public)
    groups = {}
    for code, n in ((scope or {}).get("ballots_by_group") or {}).items():
        if privacy.hidden(n, public=public):
            groups[code] = "hidden"
        elif privacy.marked(n, public=public):
            groups[code] = "marked"
    if public:
        notice = privacy.public_notice() if area_hidden or groups else None
    else:
        notice = privacy.staff_notice() if groups else None
    return {"area_hidden": area_hidden, "groups": groups, "notice": notice, "fewer_than": privacy.fewer_than_text(),
            "minimum": privacy.min_public_count()}
