"""Planning years, budgets and intentions through the web: rules, refusals (4xx, nothing saved), audit."""

import pytest
from sqlalchemy import func, select

from consult.commissioning import draft_runs, intentions
from consult.commissioning.common import CommissioningError
from consult.commissioning.models import Budget, Intention, PlanningYear
from consult.core.models import AuditEvent
from consult.extensions import db
from factories import login, make_planning_year, make_user, make_voted_consultation

BLANK = {"service_change": "none", "funding_route": "", "lead_commissioner": "", "relative_cost": "",
         "relative_quality": "", "service_area": ""}


@pytest.fixture
def commissioner():
    return make_user(role="commissioner", name="Chris Commissioner")


@pytest.fixture
def drafted(app, commissioner):
    """A planning year with budgets and the five draft intentions of a closed vote (P1 ranked 1st ... P5 5th)."""
    consultation = make_voted_consultation()
    year = make_planning_year(budgets={"health": "50000", "social_care": "30000"},
                              pooled={"health": "20000", "council": "10000"})
    draft_runs.run_draft(draft_runs.start_draft_run(year, [consultation.id], "equal", actor=commissioner).id)
    db.session.commit()
    by_code = {i.priority_code: i for i in db.session.scalars(select(Intention))}
    return year, consultation, by_code


def form_for(intention, **changes):
    data = {**BLANK, "title_en": intention.title.get("en", ""), "title_cy": intention.title.get("cy", ""),
            "status": intention.status, "localities": [loc.id for loc in intention.localities],
            "amount": str(intention.amount) if intention.amount is not None else ""}
    data.update(changes)
    return data


def agree(intention, **changes):
    return form_for(intention, **{"status": "agreed", "funding_route": "health", "lead_commissioner": "health",
                                  **changes})


def audit_count(intention) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "commissioning_intentions", AuditEvent.entity_id == str(intention.id)))


# --- planning years and budgets --------------------------------------------------------------------------------

def test_commissioner_adds_a_planning_year_and_its_budgets(client, commissioner):
    db.session.commit()
    login(client, commissioner)
    response = client.post("/commissioning/years/new", data={"label": "2027/28"})
    assert response.status_code == 302
    year = db.session.scalar(select(PlanningYear))
    assert (year.starts_on.isoformat(), year.ends_on.isoformat()) == ("2027-04-01", "2028-03-31")
    response = client.post(f"/commissioning/years/{year.id}/budgets", data={
        "amount_health": "250000", "amount_social_care": "180000", "amount_aligned": "",
        "pooled_health": "90000", "pooled_council": "70000.50"})
    assert response.status_code == 302
    db.session.expire_all()
    assert {b.funding_route: str(b.amount) for b in year.budgets} == {
        "health": "250000.00", "social_care": "180000.00", "pooled": "160000.50"}
    assert {c.partner: str(c.amount) for c in year.budget("pooled").contributions} == {
        "health": "90000.00", "council": "70000.50"}
    page = client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)
    assert "£160,000.50" in page and "Council: £70,000.50" in page


@pytest.mark.parametrize("label, message", [("2027", "like 2027/28"), ("2027/29", "like 2027/28"),
                                            ("", "Enter the planning year")])
def test_a_bad_planning_year_is_refused_and_nothing_saved(client, commissioner, label, message):
    db.session.commit()
    login(client, commissioner)
    response = client.post("/commissioning/years/new", data={"label": label})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PlanningYear)) == 0


def test_a_second_year_with_the_same_label_is_refused(client, commissioner):
    make_planning_year("2027/28")
    db.session.commit()
    login(client, commissioner)
    response = client.post("/commissioning/years/new", data={"label": "2027/28"})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)


def test_a_negative_budget_is_refused_and_nothing_saved(client, commissioner):
    year = make_planning_year(budgets={"health": "1000"})
    db.session.commit()
    login(client, commissioner)
    response = client.post(f"/commissioning/years/{year.id}/budgets", data={
        "amount_health": "-5", "amount_social_care": "20", "pooled_health": "abc"})
    assert response.status_code == 400
    assert "Enter an amount of 0 or more" in response.get_data(as_text=True)
    assert [(b.funding_route, str(b.amount)) for b in db.session.scalars(select(Budget))] == [("health", "1000.00")]


# --- intentions ----------------------------------------------------------------------------------------------

def test_editing_marks_fields_as_a_persons_and_the_audit_shows_before_and_after(client, commissioner, drafted):
    year, consultation, by_code = drafted
    p1 = by_code["P1"]
    login(client, commissioner)
    form = client.get(f"/commissioning/intentions/{p1.id}/edit").get_data(as_text=True)
    assert 'name="title_en"' in form and 'value="Gwasanaeth P1"' in form and 'name="rationale_ur"' in form
    assert 'value="contracted"' not in form  # only the statuses a draft can move to are offered
    response = client.post(f"/commissioning/intentions/{p1.id}/edit",
                           data=agree(p1, title_en="Carers' assessments in four weeks", amount="15000"))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    assert p1.status == "agreed" and set(p1.edited_fields) >= {"title", "status", "amount", "funding_route"}
    assert "localities" not in p1.edited_fields  # unchanged fields stay the draft job's
    page = client.get(f"/commissioning/intentions/{p1.id}").get_data(as_text=True)
    assert "History of changes" in page and "Chris Commissioner" in page
    assert "Service P1" in page and "Carers&#39; assessments in four weeks" in page  # before and after
    assert "£15,000" in page


def test_deferring_a_top_priority_without_a_rationale_is_refused_and_nothing_saved(client, commissioner, drafted):
    year, consultation, by_code = drafted
    p1 = by_code["P1"]
    events = audit_count(p1)
    login(client, commissioner)
    response = client.post(f"/commissioning/intentions/{p1.id}/edit", data=form_for(p1, status="deferred"))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Give a rationale in English: this decision departs from what the consultation said." in text
    assert "Service P1 was ranked 1 of 5, a top priority, but the decision is: deferred." in text
    assert 'href="#rationale_en"' in text  # the error summary links to the field
    db.session.expire_all()
    assert p1.status == "draft" and audit_count(p1) == events

    response = client.post(f"/commissioning/intentions/{p1.id}/edit", data=form_for(
        p1, status="deferred", rationale_en="The provider market cannot deliver this year.",
        rationale_cy="Ni all y farchnad ddarparu eleni."))
    assert response.status_code == 302
    db.session.expire_all()
    assert p1.status == "deferred" and p1.rationale_explains == ["top_not_pursued"]
    page = client.get(f"/commissioning/intentions/{p1.id}").get_data(as_text=True)
    assert "a top priority, but the decision is: deferred." in page and "Explained by the rationale" in page
    # Deferring a priority that is not a top one needs no rationale.
    p4 = by_code["P4"]
    assert client.post(f"/commissioning/intentions/{p4.id}/edit",
                       data=form_for(p4, status="deferred")).status_code == 302


def test_agreeing_a_lower_priority_before_a_higher_one_needs_a_rationale(client, commissioner, drafted):
    year, consultation, by_code = drafted
    p3 = by_code["P3"]
    login(client, commissioner)
    response = client.post(f"/commissioning/intentions/{p3.id}/edit", data=agree(p3))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Service P3 (ranked 3 of 5) is agreed while higher-ranked priorities are not agreed" in text
    assert "Service P1 (ranked 1 of 5, draft)" in text
    db.session.expire_all()
    assert p3.status == "draft"
    # Agreeing in the consultation's order needs no rationale.
    for code in ("P1", "P2", "P3"):
        item = by_code[code]
        assert client.post(f"/commissioning/intentions/{item.id}/edit", data=agree(item)).status_code == 302


def test_a_change_elsewhere_can_create_a_departure_that_then_needs_a_rationale(app, client, commissioner, drafted):
    year, consultation, by_code = drafted
    login(client, commissioner)
    for code in ("P1", "P2"):
        client.post(f"/commissioning/intentions/{by_code[code].id}/edit", data=agree(by_code[code]))
    # P1 is declined (explained), which leaves agreed P2 ahead of a higher priority that is not agreed.
    p1 = by_code["P1"]
    assert client.post(f"/commissioning/intentions/{p1.id}/edit", data=agree(
        p1, status="declined", rationale_en="Another service now covers this.")).status_code == 302
    db.session.expire_all()
    with app.test_request_context():
        assert [i.priority_code for i in intentions.year_warnings(year)] == ["P2"]
    page = client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)
    assert "Needs a rationale" in page
    response = client.post(f"/commissioning/consultations/{consultation.id}/you-said-we-did")
    assert "Service P2 needs a rationale" in response.get_data(as_text=True)


@pytest.mark.parametrize("changes, field, message", [
    ({"amount": ""}, "amount", "Enter the amount before agreeing"),
    ({"funding_route": ""}, "funding_route", "Choose the funding route before agreeing"),
    ({"lead_commissioner": ""}, "lead_commissioner", "Choose the lead commissioner before agreeing"),
    ({"service_change": "replace"}, "relative_cost", "the Best Value check"),
    ({"title_en": ""}, "title_en", "Enter a title in English"),
    ({"planned_start": ["1", "6", "2027"], "planned_end": ["1", "5", "2027"]}, "planned_end",
     "planned end must be on or after"),
    ({"funding_route": "lottery"}, "funding_route", "Choose one of the options"),
    ({"status": "contracted"}, "status", "Choose one of the options"),  # draft cannot jump to contracted
    ({"amount": "lots"}, "amount", "Not a valid decimal value"),
    ({"amount": "NaN"}, "amount", "Enter an amount of 0 or more"),
    ({"amount": "-Infinity"}, "amount", "Enter an amount of 0 or more"),
    ({"localities": ["999999"]}, "localities", "Choose one of the options"),
])
def test_bad_intentions_are_refused_with_a_clear_message(client, commissioner, drafted, changes, field, message):
    year, consultation, by_code = drafted
    p1 = by_code["P1"]
    events = audit_count(p1)
    login(client, commissioner)
    response = client.post(f"/commissioning/intentions/{p1.id}/edit", data=agree(p1, **changes))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text and f'href="#{field}' in text
    db.session.expire_all()
    assert p1.status == "draft" and audit_count(p1) == events


def test_status_moves_follow_the_lifecycle(app, commissioner, drafted):
    year, consultation, by_code = drafted
    p1 = by_code["P1"]
    base = {"title": p1.title, "amount": "100", "funding_route": "health", "lead_commissioner": "council",
            "service_change": "none", "localities": []}
    with app.test_request_context():
        for status in ("proposed", "agreed", "contracted", "delivered"):
            intentions.save_intention(p1, data={**base, "status": status}, actor=commissioner)
        with pytest.raises(CommissioningError, match="cannot become draft"):
            intentions.save_intention(p1, data={**base, "status": "draft"}, actor=commissioner)
        with pytest.raises(CommissioningError, match="cannot become declined"):
            intentions.save_intention(p1, data={**base, "status": "declined"}, actor=commissioner)


def test_best_value_judgement_is_shown_for_a_replacement(client, commissioner, drafted):
    year, consultation, by_code = drafted
    p1 = by_code["P1"]
    login(client, commissioner)
    response = client.post(f"/commissioning/intentions/{p1.id}/edit", data=agree(
        p1, service_change="replace", relative_cost="lower", relative_quality="same"))
    assert response.status_code == 302
    page = client.get(f"/commissioning/intentions/{p1.id}").get_data(as_text=True)
    assert "Best Value check" in page and "Best value" in page and "Replaces an existing service" in page
    client.post(f"/commissioning/intentions/{p1.id}/edit", data=agree(
        p1, service_change="decommission", relative_cost="higher", relative_quality="higher"))
    page = client.get(f"/commissioning/intentions/{p1.id}").get_data(as_text=True)
    assert "Judgement required on non-financial costs and benefits" in page


def test_totals_per_route_warn_when_over_budget(client, commissioner, drafted):
    year, consultation, by_code = drafted  # health budget £50,000; P1 costs £10,000, P2 £20,000, P3 £30,000
    login(client, commissioner)
    for code in ("P1", "P2"):
        client.post(f"/commissioning/intentions/{by_code[code].id}/edit", data=agree(by_code[code]))
    page = client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)
    assert "Over budget" not in page
    p3 = by_code["P3"]
    client.post(f"/commissioning/intentions/{p3.id}/edit", data=form_for(p3, status="proposed",
                                                                         funding_route="health"))
    page = client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)
    assert "If the proposed intentions funded by Health are agreed, spending will be £60,000" in page
    client.post(f"/commissioning/intentions/{p3.id}/edit", data=agree(p3))
    page = client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)
    assert ("Over budget: agreed intentions funded by Health come to £60,000, £10,000 more than the budget of "
            "£50,000.") in page
    assert "£10,000 over" in page


def test_a_commissioner_adds_an_intention_by_hand(client, commissioner, drafted):
    year, consultation, by_code = drafted
    login(client, commissioner)
    response = client.post(f"/commissioning/years/{year.id}/intentions/new", data={
        **BLANK, "title_en": "Dementia café", "status": "proposed", "amount": "4000", "funding_route": "pooled"})
    assert response.status_code == 302
    added = db.session.scalar(select(Intention).where(Intention.consultation_id.is_(None)))
    assert added.title == {"en": "Dementia café"} and added.status == "proposed" and added.funding_route == "pooled"
    assert "title" in added.edited_fields
    assert "Added by hand" in client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)


# --- permissions -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["member", "facilitator", "admin"])
def test_others_read_intentions_but_do_not_decide(client, drafted, role):
    year, consultation, by_code = drafted
    user = make_user(role=role)
    db.session.commit()
    login(client, user)
    p1 = by_code["P1"]
    assert client.get("/commissioning").status_code == 200
    assert client.get(f"/commissioning/years/{year.id}").status_code == 200
    page = client.get(f"/commissioning/intentions/{p1.id}")
    assert page.status_code == 200 and "Evidence from the consultation" in page.get_data(as_text=True)
    assert ("History of changes" in page.get_data(as_text=True)) == (role == "admin")
    for url in (f"/commissioning/intentions/{p1.id}/edit", f"/commissioning/years/{year.id}/draft",
                f"/commissioning/years/{year.id}/budgets", "/commissioning/years/new",
                f"/commissioning/years/{year.id}/intentions/new",
                f"/commissioning/consultations/{consultation.id}/you-said-we-did"):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/commissioning/intentions/{p1.id}/edit", data=agree(p1))
    assert response.status_code == 403
    db.session.expire_all()
    assert p1.status == "draft"


def test_the_public_is_sent_to_sign_in(client, drafted):
    year, consultation, by_code = drafted
    for url in ("/commissioning", f"/commissioning/years/{year.id}", f"/commissioning/intentions/{by_code['P1'].id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_every_commissioner_page_renders(client, commissioner, drafted):
    year, consultation, by_code = drafted
    login(client, commissioner)
    pages = {"/commissioning": "2027/28", f"/commissioning/years/{year.id}": "Last drafting run",
             f"/commissioning/years/{year.id}/edit": 'value="2027/28"',
             f"/commissioning/years/{year.id}/budgets": 'value="50000.00"',
             f"/commissioning/years/{year.id}/draft": consultation.slug,
             f"/commissioning/years/{year.id}/intentions/new": 'name="title_cy"',
             f"/commissioning/intentions/{by_code['P1'].id}": "Rank and score by area",
             f"/commissioning/consultations/{consultation.id}/you-said-we-did": "Before you can publish"}
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200 and expected in response.get_data(as_text=True), url
