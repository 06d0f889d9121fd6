"""Population figures: a file replaces the bands it names, per locality and band type, all or nothing."""

import io

import pytest
from sqlalchemy import func, select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.reports import populations, sources
from consult.reports.errors import PopulationFileError
from factories import login, make_locality, make_population, make_stakeholder_group, make_user

HEAD = "locality,band_type,band,population\n"


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def places():
    pet, sea = make_locality(code="PET"), make_locality(code="SEA")
    make_population(pet, "age_band", {"18_24": 100, "65_74": 200})
    make_population(pet, "ethnic_group", {"white": 900})
    make_population(sea, "age_band", {"65_74": 50})
    return pet, sea


def test_a_file_replaces_the_bands_of_the_types_it_names_for_each_locality_it_names(places):
    pet, sea = places
    assert populations.import_population(HEAD + "PET,age_band,75_84,30\nPET,age_band,65_74,250\n",
                                         channel="cli") == 2
    figures = sources.population_source()
    assert figures["PET"] == {"age_band": {"75_84": 30, "65_74": 250}, "ethnic_group": {"white": 900}}
    assert figures["SEA"] == {"age_band": {"65_74": 50}}


def test_each_locality_changed_is_recorded_once_with_its_bands_before_and_after(places):
    pet, sea = places
    make_stakeholder_group(code="carer")
    populations.import_population(HEAD + "PET,age_band,65_74,250\nSEA,stakeholder_group,carer,7\n"
                                  "PET,ethnic_group,asian,40\n", channel="cli")
    events = {e.entity_id: e for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "population.import"))}
    assert set(events) == {str(pet.id), str(sea.id)}
    assert events[str(pet.id)].before == {"age_band": {"18_24": 100, "65_74": 200}, "ethnic_group": {"white": 900}}
    assert events[str(pet.id)].after == {"age_band": {"65_74": 250}, "ethnic_group": {"asian": 40}}
    assert events[str(sea.id)].before is None and events[str(sea.id)].after == {"stakeholder_group": {"carer": 7}}
    assert events[str(sea.id)].channel == "cli"


def test_a_file_with_a_problem_changes_nothing(places):
    before = sources.population_source()
    with pytest.raises(PopulationFileError) as caught:
        populations.import_population(HEAD + "PET,age_band,65_74,250\nSEA,age_band,65_74,many\n")
    assert caught.value.problems == [(3, "population must be a whole number of 0 or more, not \"many\"")]
    assert sources.population_source() == before
    assert count(AuditEvent, AuditEvent.action == "population.import") == 0


def test_bands_are_the_stakeholder_groups_and_the_about_you_answers():
    make_stakeholder_group(code="zzz_late", position=99)
    make_stakeholder_group(code="aaa_first", position=-1)
    groups = populations.allowed_bands("stakeholder_group")
    assert groups[0] == "aaa_first" and groups[-1] == "zzz_late"
    assert "65_74" in populations.allowed_bands("age_band")
    assert "prefer_not" not in populations.allowed_bands("age_band")


def test_unknown_localities_and_bands_are_refused_by_the_stored_lists(places):
    with pytest.raises(PopulationFileError) as caught:
        populations.import_population(HEAD + "NOWHERE,age_band,65_74,1\nPET,stakeholder_group,nobody,1\n")
    found = dict(caught.value.problems)
    assert found[2] == "unknown locality code \"NOWHERE\""
    assert found[3].startswith("band \"nobody\" is not known for stakeholder_group")


def test_the_overview_counts_and_sums_each_locality_s_bands(places):
    overview = {row["locality"].code: row["types"] for row in populations.population_overview()}
    assert overview["PET"] == {"age_band": {"bands": 2, "total": 300}, "ethnic_group": {"bands": 1, "total": 900}}
    assert overview["SEA"] == {"age_band": {"bands": 1, "total": 50}}


def test_the_command_and_the_screen_refuse_a_file_for_the_same_reasons(app, client, places, tmp_path):
    text = HEAD + "PET,age_band,65_74,²\nPET,age_band,18_24," + "9" * 5000 + "\n"
    admin = make_user(role="admin")
    db.session.commit()
    path = tmp_path / "pop.csv"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["population", "import", str(path)])
    assert result.exit_code == 1
    assert "line 2: population must be a whole number of 0 or more, not \"²\"" in result.output
    assert "line 3: population " + "9" * 20 + "… is too large" in result.output
    login(client, admin)
    response = client.post("/population", data={"file": (io.BytesIO(text.encode()), "pop.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 2: population must be a whole number of 0 or more, not &#34;²&#34;" in html
    assert "Line 3: population " + "9" * 20 + "… is too large" in html
    assert sources.population_source()["PET"]["age_band"] == {"18_24": 100, "65_74": 200}
