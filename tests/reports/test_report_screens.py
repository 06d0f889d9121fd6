"""Report pages: who may see and build reports, before and after publication; the live view; themes; population."""

import io

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.jobs.models import JobRecord
from consult.reports import services
from consult.reports.models import FreeTextTag, FreeTextTheme, PopulationBand, ReportSnapshot
from factories import (
    login,
    make_consultation,
    make_locality,
    make_planning_group,
    make_reported_consultation,
    make_survey_response,
    make_user,
)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def people():
    return {"facilitator": make_user(role="facilitator"), "other": make_user(role="facilitator"),
            "lead": make_user(role="facilitator"),
            "commissioner": make_user(role="commissioner"), "member": make_user(role="member"),
            "admin": make_user(role="admin")}


@pytest.fixture
def reported(people):
    consultation, parts = make_reported_consultation(facilitator=people["facilitator"])
    consultation.lead = people["lead"]
    make_planning_group(locality=make_locality(), facilitators=[people["other"]])
    services.build_report(consultation.id, formats=("html",), locale="en")
    db.session.commit()
    return consultation, parts


def as_(client, user):
    client.post("/logout")
    login(client, user)
    return client


@pytest.mark.parametrize("who, allowed", [("facilitator", True), ("commissioner", True), ("admin", True),
                                          ("other", False), ("member", False)])
def test_only_commissioners_and_the_consultations_facilitators_see_an_unpublished_report(client, people, reported,
                                                                                          who, allowed):
    consultation, _parts = reported
    as_(client, people[who])
    base = f"/consultations/{consultation.id}/report"
    for path in (base, f"{base}/view", f"{base}/download/html", f"{base}/progress"):
        assert client.get(path).status_code == (200 if allowed else 403), path
    # Not published: there is no public report, for anyone.
    assert client.get(f"/c/{consultation.slug}/report").status_code == 404
    assert client.get(f"/c/{consultation.slug}/report/download/pdf").status_code == 404


def test_signed_out_people_are_sent_to_sign_in_for_an_unpublished_report(client, reported):
    consultation, _parts = reported
    response = client.get(f"/consultations/{consultation.id}/report/view")
    assert response.status_code == 302 and "/login" in response.location


def test_the_full_report_shows_the_figures_and_written_answers(client, people, reported):
    consultation, _parts = reported
    as_(client, people["facilitator"])
    page = client.get(f"/consultations/{consultation.id}/report/view").get_data(as_text=True)
    assert 'data-figure="summary.responses">6<' in page and 'data-figure="summary.ballots">4<' in page
    assert "The bus is gone" in page
    assert "not published" in page
    download = client.get(f"/consultations/{consultation.id}/report/download/csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    text = download.get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in text  # a formula from the public is never run by a spreadsheet
    assert client.get(f"/consultations/{consultation.id}/report/download/odt").status_code == 404


def test_once_published_the_report_is_public_without_written_answers_or_raw_data(client, people, reported):
    consultation, _parts = reported
    consultation.status = "published"
    db.session.commit()
    page = client.get(f"/c/{consultation.slug}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-figure="summary.responses">6<' in html
    assert "The bus is gone" not in html and "Written answers are not published" in html
    for fmt in ("html", "xlsx"):
        assert client.get(f"/c/{consultation.slug}/report/download/{fmt}").status_code == 200
    public_html = client.get(f"/c/{consultation.slug}/report/download/html").get_data(as_text=True)
    assert "The bus is gone" not in public_html
    assert client.get(f"/c/{consultation.slug}/report/download/csv").status_code == 404
    # The full version stays with the people who run it.
    assert client.get(f"/consultations/{consultation.id}/report/view").status_code == 302
    as_(client, people["member"])
    assert client.get(f"/consultations/{consultation.id}/report/view").status_code == 403
    as_(client, people["commissioner"])
    assert "The bus is gone" in client.get(f"/consultations/{consultation.id}/report/view").get_data(as_text=True)


def test_a_published_report_is_never_rebuilt(client, people, reported):
    consultation, _parts = reported
    consultation.status = "published"
    db.session.commit()
    as_(client, people["facilitator"])
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert "Build the report now" not in page
    response = client.post(f"/consultations/{consultation.id}/report", data={"margin": "5"})
    assert response.status_code == 409
    assert "cannot be rebuilt" in response.get_data(as_text=True)
    assert count(JobRecord, JobRecord.kind == "report.build") == 0
    with pytest.raises(services.ReportError):
        services.build_report(consultation.id, formats=())


def test_building_queues_a_job_and_the_page_shows_its_progress(client, people, reported):
    consultation, _parts = reported
    as_(client, people["facilitator"])
    response = client.post(f"/consultations/{consultation.id}/report", data={"margin": "3"})
    assert response.status_code == 302
    record = db.session.scalar(select(JobRecord).where(JobRecord.kind == "report.build"))
    assert record.subject == f"report:{consultation.id}"
    assert record.args == {"consultation_id": consultation.id, "locale": "en", "margin": 3.0,
                           "actor_id": people["facilitator"].id}
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert "report-progress-bar" in page and "Check again" in page
    assert "Build the report now" not in page  # one build at a time
    state = client.get(f"/consultations/{consultation.id}/report/progress").get_json()
    assert state["done"] is False and state["status"] in ("pending", "queued")


@pytest.mark.parametrize("margin", ["abc", "80", "-1"])
def test_a_bad_margin_is_refused_and_nothing_is_queued(client, people, reported, margin):
    consultation, _parts = reported
    as_(client, people["facilitator"])
    response = client.post(f"/consultations/{consultation.id}/report", data={"margin": margin})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert count(JobRecord, JobRecord.kind == "report.build") == 0


def test_who_may_build_a_report(client, people, reported):
    consultation, _parts = reported
    for who in ("member", "other"):
        as_(client, people[who])
        assert client.post(f"/consultations/{consultation.id}/report", data={}).status_code == 403
    draft = make_consultation(status="draft", localities=[consultation.localities[0]])
    db.session.commit()
    as_(client, people["facilitator"])
    assert client.post(f"/consultations/{draft.id}/report", data={}).status_code == 403
    assert count(JobRecord, JobRecord.kind == "report.build") == 0
    as_(client, people["commissioner"])
    assert client.post(f"/consultations/{consultation.id}/report", data={}).status_code == 302


def test_a_failed_build_says_so_and_can_be_tried_again(client, people, reported):
    consultation, _parts = reported
    record = JobRecord(kind="report.build", subject=f"report:{consultation.id}", status="failed",
                       args={"consultation_id": consultation.id}, error="OSError: disk full")
    db.session.add(record)
    db.session.commit()
    as_(client, people["member"])
    assert client.post(f"/consultations/{consultation.id}/report/retry").status_code == 403
    as_(client, people["facilitator"])
    page = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert "The report could not be built" in page and "disk full" in page and "Try again" in page
    assert client.get(f"/consultations/{consultation.id}/report/progress").get_json()["failed"] is True
    response = client.post(f"/consultations/{consultation.id}/report/retry")
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.status in ("pending", "queued")


def test_the_live_view_counts_people_now_and_flags_under_represented_groups(app, client, people, reported,
                                                                           monkeypatch):
    consultation, parts = reported
    as_(client, people["facilitator"])
    page = client.get(f"/consultations/{consultation.id}/participation")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Staff see figures about fewer than 5 people, marked, and are told why.
    assert f'data-figure="participation.stakeholder_group.{parts["carer"].code}.responses">3<span' in html
    assert "shown because you are staff" in html
    # No spreadsheet sits beside the live figures, so the weekly and daily tables are on the page.
    assert 'id="table-over-time-weeks"' in html and 'id="table-over-time-days"' in html
    # Nobody aged 18 to 24 answered, but three answers in Bigtown are too few to say so.
    big = parts["big"].code
    assert f'data-figure="representativeness.age_band.{big}.18_24.under">Too few to say<' in html
    # With a lower minimum, the same figures are judged: under-represented against the population.
    monkeypatch.setitem(app.config, "MIN_BAND_RESPONSES", 0)
    html = client.get(f"/consultations/{consultation.id}/participation").get_data(as_text=True)
    assert f'data-figure="representativeness.age_band.{big}.18_24.under"><strong' in html
    assert "Under-represented" in html
    # Computed on request: a new response shows at once, without building a report.
    make_survey_response(parts["survey"], group=parts["carer"], locality=parts["big"], age_band="18_24")
    db.session.commit()
    html = client.get(f"/consultations/{consultation.id}/participation").get_data(as_text=True)
    assert f'data-figure="participation.stakeholder_group.{parts["carer"].code}.responses">4<' in html
    assert client.get(f"/consultations/{consultation.id}/participation?margin=zzz").status_code == 400
    as_(client, people["other"])
    assert client.get(f"/consultations/{consultation.id}/participation").status_code == 403
    as_(client, people["commissioner"])
    assert client.get(f"/consultations/{consultation.id}/participation").status_code == 200


def test_the_live_view_waits_for_the_consultation_to_open(client, people):
    facilitator = people["facilitator"]
    draft = make_consultation(status="draft", created_by_id=facilitator.id, lead=facilitator)
    db.session.commit()
    as_(client, facilitator)
    assert client.get(f"/consultations/{draft.id}/participation").status_code == 403


def test_the_lead_tags_written_answers_and_the_report_counts_themes_by_group(client, people, reported):
    consultation, parts = reported
    for who in ("commissioner", "facilitator"):  # the facilitator of a covered locality reads, but does not tag
        as_(client, people[who])
        assert client.get(f"/consultations/{consultation.id}/themes").status_code == 403, who
    as_(client, people["lead"])
    assert client.post(f"/consultations/{consultation.id}/themes", data={"name_en": " "}).status_code == 400
    assert client.post(f"/consultations/{consultation.id}/themes", data={"name_en": "transport"}).status_code == 400
    assert count(FreeTextTheme, FreeTextTheme.consultation_id == consultation.id) == 1
    assert client.post(f"/consultations/{consultation.id}/themes",
                       data={"name_en": "Night-time help", "name_cy": "Help yn y nos"}).status_code == 302
    night = db.session.scalar(select(FreeTextTheme).where(FreeTextTheme.name["en"].as_string() == "Night-time help"))
    page = client.get(f"/consultations/{consultation.id}/themes/answers/ideas")
    assert page.status_code == 200 and "Mwy o help yn y nos" in page.get_data(as_text=True)
    welsh = parts["responses"][2]
    other = make_consultation()
    foreign = FreeTextTheme(consultation_id=other.id, name={"en": "Elsewhere"})
    db.session.add(foreign)
    db.session.commit()
    # A theme from another consultation: refused, nothing changed.
    response = client.post(f"/consultations/{consultation.id}/themes/answers/ideas",
                           data={"answer": [str(welsh.id)], f"themes-{welsh.id}": [str(foreign.id)]})
    assert response.status_code == 400 and count(FreeTextTag, FreeTextTag.response_id == welsh.id) == 0
    # An answer to another question (or none at all): refused.
    unanswered = parts["responses"][5]
    response = client.post(f"/consultations/{consultation.id}/themes/answers/ideas",
                           data={"answer": [str(unanswered.id)], f"themes-{unanswered.id}": [str(night.id)]})
    assert response.status_code == 400 and count(FreeTextTag, FreeTextTag.response_id == unanswered.id) == 0
    response = client.post(f"/consultations/{consultation.id}/themes/answers/ideas",
                           data={"answer": [str(welsh.id)], f"themes-{welsh.id}": [str(night.id)]})
    assert response.status_code == 302
    assert count(FreeTextTag, FreeTextTag.response_id == welsh.id, FreeTextTag.theme_id == night.id) == 1
    services.build_report(consultation.id, formats=(), locale="en")
    db.session.commit()
    figures = services.latest_report(consultation).data["themes"]
    rows = {r["theme"]: r for r in figures["rows"]}
    assert rows[night.id]["by_group"][parts["carer"].code] == 1 and rows[night.id]["total"] == 1
    assert rows[parts["theme"].id]["by_group"] == {parts["carer"].code: 1, parts["gp"].code: 0}
    assert figures["tagged"] == 2 and figures["answers"] == 3
    # Removing a theme removes its tags.
    assert client.post(f"/consultations/{consultation.id}/themes/{night.id}/delete").status_code == 302
    assert count(FreeTextTag, FreeTextTag.response_id == welsh.id) == 0


def test_only_administrators_import_population_figures_and_a_bad_file_stores_nothing(client, people, reported):
    consultation, parts = reported
    for who in ("facilitator", "commissioner"):
        as_(client, people[who])
        assert client.get("/population").status_code == 403
    as_(client, people["admin"])
    assert client.get("/population").status_code == 200
    before = count(PopulationBand)
    code = parts["big"].code
    bad = f"locality,band_type,band,population\n{code},age_band,65_74,10\nNOWHERE,age_band,ancient,ten\n"
    response = client.post("/population", data={"file": (io.BytesIO(bad.encode()), "pop.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Line 3" in html and "NOWHERE" in html and "ancient" in html, html[html.find("<main"):]
    assert count(PopulationBand) == before
    response = client.post("/population", data={"file": (io.BytesIO(b"\xff\xfe\x00"), "pop.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and count(PopulationBand) == before
    good = f"locality,band_type,band,population\n{code},age_band,65_74,10\n{code},age_band,18_24,30\n"
    response = client.post("/population", data={"file": (io.BytesIO(good.encode("utf-8-sig")), "pop.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    # The file's (locality, band type) pairs are replaced; others stay.
    assert services.sources.population_source([code])[code]["age_band"] == {"65_74": 10, "18_24": 30}
    assert services.sources.population_source([code])[code]["ethnic_group"] == {"white": 5400, "asian": 600}


def test_snapshots_keep_their_figures_when_responses_arrive_later(people, reported):
    consultation, parts = reported
    first = services.latest_report(consultation)
    make_survey_response(parts["survey"], group=parts["gp"], locality=parts["small"])
    services.build_report(consultation.id, formats=(), locale="en")
    db.session.commit()
    assert count(ReportSnapshot, ReportSnapshot.consultation_id == consultation.id) == 2
    db.session.refresh(first)
    assert first.data["participation"]["responses"] == 6
    assert services.latest_report(consultation).data["participation"]["responses"] == 7


def test_after_closing_the_report_can_still_be_built_until_it_is_published(client, people):
    consultation, _parts = make_reported_consultation(status="closed", facilitator=people["facilitator"])
    db.session.commit()
    as_(client, people["facilitator"])
    assert client.get(f"/consultations/{consultation.id}/participation").status_code == 200
    assert "Build the report now" in client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert client.post(f"/consultations/{consultation.id}/report", data={"margin": "5"}).status_code == 302
    assert count(JobRecord, JobRecord.kind == "report.build",
                 JobRecord.subject == f"report:{consultation.id}") == 1
