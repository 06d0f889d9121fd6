"""The report's figures, computed from plain data (no database, no Flask)."""

import gzip

from consult.reports import data, representation
from consult.reports.charts import bar_chart
from consult.reports.raw import pack, raw_table, unpack


def person(id, group=None, locality=None, **kw):
    row = {"id": id, "channel": "web", "date": "2027-01-06", "locale": "en", "stakeholder_group": group,
           "locality": locality, "age_band": None, "ethnic_group": None, "main_language": None, "disability": None,
           "answers": {}}
    row.update(kw)
    return row


def ballot(id, group, locality, channel="web", date="2027-01-07", locale="en"):
    return {"id": id, "channel": channel, "date": date, "locale": locale, "stakeholder_group": group,
            "locality": locality}


def test_participation_counts_every_dimension_with_zero_rows_and_not_given_last():
    responses = [person(1, "carer", "PET"), person(2, "carer", "SEA", locale="cy"), person(3, None, None)]
    ballots = [ballot(1, "gp", "PET", channel="paper"), ballot(2, "carer", "PET", channel="code")]
    result = data.participation(responses, ballots, groups=["carer", "gp", "user"], localities=["PET", "SEA", "WIN"],
                                locales=["en", "cy", "ur"])
    assert result["responses"] == 3 and result["ballots"] == 2
    groups = {row["key"]: row for row in result["by"]["stakeholder_group"]}
    assert [row["key"] for row in result["by"]["stakeholder_group"]] == ["carer", "gp", "user", "not_given"]
    assert groups["carer"] == {"key": "carer", "responses": 2, "ballots": 1, "responses_percent": 66.7,
                               "ballots_percent": 50.0}
    assert groups["user"]["responses"] == 0  # a group nobody from has taken part still shows, with 0
    assert [row["key"] for row in result["by"]["locality"]] == ["PET", "SEA", "WIN", "not_given"]
    assert {row["key"]: row["responses"] for row in result["by"]["language"]} == {"en": 2, "cy": 1, "ur": 0}
    assert [row["key"] for row in result["by"]["channel"]] == ["web", "code", "paper"]


def test_over_time_fills_empty_weeks_and_counts_days_only_for_ballots_of_anonymous_surveys():
    responses = [person(1, date="2027-01-04"), person(2, date="2027-01-18")]
    ballots = [ballot(1, "gp", "PET", date="2027-01-05"), ballot(2, "gp", "PET", date="2027-01-07")]
    result = data.over_time(responses, ballots)
    assert result["weeks"] == [{"week": "2027-01-04", "responses": 1, "ballots": 2},
                               {"week": "2027-01-11", "responses": 0, "ballots": 0},
                               {"week": "2027-01-18", "responses": 1, "ballots": 0}]
    assert result["days"] == [{"day": "2027-01-05", "ballots": 1}, {"day": "2027-01-06", "ballots": 0},
                              {"day": "2027-01-07", "ballots": 1}]
    with_days = data.over_time(responses, ballots, responses_by_day=True)
    assert with_days["days"][0] == {"day": "2027-01-04", "ballots": 0, "responses": 1}


def test_representativeness_flags_groups_more_than_the_margin_below_their_population_share():
    # Peterlee: 80% aged 18-64, 20% aged 65-74. Respondents: 9 of 10 who said are 65-74; one preferred not to say.
    responses = ([person(i, "carer", "PET", age_band="65_74") for i in range(9)]
                 + [person(9, "carer", "PET", age_band="18_24"), person(10, "carer", "PET", age_band="prefer_not"),
                    person(11, "carer", None, age_band=None)])
    populations = {"PET": {"age_band": {"18_24": 800, "65_74": 200}}}
    result = representation.representativeness(responses, [], localities=["PET", "SEA"],
                                               locality_population={"PET": 3000, "SEA": 1000},
                                               populations=populations, band_orders={"age_band": ["18_24", "65_74"]},
                                               margin=5, min_band=1)
    tables = {(t["band_type"], t["locality"]): t for t in result["bands"]}
    pet = tables[("age_band", "PET")]
    assert pet["base"] == 10 and pet["not_given"] == 1  # "prefer not to say" is left out of the shares
    young, old = pet["rows"]
    assert (young["population_share"], young["share"], young["difference"], young["under"]) == (80.0, 10.0, -70.0, True)
    assert (old["population_share"], old["share"], old["difference"], old["under"]) == (20.0, 90.0, 70.0, False)
    # All localities: the response without a locality counts too (it did not say its age, so not in the base).
    assert tables[("age_band", None)]["base"] == 10 and tables[("age_band", None)]["not_given"] == 2
    localities = {row["locality"]: row for row in result["localities"]["rows"]}
    assert localities["SEA"]["responses"] == 0 and localities["SEA"]["responses_under"] is True
    assert localities["SEA"]["population_share"] == 25.0 and localities["SEA"]["responses_difference"] == -25.0
    assert result["localities"]["responses_elsewhere"] == 1
    assert result["missing_population"] == ["SEA"]
    flagged = {(f["kind"], f["locality"], f["band"]) for f in result["under_represented"]}
    assert ("band", "PET", "18_24") in flagged and ("locality", "SEA", "SEA") in flagged
    assert ("band", "PET", "65_74") not in flagged


def test_the_margin_is_strict_and_configurable():
    responses = [person(i, "carer", "PET", age_band="65_74") for i in range(95)] + [
        person(100 + i, "carer", "PET", age_band="18_24") for i in range(5)]
    populations = {"PET": {"age_band": {"18_24": 10, "65_74": 90}}}  # 18-24: 5% against 10%: 5 points below

    def under(margin):
        result = representation.representativeness(responses, [], localities=["PET"],
                                                   locality_population={"PET": 100}, populations=populations,
                                                   margin=margin)
        return {row["band"]: row["under"] for t in result["bands"] if t["locality"] == "PET" for row in t["rows"]}

    assert under(5)["18_24"] is False  # exactly the margin is not "more than"
    assert under(4.9)["18_24"] is True
    assert under(10)["18_24"] is False


def test_nobody_answering_gives_no_shares_and_no_flags():
    result = representation.representativeness([], [], localities=["PET"], locality_population={"PET": 100},
                                     populations={"PET": {"ethnic_group": {"white": 90, "asian": 10}}})
    rows = result["bands"][0]["rows"]
    assert all(r["share"] is None and r["under"] is False for r in rows)


def test_question_results_count_choices_of_the_people_who_answered():
    questions = [{"code": "services", "kind": "multiple", "text": {"en": "Used?"},
                  "options": [{"value": "bus", "label": {"en": "Bus"}}, {"value": "day", "label": {"en": "Day"}}]},
                 {"code": "hours", "kind": "number", "text": {"en": "Hours"}, "options": []},
                 {"code": "ideas", "kind": "long_text", "text": {"en": "Ideas"}, "options": []}]
    responses = [person(1, answers={"services": ["bus", "day"], "hours": 10, "ideas": "More buses"}),
                 person(2, answers={"services": ["bus"], "hours": 20}),
                 person(3, answers={"ideas": ""})]
    services, hours, ideas = data.question_results(questions, responses)
    assert services["base"] == 2
    assert [(o["value"], o["count"], o["percent"]) for o in services["options"]] == [("bus", 2, 100.0),
                                                                                     ("day", 1, 50.0)]
    assert hours["summary"] == {"mean": 15.0, "median": 15.0, "min": 10.0, "max": 20.0}
    assert ideas["base"] == 1


def test_free_text_lists_newest_first_up_to_the_cap_and_themes_count_by_group():
    questions = [{"code": "ideas", "kind": "long_text", "text": {"en": "Ideas"}, "options": []}]
    responses = [person(i, "carer" if i % 2 else "gp", answers={"ideas": f"idea {i}"}) for i in range(1, 6)]
    tags = data.tag_index([{"response": 1, "question": "ideas", "theme": 7},
                           {"response": 3, "question": "ideas", "theme": 7},
                           {"response": 2, "question": "ideas", "theme": 8},
                           {"response": 3, "question": "ideas", "theme": 8}])
    listed = data.free_text(questions, responses, tags, shown=3)[0]
    assert listed["total"] == 5 and [a["text"] for a in listed["answers"]] == ["idea 5", "idea 4", "idea 3"]
    assert listed["answers"][2]["themes"] == [7, 8]
    counts = data.theme_counts([{"id": 7, "name": {"en": "Transport"}}, {"id": 8, "name": {"en": "Night"}}],
                               questions, responses, tags, groups=["carer", "gp"])
    assert counts["answers"] == 5 and counts["tagged"] == 3
    rows = {r["theme"]: r for r in counts["rows"]}
    assert rows[7]["total"] == 2 and rows[7]["by_group"] == {"carer": 2, "gp": 0}
    assert rows[8]["by_group"] == {"carer": 1, "gp": 1}


def test_priority_results_put_the_schemes_side_by_side_in_the_chosen_schemes_order():
    vote = {"computed_at": "2027-03-31T17:00:00+00:00", "method": "ranking", "weighting": "group_shares",
            "ballots": 3, "priorities": ["A", "B"], "titles": {"A": {"en": "A"}, "B": {"en": "B"}},
            "schemes": {"equal_people": [{"code": "A", "rank": 1, "score": 3.0, "share": 0.75},
                                         {"code": "B", "rank": 2, "score": 1.0, "share": 0.25}],
                        "group_shares": [{"code": "B", "rank": 1, "score": 2.0, "share": 0.6666666},
                                         {"code": "A", "rank": 2, "score": 1.0, "share": 0.3333333}]},
            "intervals": {"group_shares": {"A": [1, 2], "B": [1, 1]}}, "localities": {}, "resamples": 1000}
    result = data.priority_results(vote)
    assert result["schemes"] == ["equal_people", "group_shares"]
    assert [row["code"] for row in result["rows"]] == ["B", "A"]  # ordered by the consultation's own scheme
    b = result["rows"][0]["schemes"]
    assert b["group_shares"] == {"rank": 1, "score": 2.0, "share": 66.7, "interval": [1, 1]}
    assert b["equal_people"]["rank"] == 2 and b["equal_people"]["interval"] is None
    assert data.priority_results(None) is None


def test_raw_rows_keep_no_identifiers_and_only_the_week():
    questions = [{"code": "ideas", "kind": "long_text", "text": {"en": "Ideas"}, "options": []},
                 {"code": "services", "kind": "multiple", "text": {"en": "Used"}, "options": []}]
    responses = [person(41, "carer", "PET", date="2027-01-07", reference="ABC123",
                        answers={"ideas": "Buses", "services": ["bus", "day"]})]
    ballots = [dict(ballot(99, "gp", "SEA", date="2027-01-09"), voter_key="user:5", choices={"P1": 2})]
    raw = raw_table(questions, [{"code": "P1", "title": {"en": "One"}}, {"code": "P2", "title": {"en": "Two"}}],
                    responses, ballots, data.tag_index([{"response": 41, "question": "ideas", "theme": 3}]))
    keys = [(c["kind"], c["key"]) for c in raw["columns"]]
    assert ("question", "ideas") in keys and ("themes", "ideas") in keys and ("priority", "P2") in keys
    response_row, ballot_row = raw["rows"]
    flat = [str(v) for row in raw["rows"] for v in row]
    assert "ABC123" not in flat and "user:5" not in flat and "41" not in flat and "99" not in flat
    as_dict = dict(zip(keys, response_row))
    assert as_dict[("field", "week")] == "2027-01-04" and as_dict[("question", "services")] == "bus;day"
    assert as_dict[("themes", "ideas")] == [3]
    ballot_dict = dict(zip(keys, ballot_row))
    assert ballot_dict[("field", "record")] == "ballot" and ballot_dict[("priority", "P1")] == 2
    assert ballot_dict[("field", "week")] == "2027-01-04"


def test_raw_rows_are_stored_as_gzipped_utf8_json_and_read_back_the_same():
    rows = {"columns": [{"kind": "question", "key": "ideas", "text": {"ur": "خیالات"}}],
            "rows": [["response", 1, "web", "2027-01-04", "ur", None, "PET", [3, 7], 2.5]]}
    packed = pack(rows)
    assert packed[:2] == b"\x1f\x8b"  # gzip
    assert gzip.decompress(packed).decode("utf-8").startswith('{"columns":[{"kind":"question","key":"ideas"')
    assert "خیالات".encode() in gzip.decompress(packed)
    assert unpack(packed) == rows


def test_bar_chart_is_an_accessible_image_and_never_relies_on_colour():
    svg = bar_chart(chart_id="c1", title="Who <took> part", description="A bar chart.",
                    categories=[{"label": "Carers & friends", "values": [3, 10.0]},
                                {"label": "GPs", "values": [0, None]}],
                    series=["Responses", "Population"], value_text=lambda v: "–" if v is None else f"{v:g}")
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Who &lt;took&gt; part</title>' in svg and '<desc id="c1-desc">' in svg
    assert "Carers &amp; friends" in svg
    # Each bar says which series it is in words, not only by its colour.
    assert "Responses: 3" in svg and "Population: 10" in svg and "Population: –" in svg
    assert svg.count("<rect") == 2  # zero and missing values draw no bar
