"""The report's priority tables: counted by the database from stored rankings,
per scope, and never for a scope under k."""

import datetime as dt

from statsmodels.stats.proportion import proportion_confint

from app.models import Meeting, QuestionnaireVersion
from tests.conftest import PASSWORDS, add_meeting, login, store_response
from tests.evaluation.report.test_report import BASE, build
from tests.questionnaires.ranking import with_ranking

CLOSED = dict(opens=-48, closes=-1)


def rank(db, meeting, times, places):
    for _ in range(times):
        store_response(db, meeting, {**BASE, "needs": places})


def dated(db, meeting, day):
    db.get(Meeting, meeting.id).date = day
    db.commit()


def test_priorities_per_scope_from_the_stored_places(db):
    spring = add_meeting(db, with_ranking(), title="Frühjahr", **CLOSED)
    autumn = add_meeting(db, with_ranking(), title="Herbst", **CLOSED)
    small = add_meeting(db, with_ranking(), title="Klein", **CLOSED)
    dated(db, spring, dt.date(2025, 3, 1))
    dated(db, autumn, dt.date(2026, 10, 1))
    dated(db, small, dt.date(2026, 11, 1))
    rank(db, spring, 4, ["staff", "language", ""])
    rank(db, spring, 2, ["language", "", ""])
    rank(db, spring, 3, ["", "", ""])  # respondents who ranked nothing are not counted
    rank(db, autumn, 5, ["refugees", "staff", "transitions"])
    rank(db, small, 3, ["transitions", "", ""])  # 3 < k = 5: in no figure
    db.commit()

    (priorities,) = build(db).priorities
    scopes = {(s.kind, s.label): s for s in priorities.scopes}
    assert sorted(scopes) == [
        ("all", "all"),
        ("meeting", "Frühjahr"),
        ("meeting", "Herbst"),
        ("year", "2025"),
        ("year", "2026"),
    ]
    overall = scopes[("all", "all")]
    assert overall.respondents == 11
    rows = {row.code: row for row in overall.rows}
    assert {code: row.ranked for code, row in rows.items()} == {
        "staff": 9,
        "language": 6,
        "refugees": 5,
        "transitions": 5,
    }
    assert overall.rows[0].code == "staff" and overall.rows[0].leader
    low, high = proportion_confint(6, 11, alpha=0.05, method="wilson")
    assert abs(rows["language"].share_low - low) < 1e-9 and abs(rows["language"].share_high - high) < 1e-9
    # staff: 4 firsts (3 points) and 5 seconds (2 points) of 11 respondents.
    assert rows["staff"].score == (4 * 3 + 5 * 2) / 11
    assert scopes[("year", "2026")].respondents == 5  # the small meeting stays out of its year too


def test_no_table_while_no_meeting_has_k_who_ranked(db):
    meeting = add_meeting(db, with_ranking(), **CLOSED)
    rank(db, meeting, 4, ["staff", "", ""])
    rank(db, meeting, 6, ["", "", ""])
    db.commit()
    (priorities,) = build(db).priorities
    assert priorities.scopes == ()


def test_the_report_page_has_a_priorities_section(client, db, staff):
    meeting = add_meeting(db, with_ranking(), **CLOSED)
    rank(db, meeting, 6, ["staff", "language", "refugees"])
    db.commit()
    version = db.query(QuestionnaireVersion).one()
    login(client, "evaluator", PASSWORDS["evaluator"], lang="en")
    html = client.get(f"/workspace/reports/{version.id}?lang=en").get_data(as_text=True)
    section = html.split('id="priorities-needs"')[1]
    assert "Which three of these needs are most urgent" in section
    assert "Professional staff" in section and "leader" in section
