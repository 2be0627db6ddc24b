"""The difference of two shares and its Newcombe interval, against statsmodels
and against the worked examples Newcombe (1998) published."""

import itertools

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from app.evaluation.change import Difference, change_verdict, newcombe_difference


def statsmodels_interval(k1, n1, k2, n2, alpha=0.05):
    """statsmodels' interval for k2/n2 - k1/n1 (it computes count1/nobs1 - count2/nobs2)."""
    low, high = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb", compare="diff", alpha=alpha)
    return float(low), float(high)


SIZES = (1, 2, 3, 7, 10, 29, 56, 100, 1295)
GRID = [
    (k1, n1, k2, n2)
    for n1, n2 in itertools.product(SIZES, repeat=2)
    for k1 in sorted({0, 1, n1 // 3, n1 // 2, n1 - 1, n1})
    for k2 in sorted({0, n2 // 4, n2 // 2, n2})
    if 0 <= k1 <= n1 and 0 <= k2 <= n2
]


@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_matches_statsmodels_over_a_grid_with_edge_cases(confidence):
    assert len(GRID) > 500
    for k1, n1, k2, n2 in GRID:
        found = newcombe_difference(k1, n1, k2, n2, confidence=confidence)
        low, high = statsmodels_interval(k1, n1, k2, n2, alpha=1 - confidence)
        case = (k1, n1, k2, n2, confidence)
        assert found.estimate == pytest.approx(k2 / n2 - k1 / n1, abs=1e-12), case
        assert found.low == pytest.approx(low, abs=1e-9), case
        assert found.high == pytest.approx(high, abs=1e-9), case
        assert -1 <= found.low <= found.estimate <= found.high <= 1, case


# Newcombe (1998), Table II, method 10, as printed: (m, a) against (n, b), the
# difference a/m - b/n.  Our difference is second minus first, so the paper's
# first group is passed second.
NEWCOMBE_TABLE_II = [
    ((56, 70), (48, 80), 0.2000, 0.0524, 0.3339),
    ((9, 10), (3, 10), 0.6000, 0.1705, 0.8090),
    ((6, 7), (2, 7), 0.5714, 0.0582, 0.8062),
    ((5, 56), (0, 29), 0.0893, -0.0381, 0.1926),
    ((0, 10), (0, 20), 0.0000, -0.1611, 0.2775),
    ((0, 10), (0, 10), 0.0000, -0.2775, 0.2775),
    ((10, 10), (0, 20), 1.0000, 0.6791, 1.0000),
    ((10, 10), (0, 10), 1.0000, 0.6075, 1.0000),
]


@pytest.mark.parametrize(("paper_first", "paper_second", "difference", "low", "high"), NEWCOMBE_TABLE_II)
def test_newcombe_1998_table_ii_method_10(paper_first, paper_second, difference, low, high):
    found = newcombe_difference(*paper_second, *paper_first)
    assert round(found.estimate, 4) == pytest.approx(difference, abs=1e-12)
    assert round(found.low, 4) == pytest.approx(low, abs=1e-12)
    assert round(found.high, 4) == pytest.approx(high, abs=1e-12)
    # The printed values are statsmodels' too, to the paper's four decimals.
    reference = statsmodels_interval(*paper_second, *paper_first)
    assert (round(reference[0], 4), round(reference[1], 4)) == (low, high)


def test_the_interval_flips_with_the_order():
    forward, backward = newcombe_difference(48, 80, 56, 70), newcombe_difference(56, 70, 48, 80)
    assert backward.estimate == pytest.approx(-forward.estimate)
    assert (backward.low, backward.high) == pytest.approx((-forward.high, -forward.low), abs=1e-15)


def _difference(low, high):
    return Difference((low + high) / 2, low, high, 0.95, (1, 2), (1, 2))


@pytest.mark.parametrize(
    ("low", "high", "comparison", "verdict"),
    [
        (0.05, 0.3, "at_least", "improved"),
        (0.05, 0.3, "at_most", "worse"),
        (-0.3, -0.05, "at_least", "worse"),
        (-0.3, -0.05, "at_most", "improved"),
        (-0.1, 0.2, "at_least", "no_clear_change"),
        (0.0, 0.2, "at_least", "no_clear_change"),  # an interval touching 0 does not exclude it
        (-0.2, 0.0, "at_most", "no_clear_change"),
    ],
)
def test_verdict_follows_the_indicator_direction(low, high, comparison, verdict):
    assert change_verdict(_difference(low, high), comparison) == verdict


def test_verdicts_of_the_worked_examples():
    assert change_verdict(newcombe_difference(48, 80, 56, 70), "at_least") == "improved"
    assert change_verdict(newcombe_difference(0, 29, 5, 56), "at_least") == "no_clear_change"
    assert change_verdict(newcombe_difference(3, 10, 9, 10), "at_most") == "worse"


@pytest.mark.parametrize(
    "arguments", [(0, 0, 1, 2), (1, 2, 0, 0), (3, 2, 1, 2), (1.0, 2, 1, 2), (True, 2, 1, 2), (-1, 2, 1, 2)]
)
def test_bad_counts_are_refused(arguments):
    with pytest.raises(ValueError):
        newcombe_difference(*arguments)


def test_bad_confidence_and_comparison_are_refused():
    with pytest.raises(ValueError):
        newcombe_difference(1, 2, 1, 2, confidence=1.5)
    with pytest.raises(ValueError):
        change_verdict(newcombe_difference(1, 2, 1, 2), "more")
