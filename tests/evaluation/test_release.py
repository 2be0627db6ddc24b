"""The release rule and the small-group rule of app/evaluation/release.py,
and the report's query filter held to the same answer on both engines."""

import datetime as dt

import pytest
from sqlalchemy import select

from app.evaluation import release
from app.evaluation.report import queries
from app.meetings import codes
from app.models import Meeting
from tests.conftest import store_questionnaire

NOW = dt.datetime(2026, 5, 4, 18, 0)
HOUR = dt.timedelta(hours=1)

# (opens_at, closes_at, released at NOW)
WINDOWS = {
    "closed an hour ago": (NOW - 3 * HOUR, NOW - HOUR, True),
    "closing this instant": (NOW - 3 * HOUR, NOW, True),
    "closes in an hour": (NOW - 3 * HOUR, NOW + HOUR, False),
    "no closing time": (NOW - 3 * HOUR, None, False),
    "no window at all": (None, None, False),
    "not yet open": (NOW + HOUR, NOW + 3 * HOUR, False),
    "closed, never opened": (None, NOW - HOUR, True),
}


@pytest.mark.parametrize("paper_entry_finished", [True, False])
@pytest.mark.parametrize("window", WINDOWS)
def test_a_meetings_results_are_released_once_its_survey_has_closed_and_paper_entry_finished(
    window, paper_entry_finished
):
    opens_at, closes_at, released = WINDOWS[window]
    meeting = Meeting(opens_at=opens_at, closes_at=closes_at, paper_entry_finished=paper_entry_finished)
    assert release.results_released(meeting, NOW) is (released and paper_entry_finished)
    waits = release.waiting_for(meeting, NOW)
    assert waits == (None if released and paper_entry_finished else "paper" if released else "open")


def test_the_query_filter_says_what_the_rule_says(db):
    version, _ = store_questionnaire(db)
    for name, (opens_at, closes_at, _released) in WINDOWS.items():
        for finished in (True, False):
            db.add(
                Meeting(
                    public_code=codes.new_public_code(),
                    title=f"{name}, paper {'finished' if finished else 'to come'}",
                    date=NOW.date(),
                    questionnaire_version=version,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    paper_entry_finished=finished,
                )
            )
    db.commit()
    meetings = db.scalars(select(Meeting)).all()
    by_query = set(db.scalars(select(Meeting.title).where(Meeting.id.in_(queries.released_meetings(NOW)))))
    assert by_query == {m.title for m in meetings if release.results_released(m, NOW)}
    assert by_query == {f"{name}, paper finished" for name, (*_, released) in WINDOWS.items() if released}


def test_large_enough():
    assert release.large_enough(5, 5) and not release.large_enough(4, 5)


@pytest.mark.parametrize(
    ("sizes", "unlisted", "left_out"),
    [
        ({"a": 10, "b": 8}, 0, set()),
        ({"a": 6, "b": 1}, 0, {"a", "b"}),  # the seven-response case: the six go too, or 7 - 6 gives the one
        ({"a": 10, "b": 4, "c": 9, "d": 6}, 0, {"b", "d"}),  # 4 + 6 left out: at least k
        ({"a": 10, "b": 1, "c": 1}, 0, {"a", "b", "c"}),  # two hidden cells of 1 and 1 are still fewer than k
        ({"a": 10, "b": 2, "c": 2, "d": 9}, 0, {"b", "c", "d"}),
        ({"a": 10, "b": 8}, 2, {"b"}),  # two who did not answer the group question: the smallest cell goes too
        ({"a": 10, "b": 8}, 5, set()),  # five who did not answer: enough as they are
        ({"a": 0, "b": 7}, 0, set()),  # an empty cell hides nothing
    ],
)
def test_what_a_meeting_leaves_out_is_nothing_or_at_least_k(sizes, unlisted, left_out):
    out = release.cells_to_leave_out(sizes, 5, unlisted=unlisted)
    assert out == left_out
    hidden_total = unlisted + sum(sizes[key] for key in out)
    assert hidden_total == 0 or hidden_total >= 5


def test_cells_left_out_for_another_reason_count_too():
    # "b" is out already (its respondents are a small group); its 3 answers and the 1 unlisted are 4 < 5.
    assert release.cells_to_leave_out({"a": 9, "b": 3, "c": 6}, 5, unlisted=1, hidden=frozenset({"b"})) == {"b", "c"}
