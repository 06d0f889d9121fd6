"""Benchmark: the full tally against one raw GROUP BY scan, on SQLite and PostgreSQL (issue 3, docs/BENCHMARKS.md).

For each size it bulk-loads that many ranking ballots (30 priorities, 6 stakeholder groups, 7 localities, each
ballot ranking 1 to 10 priorities) straight into fresh tables, then times, in the same run and with warm caches:

* raw:   SELECT priority_id, stakeholder_group_id, sum(value) FROM ballot_choices WHERE consultation_id = ?
         GROUP BY priority_id, stakeholder_group_id
* tally: consult.voting.results.compute_results(..., bootstrap=False): both aggregation queries, all three
         weighting schemes overall and for every locality, and the snapshot written (then rolled back);
* bootstrap (sizes up to --bootstrap-max): loading the per-ballot point matrices (one query), then
         1,000 resamples per group scored under one scheme (rank_intervals) and under all three from the
         same resamples (rank_intervals_by_scheme, as the tally job does).

Usage:
    .venv/bin/python bench/tally.py                                   # 10k, 100k and 1M on both databases
    .venv/bin/python bench/tally.py --sizes 10000,100000 --databases sqlite
    .venv/bin/python bench/tally.py --pg-url postgresql://postgres@127.0.0.1:5432/consult_bench

PostgreSQL gets its own database (dropped and created again: never point this at real data). Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

N_GROUPS, N_LOCALITIES, N_PRIORITIES, MAX_RANKED = 6, 7, 30, 10
CHUNK = 50_000
WHEN = "2027-02-01 10:00:00"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fresh_postgres(url: str) -> str:
    url_obj = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://")
                       else url)
    admin = create_engine(url_obj.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url_obj.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url_obj.database}"'))
    admin.dispose()
    return url_obj.render_as_string(hide_password=False)


def make_app(database_url: str, instance: str):
    from consult import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": instance, "REDIS_URL": "redis://x",
                       "SQLALCHEMY_ENGINE_OPTIONS": {}, "TESTING": True})


def reference_data():
    """Six groups, seven localities and one closed ranking consultation with 30 priorities; returns their ids."""
    from datetime import datetime, timezone

    from consult.consultations.models import Consultation, ConsultationGroupWeight
    from consult.extensions import db
    from consult.localities.models import Locality, StakeholderGroup
    from consult.voting.models import Priority, Vote

    groups = [StakeholderGroup(code=f"g{i}", name={"en": f"Group {i}"}, weight=w, position=i)
              for i, w in enumerate([2.0, 2.0, 1.0, 1.0, 1.0, 0.5])]
    places = [Locality(code=f"L{i}", name={"en": f"Locality {i}"}, population=10_000) for i in range(N_LOCALITIES)]
    consultation = Consultation(
        slug="bench", title={"en": "Benchmark"}, status="closed",
        opens_at=datetime(2027, 1, 1, tzinfo=timezone.utc), closes_at=datetime(2027, 3, 1, tzinfo=timezone.utc),
        localities=places, group_weights=[ConsultationGroupWeight(stakeholder_group=g, weight=g.weight)
                                          for g in groups])
    consultation.vote = Vote(method="ranking", weighting="group_shares", priorities=[
        Priority(code=f"P{j:02d}", title={"en": f"Priority {j}"}, position=j) for j in range(N_PRIORITIES)])
    db.session.add(consultation)
    db.session.commit()
    return (consultation.id, [g.id for g in groups], [loc.id for loc in places],
            [p.id for p in consultation.vote.priorities])


def generate(n: int, seed: int = 2027):
    """Chunks of (ballot columns, choice columns) as numpy arrays; groups lean towards different priorities."""
    rng = np.random.default_rng(seed)
    leaning = rng.gamma(1.5, 1.0, size=(N_GROUPS, N_PRIORITIES))
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        group = rng.integers(0, N_GROUPS, size)
        place = rng.integers(0, N_LOCALITIES, size)
        ranked = rng.integers(1, MAX_RANKED + 1, size)
        # Weighted sampling without replacement (Efraimidis-Spirakis): the largest u^(1/w) come first.
        keys = rng.random((size, N_PRIORITIES)) ** (1.0 / leaning[group])
        order = np.argsort(-keys, axis=1)[:, :MAX_RANKED]
        position = np.arange(1, MAX_RANKED + 1)
        keep = position[None, :] <= ranked[:, None]
        row = np.broadcast_to(np.arange(size)[:, None], keep.shape)[keep]
        yield start, group, place, row, order[keep], np.broadcast_to(position, keep.shape)[keep]


def load(engine, dialect: str, n: int, cid: int, group_ids, place_ids, priority_ids) -> int:
    """Bulk-insert n ballots and their choices; secondary indexes are built after loading, as after a restore."""
    from consult.voting.models import Ballot, BallotChoice

    group_ids, place_ids, priority_ids = map(np.asarray, (group_ids, place_ids, priority_ids))
    secondary = [ix for table in (Ballot.__table__, BallotChoice.__table__) for ix in table.indexes]
    choices = 0
    with engine.begin() as conn:
        for ix in secondary:
            ix.drop(conn)
        if dialect == "postgresql":
            conn.exec_driver_sql("SET session_replication_role = replica")  # no FK triggers while loading
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        raw = conn.connection.dbapi_connection
        for start, group, place, row, prio, rank in generate(n):
            ids = np.arange(start + 1, start + len(group) + 1)
            g, loc = group_ids[group], place_ids[place]
            ballots = np.column_stack([ids, g, loc])
            cols = np.column_stack([ids[row], priority_ids[prio], g[row], loc[row], rank, N_PRIORITIES - rank])
            choices += len(cols)
            if dialect == "postgresql":
                buf = io.StringIO()
                for b, gg, ll in ballots.tolist():
                    buf.write(f"{b}\t{cid}\tref:{b}\t{gg}\t{ll}\timport\t{WHEN}+00\t{WHEN}+00\n")
                with raw.cursor() as cur, cur.copy(
                        "COPY ballots (id, consultation_id, voter_key, stakeholder_group_id, locality_id, channel, "
                        "cast_at, updated_at) FROM STDIN") as copy:
                    copy.write(buf.getvalue())
                buf = io.StringIO()
                np.savetxt(buf, np.column_stack([cols[:, 0], cols[:, 1], np.full(len(cols), cid), cols[:, 2:]]),
                           fmt="%d", delimiter="\t")
                with raw.cursor() as cur, cur.copy(
                        "COPY ballot_choices (ballot_id, priority_id, consultation_id, stakeholder_group_id, "
                        "locality_id, value, points) FROM STDIN") as copy:
                    copy.write(buf.getvalue())
            else:
                cur = raw.cursor()
                cur.executemany(
                    "INSERT INTO ballots (id, consultation_id, voter_key, stakeholder_group_id, locality_id, channel, "
                    "cast_at, updated_at) VALUES (?, ?, ?, ?, ?, 'import', ?, ?)",
                    [(b, cid, f"ref:{b}", gg, ll, WHEN, WHEN) for b, gg, ll in ballots.tolist()])
                cur.executemany(
                    "INSERT INTO ballot_choices (ballot_id, priority_id, consultation_id, stakeholder_group_id, "
                    "locality_id, value, points) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(b, p, cid, gg, ll, v, pts) for b, p, gg, ll, v, pts in cols.tolist()])
                cur.close()
        if dialect == "postgresql":
            conn.exec_driver_sql("SET session_replication_role = origin")
        for ix in secondary:
            ix.create(conn)
    if dialect == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would: fresh statistics and visibility map
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return choices


def timed(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm up: caches and the page cache, for both contenders alike
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run_size(dialect: str, database_url: str, n: int, repeat: int, bootstrap: bool) -> dict:
    repeat = repeat if n < 1_000_000 else 1  # one warm-up and one timed run keep the 1M case to minutes
    from consult.extensions import db
    from consult.voting.results import aggregate, compute_results, point_matrices
    from consult.voting.tally import SCHEMES, rank_intervals, rank_intervals_by_scheme

    if dialect == "postgresql":
        database_url = fresh_postgres(database_url)
    app = make_app(database_url, tempfile.mkdtemp(prefix="consult-bench-"))
    out: dict = {"database": dialect, "ballots": n}
    with app.app_context():
        db.drop_all()
        db.create_all()
        cid, group_ids, place_ids, priority_ids = reference_data()
        db.session.remove()  # no read transaction may span the load (SQLite snapshots)
        t0 = time.perf_counter()
        out["choices"] = load(db.engine, dialect, n, cid, group_ids, place_ids, priority_ids)
        out["load_s"] = time.perf_counter() - t0
        log(f"{dialect} {n:>9,} ballots, {out['choices']:,} choices loaded in {out['load_s']:.1f} s")

        raw_sql = text("SELECT priority_id, stakeholder_group_id, sum(value) FROM ballot_choices "
                       "WHERE consultation_id = :c GROUP BY priority_id, stakeholder_group_id")

        def raw():
            with db.engine.connect() as conn:
                return conn.execute(raw_sql, {"c": cid}).all()

        def full_tally():
            try:
                return compute_results(cid, bootstrap=False)
            finally:
                db.session.rollback()
                db.session.expire_all()

        # The same scan grouped in the tally index's order, as the tally's own query is (for comparison only).
        indexed_sql = text("SELECT locality_id, stakeholder_group_id, priority_id, sum(points) FROM ballot_choices "
                           "WHERE consultation_id = :c GROUP BY locality_id, stakeholder_group_id, priority_id")

        def raw_indexed():
            with db.engine.connect() as conn:
                return conn.execute(indexed_sql, {"c": cid}).all()

        out["raw_s"], rows = timed(raw, repeat)
        out["raw_indexed_s"], _ = timed(raw_indexed, repeat)
        out["tally_s"], summary = timed(full_tally, repeat)
        assert summary["ballots"] == n and 0 < len(rows) <= N_GROUPS * N_PRIORITIES, (summary, len(rows))
        out["ratio"] = out["tally_s"] / out["raw_s"]
        log(f"  raw scan {out['raw_s']:.3f} s (in index order {out['raw_indexed_s']:.3f} s), "
            f"full tally {out['tally_s']:.3f} s, ratio {out['ratio']:.2f}")

        if bootstrap:
            from consult.consultations.models import Consultation

            consultation = db.session.get(Consultation, cid)
            agg = aggregate(consultation)
            t0 = time.perf_counter()
            matrices = point_matrices(consultation, agg.priorities)
            out["matrices_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            rank_intervals(agg.priorities, matrices, agg.weights, "group_shares", resamples=1000)
            out["bootstrap_one_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            rank_intervals_by_scheme(agg.priorities, matrices, agg.weights, SCHEMES, resamples=1000)
            out["bootstrap_all_s"] = time.perf_counter() - t0
            out["bootstrap_job_s"] = out["matrices_s"] + out["bootstrap_all_s"]
            log(f"  bootstrap: matrices {out['matrices_s']:.2f} s, one scheme {out['bootstrap_one_s']:.2f} s, "
                f"all three {out['bootstrap_all_s']:.2f} s")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return out


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), None)
    import sqlite3

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "numpy": np.__version__}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/consult_bench"))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (1 at 1M and above)")
    parser.add_argument("--bootstrap-max", type=int, default=100_000,
                        help="run the bootstrap timing for sizes up to this many ballots")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for dialect in args.databases.split(","):
        for n in sizes:
            if dialect == "sqlite":
                url = f"sqlite:///{tempfile.mkdtemp(prefix='consult-bench-')}/bench.db"
            else:
                url = args.pg_url
            results.append(run_size(dialect, url, n, args.repeat, bootstrap=n <= args.bootstrap_max))
    report = {"machine": machine(), "load_average": os.getloadavg(), "results": results}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"{'database':<11}{'ballots':>10}{'choices':>11}{'load s':>9}{'raw s':>9}{'raw idx s':>10}{'tally s':>9}"
          f"{'ratio':>7}"
          f"{'matrices s':>12}{'bootstrap 1 / 3 schemes s':>27}")
    for r in results:
        boot = (f"{r['bootstrap_one_s']:.2f} / {r['bootstrap_all_s']:.2f}" if "bootstrap_one_s" in r else "–")
        matrices = f"{r['matrices_s']:.2f}" if "matrices_s" in r else "–"
        print(f"{r['database']:<11}{r['ballots']:>10,}{r['choices']:>11,}{r['load_s']:>9.1f}{r['raw_s']:>9.3f}"
              f"{r['raw_indexed_s']:>10.3f}{r['tally_s']:>9.3f}{r['ratio']:>7.2f}{matrices:>12}{boot:>27}")


if __name__ == "__main__":
    main()
