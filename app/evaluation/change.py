"""Did an indicator change between two independent groups of respondents?

The difference of two shares, p2 - p1 (the second scope against the first),
with a confidence interval by Newcombe's hybrid score method (Newcombe 1998,
method 10): each share gets its Wilson interval, and the distances from each
estimate to its limits are combined in quadrature.  It needs no iteration,
keeps within [-1, 1] and behaves at 0 and n successes, where the simple Wald
interval collapses.  See docs/statistics.md, section 7.

The verdict reads the interval against the indicator's direction: for a
target "at least", a rise whose whole interval lies above 0 is "improved".

Pure Python on counts (stats.py supplies the Wilson limits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from app.evaluation import stats

ChangeVerdict = Literal["improved", "worse", "no_clear_change"]
CHANGE_VERDICTS: tuple[str, ...] = ("improved", "worse", "no_clear_change")


@dataclass(frozen=True)
class Difference:
    """p2 - p1 with its interval, on the scale of shares (0.12 is 12 points)."""

    estimate: float
    low: float
    high: float
    confidence: float
    first: tuple[int, int]  # (successes, denominator) of the first scope
    second: tuple[int, int]


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, *, confidence: float = 0.95) -> Difference:
    """The difference k2/n2 - k1/n1 of two independent shares and its
    two-sided interval by Newcombe's hybrid score method.

    Both denominators must be at least 1: an empty group has no share to compare.
    """
    for name, n in (("n1", n1), ("n2", n2)):
        if isinstance(n, int) and not isinstance(n, bool) and n < 1:
            raise ValueError(f"{name} must be at least 1, got {n}")
    low1, high1 = stats.share_interval(k1, n1, confidence=confidence, method="wilson")
    low2, high2 = stats.share_interval(k2, n2, confidence=confidence, method="wilson")
    p1, p2 = k1 / n1, k2 / n2
    estimate = p2 - p1
    # The lower limit pairs the second share's lower distance with the first's upper one, and vice versa.
    low = estimate - math.hypot(p2 - low2, high1 - p1)
    high = estimate + math.hypot(high2 - p2, p1 - low1)
    return Difference(estimate, low, high, confidence, (k1, n1), (k2, n2))


def change_verdict(difference: Difference, comparison: str) -> ChangeVerdict:
    """ "improved" or "worse" when the interval excludes 0, in the direction
    the indicator wants (``comparison`` "at_least": up is better, "at_most":
    down is better); otherwise "no_clear_change"."""
    if comparison not in stats.COMPARISONS:
        raise ValueError(f"unknown comparison {comparison!r}")
    if difference.low > 0:
        rose = True
    elif difference.high < 0:
        rose = False
    else:
        return "no_clear_change"
    return "improved" if rose == (comparison == "at_least") else "worse"
