"""Benchmark: build the report of a generated consultation with 50,000 survey responses (and 50,000 ballots).

    .venv/bin/python bench/report.py                      # SQLite in a temporary folder
    .venv/bin/python bench/report.py --database-url postgresql://postgres@127.0.0.1:5432/consult_bench
    .venv/bin/python bench/report.py --responses 10000 --ballots 0 --json result.json

The data is bulk-inserted straight into the tables (no services), shaped like the demo: seven localities with
population figures, six stakeholder groups, a survey of six questions (one written) with "about you" answers,
a points vote on six priorities, four themes on a tenth of the written answers. Then the report is built
exactly as the "report.build" job builds it (every format, in English), timing each stage, and the live
participation view is computed once. The build must take under a minute (issue 6).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LIMIT_SECONDS = 60.0
GROUPS = ["service_user", "carer", "practitioner", "provider", "voluntary", "resident"]
LOCALITIES = {"PET": 20_164, "SEA": 21_153, "EAS": 9_880, "HOR": 8_087, "SHO": 4_870, "WIN": 4_452, "MUR": 7_360}
AGES = ["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_84", "85_plus", "prefer_not", None]
ETHNIC = ["white"] * 12 + ["asian", "black", "mixed", "other", "prefer_not", None]
LANGUAGES = ["en"] * 10 + ["cy", "ur", "pl", "bn", None]
IDEAS = ["The day centre bus stopped running and my mum cannot get there now.", "Mae angen mwy o help yn y nos.",
         "رات کو مدد کی ضرورت ہے، میں بہت تھک جاتی ہوں۔", "Please keep the memory clinic in Peterlee.",
         "More help for carers at the weekend would make a real difference to us."]


def _database_url(given: str | None) -> str:
    if given:
        if given.startswith("postgresql://"):
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            url = make_url(given.replace("postgresql://", "postgresql+psycopg://", 1))
            admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            admin.dispose()
            return url.render_as_string(hide_password=False)
        return given
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='consult-bench-')) / 'bench.db'}"


def generate(n_responses: int, n_ballots: int, seed: int = 2027) -> int:
    """Insert the consultation and its data; returns the consultation's id."""
    from sqlalchemy import insert

    from consult.consultations.models import Consultation, ConsultationGroupWeight
    from consult.core.models import utcnow
    from consult.extensions import db
    from consult.localities.models import Locality, StakeholderGroup
    from consult.reports.demo import POPULATION_CSV
    from consult.reports.models import FreeTextTag, FreeTextTheme
    from consult.reports.services import import_population
    from consult.surveys.models import Survey, SurveyOption, SurveyQuestion, SurveyResponse, SurveySection
    from consult.voting.models import Ballot, BallotChoice, Priority, Vote

    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    places = [Locality(code=code, name={"en": code}, population=pop) for code, pop in LOCALITIES.items()]
    groups = [StakeholderGroup(code=code, name={"en": code.replace("_", " ").title()}, weight=2.0 if i < 2 else 1.0,
                               position=i) for i, code in enumerate(GROUPS)]
    db.session.add_all(places + groups)
    db.session.flush()
    import_population(POPULATION_CSV.read_text(encoding="utf-8"), channel="cli")
    consultation = Consultation(slug="bench-50k", default_locale="en", title={"en": "Benchmark consultation"},
                                summary={}, opens_at=now - timedelta(days=84), closes_at=now - timedelta(hours=1),
                                status="closed", localities=places,
                                group_weights=[ConsultationGroupWeight(stakeholder_group=g, weight=g.weight)
                                               for g in groups])
    consultation.vote = Vote(method="points", points_budget=10, weighting="group_shares",
                             priorities=[Priority(code=f"P0{i}", title={"en": f"Priority {i}"}, position=i)
                                         for i in range(1, 7)])
    db.session.add(consultation)
    survey = Survey(slug="bench-50k-survey", consultation=consultation, title={"en": "Care at home"}, intro={},
                    anonymous=True, status="closed")
    section = SurveySection(survey=survey, position=0, title={"en": "Questions"})
    specs = [("carer", "yes_no", []), ("hours", "number", []),
             ("services", "multiple", ["home_care", "day_centre", "transport", "memory_clinic"]),
             ("get_help", "scale", []), ("most_help", "single", ["night", "respite", "transport", "falls"]),
             ("ideas", "long_text", [])]
    for position, (code, kind, options) in enumerate(specs):
        question = SurveyQuestion(survey=survey, section=section, position=position, code=code, kind=kind,
                                  text={"en": code.replace("_", " ").capitalize() + "?"})
        question.options = [SurveyOption(position=i, value=v, label={"en": v.replace("_", " ")})
                            for i, v in enumerate(options)]
        db.session.add(question)
    db.session.flush()
    themes = [FreeTextTheme(consultation_id=consultation.id, name={"en": name}, position=i)
              for i, name in enumerate(["Transport", "Help at night", "Carers", "Memory"])]
    db.session.add_all(themes)
    db.session.flush()

    start = (now - timedelta(days=84)).date()
    rows, tags = [], []
    for n in range(1, n_responses + 1):
        day = start + timedelta(days=rng.randint(0, 83))
        answers = {"carer": rng.choice(["yes", "no"]), "get_help": rng.choice(
            ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree"]),
            "most_help": rng.choice(["night", "respite", "transport", "falls"])}
        if answers["carer"] == "yes":
            answers["hours"] = rng.choice([5, 10, 20, 35, 50, 80])
        used = [v for v in ("home_care", "day_centre", "transport", "memory_clinic") if rng.random() < 0.35]
        if used:
            answers["services"] = used
        if rng.random() < 0.3:
            answers["ideas"] = rng.choice(IDEAS)
        rows.append({"id": n, "survey_id": survey.id, "reference": f"B{n:09d}", "status": "submitted",
                     "channel": "paper" if n % 9 == 0 else "web", "locale": rng.choice(["en", "en", "cy", "ur"]),
                     "easy_read": n % 5 == 0, "answers": answers, "started_on": day - timedelta(days=day.weekday()),
                     "submitted_on": day - timedelta(days=day.weekday()),
                     "stakeholder_group_id": rng.choice(groups).id if rng.random() < 0.9 else None,
                     "locality_id": rng.choice(places).id if rng.random() < 0.9 else None,
                     "age_band": rng.choice(AGES), "ethnic_group": rng.choice(ETHNIC),
                     "main_language": rng.choice(LANGUAGES), "disability": rng.choice(["yes", "no", None])})
        if "ideas" in answers and rng.random() < 0.33:
            tags.append({"theme_id": rng.choice(themes).id, "response_id": n, "question_code": "ideas",
                         "tagged_at": now})
    for i in range(0, len(rows), 5000):
        db.session.execute(insert(SurveyResponse), rows[i:i + 5000])
    if tags:
        db.session.execute(insert(FreeTextTag), tags)

    priorities = consultation.vote.priorities
    ballots, choices = [], []
    for n in range(1, n_ballots + 1):
        group, place = rng.choice(groups), rng.choice(places)
        cast = datetime.combine(start + timedelta(days=rng.randint(0, 83)), datetime.min.time(),
                                tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 1439))
        ballots.append({"id": n, "consultation_id": consultation.id, "voter_key": f"ref:bench-{n}",
                        "stakeholder_group_id": group.id, "locality_id": place.id,
                        "channel": rng.choice(["web", "web", "code", "paper", "meeting"]),
                        "locale": rng.choice(["en", "en", "cy", "ur"]), "cast_at": cast, "updated_at": cast})
        left = 10
        for priority in rng.sample(priorities, 3):
            points = rng.randint(1, left) if left > 1 else left
            left -= points
            choices.append({"ballot_id": n, "priority_id": priority.id, "consultation_id": consultation.id,
                            "stakeholder_group_id": group.id, "locality_id": place.id, "value": points,
                            "points": points})
            if left == 0:
                break
    for i in range(0, len(ballots), 5000):
        db.session.execute(insert(Ballot), ballots[i:i + 5000])
    for i in range(0, len(choices), 10000):
        db.session.execute(insert(BallotChoice), choices[i:i + 10000])
    db.session.commit()
    return consultation.id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--ballots", type=int, default=50_000)
    parser.add_argument("--database-url", default=None,
                        help="Default: a new SQLite file. A postgresql:// database is dropped and created anew.")
    parser.add_argument("--json", default=None, help="Also write the timings to this file.")
    options = parser.parse_args()

    from consult import create_app
    from consult.extensions import db

    url = _database_url(options.database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": "redis://127.0.0.1:1/0",
                      "INSTANCE_DIR": tempfile.mkdtemp(prefix="consult-bench-instance-")})
    with app.app_context():
        db.create_all()
        began = time.perf_counter()
        consultation_id = generate(options.responses, options.ballots)
        generated = time.perf_counter() - began
        print(f"Generated {options.responses:,} responses and {options.ballots:,} ballots in {generated:.1f} s "
              f"({db.engine.dialect.name}).")

        from consult.consultations.models import Consultation
        from consult.reports.services import build_report, live_figures

        stages: list[tuple[str, float]] = []
        last = time.perf_counter()

        def progress(percent, message):
            nonlocal last
            now = time.perf_counter()
            if stages:
                stages[-1] = (stages[-1][0], now - last)
            stages.append((message or "", 0.0))
            last = now

        began = time.perf_counter()
        result = build_report(consultation_id, progress=progress, locale="en")
        db.session.commit()
        total = time.perf_counter() - began
        began = time.perf_counter()
        live_figures(db.session.get(Consultation, consultation_id))
        live = time.perf_counter() - began

        from consult.reports.models import ReportFile

        sizes = {f.format: len(f.content) for f in db.session.scalars(
            db.select(ReportFile).where(ReportFile.snapshot_id == result["snapshot_id"]))}
        print(f"Report built in {total:.1f} s (limit {LIMIT_SECONDS:.0f} s): {result}")
        for message, seconds in stages:
            if message != "Done":
                print(f"  {seconds:6.2f} s  {message}")
        print("  files: " + ", ".join(f"{fmt} {size / 1024:,.0f} KiB" for fmt, size in sizes.items()))
        print(f"Live participation view computed in {live:.2f} s.")
        if options.json:
            Path(options.json).write_text(json.dumps({
                "database": db.engine.dialect.name, "responses": options.responses, "ballots": options.ballots,
                "generate_seconds": round(generated, 2), "build_seconds": round(total, 2),
                "live_seconds": round(live, 2), "stages": [[m, round(s, 2)] for m, s in stages],
                "file_bytes": sizes, "date": date.today().isoformat()}, indent=2))
    return 0 if total < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
