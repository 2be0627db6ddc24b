"""The priority table of a ranking question: which items respondents put first.

From the counts of (item, place), which the database counts, and the number
of respondents, each item gets

- the share of respondents who put it anywhere in their top N, with a Wilson
  interval;
- its mean score, N points for first place, N − 1 for second, … 1 for the
  Nth and 0 for an item not ranked, with a Student-t interval.  A score takes
  N + 1 values, so its counts (how many gave the item each score) are the
  counts of (item, place) plus the respondents who did not rank it, and the
  variance follows from them: the database still only counts;

sorted by share, then mean score.  An item whose share interval reaches the
leader's is "not clearly behind": with this many respondents, it may be the
most urgent as well.

Which respondents count, and that no scope under k is shown, is the caller's
(``app/evaluation/report/ranking.py``); this module is arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from app.evaluation import stats


@dataclass(frozen=True)
class Priority:
    code: str
    ranked: int  # respondents who put it in their top N
    share: float
    share_low: float
    share_high: float
    score: float  # mean score over all respondents
    score_low: float | None  # None with fewer than 2 respondents
    score_high: float | None
    leader: bool = False
    not_clearly_behind: bool = False  # its share interval overlaps the leader's


def score_counts(counts: Mapping[tuple[str, int], int], code: str, rank: int, respondents: int) -> dict[int, int]:
    """How many respondents gave ``code`` each score 0 … ``rank``: place p scores rank − p + 1."""
    scores = {rank - place + 1: counts.get((code, place), 0) for place in range(1, rank + 1)}
    scores[0] = respondents - sum(scores.values())
    return scores


def priority_table(
    counts: Mapping[tuple[str, int], int],
    respondents: int,
    codes: Sequence[str],
    rank: int,
    *,
    confidence: float = 0.95,
) -> tuple[Priority, ...]:
    """Every item of ``codes``, most often ranked first.  ``counts`` maps
    (item code, place from 1) to respondents; counts of other items or places
    are ignored."""
    if rank < 1:
        raise ValueError(f"rank must be at least 1, got {rank}")
    if respondents < 1:
        raise ValueError(f"a priority table needs respondents, got {respondents}")
    rows = []
    for code in codes:
        scores = score_counts(counts, code, rank, respondents)
        ranked = respondents - scores[0]
        if scores[0] < 0 or min(scores.values()) < 0:
            raise ValueError(f"item {code!r} is ranked by more than the {respondents} respondents")
        low, high = stats.share_interval(ranked, respondents, confidence=confidence, method="wilson")
        # A mean with its t-interval from counts of values, as for a Likert item, on the scale 0 … rank.
        mean = stats.likert_mean(scores, confidence=confidence, scale=(0, rank))
        rows.append(Priority(code, ranked, ranked / respondents, low, high, mean.mean, mean.low, mean.high))
    order = {code: i for i, code in enumerate(codes)}
    rows.sort(key=lambda p: (-p.ranked, -p.score, order[p.code]))
    leader = rows[0] if rows else None
    return tuple(
        replace(p, leader=p is leader, not_clearly_behind=p is not leader and p.share_high >= leader.share_low)
        for p in rows
    )
