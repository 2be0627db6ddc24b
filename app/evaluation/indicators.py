"""From answer counts to indicator shares: the denominator rules.

The database counts (``GROUP BY meeting, question, code``); this module adds
counts of meetings into periods and turns them into ``k`` successes out of
``n`` as each indicator declares.  It never sees a single response.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.questionnaires.model import DONT_KNOW, Indicator, Questionnaire


@dataclass(frozen=True)
class Counts:
    """What a set of responses said: how many responded, and how often each
    (question, answer code) was given."""

    respondents: int = 0
    answers: Mapping[tuple[str, str], int] = field(default_factory=dict)

    @staticmethod
    def merge(parts: Iterable[Counts]) -> Counts:
        respondents, answers = 0, Counter()
        for part in parts:
            respondents += part.respondents
            answers.update(part.answers)
        return Counts(respondents, dict(answers))

    def count(self, question_id: str, code: str) -> int:
        return self.answers.get((question_id, code), 0)


@dataclass(frozen=True)
class Share:
    k: int  # successes
    n: int  # the denominator the indicator declares
    answered: int  # who answered the question at all
    dont_know: int


def indicator_share(questionnaire: Questionnaire, indicator: Indicator, counts: Counts) -> Share:
    """Successes and denominator of one indicator.

    Indicators name single-answer questions (the questionnaire check enforces
    it), so each respondent contributes at most one code and sums of code
    counts are counts of respondents.
    """
    question = questionnaire.question(indicator.question)
    k = sum(counts.count(question.id, code) for code in indicator.success)
    answered = sum(counts.count(question.id, code) for code in question.codes)
    dont_know = counts.count(question.id, DONT_KNOW)
    if indicator.denominator == "all_respondents":
        n = counts.respondents
    elif indicator.denominator == "answered":
        n = answered
    else:  # answered_excluding_dont_know
        n = answered - dont_know
    return Share(k=k, n=n, answered=answered, dont_know=dont_know)


def likert_counts(counts: Counts, question_id: str, codes: Iterable[str]) -> dict[int, int]:
    return {int(code): counts.count(question_id, code) for code in codes}
