"""The indicator report against independent references (statsmodels) and
hand-counted data; the report page for each role."""

import datetime as dt
import re

import pytest
from statsmodels.stats.proportion import proportion_confint

from app.evaluation.report import reporting
from app.meetings import codes
from app.models import Meeting, MeetingTopic, PartnerOrganisation, QuestionnaireVersion
from app.network.strategy import store as strategy_store
from app.network.strategy.model import parse_strategy
from tests.conftest import PASSWORDS, PROJECT, add_meeting, login, now, store_questionnaire, store_response

DEMO_SOURCE = (PROJECT / "questionnaires" / "strategy.yaml").read_text("utf-8")
DEMO_STRATEGY = parse_strategy(DEMO_SOURCE)

BASE = {"actor_group": ["school"], "knows_more_offers": ["yes"], "new_contacts": ["no"], "central_topics": ["yes"]}


def store(db, meeting, **answers):
    store_response(db, meeting, {name: values for name, values in {**BASE, **answers}.items() if values is not None})


def build(db, version_id=None, **options):
    version = db.get(QuestionnaireVersion, version_id) if version_id else db.query(QuestionnaireVersion).one()
    return reporting.build_report(db, version, reporting.ReportOptions(**options), today=dt.date.today(), now=now())


def result(scope, indicator_id):
    return next(r for r in scope.results if r.indicator.id == indicator_id)


def test_shares_and_intervals_match_statsmodels(db):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    # knows_more_offers: 14 yes, 5 no, 3 don't know -> denominator "answered" = 22
    for code, times in (("yes", 14), ("no", 5), ("dont_know", 3)):
        for _ in range(times):
            store(db, meeting, knows_more_offers=[code])
    db.commit()
    for confidence in (0.90, 0.95, 0.99):
        report = build(db, confidence=confidence, method="wilson")
        knows = result(report.overall, "knows_more_offers")
        assert (knows.k, knows.n) == (14, 22)
        low, high = proportion_confint(14, 22, alpha=1 - confidence, method="wilson")
        assert knows.assessment.low == pytest.approx(low, rel=1e-9)
        assert knows.assessment.high == pytest.approx(high, rel=1e-9)
        assert knows.assessment.estimate == pytest.approx(14 / 22)
    beta = build(db, method="clopper_pearson")
    low, high = proportion_confint(14, 22, alpha=0.05, method="beta")
    assert result(beta.overall, "knows_more_offers").assessment.low == pytest.approx(low, rel=1e-9)


def test_meeting_scope_uses_attendance_as_population(db):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=30)
    for i in range(20):
        store(db, meeting, new_contacts=["yes" if i < 15 else "no"], new_partners=["no"] if i < 15 else None)
    db.commit()
    report = build(db)
    scope = report.meetings[0]
    assert scope.population == 30 and scope.respondents == 20
    contacts = result(scope, "new_contacts")
    assert contacts.assessment.method == "wilson_fpc"
    plain_low, plain_high = proportion_confint(15, 20, alpha=0.05, method="wilson")
    # The finite-population correction narrows the interval, never widens it.
    assert contacts.assessment.low > plain_low and contacts.assessment.high < plain_high
    # Periods pool people who may repeat across meetings: no population there.
    assert report.overall.population is None and result(report.overall, "new_contacts").assessment.method == "wilson"


def test_more_responses_than_attendees_drops_the_population(db):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=3)
    for _ in range(5):
        store(db, meeting)
    db.commit()
    assert build(db).meetings[0].population is None


def test_exact_hypergeometric_needs_a_population(db):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    for _ in range(5):
        store(db, meeting)
    db.commit()
    report = build(db, method="hypergeom_exact")
    assert result(report.overall, "new_contacts").assessment is None
    assert result(report.overall, "new_contacts").note == "needs_population"


def test_verdicts_follow_the_interval(db):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    for i in range(100):
        store(
            db,
            meeting,
            knows_more_offers=["yes" if i < 90 else "no"],
            new_contacts=["yes" if i < 10 else "no"],
            new_partners=["yes"] if i < 10 else None,
            central_topics=["yes" if i < 60 else "no"],
        )
    db.commit()
    report = build(db)
    assert result(report.overall, "knows_more_offers").assessment.verdict == "met"  # 90 % vs 60 %
    assert result(report.overall, "new_contacts").assessment.verdict == "not_met"  # 10 % vs 60 %
    assert result(report.overall, "central_topics").assessment.verdict == "inconclusive"  # 60 % vs 60 %


def test_groups_below_the_threshold_show_no_figure(db):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    for _ in range(6):
        store(db, meeting, actor_group=["school"])
    for _ in range(4):
        store(db, meeting, actor_group=["kita"])
    for _ in range(5):
        store(db, meeting, actor_group=["other"])
    db.commit()
    groups = {row.code: row for row in build(db).breakdowns[0].rows}
    assert groups["school"].shares[0] == pytest.approx(1.0)
    assert groups["kita"].shares == (None, None, None, None)
    # "other" is hidden too, or the total minus school would give kita away (tests/exports/test_small_cells.py).
    assert groups["other"].respondents is None
    assert {row.code: row for row in build(db, min_cell=3).breakdowns[0].rows}["kita"].shares[0] == pytest.approx(1.0)


def test_demo_reproduces_the_published_effects(runner, db):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.rollback()
    report = build(db)
    shares = {r.indicator.id: r.assessment.estimate for r in report.overall.results}
    assert shares["knows_more_offers"] == pytest.approx(2 / 3, abs=0.04)  # "2/3 know more offers"
    assert shares["new_contacts"] == pytest.approx(0.50, abs=0.04)  # "50 % made contacts"
    top2 = {item.question.id: item.summary.top2_share for item in report.likert}
    assert top2["impulses"] == pytest.approx(0.32, abs=0.04)
    assert top2["benefit"] == pytest.approx(0.48, abs=0.04)
    assert top2["relevant_topics"] == pytest.approx(0.95, abs=0.03)
    assert top2["transparency"] == pytest.approx(0.50, abs=0.04)
    assert len(report.meetings) == 13
    assert all(80 <= scope.population <= 240 for scope in report.meetings)
    assert {scope.meeting.date.year for scope in report.meetings} == {2014, 2015, 2016, 2017}


def test_full_calendar_years():
    assert reporting.full_calendar_years(dt.date(2014, 3, 19), dt.date(2017, 6, 28)) == [2015, 2016]
    assert reporting.full_calendar_years(dt.date(2014, 1, 1), dt.date(2014, 12, 31)) == [2014]
    assert reporting.full_calendar_years(dt.date(2014, 3, 1), dt.date(2014, 12, 31)) == []


def _meeting_records(db) -> None:
    """Four meetings in 2015 and 2016 (160 of 400 invited attended; three
    with good practice, all with member topics) and 103 organisations, 100 won."""
    version, _ = store_questionnaire(db)
    dates = [dt.date(2015, 1, 1), dt.date(2015, 6, 1), dt.date(2016, 3, 1), dt.date(2016, 12, 31)]
    for i, date in enumerate(dates):
        db.add(
            Meeting(
                public_code=codes.new_public_code(),
                title=f"T{i}",
                date=date,
                place="",
                questionnaire_version=version,
                invited=100,
                attended=[50, 30, 45, 35][i],
                good_practice_presentations=1 if i else 0,
                topics=[MeetingTopic(title="Sprache", brought_in_by_members=True)],
            )
        )
    db.add_all(
        PartnerOrganisation(name=f"Org {i}", actor_group="school", status="won" if i < 100 else "informed")
        for i in range(103)
    )
    db.commit()


def _measured(db, strategy) -> dict:
    found = reporting.record_indicators(db, strategy.record_indicators, today=dt.date(2020, 1, 1), confidence=0.95)
    return {item.kind: item for item in found}


def test_record_indicators_against_the_demo_strategy(db):
    _meeting_records(db)
    found = _measured(db, DEMO_STRATEGY)
    assert found["meetings_per_year"].detail["per_year"] == {2015: 2, 2016: 2}
    assert found["meetings_per_year"].verdict == "met"
    attendance = found["attendance"]
    assert attendance.value == pytest.approx(160 / 400) and attendance.verdict == "met"
    assert attendance.detail["rate"].census is True
    assert found["good_practice"].verdict == "not_met" and found["good_practice"].detail["with"] == 3
    assert found["member_topics"].verdict == "met"
    assert found["partners_won"].value == 100 and found["partners_won"].verdict == "met"


def test_record_targets_come_from_the_strategy(db):
    """The same records against another network's targets and comparisons."""
    _meeting_records(db)
    other = parse_strategy(
        DEMO_SOURCE.replace("target: 100", "target: 150")
        .replace("target: 2\n", "target: 3\n")
        .replace("target: 0.4", "target: 0.45")
        .replace("kind: good_practice\n            target: 1", "kind: good_practice\n            target: 0.75")
        .replace(
            "kind: member_topics\n            target: 1",
            "kind: member_topics\n            target: 0.5\n            comparison: at_most",
        )
    )
    found = _measured(db, other)
    assert {kind: item.verdict for kind, item in found.items()} == {
        "partners_won": "not_met",  # 100 of 150
        "meetings_per_year": "not_met",  # 2 a year, 3 wanted
        "attendance": "not_met",  # 40 %, 45 % wanted
        "good_practice": "met",  # 3 of 4 meetings
        "member_topics": "not_met",  # every meeting, at most half wanted
    }


def test_no_meetings_yet_gives_every_declared_indicator_undetermined(db):
    found = _measured(db, DEMO_STRATEGY)
    assert [item.indicator.id for item in found.values()] == [i.id for i in DEMO_STRATEGY.record_indicators]
    assert {kind: item.verdict for kind, item in found.items() if kind != "partners_won"} == dict.fromkeys(
        ("meetings_per_year", "attendance", "good_practice", "member_topics"), "inconclusive"
    )
    assert found["partners_won"].value == 0 and found["partners_won"].verdict == "not_met"


def test_without_a_strategy_the_report_has_no_record_indicators(db):
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    store(db, meeting)
    db.commit()
    assert build(db).records == ()
    strategy_store.store_strategy(db, DEMO_SOURCE)
    db.commit()
    assert [item.indicator.id for item in build(db).records] == [i.id for i in DEMO_STRATEGY.record_indicators]


# --- the page ------------------------------------------------------------------


@pytest.fixture
def demo(runner, db):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.rollback()
    return db.query(QuestionnaireVersion).one()


def test_report_page_shows_each_indicator_with_verdict_in_words(client, demo):
    login(client, "evaluation", "demo-evaluation")
    html = client.get(f"/workspace/reports/{demo.id}?lang=en").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 4
    assert re.search(r"\(with 95 % confidence between \d+ % and \d+ %\)\. Target: at least 60 %\. Reached\.", html)
    assert re.search(r"\(with 95 % confidence between \d+ % and \d+ %\)\. Target: at least 60 %\. Not reached\.", html)
    # 13 meetings held; the open demo meeting has no attendance recorded yet.
    assert "All 13 meetings held are included: the figure is a census, not an estimate." in html
    assert "those who answered, without “don&#39;t know”" in html


@pytest.mark.parametrize(
    "query",
    ["method=bogus&confidence=2", "confidence=abc", "method=hypergeom_exact", "method=jeffreys&confidence=0.99"],
)
def test_any_options_give_a_page(client, demo, query):
    login(client, "evaluation", "demo-evaluation")
    assert client.get(f"/workspace/reports/{demo.id}?{query}").status_code == 200


def test_report_needs_a_login(client, meeting):
    response = client.get(f"/workspace/reports/{meeting.questionnaire_version_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_version_is_404(client, staff):
    login(client, "evaluator", PASSWORDS["evaluator"])
    assert client.get("/workspace/reports/999999").status_code == 404
