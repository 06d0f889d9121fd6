"""`flask --app consult ballots import` and `flask --app consult results` (DESIGN section 8)."""

import json

import pytest
from sqlalchemy import func, select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.voting.models import Ballot, BallotChoice
from factories import make_ballot, make_consultation, make_locality, make_stakeholder_group

HEADER = "voter,group,locality,priority,value\n"


@pytest.fixture
def setup():
    carer, prac = make_stakeholder_group(code="carer", weight=2.0), make_stakeholder_group(code="prac")
    consultations = {}
    for method in ("ranking", "approval", "points"):
        vote = {"method": method, "priorities": ["P1", "P2", "P3"], "weighting": "group_shares"}
        if method == "points":
            vote.update(points_budget=10, max_choices=2)
        if method == "approval":
            vote.update(max_choices=2)
        consultations[method] = make_consultation(
            slug=f"vote-{method}", groups=[carer, prac],
            localities=[make_locality(code=f"PET{method[:2]}"), make_locality(code=f"SEA{method[:2]}")], vote=vote)
    db.session.commit()
    return consultations


def write(tmp_path, text, name="ballots.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot)) + db.session.scalar(
        select(func.count()).select_from(BallotChoice))


def test_import_a_good_ranking_file(app, setup, tmp_path):
    loc = setup["ranking"].localities
    path = write(tmp_path, "\ufeff" + HEADER +  # a spreadsheet's byte-order mark is fine
                 f"v1,carer,{loc[0].code},P2,1\n"
                 f"v1,carer,{loc[0].code},P1,2\n"
                 f"\n"
                 f"v2,prac,{loc[1].code},P3,1\n"
                 f"\"v 3\",prac,{loc[1].code},P1,1\n")
    result = run(app, "ballots", "import", "vote-ranking", path)
    assert result.exit_code == 0, result.output
    assert "3 ballot(s) imported into vote-ranking." in result.output
    db.session.expire_all()
    ballots = {b.voter_key: b for b in db.session.scalars(select(Ballot))}
    assert set(ballots) == {"ref:v1", "ref:v2", "ref:v 3"}
    v1 = ballots["ref:v1"]
    assert v1.channel == "import" and v1.stakeholder_group.code == "carer" and v1.locality.code == loc[0].code
    assert {c.priority.code: (c.value, c.points) for c in v1.choices} == {"P2": (1, 2), "P1": (2, 1)}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "ballot.cast", AuditEvent.channel == "cli")) == 3


def test_import_approval_and_points(app, setup, tmp_path):
    for method, rows in (("approval", ["a,carer,{0},P1,1", "a,carer,{0},P3,1"]),
                         ("points", ["a,prac,{0},P1,7", "a,prac,{0},P2,3", "b,prac,{0},P3,0", "b,prac,{0},P1,1"])):
        code = setup[method].localities[0].code
        path = write(tmp_path, HEADER + "\n".join(r.format(code) for r in rows) + "\n")
        result = run(app, "ballots", "import", f"vote-{method}", path)
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 3
    b = db.session.scalar(select(Ballot).where(Ballot.voter_key == "ref:b"))
    assert {c.priority.code: c.points for c in b.choices} == {"P1": 1}


RANKING_BAD = [
    # (rows after the header, the line reported, words of the reason)
    ("v1,carer,{0},P1,1\nv1,carer,{0},P2,1\n", 3, "Rank 1 is given to more than one priority"),
    ("v1,carer,{0},P1,1\nv1,carer,{0},P2,3\n", 3, "rank 2 is missing"),
    ("v1,carer,{0},P1,0\n", 2, "rank 0 must be 1 or more"),
    ("v1,carer,{0},P1,one\n", 2, "value 'one' is not a whole number"),
    ("v1,carer,{0},P1,1.0\n", 2, "value '1.0' is not a whole number"),
    ("v1,carer,{0},P1,-1\n", 2, "value '-1' is not a whole number"),
    ("v1,carer,{0},P1,\n", 2, "value '' is not a whole number"),
    ("v1,nurse,{0},P1,1\n", 2, "group 'nurse' is not taking part"),
    ("v1,carer,LEEDS,P1,1\n", 2, "locality 'LEEDS' is not covered"),
    ("v1,carer,{0},P9,1\n", 2, "priority 'P9' is not in this vote"),
    (",carer,{0},P1,1\n", 2, "the voter is empty"),
    ("v1,carer,{0},P1\n", 2, "expected 5 values"),
    ("v1,carer,{0},P1,1\nv1,prac,{0},P2,2\n", 3, "is carer in {0} on line 3 but prac in {0} here"),
    ("v1,carer,{0},P1,1\nv1,carer,{0},P1,2\n", 3, "already has a value for P1 on line 3"),
    ("ok,carer,{0},P1,1\nv1,carer,{0},P1,1\nv1,carer,{0},P2,1\n", 4, "more than one priority"),
]


@pytest.mark.parametrize("rows, line, reason", RANKING_BAD)
def test_a_bad_row_rejects_the_whole_file(app, setup, tmp_path, rows, line, reason):
    code = setup["ranking"].localities[0].code
    # A good ballot first: it must not be stored either.
    path = write(tmp_path, HEADER + "good,prac,{0},P1,1\n".format(code) + rows.format(code))
    result = run(app, "ballots", "import", "vote-ranking", path)
    assert result.exit_code != 0
    assert "rejected, nothing was stored" in result.output
    assert f"line {line + 1}: " in result.output and reason.format(code) in result.output, result.output
    assert stored() == 0


@pytest.mark.parametrize("method, rows, line, reason", [
    ("approval", "a,carer,{0},P1,2\n", 2, "an approval must have the value 1, not 2"),
    ("approval", "a,carer,{0},P1,1\na,carer,{0},P2,1\na,carer,{0},P3,1\n", 4, "at most 2 may be chosen"),
    ("points", "a,carer,{0},P1,6\na,carer,{0},P2,5\n", 3, "spends 11 points; the budget is 10"),
    ("points", "a,carer,{0},P1,1\na,carer,{0},P2,1\na,carer,{0},P3,1\n", 4, "at most 2 may be chosen"),
    ("points", "a,carer,{0},P1,0\na,carer,{0},P2,0\n", 3, "gives no points to any priority"),
])
def test_method_rules_with_line_numbers(app, setup, tmp_path, method, rows, line, reason):
    code = setup[method].localities[0].code
    path = write(tmp_path, HEADER + rows.format(code))
    result = run(app, "ballots", "import", f"vote-{method}", path)
    assert result.exit_code != 0
    assert f"line {line}: " in result.output and reason in result.output, result.output
    assert stored() == 0


def test_every_problem_is_listed_in_line_order(app, setup, tmp_path):
    code = setup["ranking"].localities[0].code
    path = write(tmp_path, HEADER + f"a,carer,{code},P9,1\nb,nurse,{code},P1,1\nc,carer,{code},P1,x\n")
    output = run(app, "ballots", "import", "vote-ranking", path).output
    assert output.index("line 2:") < output.index("line 3:") < output.index("line 4:")


def test_a_voter_already_holding_a_ballot_is_an_error(app, setup, tmp_path):
    consultation = setup["ranking"]
    make_ballot(consultation, {"P1": 1}, voter_key="ref:v1")
    db.session.commit()
    path = write(tmp_path, HEADER + f"v1,carer,{consultation.localities[0].code},P2,1\n")
    result = run(app, "ballots", "import", "vote-ranking", path)
    assert result.exit_code != 0 and "line 2: voter 'v1' already has a ballot in this consultation" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


@pytest.mark.parametrize("text, message", [
    ("", "line 1: the file is empty"),
    ("voter,group,locality,priority\n", "line 1: the header must be exactly voter,group,locality,priority,value"),
    ("Voter,Group,Locality,Priority,Value\nv,carer,X,P1,1\n", "the header must be exactly"),
    (HEADER, "line 2: the file has a header but no ballots"),
])
def test_bad_files(app, setup, tmp_path, text, message):
    result = run(app, "ballots", "import", "vote-ranking", write(tmp_path, text))
    assert result.exit_code != 0 and message in result.output, result.output
    assert stored() == 0


def test_bad_slug_missing_file_and_binary_file(app, setup, tmp_path):
    result = run(app, "ballots", "import", "no-such-vote", write(tmp_path, HEADER))
    assert result.exit_code != 0 and "No consultation with the slug 'no-such-vote'" in result.output
    result = run(app, "ballots", "import", "vote-ranking", str(tmp_path / "missing.csv"))
    assert result.exit_code != 0 and "No such file" in result.output
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = run(app, "ballots", "import", "vote-ranking", str(binary))
    assert result.exit_code != 0 and "not UTF-8 text" in result.output


def test_no_imports_into_published_or_vote_less_consultations(app, setup, tmp_path):
    setup["ranking"].status = "published"
    survey_only = make_consultation(slug="survey-only")
    db.session.commit()
    code = setup["ranking"].localities[0].code
    result = run(app, "ballots", "import", "vote-ranking", write(tmp_path, HEADER + f"v,carer,{code},P1,1\n"))
    assert result.exit_code != 0 and "are published" in result.output
    result = run(app, "ballots", "import", survey_only.slug, write(tmp_path, HEADER + f"v,carer,{code},P1,1\n"))
    assert result.exit_code != 0 and "has no priority vote" in result.output
    assert stored() == 0


def test_results_json(app, setup):
    consultation = setup["approval"]
    carer, prac = (gw.stakeholder_group for gw in consultation.group_weights)
    pet, sea = consultation.localities
    make_ballot(consultation, {"P1": 1, "P2": 1}, group=carer, locality=pet)
    make_ballot(consultation, {"P3": 1}, group=prac, locality=sea)
    make_ballot(consultation, {"P3": 1, "P2": 1}, group=prac, locality=sea)
    db.session.commit()
    result = run(app, "results", "vote-approval", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == {
        "consultation": "vote-approval", "method": "approval", "weighting": "group_shares", "locality": None,
        "ballots": 3, "ballots_by_group": {"carer": 1, "prac": 2},
        # group_shares: P2 = 2*1/1 + 1*1/2 = 2.5; P1 = 2; P3 = 1*2/2 = 1. Total 5.5.
        "priorities": [
            {"code": "P2", "score": 2.5, "share": 2.5 / 5.5, "rank": 1, "by_group": {"carer": 2.0, "prac": 0.5}},
            {"code": "P1", "score": 2.0, "share": 2.0 / 5.5, "rank": 2, "by_group": {"carer": 2.0, "prac": 0.0}},
            {"code": "P3", "score": 1.0, "share": 1.0 / 5.5, "rank": 3, "by_group": {"carer": 0.0, "prac": 1.0}},
        ]}
    # What if every ballot counted the same: P2 and P3 tie at 2, listed by code.
    data = json.loads(run(app, "results", "vote-approval", "--weighting", "equal_people", "--format", "json").output)
    assert [(p["code"], p["rank"]) for p in data["priorities"]] == [("P2", 1), ("P3", 1), ("P1", 3)]
    data = json.loads(run(app, "results", "vote-approval", "--locality", sea.code, "--format", "json").output)
    assert data["locality"] == sea.code and data["ballots_by_group"] == {"carer": 0, "prac": 2}


@pytest.mark.parametrize("args, message", [
    (["no-such-vote"], "No consultation with the slug 'no-such-vote'"),
    (["vote-approval", "--locality", "LEEDS"], "locality 'LEEDS' is not covered by 'vote-approval'"),
    (["vote-approval", "--weighting", "loudest"], "unknown weighting scheme 'loudest'"),
    (["vote-approval", "--format", "xml"], "Invalid value for '--format'"),
])
def test_results_refuses_bad_arguments(app, setup, args, message):
    result = run(app, "results", *args)
    assert result.exit_code != 0 and message in result.output, result.output
