"""One meeting's results page: its figures only when released and with at
least k respondents (otherwise why, in words), its records, its response rate,
and the dashboard's link to it."""

import datetime as dt
import re

import pytest

from app.evaluation.report import meeting as meeting_page
from app.evaluation.report import reporting
from app.models import Meeting, MeetingTopic, QuestionnaireVersion
from app.network.strategy import store as strategy_store
from tests.conftest import PASSWORDS, PROJECT, add_meeting, login, now, store_response

BASE = {"actor_group": ["school"], "knows_more_offers": ["yes"], "new_contacts": ["no"], "central_topics": ["yes"]}


def respond(db, meeting, times, **answers):
    for _ in range(times):
        store_response(db, meeting, {**BASE, **answers})
    db.commit()


@pytest.fixture
def evaluator(client, staff):
    login(client, "evaluator", PASSWORDS["evaluator"])
    return client


def page(client, meeting_id):
    response = client.get(f"/workspace/reports/meetings/{meeting_id}?lang=en")
    return response.status_code, response.get_data(as_text=True)


def test_a_released_meeting_shows_the_report_figures(db, evaluator):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=40, invited=100)
    respond(db, meeting, 14)
    respond(db, meeting, 6, knows_more_offers=["no"])
    version = db.get(QuestionnaireVersion, meeting.questionnaire_version_id)
    results = meeting_page.meeting_results(db, db.get(Meeting, meeting.id), k=5, now=now())
    (survey,) = results.surveys
    assert survey.status == "shown" and survey.population == 40
    report = reporting.build_report(db, version, reporting.ReportOptions(), today=dt.date.today(), now=now())
    for mine, theirs in zip(survey.results, report.meetings[0].results, strict=True):
        assert mine.indicator.id == theirs.indicator.id
        assert (mine.k, mine.n, mine.assessment) == (theirs.k, theirs.n, theirs.assessment)
    status, html = page(evaluator, meeting.id)
    assert status == 200
    assert "20 responses" in html and "Response rate: 50 % of 40 attendees." in html
    knows = next(r for r in survey.results if r.indicator.id == "knows_more_offers")
    assert knows.k == 14 and f"{round(100 * knows.assessment.low)} % – {round(100 * knows.assessment.high)} %" in html
    assert "70 %" in html and "finite-population correction" in html


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"opens": -1, "closes": 24}, "The survey has not closed yet."),
        ({"opens": -48, "closes": None}, "The survey has not closed yet."),
        (
            {"opens": -48, "closes": -1, "paper_entry_finished": False},
            "The paper questionnaires are still being typed in.",
        ),
    ],
)
def test_an_unreleased_meeting_shows_only_its_number_of_responses(db, evaluator, window, message):
    meeting = add_meeting(db, attended=None, **window)
    respond(db, meeting, 12, knows_more_offers=["no"])
    status, html = page(evaluator, meeting.id)
    assert status == 200 and message in html and "12 responses" in html
    assert "Share</th>" not in html and not re.search(r"\b(0|100) %", html.split("Indicators from the")[0])


def test_a_meeting_under_k_shows_no_figure(db, evaluator):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=3)
    respond(db, meeting, 4)
    status, html = page(evaluator, meeting.id)
    assert "Fewer than 5 people answered, so no figure is shown" in html and "Share</th>" not in html
    # More responses than attendees: the rate says so, as the dashboard does.
    assert "More responses than attendees recorded (3)" in html


def test_an_indicator_question_answered_by_fewer_than_k_is_not_shown(db, evaluator):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    respond(db, meeting, 6, central_topics=["dont_know"])
    respond(db, meeting, 3)
    results = meeting_page.meeting_results(db, db.get(Meeting, meeting.id), k=5, now=now())
    central = next(r for r in results.surveys[0].results if r.indicator.id == "central_topics")
    assert central.assessment is None and central.note == "too_few"  # 3 answered without "don't know"
    assert "Not shown: fewer than 5 answers." in page(evaluator, meeting.id)[1]


def test_records_against_the_strategy(db, evaluator):
    strategy_store.store_strategy(db, (PROJECT / "questionnaires" / "strategy.yaml").read_text("utf-8"))
    db.commit()
    meeting = add_meeting(
        db,
        opens=-48,
        closes=-1,
        attended=30,
        invited=100,
        good_practice_presentations=2,
        topics=[MeetingTopic(title="Sprachbildung", brought_in_by_members=True), MeetingTopic(title="Kita")],
    )
    records = {r.kind: r for r in meeting_page.meeting_results(db, db.get(Meeting, meeting.id), k=5, now=now()).records}
    assert (
        records["attendance"].value == pytest.approx(0.3) and records["attendance"].verdict == "not_met"
    )  # 40 % wanted
    assert records["good_practice"].value == 2 and records["member_topics"].value == 1
    status, html = page(evaluator, meeting.id)
    assert "30 %: 30 of 100 invited came." in html and "at least 40 %: not reached" in html
    assert "2 presentations" in html and "1 topic: <bdi>Sprachbildung</bdi>" in html and "Kita" not in html


def test_without_a_strategy_the_records_have_no_target(db, evaluator):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    status, html = page(evaluator, meeting.id)
    assert status == 200 and "0 responses" in html
    assert "The response rate is not known: the attendance is not recorded." in html
    assert ">Attendance<" in html and "not recorded" in html and "Good-practice presentations" in html


def test_dashboard_and_meetings_list_link_to_the_meeting_page(db, client, staff):
    meeting = add_meeting(db)
    login(client, "coordinator", PASSWORDS["coordinator"])
    link = f'href="/workspace/reports/meetings/{meeting.id}"'
    assert link in client.get("/workspace/").get_data(as_text=True)
    assert link in client.get("/workspace/meetings/").get_data(as_text=True)
    assert client.get(f"/workspace/reports/meetings/{meeting.id}").status_code == 200


def test_access_as_for_the_report(db, client, staff):
    meeting = add_meeting(db)
    response = client.get(f"/workspace/reports/meetings/{meeting.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, "evaluator", PASSWORDS["evaluator"])
    assert client.get(f"/workspace/reports/meetings/{meeting.id}").status_code == 200
    assert client.get("/workspace/reports/meetings/999999").status_code == 404
