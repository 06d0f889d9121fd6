"""The results page: who sees it when, what it shows, and the recalculate button."""

import html
import re

import pytest
from sqlalchemy import select

from consult.accounts.models import User
from consult.extensions import db
from consult.jobs.models import JobRecord
from consult.voting.models import ResultsSnapshot
from consult.voting.results import compute_results
from factories import (
    login,
    make_ballot,
    make_consultation,
    make_locality,
    make_membership,
    make_planning_group,
    make_stakeholder_group,
    make_user,
)


@pytest.fixture
def closed():
    carer = make_stakeholder_group(code="carer", name={"en": "Carers"}, weight=2.0)
    practitioner = make_stakeholder_group(code="prac", name={"en": "Practitioners"})
    peterlee, seaham = make_locality(code="PET", name={"en": "Peterlee"}), make_locality(code="SEA",
                                                                                       name={"en": "Seaham"})
    consultation = make_consultation(localities=[peterlee, seaham], groups=[carer, practitioner], status="closed",
                                     vote={"method": "ranking", "priorities": ["A", "B", "C"]})
    for _ in range(6):
        make_ballot(consultation, {"A": 1, "B": 2}, group=carer, locality=peterlee)
    for _ in range(2):
        make_ballot(consultation, {"C": 1}, group=practitioner, locality=seaham)
    # The Peterlee facilitator leads it (and so may recalculate); the Seaham one sees its results too.
    facilitator = make_user(role="facilitator")
    consultation.lead = facilitator
    make_planning_group(locality=peterlee, facilitators=[facilitator])
    make_planning_group(locality=seaham, facilitators=[make_user(role="facilitator", email="seaham@example.org")])
    db.session.commit()
    return consultation, facilitator


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_before_publication_only_managers_and_commissioners_see_results(client, closed):
    consultation, facilitator = closed
    url = f"/consultations/{consultation.id}/results"
    assert client.get(url).status_code == 302  # to sign in
    assert client.get(f"/c/{consultation.slug}/results").status_code == 302
    member = make_membership(planning_group=make_planning_group(locality=consultation.localities[0])).user
    db.session.commit()
    seaham = db.session.scalar(select(User).where(User.email == "seaham@example.org"))
    for user, status in ((member, 403), (make_user(role="facilitator"), 403), (make_user(role="commissioner"), 200),
                         (facilitator, 200), (seaham, 200)):
        db.session.commit()
        login(client, user)
        assert client.get(url).status_code == status, user.role
        client.post("/logout")


def test_without_a_snapshot_managers_are_offered_the_calculation(client, closed):
    consultation, facilitator = closed
    login(client, facilitator)
    page = text(client.get(f"/consultations/{consultation.id}/results"))
    assert "The results have not been calculated yet." in page and "Recalculate results" in page
    client.post("/logout")
    login(client, make_user(role="commissioner"))
    page = text(client.get(f"/consultations/{consultation.id}/results"))
    assert "not been calculated yet" in page and "Recalculate results" not in page


def test_results_show_ranks_shares_chart_schemes_and_intervals(client, closed):
    consultation, facilitator = closed
    compute_results(consultation.id)
    db.session.commit()
    login(client, facilitator)
    page = text(client.get(f"/consultations/{consultation.id}/results"))
    assert "These results are not published yet" in page
    # group_shares: carers (weight 2) rank A first (2 points each) and B (1); practitioners put C first (2).
    # A = 2*12/6 = 4, C = 1*4/2 = 2, B = 2*6/6 = 2: A first, B and C joint second.
    ranking = page[page.index('id="ranking"'):page.index("</table>", page.index('id="ranking"'))]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", ranking, re.S)[1:]
    cells = [re.sub(r"<[^>]+>", "|", r) for r in rows]
    assert "Priority A" in cells[0] and "50.0%" in cells[0] and "4.00" in cells[0]
    assert "2 (joint)" in cells[1] and "2 (joint)" in cells[2]
    assert "Likely places (90%)" in page and "(settled)" in page and "How settled are these places?" in page
    assert '<svg class="app-chart" role="img" aria-labelledby="chart-title chart-desc"' in page
    assert '<title id="chart-title">' in page and 'id="by-group"' in page
    assert page.count("<rect ") == 3  # one segment per group that gave the priority points
    assert "The three ways of weighting, side by side" in page and "(the result)" in page and "(what if: not the result)" in page
    # Side by side: equal_people A = 12 of 22 points; group_weights A = 24 of 40.
    assert "Place 1, 54.5%" in page and "Place 1, 60.0%" in page
    assert "Recalculate results" in page


def test_locality_filter(client, closed):
    consultation, facilitator = closed
    compute_results(consultation.id)
    db.session.commit()
    login(client, facilitator)
    page = text(client.get(f"/consultations/{consultation.id}/results?locality=SEA"))
    assert "Priorities in order: Seaham" in page
    turnout = re.sub(r"\s+", " ", page[page.index('id="turnout"'):])
    assert re.search(r">Carers</th> <td[^>]*>0</td>", turnout)
    assert re.search(r">Practitioners</th> <td[^>]*>2</td>", turnout)
    assert "Likely places are worked out for all areas together" in page
    bad = client.get(f"/consultations/{consultation.id}/results?locality=NOPE")
    assert bad.status_code == 400 and "Choose one of the options" in text(bad)


def test_published_results_are_public(client, closed):
    consultation, _ = closed
    compute_results(consultation.id)
    consultation.status = "published"
    db.session.commit()
    for url in (f"/c/{consultation.slug}/results", f"/consultations/{consultation.id}/results"):
        response = client.get(url)
        assert response.status_code == 200 and "Results of the priority vote" in text(response)
        assert "not published yet" not in text(response) and "Recalculate results" not in text(response)


def test_recalculate_submits_the_tally_job(client, closed):
    consultation, facilitator = closed
    login(client, facilitator)
    response = client.post(f"/consultations/{consultation.id}/results/recalculate")
    assert response.status_code == 302 and "/jobs/" in response.location
    db.session.expire_all()
    record = db.session.scalar(select(JobRecord))
    assert (record.kind, record.subject, record.args) == ("consultation.tally", f"consultation:{consultation.id}",
                                                          {"consultation_id": consultation.id})
    page = text(client.get(f"/consultations/{consultation.id}/results"))
    assert "The results are being recalculated" in page


def test_only_managers_may_recalculate_and_not_after_publication(client, closed):
    consultation, facilitator = closed
    login(client, make_user(role="commissioner"))
    assert client.post(f"/consultations/{consultation.id}/results/recalculate").status_code == 403
    client.post("/logout")
    consultation.status = "published"
    db.session.commit()
    login(client, facilitator)
    assert client.post(f"/consultations/{consultation.id}/results/recalculate").status_code == 403
    assert db.session.scalar(select(JobRecord)) is None


def tipping_list(page):
    """The sentences of "How much rests on the weights", one per item."""
    if 'id="tipping-list"' not in page:
        return []
    part = page[page.index('id="tipping-list"'):page.index("</ul>", page.index('id="tipping-list"'))]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", part, re.S)]


def test_published_results_say_how_far_each_groups_weight_could_move(client, closed):
    consultation, _ = closed
    compute_results(consultation.id)
    consultation.status = "published"
    commissioner = make_user(role="commissioner")
    db.session.commit()
    # In public, no group of fewer than 5 ballots is shown on its own, so none of its tipping points either.
    public = text(client.get(f"/c/{consultation.slug}/results"))
    assert "How much rests on the weights" in public and tipping_list(public) == []
    login(client, commissioner)
    page = text(client.get(f"/c/{consultation.slug}/results"))
    assert "How much rests on the weights" in page
    # group_shares, 3 priorities (the top set is the first place). In the carers' weight x: A = 12x/6 = 2x,
    # B = x, C = 4/2 = 2, so C passes A below x = 1. In the practitioners' weight y: A = 4, B = 2, C = 2y.
    assert tipping_list(page) == [
        "The weight of Carers would have to fall from 2.0 to 1.0 before Priority C takes first place.",
        "No rise in the weight of Carers, however large, would change the first place.",
        "No fall in the weight of Practitioners, even to 0, would change the first place.",
        "The weight of Practitioners would have to rise from 1.0 to 2.0 before Priority C takes first place.",
    ]
    # One locality's results are not the result the decisions rest on: no tipping points there.
    local = text(client.get(f"/c/{consultation.slug}/results?locality=PET"))
    assert "How much rests on the weights" not in local


def test_without_weights_or_the_aggregate_table_there_are_no_tipping_points(client, closed):
    consultation, _ = closed
    consultation.vote.weighting = "equal_people"
    compute_results(consultation.id)
    consultation.status = "published"
    db.session.commit()
    page = text(client.get(f"/c/{consultation.slug}/results"))
    assert "Every vote counts the same in this consultation, so the stakeholder groups' weights do not" in page
    assert tipping_list(page) == []
    # A snapshot from before the aggregate table was kept (version 1) shows no section at all.
    snapshot = db.session.scalar(select(ResultsSnapshot))
    snapshot.data = {k: v for k, v in snapshot.data.items() if k != "aggregate"} | {"version": 1}
    db.session.commit()
    assert "How much rests on the weights" not in text(client.get(f"/c/{consultation.slug}/results"))
