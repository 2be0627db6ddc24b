"""The trends page: indicators over meetings and years across questionnaire
versions, the note when a question's wording changed, the comparison of two
scopes (checked against statsmodels) and the small-cell rule."""

import datetime as dt
import re

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from app.evaluation.trends import scopes, series
from app.meetings import codes
from app.models import Meeting
from tests.conftest import IV1, PASSWORDS, login, now, store_questionnaire, store_response

OLD_WORDING = "Seit es das Netzwerk gibt, kenne ich mehr oder neue Bildungsangebote in Freiburg."
NEW_WORDING = "Durch das Netzwerk kenne ich heute mehr Bildungsangebote in Freiburg."
BASE = {"actor_group": ["school"], "new_contacts": ["no"], "central_topics": ["yes"]}


def version_two():
    """IV.1 as a second version whose knows_more_offers question reads differently."""
    source = IV1.read_text("utf-8")
    assert OLD_WORDING in source
    return source.replace("version: 1\n", "version: 2\n", 1).replace(OLD_WORDING, NEW_WORDING)


def add_meeting(db, version, date, *, closed=True, paper_done=True, title=None):
    start = now()
    meeting = Meeting(
        public_code=codes.new_public_code(),
        title=title or f"Treffen {date.isoformat()}",
        date=date,
        place="Freiburg",
        questionnaire_version_id=version.id,
        opens_at=start - dt.timedelta(days=2),
        closes_at=start - dt.timedelta(hours=1) if closed else start + dt.timedelta(days=1),
        paper_entry_finished=paper_done,
        attended=200,
    )
    db.add(meeting)
    db.commit()
    return meeting


def answer(db, meeting, yes, no):
    for code, times in (("yes", yes), ("no", no)):
        for _ in range(times):
            store_response(db, meeting, {**BASE, "knows_more_offers": [code]})
    db.commit()


@pytest.fixture
def network(db):
    """2015: two meetings on version 1 (14 of 20 and 9 of 10 know more offers);
    2016: one on version 2 (12 of 30) and a small one (4 responses); 2017:
    an open survey and one waiting for its paper forms."""
    one, _ = store_questionnaire(db)
    two, _ = store_questionnaire(db, version_two())
    db.commit()
    made = {
        "spring": add_meeting(db, one, dt.date(2015, 3, 1)),
        "autumn": add_meeting(db, one, dt.date(2015, 10, 1)),
        "new": add_meeting(db, two, dt.date(2016, 4, 1)),
        "small": add_meeting(db, two, dt.date(2016, 9, 1)),
        "open": add_meeting(db, two, dt.date(2017, 2, 1), closed=False),
        "paper": add_meeting(db, two, dt.date(2017, 5, 1), paper_done=False),
    }
    answer(db, made["spring"], 14, 6)
    answer(db, made["autumn"], 9, 1)
    answer(db, made["new"], 12, 18)
    answer(db, made["small"], 4, 0)
    answer(db, made["open"], 10, 0)
    answer(db, made["paper"], 10, 0)
    ids = {name: meeting.id for name, meeting in made.items()}
    db.rollback()
    return {"one": one.id, "two": two.id, **ids}


def trends_of(db, version_id, k=5):
    from app.models import QuestionnaireVersion

    return series.build_trends(db, db.get(QuestionnaireVersion, version_id), k=k, now=now())


def test_an_indicator_is_followed_across_versions(db, network):
    trend = trends_of(db, network["one"]).indicator("knows_more_offers")
    assert [v.version for v in trend.versions] == [1, 2]
    by_id = {point.meeting.id: point for point in trend.meetings}
    assert (by_id[network["spring"]].figure.k, by_id[network["spring"]].figure.n) == (14, 20)
    assert by_id[network["new"]].version.version == 2 and by_id[network["new"]].figure.n == 30
    statuses = {name: by_id[network[name]].status for name in ("small", "open", "paper")}
    assert statuses == {"small": "too_few", "open": "open", "paper": "paper"}
    assert all(by_id[network[name]].figure is None for name in statuses)
    years = {period.label: period for period in trend.years}
    assert set(years) == {"2015", "2016"}  # 2017 has no meeting that shows a figure
    assert (years["2015"].figure.k, years["2015"].figure.n, years["2015"].meetings) == (23, 30, 2)
    assert (years["2016"].figure.k, years["2016"].figure.n) == (12, 30)  # the small meeting is in no total
    low, high = proportion_confint(23, 30, alpha=0.05, method="wilson")
    assert years["2015"].figure.assessment.low == pytest.approx(low, abs=1e-12)
    assert years["2015"].figure.assessment.high == pytest.approx(high, abs=1e-12)


def test_the_wording_change_is_found_between_versions(db, network):
    trends = trends_of(db, network["two"])
    changes = trends.indicator("knows_more_offers").wording_changes
    assert [(c.before.version, c.after.version) for c in changes] == [(1, 2)]
    assert changes[0].old_text["de"] == OLD_WORDING and changes[0].new_text["de"] == NEW_WORDING
    assert trends.indicator("new_contacts").wording_changes == ()


def test_comparison_of_two_years_against_statsmodels(db, network):
    trends = trends_of(db, network["one"])
    found = series.compare(trends, "knows_more_offers", scopes.Year(2015), scopes.Year(2016))
    assert (found.first.figure.k, found.first.figure.n, found.second.figure.k, found.second.figure.n) == (
        23,
        30,
        12,
        30,
    )
    low, high = confint_proportions_2indep(12, 30, 23, 30, method="newcomb", compare="diff")
    assert found.difference.estimate == pytest.approx(12 / 30 - 23 / 30, abs=1e-12)
    assert (found.difference.low, found.difference.high) == pytest.approx((low, high), abs=1e-9)
    assert high < 0 and found.verdict == "worse"  # the target is "at least": a fall is worse


def test_comparison_of_two_meetings_and_of_dates(db, network):
    trends = trends_of(db, network["one"])
    found = series.compare(
        trends, "knows_more_offers", scopes.OneMeeting(network["spring"]), scopes.OneMeeting(network["autumn"])
    )
    low, high = confint_proportions_2indep(9, 10, 14, 20, method="newcomb", compare="diff")
    assert (found.difference.low, found.difference.high) == pytest.approx((low, high), abs=1e-9)
    assert low < 0 < high and found.verdict == "no_clear_change"
    ranged = series.compare(
        trends,
        "knows_more_offers",
        scopes.Dates(dt.date(2015, 1, 1), dt.date(2015, 6, 30)),
        scopes.Dates(dt.date(2015, 7, 1), dt.date(2016, 12, 31)),
    )
    assert (ranged.second.figure.k, ranged.second.figure.n, ranged.second.shown) == (21, 40, 2)


def test_a_scope_under_k_cannot_be_compared(db, network):
    trends = trends_of(db, network["one"])
    small = series.compare(trends, "knows_more_offers", scopes.Year(2015), scopes.OneMeeting(network["small"]))
    assert small.second.figure is None and small.difference is None and small.verdict is None
    unreleased = series.compare(trends, "knows_more_offers", scopes.Year(2015), scopes.Year(2017))
    assert unreleased.second.figure is None and unreleased.difference is None
    # With k = 3 the small meeting shows its figure and can be compared.
    assert series.compare(
        trends_of(db, network["one"], k=3), "knows_more_offers", scopes.Year(2015), scopes.OneMeeting(network["small"])
    ).difference


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        (scopes.Year(2015), scopes.Year(2015), "overlap"),
        (scopes.Year(2016), scopes.OneMeeting(-1), "unknown_meeting"),
        (scopes.Year(2015), scopes.Year(2019), "no_meetings"),
        (scopes.Dates(dt.date(2015, 1, 1), dt.date(2015, 12, 31)), scopes.Year(2015), "overlap"),
    ],
)
def test_comparisons_that_cannot_be_asked(db, network, first, second, reason):
    with pytest.raises(series.ComparisonRefused) as refused:
        series.compare(trends_of(db, network["one"]), "knows_more_offers", first, second)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("value", "start", "end", "expected"),
    [
        ("2016", None, None, scopes.Year(2016)),
        ("meeting-12", None, None, scopes.OneMeeting(12)),
        ("dates", "2016-01-01", "2016-06-30", scopes.Dates(dt.date(2016, 1, 1), dt.date(2016, 6, 30))),
        ("", None, None, "missing"),
        ("meeting-0", None, None, "unknown"),
        ("meeting-x", None, None, "unknown"),
        ("16", None, None, "unknown"),
        ("dates", "2016-13-01", "2016-06-30", "bad_date"),
        ("dates", "", "2016-06-30", "bad_date"),
        ("dates", "2016-07-01", "2016-06-30", "inverted"),
    ],
)
def test_scopes_from_the_form(value, start, end, expected):
    if isinstance(expected, str):
        with pytest.raises(scopes.ScopeError) as error:
            scopes.parse_scope(value, start, end)
        assert error.value.reason == expected
    else:
        assert scopes.parse_scope(value, start, end) == expected
        assert scopes.scope_value(expected) == value


# --- the page ------------------------------------------------------------------


@pytest.fixture
def evaluator(client, staff):
    login(client, "evaluator", PASSWORDS["evaluator"])
    return client


def page(client, version_id, **query):
    response = client.get(f"/workspace/trends/{version_id}", query_string={"lang": "en", **query})
    return response.status_code, response.get_data(as_text=True)


def test_page_shows_every_scope_and_the_wording_change(evaluator, network):
    status, html = page(evaluator, network["one"])
    assert status == 200
    assert "The wording of the question changed in version 2 (before: version 1)." in html
    assert OLD_WORDING in html and NEW_WORDING in html
    assert html.count("<svg") >= 4 * 2  # two charts per indicator
    assert 'role="img" aria-label="Share per year' in html
    assert "2015 <small>(2 meetings)</small>" in html
    assert "not yet: the survey has not closed" in html and "not yet: the paper entry is not marked finished" in html
    assert "Not shown: fewer than 5 answers." in html
    # The default comparison: the last two years, 2016 against 2017, where 2017 shows no figure.
    assert "These two cannot be compared: at least one of them shows no figure." in html


def test_page_compares_two_years_with_a_verdict(evaluator, network):
    status, html = page(evaluator, network["one"], indicator="knows_more_offers", first="2015", second="2016")
    assert status == 200
    low, high = confint_proportions_2indep(12, 30, 23, 30, method="newcomb", compare="diff")
    assert "<strong>Got worse.</strong>" in html
    expected = f"changed by −36.7 percentage points (95 % confidence interval {100 * low:.1f} to {100 * high:.1f})"
    assert expected.replace("-", "−") in html
    _, improved = page(evaluator, network["one"], indicator="knows_more_offers", first="2016", second="2015")
    assert "<strong>Improved.</strong>" in improved
    meetings = {"first": f"meeting-{network['spring']}", "second": f"meeting-{network['autumn']}"}
    _, unclear = page(evaluator, network["one"], indicator="knows_more_offers", **meetings)
    assert "<strong>No clear change.</strong>" in unclear


def test_page_keeps_a_small_meeting_out_of_the_comparison(evaluator, network):
    status, html = page(
        evaluator, network["one"], indicator="knows_more_offers", first="2015", second=f"meeting-{network['small']}"
    )
    assert status == 200
    assert "These two cannot be compared" in html and "percentage points" not in html
    assert re.search(r"No figure: none of its meetings shows one for this indicator \(each needs .* at least 5", html)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"first": "2015", "second": "2015"}, "The two choices share meetings."),
        ({"first": "2015", "second": "2019"}, "No meeting with responses to this questionnaire falls in it."),
        ({"first": "2015", "second": "meeting-999999"}, "There is no such meeting with responses"),
        ({"first": "2015", "second": "dates", "second_from": "2016-07-01", "second_to": "2016-01-01"}, "ends before"),
        ({"first": "2015", "second": "dates", "second_from": "1.7.2016", "second_to": "x"}, "YYYY-MM-DD"),
        ({"first": "2015", "second": ""}, "Choose a year, a meeting or a range of dates."),
        ({"first": "2015", "second": "<script>"}, "There is no such choice."),
        ({"indicator": "nope", "first": "2015", "second": "2016"}, "There is no such indicator"),
    ],
)
def test_bad_comparisons_get_a_clear_400_with_the_form_kept(evaluator, network, query, message):
    status, html = page(evaluator, network["one"], **{"indicator": "knows_more_offers", **query})
    assert status == 400
    assert message in html and 'class="error-summary" role="alert"' in html
    assert '<option value="2015" selected>' in html  # the first choice is kept


def test_page_in_german(evaluator, network):
    status, html = page(
        evaluator, network["one"], lang="de", indicator="knows_more_offers", first="2015", second="2016"
    )
    assert status == 200 and "Trends und Veränderung" in html and "Prozentpunkte" in html


def test_page_needs_a_login_and_a_known_version(client, staff, network):
    response = client.get(f"/workspace/trends/{network['one']}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, "coordinator", PASSWORDS["coordinator"])
    assert client.get(f"/workspace/trends/{network['one']}").status_code == 200
    assert client.get("/workspace/trends/999999").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"indicator": "knows_more_offers", "first": "9" * 5000, "second": "2015"},
        {"indicator": "knows_more_offers", "first": "meeting-99999999999", "second": "2015"},
        {"indicator": "knows_more_offers", "first": "dates", "first_from": "9999-99-99", "first_to": "\x00"},
        {"indicator": "knows_more_offers", "first": "dates", "first_from": "0001-01-01", "first_to": "9999-12-31"},
        {"indicator": "ٰknows", "first": "٢٠١٥", "second": "2016"},
        {"indicator": "", "first": "", "second": ""},
        {"indicator": "knows_more_offers"},
    ],
)
def test_no_query_gives_a_500(evaluator, network, query):
    status, html = page(evaluator, network["one"], **query)
    assert status in (200, 400)
    if status == 400:
        assert 'class="error-summary" role="alert"' in html


def test_a_questionnaire_without_responses_gives_a_page(evaluator, db):
    from tests.conftest import store_questionnaire as store

    version, _ = store(db)
    db.commit()
    status, html = page(evaluator, version.id)
    assert status == 200 and "No responses yet." in html and 'id="comparison"' not in html
