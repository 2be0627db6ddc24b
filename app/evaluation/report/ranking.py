"""The report's priority tables: one per ranking question, over all meetings,
each calendar year and each meeting.

Who counts: the respondents who ranked at least one item, which are those
with a first place (a ranking has no gaps), so the database's counts of
(item, place) say how many there are.  A meeting enters the figures when the
report shows it and at least k of its respondents ranked; a period is the
sum of the meetings that enter, so no scope stands for fewer than k people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.evaluation.priorities import Priority, priority_table
from app.evaluation.release import large_enough
from app.evaluation.report import queries
from app.models import Meeting
from app.questionnaires.model import Questionnaire, Ranking


@dataclass(frozen=True)
class PriorityScope:
    kind: str  # all | year | meeting
    label: str
    respondents: int  # who ranked at least one item
    rows: tuple[Priority, ...]
    meeting: Meeting | None = None


@dataclass(frozen=True)
class Priorities:
    question: Ranking
    scopes: tuple[PriorityScope, ...]  # empty while no meeting may be shown

    def label(self, code: str) -> Mapping[str, str]:
        return self.question.options[self.question.codes.index(code)].label


def ranked_by(counts: Mapping[tuple[str, int], int]) -> int:
    """Respondents who ranked at least one item: one first place each."""
    return sum(count for (_code, place), count in counts.items() if place == 1)


def _summed(parts: Sequence[Mapping[tuple[str, int], int]]) -> dict[tuple[str, int], int]:
    total: dict = defaultdict(int)
    for part in parts:
        for key, count in part.items():
            total[key] += count
    return dict(total)


def priorities(
    session: Session,
    version_id: int,
    questionnaire: Questionnaire,
    shown: Sequence[Meeting],
    *,
    k: int,
    confidence: float,
    now: dt.datetime,
) -> tuple[Priorities, ...]:
    """The priority tables of every ranking of ``questionnaire``, from the
    meetings the report shows (``shown``, in date order)."""
    out = []
    for question in questionnaire.questions:
        if not isinstance(question, Ranking) or not question.options:
            continue
        by_meeting = queries.place_counts_by_meeting(session, version_id, question.id, now)
        entering = [(m, by_meeting[m.id]) for m in shown if large_enough(ranked_by(by_meeting.get(m.id, {})), k)]

        def scope(kind: str, label: str, parts: Sequence[Mapping], meeting=None, question=question) -> PriorityScope:
            counts = _summed(parts)
            n = ranked_by(counts)
            rows = priority_table(counts, n, question.codes, question.rank, confidence=confidence)
            return PriorityScope(kind, label, n, rows, meeting)

        scopes = []
        if entering:
            scopes.append(scope("all", "all", [counts for _m, counts in entering]))
            years: dict[int, list] = defaultdict(list)
            for meeting, counts in entering:
                years[meeting.date.year].append(counts)
            scopes += [scope("year", str(year), years[year]) for year in sorted(years)]
            scopes += [scope("meeting", meeting.title, [counts], meeting) for meeting, counts in entering]
        out.append(Priorities(question, tuple(scopes)))
    return tuple(out)
