"""The open data of a published vote over HTTP: every figure on the public results page recomputed from the file,
its SHA-256, no figure about fewer than five people, and nothing before publication; `flask --app consult results
verify FILE.json`; and the bootstrap's stored seed."""

import copy
import csv
import hashlib
import html
import io
import itertools
import json
import math
import re

import pytest
from sqlalchemy import select

from consult.core.models import utcnow
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.open_data_check import verify
from consult.voting.results import aggregate, bootstrap_intervals, compute_results, latest_snapshot, open_data
from factories import login, make_ballot, make_consultation, make_locality, make_stakeholder_group, make_user

ORDERS = list(itertools.permutations("ABCD"))
#: (group, locality, ballots). PET: youth (3) is too few alone, so practitioners (5, next smallest) join its pool;
#: HAR: volunteers (2) pooled with carers (5); SEA (3) and EAS (2) have no table of their own, and are 5 together,
#: so no other locality is hidden with them; overall youth (3) and volunteers (4) are pooled.
BALLOTS = [("carer", "PET", 6), ("prac", "PET", 5), ("youth", "PET", 3), ("carer", "HAR", 5), ("prac", "HAR", 6),
           ("vol", "HAR", 2), ("carer", "SEA", 1), ("prac", "SEA", 2), ("vol", "EAS", 2)]


@pytest.fixture
def published():
    groups = {code: make_stakeholder_group(code=code, name={"en": name}, weight=weight, position=i)
              for i, (code, name, weight) in enumerate([("carer", "Carers", 2.0), ("prac", "Practitioners", 1.0),
                                                        ("youth", "Young people", 3.0), ("vol", "Volunteers", 0.5)])}
    places = {code: make_locality(code=code, name={"en": name})
              for code, name in [("PET", "Peterlee"), ("HAR", "Hartlepool"), ("SEA", "Seaham"), ("EAS", "Easington")]}
    consultation = make_consultation(localities=list(places.values()), groups=list(groups.values()),
                                     status="closed", vote={"method": "ranking", "priorities": list("ABCD"),
                                                            "weighting": "group_shares"})
    n = 0
    for group, place, count in BALLOTS:
        for _ in range(count):
            order = ORDERS[(n * 7) % len(ORDERS)][: 1 + n % 3]
            make_ballot(consultation, {code: i + 1 for i, code in enumerate(order)}, group=groups[group],
                        locality=places[place])
            n += 1
    compute_results(consultation.id, resamples=200)
    db.session.commit()
    return consultation


def publish(consultation):
    consultation.status, consultation.published_at = "published", utcnow()
    db.session.commit()


def text(response):
    return html.unescape(response.get_data(as_text=True))


def table(page: str, table_id: str) -> tuple[list[str], list[list[str]]]:
    """A table's header cells and body rows, as plain text."""
    start = page.index(f'id="{table_id}"')
    chunk = page[start:page.index("</table>", start)]

    def cells(row: str) -> list[str]:
        return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row,
                                                                                  re.S)]

    head = re.search(r"<thead.*?</thead>", chunk, re.S).group(0)
    body = re.search(r"<tbody.*?</tbody>", chunk, re.S).group(0)
    return cells(head), [cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def competition(scores: dict[str, float]) -> dict[str, int]:
    order = sorted(scores, key=lambda c: (-scores[c], c))
    ranks, anchor = {}, None
    for i, code in enumerate(order):
        if anchor is None or not math.isclose(scores[code], anchor, rel_tol=1e-9, abs_tol=1e-12):
            anchor, ranks[code] = scores[code], i + 1
        else:
            ranks[code] = ranks[order[i - 1]]
    return ranks


def recount(doc: dict, tab: dict, scheme: str) -> dict:
    """The test's own recount of one published table: every group's part, scores, shares and ranks."""
    weights = doc["weights"]
    parts = {}
    for g, row in tab["groups"].items():
        if row.get("suppressed"):
            continue
        factor = {"equal_people": 1.0, "group_weights": weights[g],
                  "group_shares": weights[g] / row["ballots"] if row["ballots"] else 0.0}[scheme]
        parts[g] = {p: factor * row["points"][p] for p in row["points"]}
    codes = [p["code"] for p in doc["priorities"]]
    pooled = tab["pooled"]["contribution"][scheme] if tab["pooled"] else dict.fromkeys(codes, 0.0)
    scores = {p: sum(part[p] for part in parts.values()) + pooled[p] for p in codes}
    total = sum(scores.values())
    return {"parts": parts, "pooled": pooled, "scores": scores, "ranks": competition(scores),
            "shares": {p: scores[p] / total if total else 0.0 for p in codes}}


def check_page_against_file(page: str, doc: dict, code: str | None) -> None:
    tab = doc["tables"]["overall"] if code is None else doc["tables"]["localities"][code]
    titles = {p["code"]: p["title"] for p in doc["priorities"]}
    names = {g["code"]: g["name"] for g in doc["groups"]}
    mine = recount(doc, tab, doc["weighting"])
    _, rows = table(page, "ranking")
    assert len(rows) == len(titles)
    for row in rows:
        p = next(c for c, t in titles.items() if t == row[1])
        assert row[0] in (str(mine["ranks"][p]), f"{mine['ranks'][p]} (joint)")
        assert row[2] == f"{mine['scores'][p]:,.2f}" and row[3] == f"{100 * mine['shares'][p]:.1f}%"
        if code is None:
            lo, hi = doc["bootstrap"]["intervals"][doc["weighting"]][p]
            assert row[4] == (f"{lo} (settled)" if lo == hi else f"{lo} to {hi}")
    head, rows = table(page, "by-group")
    shown = [names[g] for g in tab["groups"] if g in mine["parts"]] + (["Smaller groups together"]
                                                                       if tab["pooled"] else [])
    assert head[1:-2] == shown
    for row in rows:
        p = next(c for c, t in titles.items() if t == row[0])
        expected = [mine["parts"][g][p] for g in tab["groups"] if g in mine["parts"]]
        expected += [mine["pooled"][p]] if tab["pooled"] else []
        assert row[1:-2] == [f"{x:,.2f}" for x in expected]
        assert row[-2:] == [f"{mine['scores'][p]:,.2f}", f"{100 * mine['shares'][p]:.1f}%"]
    _, rows = table(page, "schemes")
    for row in rows:
        p = next(c for c, t in titles.items() if t == row[0])
        for s, cell in zip(("equal_people", "group_weights", "group_shares"), row[1:]):
            theirs = recount(doc, tab, s)
            assert cell.startswith(f"Place {theirs['ranks'][p]}, {100 * theirs['shares'][p]:.1f}%"), (s, cell)
    _, rows = table(page, "turnout")
    expected = [[names[g], str(tab["groups"][g]["ballots"]), str(doc["weights"][g])]
                for g in tab["groups"] if g in mine["parts"]]
    expected += [["Smaller groups together", str(tab["pooled"]["ballots"]), "–"]] if tab["pooled"] else []
    assert rows == expected
    assert re.search(rf"Ballots counted\s*</dt>\s*<dd[^>]*>\s*{tab['ballots']}\s*</dd>", page)


def test_every_figure_on_the_public_page_is_recomputed_from_the_downloaded_file(client, published):
    publish(published)
    slug = published.slug
    response = client.get(f"/c/{slug}/results/open-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert f'filename="{slug}-open-data.json"' in response.headers["Content-Disposition"]
    doc = json.loads(response.data)
    assert verify(doc) == []
    page = text(client.get(f"/c/{slug}/results"))
    assert hashlib.sha256(response.data).hexdigest() in page
    assert re.search(r'id="open-data-sha256">([0-9a-f]{64})<', page).group(1) == hashlib.sha256(
        response.data).hexdigest()
    assert "Check these figures" in page and "flask --app consult results verify FILE.json" in page
    assert f"/c/{slug}/results/open-data.json" in page and f"/c/{slug}/results/open-data.csv" in page
    check_page_against_file(page, doc, None)
    assert "To protect privacy, no figure is shown for a stakeholder group with fewer than 5 ballots here" in page
    assert doc["tables"]["overall"]["pooled"]["ballots"] == 7  # youth 3 + volunteers 4
    for code in ("PET", "HAR"):
        assert doc["tables"]["localities"][code]["pooled"] is not None
        check_page_against_file(text(client.get(f"/c/{slug}/results?locality={code}")), doc, code)
    assert doc["tables"]["localities"]["PET"]["groups"]["prac"] == {"suppressed": True}  # joined youth's pool
    sea = text(client.get(f"/c/{slug}/results?locality=SEA"))
    assert "The results for Seaham are not shown on their own" in sea and "fewer than 5 people voted" in sea
    assert 'id="ranking"' not in sea and 'id="turnout"' not in sea
    for code in ("SEA", "EAS"):
        assert doc["tables"]["localities"][code] == doc["result"]["localities"][code] == {"suppressed": True}
    # Pooling changes no published score: they are the snapshot's, from every ballot (SEA's too).
    snapshot = latest_snapshot(published).data["schemes"]["group_shares"]
    assert doc["tables"]["overall"]["ballots"] == sum(n for _, _, n in BALLOTS)
    assert doc["result"]["overall"]["priorities"] == [
        dict(p, by_group={g: v for g, v in p["by_group"].items() if g in ("carer", "prac")})
        for p in snapshot["overall"]["priorities"]]


def test_the_csv_holds_the_same_tables(client, published):
    publish(published)
    response = client.get(f"/c/{published.slug}/results/open-data.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'filename="{published.slug}-open-data.csv"' in response.headers["Content-Disposition"]
    doc = json.loads(client.get(f"/c/{published.slug}/results/open-data.json").data)
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == ["table", "locality", "group", "priority", "ballots", "points", "weight",
                             "contribution_equal_people", "contribution_group_weights",
                             "contribution_group_shares", "suppressed"]
    for row in rows:
        tab = doc["tables"]["overall"] if row["table"] == "overall" else doc["tables"]["localities"][row["locality"]]
        if tab.get("suppressed"):
            assert row["suppressed"] == "true" and row["group"] == row["ballots"] == ""
        elif row["group"] == "_pooled":
            assert int(row["ballots"]) == tab["pooled"]["ballots"]
            assert float(row["contribution_group_shares"]) == tab["pooled"]["contribution"]["group_shares"][
                row["priority"]]
        elif row["suppressed"] == "true":
            assert tab["groups"][row["group"]] == {"suppressed": True} and row["ballots"] == row["points"] == ""
        else:
            published_row = tab["groups"][row["group"]]
            assert int(row["ballots"]) == published_row["ballots"]
            assert int(row["points"]) == published_row["points"][row["priority"]]
    # One row per (table, locality, group, priority) in 3 tables, 4 rows for each table's pool, one for SEA, EAS.
    assert len(rows) == 3 * 4 * 4 + 3 * 4 + 2


def test_no_figure_about_fewer_than_five_people_is_public(client, published):
    publish(published)
    slug = published.slug
    doc = json.loads(client.get(f"/c/{slug}/results/open-data.json").data)
    tables = [doc["tables"]["overall"], *doc["tables"]["localities"].values()]
    for tab in tables:
        if tab.get("suppressed"):
            assert set(tab) == {"suppressed"}
            continue
        assert tab["ballots"] >= 5
        for row in tab["groups"].values():
            assert row == {"suppressed": True} or row["ballots"] == 0 or row["ballots"] >= 5
        assert tab["pooled"] is None or tab["pooled"]["ballots"] >= 5
    rows = list(csv.DictReader(io.StringIO(client.get(f"/c/{slug}/results/open-data.csv").get_data(as_text=True))))
    assert not [r for r in rows if r["ballots"] and 0 < int(r["ballots"]) < 5]
    # The groups each page must not show one by one (a group with no ballots there is shown, with 0).
    hidden = {"": ["Young people", "Volunteers"], "?locality=PET": ["Young people", "Practitioners"],
              "?locality=HAR": ["Volunteers", "Carers"], "?locality=SEA": ["Carers", "Practitioners"],
              "?locality=EAS": ["Volunteers"]}
    for query, names in hidden.items():
        page = text(client.get(f"/c/{slug}/results{query}"))
        if 'id="turnout"' in page:
            _, rows = table(page, "turnout")
            assert all(int(r[1]) == 0 or int(r[1]) >= 5 for r in rows), (query, rows)
        for name in names:
            assert f"{name}</th>" not in page and f"{name}</li>" not in page and f"{name}:" not in page, (query, name)
    # Staff still see every figure, before and after publication.
    login(client, make_user(role="commissioner"))
    page = text(client.get(f"/consultations/{published.id}/results?locality=PET"))
    _, rows = table(page, "turnout")
    assert ["Young people", "3", "3.0"] in rows
    assert "You can see every figure here. The public see this page without the figures about fewer than 5" in page


def vote_with(ballots):
    """A published vote with (group, locality, ballots) and its open data, pooling under 5."""
    def found(model, make, code):
        return db.session.scalar(select(model).where(model.code == code)) or make(code=code)

    groups = {code: found(StakeholderGroup, make_stakeholder_group, code) for code in {g for g, _, _ in ballots}}
    places = {code: found(Locality, make_locality, code) for code in {loc for _, loc, _ in ballots}}
    consultation = make_consultation(localities=list(places.values()), groups=list(groups.values()),
                                     status="closed", vote={"priorities": ["A", "B"]})
    for g, loc, count in ballots:
        for i in range(count):
            make_ballot(consultation, {"A": 1} if i % 2 else {"B": 1}, group=groups[g], locality=places[loc])
    compute_results(consultation.id, bootstrap=False)
    return open_data(consultation, 5)


def test_nobody_is_given_away_by_subtracting_one_table_from_another():
    # C and D are hidden (1 and 4 ballots); carers' and practitioners' overall counts minus A's and B's would be
    # C's one carer and D's four practitioners, so neither group is shown one by one overall.
    doc = vote_with([("carer", "A", 6), ("prac", "A", 6), ("carer", "B", 6), ("prac", "B", 6), ("carer", "C", 1),
                     ("prac", "D", 4)])
    assert [code for code, t in doc["tables"]["localities"].items() if t.get("suppressed")] == ["C", "D"]
    assert doc["tables"]["overall"]["groups"] == {"carer": {"suppressed": True}, "prac": {"suppressed": True}}
    assert doc["tables"]["localities"]["A"]["groups"]["carer"] == {"ballots": 6, "points": {"A": 3, "B": 3}}
    assert verify(doc) == []
    # One small locality beside one big one: the big one is hidden too, or it would be the total minus it.
    doc = vote_with([("carer", "A", 9), ("prac", "A", 6), ("carer", "B", 2)])
    assert doc["tables"]["localities"] == {"A": {"suppressed": True}, "B": {"suppressed": True}}
    assert doc["tables"]["overall"]["groups"]["prac"] == {"ballots": 6, "points": {"A": 3, "B": 3}}
    assert doc["tables"]["overall"]["ballots"] == 17 and verify(doc) == []


def test_nothing_before_publication_and_nothing_for_drafts_or_unknown_slugs(client, published):
    slug = published.slug
    login(client, make_user(role="commissioner"))
    for fmt in ("json", "csv"):
        assert client.get(f"/c/{slug}/results/open-data.{fmt}").status_code == 404
    page = text(client.get(f"/consultations/{published.id}/results"))
    assert "Results of the priority vote" in page and "Check these figures" not in page and "open-data" not in page
    draft = make_consultation(status="draft", vote={"priorities": ["A", "B"]})
    db.session.commit()
    for url in (f"/c/{draft.slug}/results/open-data.json", "/c/no-such-thing/results/open-data.json",
                f"/c/{slug}/results/open-data.xml"):
        assert client.get(url).status_code == 404, url
    publish(published)
    assert client.get(f"/c/{slug}/results/open-data.xml").status_code == 404
    assert client.get(f"/c/{slug}/results/open-data.csv").status_code == 200


# --- results verify -------------------------------------------------------------------------------------------

@pytest.fixture
def document(client, published):
    publish(published)
    return json.loads(client.get(f"/c/{published.slug}/results/open-data.json").data)


def run(app, tmp_path, content, name="open-data.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode("utf-8"))
    return app.test_cli_runner().invoke(args=["results", "verify", str(path)])


def test_a_published_file_matches(app, tmp_path, document):
    result = run(app, tmp_path, document)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("matches: ")
    assert "32 ballots" in result.output and "2 of 4 localities" in result.output


def top(document):
    return document["result"]["overall"]["priorities"][0]


def test_a_tampered_rank_score_or_table_is_named(app, tmp_path, document):
    code = top(document)["code"]
    tampered = copy.deepcopy(document)
    top(tampered)["rank"] = 2
    result = run(app, tmp_path, tampered)
    assert result.exit_code == 1
    assert f"does not match: rank of priority {code} overall: file says 2, recomputed 1" in result.output

    tampered = copy.deepcopy(document)
    top(tampered)["score"] += 0.01
    result = run(app, tmp_path, tampered)
    assert result.exit_code == 1 and f"score of priority {code} overall: file says" in result.output

    # A point moved between priorities in one table changes that table's scores, not its ballots.
    tampered = copy.deepcopy(document)
    points = tampered["tables"]["localities"]["HAR"]["groups"]["prac"]["points"]
    points["A"], points["B"] = points["A"] + 1, points["B"] - 1
    mismatches = verify(tampered)
    assert mismatches and all(" in HAR" in m.figure for m in mismatches)
    result = run(app, tmp_path, tampered)
    assert result.exit_code == 1 and "in HAR: file says" in result.output and "Traceback" not in result.output

    tampered = copy.deepcopy(document)
    tampered["tables"]["overall"]["pooled"]["ballots"] = 4
    result = run(app, tmp_path, tampered)
    assert result.exit_code == 1 and "ballots overall: file says 32, recomputed 29" in result.output

    tampered = copy.deepcopy(document)
    tampered["weights"]["carer"] = 2.5
    assert verify(tampered)[0].figure.startswith("score of priority")


def test_a_changed_comparison_scheme_is_named(app, tmp_path, document):
    tampered = copy.deepcopy(document)
    tampered["comparison"]["equal_people"]["overall"]["priorities"][0]["share"] = 0.5
    result = run(app, tmp_path, tampered)
    assert result.exit_code == 1 and "overall (equal_people, for comparison)" in result.output


@pytest.mark.parametrize("content, words", [
    (b"\x00\xff not json", "not JSON"),
    (b"{\"schema\": ", "not JSON"),
    (b"[" * 100_000, "not JSON"),
    ([], "not a consult-open-data file"),
    ({"schema": "consult-open-data", "schema_version": 99}, "schema_version 99 is not 1"),
])
def test_garbage_is_refused_in_one_line(app, tmp_path, content, words):
    result = run(app, tmp_path, content)
    assert result.exit_code == 2, result.output
    assert words in result.output and len(result.output.strip().splitlines()) == 1 and "Traceback" not in \
        result.output


def test_a_broken_document_is_refused_in_one_line(app, tmp_path, document):
    for breaking in (lambda d: d["tables"]["overall"].pop("groups"),
                     lambda d: d["tables"]["localities"]["PET"]["groups"]["carer"].update(ballots="six"),
                     lambda d: d["result"]["overall"]["priorities"].pop(),
                     lambda d: d["weights"].update(carer=-1.0),
                     lambda d: d.update(weighting="most_votes")):
        broken = copy.deepcopy(document)
        breaking(broken)
        result = run(app, tmp_path, broken)
        assert result.exit_code == 2, result.output
        assert "not a valid open-data file" in result.output and len(result.output.strip().splitlines()) == 1


def test_a_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["results", "verify", str(tmp_path / "nowhere.json")])
    assert result.exit_code == 2 and "No such file or directory" in result.output


def test_results_slug_still_prints_results(app, published):
    result = app.test_cli_runner().invoke(args=["results", "--help"])
    assert result.exit_code == 0 and "verify" in result.output and "show" in result.output
    for args in (["results", published.slug, "--format", "json"], ["results", "show", published.slug],
                 ["results", "--locality", "PET", published.slug]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["ballots"] == (14 if "PET" in args else 32)


def test_the_stored_seed_reproduces_the_intervals(published):
    data = latest_snapshot(published).data
    assert data["seed"] is not None and data["resamples"] == 200

    def intervals(seed):
        return bootstrap_intervals(published, aggregate(published), resamples=data["resamples"], seed=seed)

    assert intervals(data["seed"]) == data["intervals"]
    # The seed, not chance, makes them equal: other seeds draw other resamples, and other intervals.
    assert any(intervals(data["seed"] + k) != data["intervals"] for k in range(1, 6))


def test_the_report_built_before_publication_names_the_published_files_fingerprint(app, client, published,
                                                                                   tmp_path):
    out = tmp_path / "report.html"
    result = app.test_cli_runner().invoke(args=["report", published.slug, "--format", "html", "--output", str(out)])
    assert result.exit_code == 0, result.output
    publish(published)
    served = client.get(f"/c/{published.slug}/results/open-data.json").data
    report = html.unescape(out.read_text(encoding="utf-8"))
    assert f"/c/{published.slug}/results/open-data.json" in report
    assert f"the SHA-256 fingerprint of that JSON file is {hashlib.sha256(served).hexdigest()}" in report
