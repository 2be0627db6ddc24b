"""The priority table of a ranking, against independent computations:
statsmodels' Wilson interval for the shares, scipy's t-interval on the raw
scores of every respondent, and a worked example checked by hand."""

import random

import numpy as np
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

from app.evaluation.priorities import priority_table, score_counts


def random_rankings(rng: random.Random, codes, rank: int, respondents: int) -> list[list[str]]:
    """Each respondent's places, first first; some rank fewer than ``rank`` items."""
    return [rng.sample(codes, rng.randint(1, rank)) for _ in range(respondents)]


def counted(rankings) -> dict[tuple[str, int], int]:
    """What the database counts: (item, place) -> respondents."""
    counts: dict = {}
    for places in rankings:
        for place, code in enumerate(places, 1):
            counts[(code, place)] = counts.get((code, place), 0) + 1
    return counts


@pytest.mark.parametrize("seed, rank, respondents", [(1, 3, 12), (2, 3, 57), (3, 5, 200), (4, 1, 30), (5, 2, 8)])
@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_against_statsmodels_and_scipy_on_raw_scores(seed, rank, respondents, confidence):
    rng = random.Random(seed)
    codes = ["a", "b", "c", "d", "e", "f"]
    rankings = random_rankings(rng, codes, rank, respondents)
    table = priority_table(counted(rankings), respondents, codes, rank, confidence=confidence)
    assert sorted(p.code for p in table) == codes
    for row in table:
        ranked = sum(row.code in places for places in rankings)
        low, high = proportion_confint(ranked, respondents, alpha=1 - confidence, method="wilson")
        assert row.ranked == ranked
        assert (row.share_low, row.share_high) == pytest.approx((low, high), abs=1e-9)
        # The raw score of every respondent: N for first, … 0 for not ranked.
        scores = np.array([rank - places.index(row.code) if row.code in places else 0 for places in rankings], float)
        assert row.score == pytest.approx(scores.mean(), abs=1e-12)
        if scores.std() == 0:
            assert (row.score_low, row.score_high) == pytest.approx((scores.mean(), scores.mean()))
            continue
        t_low, t_high = scipy_stats.t.interval(
            confidence, len(scores) - 1, loc=scores.mean(), scale=scipy_stats.sem(scores)
        )
        assert (row.score_low, row.score_high) == pytest.approx((t_low, t_high), abs=1e-9)


def test_sorted_by_share_and_marked_against_the_leaders_interval():
    rng = random.Random(7)
    codes = ["a", "b", "c", "d"]
    rankings = random_rankings(rng, codes, 2, 80)
    table = priority_table(counted(rankings), 80, codes, 2)
    assert [p.ranked for p in table] == sorted((p.ranked for p in table), reverse=True)
    leader = table[0]
    assert leader.leader and not leader.not_clearly_behind
    for row in table[1:]:
        assert not row.leader
        assert row.not_clearly_behind == (row.share_high >= leader.share_low)


# A worked example, checked by hand: 10 respondents rank 3 of 5 needs.
#
#            1st 2nd 3rd  ranked  score points      squares
#   A          5   2   1       8  15+4+1 = 20       45+8+1 = 54
#   B          3   4   2       9   9+8+2 = 19       27+16+2 = 45
#   C          2   2   3       7   6+4+3 = 13       18+8+3 = 29
#   D          0   2   4       6   0+4+4 = 8         0+8+4 = 12
#   E          0   0   0       0   0                 0
#
# Wilson, z = 1.959964, z²/n = 0.384146: for k of 10 the centre is
# (k/10 + 0.192073) / 1.384146 and the half width 1.416004 · √(p(1−p)/10 + 0.0096037):
#   9/10: 0.788994 ± 0.193137 = [0.5958, 0.9821]
#   8/10: 0.716741 ± 0.226584 = [0.4902, 0.9433]
#   7/10: 0.644488 ± 0.247712 = [0.3968, 0.8922]
#   6/10: 0.572235 ± 0.259569 = [0.3127, 0.8318]
#   0/10: [0, 3.841459 / 13.841459] = [0, 0.2775]
# Mean score: s² = (squares − 10·mean²) / 9, half width t(0.975; 9) · s / √10, t = 2.262157:
#   B: 1.9, s² = (45 − 36.1)/9 = 0.988889, ± 0.711376 = [1.1886, 2.6114]
#   A: 2.0, s² = (54 − 40)/9   = 1.555556, ± 0.892214 = [1.1078, 2.8922]
#   C: 1.3, s² = (29 − 16.9)/9 = 1.344444, ± 0.829459 = [0.4705, 2.1295]
#   D: 0.8, s² = (12 − 6.4)/9  = 0.622222, ± 0.564288 = [0.2357, 1.3643]
#   E: 0, s = 0: [0, 0]
# B leads (9 of 10); A, C and D reach B's lower bound 0.5958, E (0.2775) does not.
WORKED = {
    ("A", 1): 5, ("A", 2): 2, ("A", 3): 1,
    ("B", 1): 3, ("B", 2): 4, ("B", 3): 2,
    ("C", 1): 2, ("C", 2): 2, ("C", 3): 3,
    ("D", 2): 2, ("D", 3): 4,
}  # fmt: skip
HAND = [
    # code, ranked, share low, high, score, low, high, not clearly behind
    ("B", 9, 0.5958, 0.9821, 1.9, 1.1886, 2.6114, False),
    ("A", 8, 0.4902, 0.9433, 2.0, 1.1078, 2.8922, True),
    ("C", 7, 0.3968, 0.8922, 1.3, 0.4705, 2.1295, True),
    ("D", 6, 0.3127, 0.8318, 0.8, 0.2357, 1.3643, True),
    ("E", 0, 0.0, 0.2775, 0.0, 0.0, 0.0, False),
]


def test_worked_example_checked_by_hand():
    table = priority_table(WORKED, 10, ["A", "B", "C", "D", "E"], 3)
    got = [
        (p.code, p.ranked, p.share_low, p.share_high, p.score, p.score_low, p.score_high, p.not_clearly_behind)
        for p in table
    ]
    for row, hand in zip(got, HAND, strict=True):
        assert row[:2] == hand[:2]
        assert row[2:7] == pytest.approx(hand[2:7], abs=5e-5)
        assert row[7] == hand[7]
    assert table[0].leader


def test_score_counts_add_up_to_the_respondents():
    assert score_counts(WORKED, "D", 3, 10) == {3: 0, 2: 2, 1: 4, 0: 4}


@pytest.mark.parametrize(
    "counts, respondents, rank",
    [({("a", 1): 3}, 2, 3), ({}, 0, 3), ({}, 5, 0)],
)
def test_impossible_counts_are_refused(counts, respondents, rank):
    with pytest.raises(ValueError):
        priority_table(counts, respondents, ["a", "b"], rank)
