"""Bootstrap rank intervals for a tally (DESIGN.md section 6): how sure each priority's place is.

Pure: numpy arrays of ballot points in, (lowest, highest) ranks out, no Flask or database. Ballots are
resampled with replacement within each stakeholder group, scored under a weighting scheme and ranked with
exactly the tie rule of consult.voting.tally.tally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from consult.voting.weighting import (
    ABS_TOL,
    REL_TOL,
    SCHEMES,
    check_codes,
    check_scheme,
    checked_weights,
    group_factor,
)

# Upper bound on the working memory of one bootstrap chunk.
_CHUNK_BYTES = 48 * 1024 * 1024


def _competition_ranks_rows(scores: np.ndarray) -> np.ndarray:
    """Row-wise competition ranks of an (R x m) score array, with exactly the tie rule of tally()."""
    r, m = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    s = np.take_along_axis(scores, order, axis=1)
    ranks_sorted = np.empty((r, m), dtype=np.int64)
    ranks_sorted[:, 0] = 1
    anchor = s[:, 0].copy()
    for j in range(1, m):
        diff = np.abs(s[:, j] - anchor)
        # Same arithmetic as math.isclose, so point ranks and resampled ranks agree on ties.
        close = (diff <= REL_TOL * np.maximum(np.abs(s[:, j]), np.abs(anchor))) | (diff <= ABS_TOL)
        ranks_sorted[:, j] = np.where(close, ranks_sorted[:, j - 1], j + 1)
        anchor = np.where(close, anchor, s[:, j])
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=1)
    return ranks


def _resampled_sums(rng: np.random.Generator, points: np.ndarray, chunk: int) -> np.ndarray:
    """S(g,.) for ``chunk`` resamples of the group's n ballots drawn with replacement: (chunk x m)."""
    n = points.shape[0]
    # Drawing ballot indices and counting them is the multinomial(n, 1/n) draw, but far
    # faster than numpy's multinomial for large n; counts @ points then sums each resample.
    idx = rng.integers(0, n, size=(chunk, n))
    idx += (np.arange(chunk, dtype=idx.dtype) * n)[:, None]
    counts = np.bincount(idx.ravel(), minlength=chunk * n).reshape(chunk, n)
    return counts.astype(np.float64) @ points


def rank_intervals(
    priority_codes: Sequence[str],
    points_by_group: Mapping[str, np.ndarray],
    weights: Mapping[str, float],
    scheme: str,
    *,
    resamples: int = 1000,
    level: float = 0.9,
    seed: int | None = 0,
    chunk_size: int | None = None,
) -> dict[str, tuple[int, int]]:
    """Bootstrap each priority's rank interval by resampling ballots with replacement within each stakeholder group.

    ``points_by_group[g]`` is an (n_g x m) array of ballot points, columns in
    ``priority_codes`` order. Each resample keeps every group's size n_g (so
    group_shares divides by the same n_g), scores under ``scheme``, and ranks
    with the tie rule of :func:`tally`. The interval is the (lower, upper)
    quantile of each priority's rank at (1 - level)/2 and 1 - (1 - level)/2,
    both ends being ranks actually observed. Empty groups are skipped. Each
    group draws from its own random stream, so ``chunk_size`` (resamples per
    chunk; default keeps a chunk under ~48 MB) does not change the result.
    """
    return rank_intervals_by_scheme(priority_codes, points_by_group, weights, [scheme], resamples=resamples,
                                    level=level, seed=seed, chunk_size=chunk_size)[scheme]


def _check_settings(schemes: Sequence[str], priority_codes: Sequence[str], resamples: int, level: float,
                    chunk_size: int | None) -> None:
    for scheme in schemes:
        check_scheme(scheme)
    check_codes(priority_codes)
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if chunk_size is not None and chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")


def _checked_matrices(points_by_group: Mapping[str, np.ndarray], m: int) -> dict[str, np.ndarray]:
    """Each group's ballot points as a float (n x m) array, in sorted group order; anything else is a ValueError."""
    matrices: dict[str, np.ndarray] = {}
    for g in sorted(points_by_group):
        a = np.asarray(points_by_group[g], dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != m:
            raise ValueError(f"points for group {g!r} must be an (n x {m}) array, got shape {a.shape}")
        if not np.all(np.isfinite(a)) or np.any(a < 0):
            raise ValueError(f"points for group {g!r} must be finite and >= 0")
        matrices[g] = a
    return matrices


def _resampled_ranks(matrices: dict[str, np.ndarray], w: dict[str, float], schemes: Sequence[str], m: int,
                     resamples: int, seed: int | None, chunk_size: int | None) -> dict[str, np.ndarray]:
    """Each scheme's (resamples x m) ranks, every scheme scored from the same resampled per-group sums."""
    groups = list(matrices)
    # One child stream per group (in sorted-code order) keeps draws independent of chunking.
    streams = dict(zip(groups, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(groups)))))
    active = [g for g in groups if matrices[g].shape[0] > 0]
    largest = max(matrices[g].shape[0] for g in active)
    if chunk_size is None:
        # Per resample and ballot: an int64 index, an int64 count and a float64 copy.
        chunk_size = max(1, _CHUNK_BYTES // (24 * largest))
    factors = {scheme: {g: group_factor(scheme, w[g], matrices[g].shape[0]) for g in active} for scheme in schemes}
    ranks = {scheme: np.empty((resamples, m), dtype=np.int64) for scheme in schemes}
    for start in range(0, resamples, chunk_size):
        size = min(chunk_size, resamples - start)
        sums = {g: _resampled_sums(streams[g], matrices[g], size) for g in active}
        for scheme in schemes:
            scores = np.zeros((size, m), dtype=np.float64)
            for g in active:
                scores += factors[scheme][g] * sums[g]
            ranks[scheme][start : start + size] = _competition_ranks_rows(scores)
    return ranks


def rank_intervals_by_scheme(
    priority_codes: Sequence[str],
    points_by_group: Mapping[str, np.ndarray],
    weights: Mapping[str, float],
    schemes: Sequence[str] = SCHEMES,
    *,
    resamples: int = 1000,
    level: float = 0.9,
    seed: int | None = 0,
    chunk_size: int | None = None,
) -> dict[str, dict[str, tuple[int, int]]]:
    """:func:`rank_intervals` for several schemes at once, from the same resamples.

    Drawing the resamples is most of the work and does not depend on the
    scheme, so each chunk of resampled per-group sums is scored under every
    scheme. With the same seed, ``result[s]`` equals ``rank_intervals(..., s)``.
    """
    _check_settings(schemes, priority_codes, resamples, level, chunk_size)
    m = len(priority_codes)
    w = checked_weights(sorted(points_by_group), weights)
    matrices = _checked_matrices(points_by_group, m)
    if m == 0:
        return {scheme: {} for scheme in schemes}
    if not any(a.shape[0] > 0 for a in matrices.values()):
        # Nothing was scored: every priority ties at rank 1 in every resample.
        return {scheme: {p: (1, 1) for p in priority_codes} for scheme in schemes}
    ranks = _resampled_ranks(matrices, w, schemes, m, resamples, seed, chunk_size)
    lo_q = (1 - level) / 2
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for scheme in schemes:
        lows = np.quantile(ranks[scheme], lo_q, axis=0, method="lower")
        highs = np.quantile(ranks[scheme], 1 - lo_q, axis=0, method="higher")
        out[scheme] = {p: (int(lows[j]), int(highs[j])) for j, p in enumerate(priority_codes)}
    return out
