"""The tally service: one SQL aggregation per consultation, fed to the pure tally (DESIGN section 6).

The database adds up points per (locality, stakeholder group, priority) in one indexed scan of
ballot_choices and counts ballots per (locality, group); everything after that works on those small
tables, so the cost grows with the number of ballots only through the scan. The bootstrap is the
exception: it needs each ballot's points, loaded with one query into per-group numpy matrices.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import func, select

from consult.consultations.models import Consultation
from consult.core.errors import RuleError
from consult.core.i18n import tr
from consult.core.models import utcnow
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.intervals import rank_intervals_by_scheme
from consult.voting.models import Ballot, BallotChoice, ResultsSnapshot
from consult.voting.open_data import build_document
from consult.voting.tally import SCHEMES, TallyResult, tally

#: Bootstrap settings for stored results (issue 3: at least 1,000 resamples, 90% intervals).
RESAMPLES = 1000
LEVEL = 0.9
#: The snapshot layout, so that pages can tell an old snapshot from a new one. Version 2 adds the aggregate
#: table the tally used ("aggregate"), the bootstrap's seed ("seed") and the names the open data shows ("names").
#: Version 3 adds the pair of stakeholder groups compared by name ("compare"; COMPARE_GROUPS when it was taken),
#: so that its open data (schema version 2) says where groups disagree.
SNAPSHOT_VERSION = 3


class ResultsError(RuleError):
    """A results request that cannot be answered (unknown locality or scheme, no vote); str() says why."""


@dataclass
class Aggregate:
    """Point sums S(g,p) and ballot counts n(g), per locality code, with the codes and weights they use."""

    priorities: list[str]
    groups: list[str]
    weights: dict[str, float]
    localities: list[str]
    #: locality code -> {(group code, priority code): points}
    sums: dict[str, dict[tuple[str, str], int]]
    #: locality code -> {group code: ballots}
    counts: dict[str, dict[str, int]]

    def overall(self) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
        """All localities together: the per-locality tables added up (small, so this is cheap)."""
        sums: dict[tuple[str, str], int] = {}
        counts = dict.fromkeys(self.groups, 0)
        for table in self.sums.values():
            for key, value in table.items():
                sums[key] = sums.get(key, 0) + value
        for table in self.counts.values():
            for g, n in table.items():
                counts[g] += n
        return sums, counts

    def for_locality(self, code: str) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
        counts = dict.fromkeys(self.groups, 0)
        counts.update(self.counts.get(code, {}))
        return dict(self.sums.get(code, {})), counts

    def as_data(self) -> dict[str, Any]:
        """The table as plain JSON data: {locality: {"sums": {group: {priority: points}}, "counts": {group: n}}}."""
        out: dict[str, Any] = {}
        for code in self.localities:
            sums: dict[str, dict[str, int]] = {}
            for (g, p), points in sorted(self.sums.get(code, {}).items()):
                sums.setdefault(g, {})[p] = points
            out[code] = {"sums": sums, "counts": dict(sorted(self.counts.get(code, {}).items()))}
        return out

    def tally(self, scheme: str, locality: str | None = None) -> TallyResult:
        sums, counts = self.overall() if locality is None else self.for_locality(locality)
        return tally(self.priorities, sums, counts, self.weights, scheme)


def aggregate(consultation: Consultation, *, locality_id: int | None = None) -> Aggregate:
    """Sum points per (locality, group, priority) and count ballots per (locality, group), in two GROUP BY queries."""
    vote = consultation.vote
    if vote is None:
        raise ResultsError(f"consultation {consultation.slug!r} has no priority vote")
    where_choice = [BallotChoice.consultation_id == consultation.id]
    where_ballot = [Ballot.consultation_id == consultation.id]
    if locality_id is not None:
        where_choice.append(BallotChoice.locality_id == locality_id)
        where_ballot.append(Ballot.locality_id == locality_id)
    sum_rows = db.session.execute(
        select(BallotChoice.locality_id, BallotChoice.stakeholder_group_id, BallotChoice.priority_id,
               func.sum(BallotChoice.points))
        .where(*where_choice)
        .group_by(BallotChoice.locality_id, BallotChoice.stakeholder_group_id, BallotChoice.priority_id)).all()
    count_rows = db.session.execute(
        select(Ballot.locality_id, Ballot.stakeholder_group_id, func.count())
        .where(*where_ballot).group_by(Ballot.locality_id, Ballot.stakeholder_group_id)).all()

    priority_code = {p.id: p.code for p in vote.priorities}
    taking_part = {gw.stakeholder_group_id: gw for gw in consultation.group_weights}
    group_ids = set(taking_part) | {g for _, g, _ in count_rows} | {g for _, g, _, _ in sum_rows}
    groups = {sg.id: sg for sg in db.session.scalars(select(StakeholderGroup).where(
        StakeholderGroup.id.in_(group_ids)))} if group_ids else {}
    locality_ids = {loc.id for loc in consultation.localities} | {loc for loc, _, _ in count_rows}
    places = {loc.id: loc.code for loc in db.session.scalars(select(Locality).where(
        Locality.id.in_(locality_ids)))} if locality_ids else {}
    # A group that voted but no longer takes part keeps counting, with its usual weight, rather than vanishing.
    weights = {sg.code: float(taking_part[gid].weight if gid in taking_part else sg.weight)
               for gid, sg in groups.items()}

    sums: dict[str, dict[tuple[str, str], int]] = {}
    for loc, g, p, total in sum_rows:
        sums.setdefault(places[loc], {})[(groups[g].code, priority_code[p])] = int(total or 0)
    counts: dict[str, dict[str, int]] = {}
    for loc, g, n in count_rows:
        counts.setdefault(places[loc], {})[groups[g].code] = int(n)
    ordered_groups = [sg.code for sg in sorted(groups.values(), key=lambda sg: (sg.position, sg.code))]
    return Aggregate(priorities=[p.code for p in vote.priorities], groups=ordered_groups, weights=weights,
                     localities=sorted(places.values()), sums=sums, counts=counts)


def results_json(consultation: Consultation, *, locality: str | None = None,
                 weighting: str | None = None) -> dict[str, Any]:
    """`flask --app consult results SLUG --format json` (DESIGN section 8), from the ballots stored now."""
    if consultation.vote is None:
        raise ResultsError(f"consultation {consultation.slug!r} has no priority vote")
    scheme = weighting or consultation.vote.weighting
    if scheme not in SCHEMES:
        raise ResultsError(f"unknown weighting scheme {scheme!r}; expected one of {', '.join(SCHEMES)}",
                           "weighting")
    locality_id = None
    if locality is not None:
        covered = {loc.code: loc.id for loc in consultation.localities}
        if locality not in covered:
            raise ResultsError(f"locality {locality!r} is not covered by {consultation.slug!r}; expected one of "
                               f"{', '.join(sorted(covered))}", "locality")
        locality_id = covered[locality]
    result = aggregate(consultation, locality_id=locality_id).tally(scheme)
    out = {"consultation": consultation.slug, "method": consultation.vote.method, "weighting": scheme,
           "locality": locality}
    data = result.as_dict()
    out.update(ballots=data["ballots"], ballots_by_group=data["ballots_by_group"], priorities=data["priorities"])
    return out


def point_matrices(consultation: Consultation, codes: list[str]) -> dict[str, np.ndarray]:
    """Each ballot's points as rows of an (n_g x m) matrix per group code, columns in `codes` order; one query.

    Every stored ballot has at least one choice row (see services._choices), so the rows rebuild every ballot.
    """
    vote = consultation.vote
    column = {p.id: codes.index(p.code) for p in vote.priorities}
    result = db.session.execute(
        select(BallotChoice.ballot_id, BallotChoice.stakeholder_group_id, BallotChoice.priority_id,
               BallotChoice.points)
        .where(BallotChoice.consultation_id == consultation.id))
    # Straight from the rows into one flat array: numpy converting Row objects one by one is 30x slower.
    data = np.fromiter(itertools.chain.from_iterable(result), dtype=np.int64).reshape(-1, 4)
    groups = {sg.id: sg.code for sg in db.session.scalars(select(StakeholderGroup))}
    if not len(data):
        return {}
    ballots, row_of = np.unique(data[:, 0], return_inverse=True)
    lookup = np.full(max(column) + 1, -1, dtype=np.int64)
    lookup[list(column)] = list(column.values())
    matrix = np.zeros((len(ballots), len(codes)), dtype=np.float64)
    matrix[row_of, lookup[data[:, 2]]] = data[:, 3]
    group_of = np.empty(len(ballots), dtype=np.int64)
    group_of[row_of] = data[:, 1]
    return {groups[gid]: matrix[group_of == gid] for gid in np.unique(group_of).tolist()}


def _intervals_note_data(intervals: dict[str, tuple[int, int]]) -> dict[str, list[int]]:
    return {code: [int(lo), int(hi)] for code, (lo, hi) in intervals.items()}


def bootstrap_intervals(consultation: Consultation, agg: Aggregate, *, resamples: int, seed: int,
                        report: Callable[[int, str], None] | None = None) -> dict[str, dict[str, list[int]]]:
    """Each scheme's 90% rank intervals from `resamples` resamples of the stored ballots, drawn from `seed`:
    the same seed gives the same intervals, so staff can reproduce a snapshot's."""
    if report:
        report(20, "Loading ballots for the bootstrap")
    matrices = point_matrices(consultation, agg.priorities)
    if report:
        report(30, "Bootstrap: re-counting resampled ballots")
    # One set of resamples serves all three schemes: drawing them is most of the work.
    by_scheme = rank_intervals_by_scheme(
        agg.priorities, {g: matrices.get(g, np.zeros((0, len(agg.priorities)))) for g in agg.groups},
        agg.weights, SCHEMES, resamples=resamples, level=LEVEL, seed=seed)
    return {scheme: _intervals_note_data(found) for scheme, found in by_scheme.items()}


def compute_results(consultation_id: int, progress: Callable[[int, str | None], None] | None = None, *,
                    job_id: str | None = None, resamples: int = RESAMPLES, bootstrap: bool = True) -> dict[str, Any]:
    """Tally every scheme overall and per locality, bootstrap rank intervals, and store a ResultsSnapshot.

    Run as the "consultation.tally" job when a consultation closes and on demand; returns a small summary.
    """
    def report(percent: int, message: str) -> None:
        if progress:
            progress(percent, message)

    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise LookupError(f"consultation {consultation_id} does not exist")
    if consultation.vote is None:
        raise ResultsError(f"consultation {consultation.slug!r} has no priority vote")
    if consultation.status.is_published:
        # The published snapshot is the one ranking every page, report and decision uses: it never changes.
        raise ResultsError(f"the results of {consultation.slug!r} are published, so they stay as published")
    report(5, "Adding up the ballots")
    agg = aggregate(consultation)
    _, overall_counts = agg.overall()
    schemes: dict[str, Any] = {}
    for scheme in SCHEMES:
        schemes[scheme] = {
            "overall": agg.tally(scheme).as_dict(),
            "localities": {code: agg.tally(scheme, code).as_dict() for code in agg.localities},
        }
    # Stored with the snapshot, so that anyone holding the ballots can draw the same resamples again.
    seed = consultation.id
    intervals: dict[str, dict[str, list[int]]] = {}
    if bootstrap:
        intervals = bootstrap_intervals(consultation, agg, resamples=resamples, seed=seed, report=report)
    report(95, "Saving the results")
    total = sum(overall_counts.values())
    data = {
        "version": SNAPSHOT_VERSION,
        "consultation": consultation.slug,
        "method": consultation.vote.method,
        "weighting": consultation.vote.weighting,
        "priorities": agg.priorities,
        "groups": agg.groups,
        "weights": agg.weights,
        "localities": agg.localities,
        "ballots_by_group": overall_counts,
        "ballots_by_locality": {code: agg.for_locality(code)[1] for code in agg.localities},
        "schemes": schemes,
        "intervals": intervals,
        "resamples": resamples if bootstrap else 0,
        "level": LEVEL,
        "seed": seed,
        "aggregate": agg.as_data(),
        "names": content_names(consultation, agg.priorities, agg.groups, agg.localities),
        "compare": list(current_app.config["COMPARE_GROUPS"]),
    }
    snapshot = ResultsSnapshot(consultation_id=consultation.id, computed_at=utcnow(), ballots=total, data=data,
                               job_id=job_id)
    db.session.add(snapshot)
    db.session.flush()
    return {"consultation_id": consultation.id, "snapshot_id": snapshot.id, "ballots": total}


def latest_snapshot(consultation: Consultation) -> ResultsSnapshot | None:
    return db.session.scalar(select(ResultsSnapshot).where(ResultsSnapshot.consultation_id == consultation.id)
                             .order_by(ResultsSnapshot.computed_at.desc(), ResultsSnapshot.id.desc()).limit(1))


# --------------------------------------------------------------------------
# Reading a snapshot for the results page (plain data in, plain data out)
# --------------------------------------------------------------------------


def settled_places(intervals: dict[str, list[int]] | None) -> dict[str, bool]:
    """A priority's place is settled when its 90% rank interval is a single rank."""
    return {code: lo == hi for code, (lo, hi) in (intervals or {}).items()}


def share_bars(priorities: list[dict[str, Any]], groups: list[str], *, width: float = 600.0,
               bar_height: float = 22.0, gap: float = 30.0) -> dict[str, Any]:
    """Geometry of a stacked bar chart of shares: one bar per priority, one segment per group's part.

    The longest bar fills `width`; a segment's length is the group's part of the priority's share.
    """
    largest = max((p["share"] for p in priorities), default=0.0)
    scale = width / largest if largest > 0 else 0.0
    bars = []
    for i, p in enumerate(priorities):
        y = i * (bar_height + gap) + 18
        x = 0.0
        segments = []
        for g in groups:
            part = p["by_group"].get(g, 0.0)
            share = part / p["score"] * p["share"] if p["score"] > 0 else 0.0
            length = share * scale
            if length > 0 and math.isfinite(length):
                segments.append({"group": g, "x": x, "width": length, "share": share})
                x += length
        bars.append({"code": p["code"], "y": y, "label_y": y - 6, "end": x, "share": p["share"],
                     "segments": segments})
    height = len(priorities) * (bar_height + gap) + 10
    return {"width": width, "height": height, "bar_height": bar_height, "bars": bars}


def content_names(consultation: Consultation, priorities: list[str], groups: list[str],
                  localities: list[str]) -> dict[str, Any]:
    """The title and the priorities', groups' and localities' names in the consultation's own language, kept with
    a snapshot so that its open data (and the fingerprint a report prints) never changes when a name is edited."""
    locale = consultation.default_locale

    def name(content) -> str:
        return tr(content, locale=locale, fallback=locale)

    titles = {p.code: name(p.title) for p in consultation.vote.priorities}
    group_names = {sg.code: name(sg.name) for sg in db.session.scalars(select(StakeholderGroup).where(
        StakeholderGroup.code.in_(groups)))}
    places = {loc.code: name(loc.name) for loc in db.session.scalars(select(Locality).where(
        Locality.code.in_(localities)))}
    return {"title": name(consultation.title), "priorities": {c: titles.get(c, c) for c in priorities},
            "groups": {c: group_names.get(c, c) for c in groups},
            "localities": {c: places.get(c, c) for c in localities}}


def open_data(consultation: Consultation, minimum: int) -> dict[str, Any] | None:
    """The open-data document (consult.voting.open_data) of the latest snapshot; None without a snapshot or with
    one from before the aggregate table was kept. It depends on the snapshot alone (and the small-numbers
    setting), so a report built before publication names the fingerprint of the file published later."""
    snapshot = latest_snapshot(consultation)
    if snapshot is None or snapshot.data.get("version", 1) < 2 or "aggregate" not in snapshot.data:
        return None
    data = snapshot.data
    names = data.get("names") or content_names(consultation, data["priorities"], data["groups"], data["localities"])
    return build_document(data, slug=consultation.slug, title=names["title"], priority_titles=names["priorities"],
                          group_names=names["groups"], locality_names=names["localities"],
                          computed_at=snapshot.computed_at.isoformat(), minimum=minimum)
