"""Who a consultation is for: its managers choose the target population, and representativeness compares
people with those bands only."""

import pytest
from sqlalchemy import select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.reports import representation
from factories import login, make_consultation, make_locality, make_planning_group, make_user

OLDER = ["65_74", "75_84", "85_plus"]


def person(i, locality, age):
    return {"id": i, "locality": locality, "age_band": age}


def test_a_target_population_of_65_and_over_never_flags_under_18():
    # Peterlee's population is mostly young; the 40 people who answered are all 65 or over.
    populations = {"PET": {"age_band": {"under_18": 4_000, "18_24": 2_000, "65_74": 1_200, "75_84": 600,
                                        "85_plus": 200}}}
    responses = ([person(i, "PET", "65_74") for i in range(24)] + [person(100 + i, "PET", "75_84") for i in range(12)]
                 + [person(200 + i, "PET", "85_plus") for i in range(4)] + [person(300, "PET", "45_54")])
    everyone = representation.representativeness(responses, [], localities=["PET"],
                                                 locality_population={"PET": 8_000}, populations=populations)
    flagged = {(f["band_type"], f["band"]) for f in everyone["under_represented"]}
    assert ("age_band", "under_18") in flagged  # compared with everyone, the children are "missing"

    older = representation.representativeness(responses, [], localities=["PET"],
                                              locality_population={"PET": 8_000}, populations=populations,
                                              target={"age_band": OLDER})
    assert not any(f["band"] in ("under_18", "18_24") for f in older["under_represented"])
    table = next(t for t in older["bands"] if t["locality"] is None)
    assert [row["band"] for row in table["rows"]] == OLDER  # bands outside the target are not compared
    # Shares are re-normalised within the target: 1,200 of 2,000 people aged 65 and over are 65 to 74.
    assert [row["population_share"] for row in table["rows"]] == [60.0, 30.0, 10.0]
    assert [row["share"] for row in table["rows"]] == [60.0, 30.0, 10.0]
    assert table["base"] == 40 and table["other"] == 1  # the 45 to 54 year old is counted apart
    assert older["target"] == {"age_band": OLDER}


def test_localities_are_compared_by_their_population_in_the_target_bands():
    # Seaham has half the people but three quarters of those aged 65 and over.
    populations = {"PET": {"age_band": {"18_24": 9_000, "65_74": 1_000}},
                   "SEA": {"age_band": {"18_24": 2_000, "65_74": 3_000}}}
    responses = [person(i, "PET", "65_74") for i in range(50)] + [person(100 + i, "SEA", "65_74") for i in range(50)]
    result = representation.representativeness(responses, [], localities=["PET", "SEA"],
                                               locality_population={"PET": 10_000, "SEA": 5_000},
                                               populations=populations, target={"age_band": ["65_74"]})
    rows = {row["locality"]: row for row in result["localities"]["rows"]}
    assert rows["SEA"]["population"] == 3_000 and rows["SEA"]["population_share"] == 75.0
    assert rows["SEA"]["responses_under"] is True and rows["PET"]["responses_under"] is False
    assert result["localities"]["population_band_type"] == "age_band"


@pytest.fixture
def setting():
    manager, local = make_user(role="facilitator"), make_user(role="facilitator")
    place = make_locality()
    make_planning_group(locality=place, facilitators=[local])
    # Its lead manages it; a facilitator of a locality it covers works that locality only.
    consultation = make_consultation(localities=[place], lead=manager)
    people = {"manager": manager, "local": local, "other": make_user(role="facilitator"),
              "member": make_user(role="member"), "admin": make_user(role="admin"),
              "commissioner": make_user(role="commissioner")}
    make_planning_group(locality=make_locality(), facilitators=[people["other"]])
    db.session.commit()
    return consultation, people


def test_only_the_consultations_managers_choose_its_target_population(client, setting):
    consultation, people = setting
    path = f"/consultations/{consultation.id}/target-population"
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location
    allowed = set()
    for who, user in people.items():
        client.post("/logout")
        login(client, user)
        status = client.get(path).status_code
        assert status in (200, 403), (who, status)
        if status == 200:
            allowed.add(who)
        assert client.post(path, data={"age_band": ["65_74"]}).status_code == (302 if status == 200 else 403)
    assert allowed == {"manager", "admin"}


def test_choosing_65_and_over_is_saved_audited_and_shown_again(client, setting):
    consultation, people = setting
    login(client, people["manager"])
    path = f"/consultations/{consultation.id}/target-population"
    response = client.post(path, data={"age_band": ["85_plus", "65_74", "75_84"], "disability": []})
    assert response.status_code == 302
    db.session.expire_all()
    assert consultation.target_population == {"age_band": OLDER}  # in the bands' own order
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.target_population"))
    assert event.after == {"age_band": OLDER} and event.before == {} and event.actor_id == people["manager"].id
    page = client.get(path).get_data(as_text=True)
    assert 'value="65_74" checked' in page and 'value="under_18" checked' not in page
    # Unticking everything compares with everyone again.
    assert client.post(path, data={}).status_code == 302
    db.session.expire_all()
    assert consultation.target_population == {}


@pytest.mark.parametrize("form, message", [
    ({"age_band": ["65_74", "over_100"]}, "&#34;over_100&#34; is not one of the bands of age"),
    ({"shoe_size": ["9"]}, "&#34;shoe_size&#34; is not a kind of band you can choose"),
])
def test_an_unknown_band_is_refused_with_what_was_wrong_and_nothing_is_saved(client, setting, form, message):
    consultation, people = setting
    consultation.target_population = {"age_band": ["75_84"]}
    db.session.commit()
    login(client, people["manager"])
    response = client.post(f"/consultations/{consultation.id}/target-population", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert consultation.target_population == {"age_band": ["75_84"]}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.target_population")) is None
