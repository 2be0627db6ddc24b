"""Reports that never show a small group (app/evaluation/release.py).

- While a survey is open the workspace shows its number of responses and
  nothing else: every page a coordinator or an evaluator can open, taken
  before and after one more submission, differs in a count of responses only.
- The seven-response case: six ordinary responses and one from a rare actor
  group, in Persian, at one meeting.  Neither the report nor the dashboard
  tells that respondent apart: its pages are the same whichever group and
  language the seventh had.
- A meeting's results, and every group's row, stand for at least k
  respondents, also as the difference between the report before and after a
  meeting's results are released.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from itertools import product

import pytest
from sqlalchemy import delete

from app.evaluation.report import reporting
from app.models import Answer, QuestionnaireVersion, Response, SubmissionReceipt
from app.network.strategy.store import store_strategy
from tests.conftest import IV1, PASSWORDS, VALID_ANSWERS, add_meeting, login, now, open_form, store_response

K = 5  # the network's default minimum cell size
HOUR = dt.timedelta(hours=1)
INDICATOR_QUESTIONS = ("knows_more_offers", "new_contacts", "central_topics")


def answers(rng: random.Random, actor_group: str) -> dict[str, str]:
    """A complete IV.1 answer with random verdicts."""
    chosen = {
        **VALID_ANSWERS,
        "actor_group": actor_group,
        **{q: rng.choice(("yes", "no", "dont_know")) for q in INDICATOR_QUESTIONS},
        **{q: str(rng.randint(1, 5)) for q in ("satisfaction", "impulses", "benefit", "relevant_topics")},
    }
    chosen["new_partners"] = rng.choice(("yes", "no")) if chosen["new_contacts"] == "yes" else None
    return {name: value for name, value in chosen.items() if value is not None}


def store(db, meeting, form: dict[str, str], language: str = "de") -> None:
    store_response(db, meeting, {name: [value] for name, value in form.items()}, language=language)


def submit(app, meeting, form: dict[str, str], lang: str = "de") -> None:
    """One submission through the participant's form, from a phone of its own."""
    phone = app.test_client()
    page = open_form(phone, meeting.public_code, lang=lang)
    assert phone.post(f"/m/{meeting.public_code}", data=page.fields(form)).status_code == 303


# --- the pages ----------------------------------------------------------------------

RESPONSE_COUNT = re.compile(r'<span class="responses">([^<]*)</span>')
CSRF = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]+')


def staff_clients(app, db):
    from app.accounts import users as accounts

    clients = {}
    for role in ("coordinator", "evaluator"):
        accounts.create_user(db, role, PASSWORDS[role], role)
        db.commit()
        clients[role] = app.test_client()
        assert login(clients[role], role, PASSWORDS[role]).status_code == 302
    return clients


def report_pages(version_id: int) -> list[str]:
    """Every page with figures a coordinator or an evaluator can open, in every selection the report offers."""
    pages = ["/workspace/", "/workspace/reports/", "/workspace/strategy/", f"/workspace/reports/{version_id}"]
    pages += [
        f"/workspace/reports/{version_id}?method={method}&confidence={confidence}"
        for method, confidence in product(reporting.SELECTABLE_METHODS, reporting.CONFIDENCES)
    ]
    return [f"{page}{'&' if '?' in page else '?'}lang={lang}" for page in pages for lang in ("en", "fa")]


def snapshot(clients, version_id: int) -> dict[tuple[str, str], str]:
    pages = {}
    for role, client in clients.items():
        for page in report_pages(version_id) + (["/workspace/meetings/?lang=en"] if role == "coordinator" else []):
            response = client.get(page, follow_redirects=True)
            assert response.status_code == 200, page
            pages[(role, page)] = CSRF.sub(r"\1…", response.get_data(as_text=True))
    return pages


def counts_apart(html: str) -> tuple[str, list[str]]:
    """The page with its counts of responses (and the response rates made of them) taken out, and those counts."""
    return RESPONSE_COUNT.sub('<span class="responses">…</span>', html), RESPONSE_COUNT.findall(html)


@pytest.fixture
def network(app, db):
    """A closed meeting with results (and the demo strategy, so record indicators show too) and an open one."""
    rng = random.Random(16)
    store_strategy(db, (IV1.parent / "strategy.yaml").read_text("utf-8"))
    db.commit()
    closed = add_meeting(db, title="Herbsttreffen", opens=-72, closes=-48, attended=30)
    for group, times in (("school", 8), ("kita", 6), ("migrant_organisation", 2)):
        for _ in range(times):
            store(db, closed, answers(rng, group))
    db.commit()
    running = add_meeting(db, title="Wintertreffen", closes=1, attended=40)
    return closed, running


def test_one_more_submission_changes_no_figure_but_a_count_of_responses(app, db, network):
    _closed, running = network
    clients = staff_clients(app, db)
    rng = random.Random(7)
    for _ in range(6):
        submit(app, running, answers(rng, "school"))
    before = snapshot(clients, running.questionnaire_version_id)
    submit(app, running, {**answers(rng, "politics"), "comment": "Persian"}, lang="fa")
    after = snapshot(clients, running.questionnaire_version_id)

    changed = set()
    for page in before:
        page_before, counts_before = counts_apart(before[page])
        page_after, counts_after = counts_apart(after[page])
        assert page_before == page_after, page  # every figure, word and chart as it was
        changed |= {pair for pair in zip(counts_before, counts_after, strict=True) if pair[0] != pair[1]}
    # What changed: the open meeting's count (6 -> 7) and its response rate of 40 attendees.
    assert changed == {("6", "7"), ("15%", "18%")}
    # The pages do carry figures: the closed meeting's results are there.
    report = after[("evaluator", f"/workspace/reports/{running.questionnaire_version_id}?lang=en")]
    assert "Reached." in report or "Not reached." in report or "Not determinable." in report
    assert "Herbsttreffen" in report.split("Indicators over time", 1)[1].split('id="meetings"', 1)[0]
    assert "Wintertreffen" not in report.split('id="meetings"', 1)[0]


# --- the seven-response case ----------------------------------------------------------

SIX = random.Random(6)
ORDINARY = [answers(SIX, "school") for _ in range(6)]
SEVENTH = {name: value for name, value in answers(SIX, "school").items() if name != "actor_group"}

# Who the seventh is: the rare respondent, and others it must look like.
SEVENTHS = {
    "a politician answering in Persian": ({"actor_group": "politics"}, "fa"),
    "a kita answering in German": ({"actor_group": "kita"}, "de"),
    "an education provider answering in Turkish": ({"actor_group": "education_provider"}, "tr"),
}


def seven_pages(app, db, clients, meeting, seventh: str) -> dict[tuple[str, str], str]:
    """The pages once the meeting's survey has closed, with the six and the given seventh."""
    for table in (Answer, Response, SubmissionReceipt):
        db.execute(delete(table))
    db.commit()
    for form in ORDINARY:
        store(db, meeting, form)
    group, language = SEVENTHS[seventh]
    store(db, meeting, {**SEVENTH, **group}, language=language)
    db.commit()
    return snapshot(clients, meeting.questionnaire_version_id)


def test_the_seven_response_case_singles_nobody_out(app, db):
    meeting = add_meeting(db, title="Offenes Demo-Treffen", closes=1, attended=None)
    clients = staff_clients(app, db)
    version = db.get(QuestionnaireVersion, meeting.questionnaire_version_id)
    path = f"/workspace/reports/{version.id}?lang=en"

    # While the survey is open: seven responses, and not one answer.
    open_pages = seven_pages(app, db, clients, meeting, "a politician answering in Persian")
    report = open_pages[("evaluator", path)]
    figures = report.split('id="meetings"', 1)[0]
    assert "Offenes Demo-Treffen" not in figures, figures[figures.index("Offenes Demo-Treffen") - 300 :][:600]
    assert "Reached." not in figures and "Not determinable." not in figures and "Target:" not in figures
    assert figures.count("no results yet") == 4  # each indicator across all meetings
    likert = figures.split('id="likert"', 1)[1].split("</table>", 1)[0]
    assert set(re.findall(r"<td>([^<]*)</td>", likert)) == {"0", "–"}
    assert '<span class="responses">7</span>' in report and "not yet: the survey has not closed" in report
    home = open_pages[("coordinator", "/workspace/?lang=en")]
    assert '<span class="responses">7</span>' in home

    # Once it has closed: the meeting's figures (seven people), no group's row, no language.
    app.config["CLOCK"] = lambda: meeting.closes_at
    pages = {seventh: seven_pages(app, db, clients, meeting, seventh) for seventh in SEVENTHS}
    rare = pages["a politician answering in Persian"]
    report = rare[("evaluator", path)]
    figures = report.split('id="meetings"', 1)[0]
    meeting_rows = re.findall(r'<tr>\s*<th scope="row">[^<]*· <bdi>Offenes Demo-Treffen</bdi>.*?</tr>', figures, re.S)
    assert len(meeting_rows) == 4  # one per indicator, each out of at least k answers or not shown
    for row in meeting_rows:
        n = re.search(r"</th>\s*<td>(\d+)</td>", row)
        assert (n and int(n.group(1)) >= K) or "Not shown: fewer than 5 answers." in row
    breakdown = report.split('id="breakdown-actor_group"', 1)[1].split('id="meetings"', 1)[0]
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>\s*<td([^>]*)>([^<]*)</td>', breakdown)
    assert len(rows) == 9 and all(cell == "not shown" for _label, _attrs, cell in rows)  # the six school ones too
    assert "Politics" in breakdown  # listed like every other group, with nobody or not
    # Every page is the same whoever the seventh was.
    for seventh, other in pages.items():
        assert other == rare, seventh


# --- the difference when a meeting's results are released ---------------------------------


def test_releasing_a_meeting_changes_each_group_by_nothing_or_at_least_k(db):
    """Random meetings of skewed groups, released one after the other: every
    change of a group's row, and what the meeting's own figures leave beside
    the rows' changes, is nothing or at least k respondents (or answers)."""
    rng = random.Random(2016)
    groups = ("school", "kita", "migrant_organisation", "politics", "administration")
    meetings = []
    for i in range(6):
        meeting = add_meeting(db, title=f"Treffen {i}", opens=-100, closes=-90 + 10 * i, attended=None)
        weights = [rng.random() ** 3 for _ in groups]
        for _ in range(rng.randint(5, 18)):
            store(db, meeting, answers(rng, rng.choices(groups, weights)[0]))
        meetings.append(meeting)
    db.commit()
    version = db.query(QuestionnaireVersion).one()

    def report_at(moment):
        options = reporting.ReportOptions(min_cell=K)
        return reporting.build_report(db, version, options, today=dt.date.today(), now=moment)

    def small(change: int) -> bool:
        return 0 < abs(change) < K

    previous = report_at(meetings[0].closes_at - HOUR)
    assert previous.overall.respondents == 0
    released_any = False
    for meeting in meetings:
        current = report_at(meeting.closes_at)
        scope = next(s for s in current.meetings if s.meeting.id == meeting.id)
        before_rows = {row.code: row for row in previous.breakdowns[0].rows}
        row_changes = [
            (row.respondents or 0) - (before_rows[row.code].respondents or 0) for row in current.breakdowns[0].rows
        ]
        assert not any(small(change) for change in row_changes), meeting.title
        total_change = current.overall.respondents - previous.overall.respondents
        assert total_change in (0, scope.respondents)
        assert not small(total_change - sum(row_changes)), meeting.title
        for position in range(len(current.questionnaire.indicators)):
            n_changes = [
                row.denominators[position] - before_rows[row.code].denominators[position]
                for row in current.breakdowns[0].rows
            ]
            assert not any(small(change) for change in n_changes)
            overall_change = current.overall.results[position].n - previous.overall.results[position].n
            assert not small(overall_change) and not small(overall_change - sum(n_changes))
        released_any |= any(row_changes)
        previous = current
    assert released_any  # some groups were shown at all


def test_a_meeting_under_k_is_in_no_figure(db):
    """Four responses: the meeting's count is shown, its answers are in no total."""
    shown = add_meeting(db, title="Groß", opens=-10, closes=-5, attended=None)
    small = add_meeting(db, title="Klein", opens=-10, closes=-5, attended=None)
    rng = random.Random(4)
    for _ in range(9):
        store(db, shown, answers(rng, "school"))
    for _ in range(4):
        store(db, small, {**answers(rng, "school"), "knows_more_offers": "yes"})
    db.commit()
    version = db.query(QuestionnaireVersion).one()
    report = reporting.build_report(db, version, reporting.ReportOptions(min_cell=K), today=dt.date.today(), now=now())
    statuses = {scope.label: (scope.status, scope.respondents, scope.results) for scope in report.meetings}
    assert statuses["Klein"] == ("too_few", 4, ())
    assert statuses["Groß"][:2] == ("shown", 9)
    assert report.overall.respondents == 9 and sum(item.summary.n for item in report.likert[:1]) == 9
    assert [r.n for r in report.overall.results] == [r.n for r in statuses["Groß"][2]]


def test_an_indicator_answered_by_fewer_than_k_is_not_shown_nor_pooled(db):
    """Seven respond at each meeting; at the first only three answer central_topics
    other than "don't know": that figure is not shown, and the year holds the second meeting's alone."""
    first = add_meeting(db, title="Erstes", opens=-10, closes=-5, attended=None)
    second = add_meeting(db, title="Zweites", opens=-10, closes=-5, attended=None)
    rng = random.Random(3)
    for i in range(7):
        store(db, first, {**answers(rng, "school"), "central_topics": "yes" if i < 3 else "dont_know"})
        store(db, second, {**answers(rng, "school"), "central_topics": "yes" if i < 5 else "no"})
    db.commit()
    version = db.query(QuestionnaireVersion).one()
    report = reporting.build_report(db, version, reporting.ReportOptions(min_cell=K), today=dt.date.today(), now=now())
    position = [i.id for i in report.questionnaire.indicators].index("central_topics")
    by_title = {scope.label: scope.results[position] for scope in report.meetings}
    assert (by_title["Erstes"].note, by_title["Erstes"].k, by_title["Erstes"].n) == ("too_few", 0, 0)
    assert (by_title["Zweites"].k, by_title["Zweites"].n) == (5, 7)
    assert (report.overall.results[position].k, report.overall.results[position].n) == (5, 7)
    assert (report.years[0].results[position].k, report.years[0].results[position].n) == (5, 7)


def test_a_likert_item_answered_by_fewer_than_k_at_a_meeting_is_not_pooled(db):
    first = add_meeting(db, title="Erstes", opens=-10, closes=-5, attended=None)
    second = add_meeting(db, title="Zweites", opens=-10, closes=-5, attended=None)
    rng = random.Random(5)
    for i in range(8):
        form = answers(rng, "school")
        if i >= 3:
            del form["transparency"]  # three answer it at the first meeting
        store(db, first, {**form, **({"transparency": "1"} if i < 3 else {})})
        store(db, second, {**answers(rng, "school"), "transparency": "5"})
    db.commit()
    version = db.query(QuestionnaireVersion).one()
    report = reporting.build_report(db, version, reporting.ReportOptions(min_cell=K), today=dt.date.today(), now=now())
    transparency = next(item for item in report.likert if item.question.id == "transparency")
    assert transparency.counts == {1: 0, 2: 0, 3: 0, 4: 0, 5: 8}
    satisfaction = next(item for item in report.likert if item.question.id == "satisfaction")
    assert sum(satisfaction.counts.values()) == 16
