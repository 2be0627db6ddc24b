"""Survey statistics for Resonanz: intervals for shares, Likert means, attendance.

Pure domain code (stdlib + numpy/scipy); no Flask. Every formula and convention is
documented with its source in ``docs/statistics.md``.

Conventions that callers rely on:

* Counts are ``int`` (or numpy integers); floats, bools and strings are rejected.
* Invalid input raises ``ValueError`` naming the offending argument.
* ``n == 0`` carries no information: every interval is ``(0.0, 1.0)``.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Literal

import numpy as np


class _Distribution:
    """A scipy.stats distribution imported on first use: importing scipy costs
    every server process tens of megabytes, and most never compute a report."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        import scipy.stats

        return getattr(getattr(scipy.stats, self._name), attribute)


_beta = _Distribution("beta")
_hypergeom = _Distribution("hypergeom")
_norm = _Distribution("norm")
_student_t = _Distribution("t")

__all__ = [
    "METHODS",
    "FPC_METHODS",
    "SIDES",
    "COMPARISONS",
    "VERDICTS",
    "Assessment",
    "LikertSummary",
    "RatioEstimate",
    "share_interval",
    "assess_share",
    "likert_mean",
    "attendance_rate",
]

Method = Literal[
    "wilson",
    "wilsoncc",
    "clopper_pearson",
    "jeffreys",
    "agresti_coull",
    "wilson_fpc",
    "hypergeom_exact",
]
Sided = Literal["two-sided", "lower", "upper"]
Comparison = Literal["at_least", "at_most"]
Verdict = Literal["met", "not_met", "inconclusive"]

FPC_METHODS: frozenset[str] = frozenset({"wilson_fpc", "hypergeom_exact"})
METHODS: tuple[str, ...] = (
    "wilson",
    "wilsoncc",
    "clopper_pearson",
    "jeffreys",
    "agresti_coull",
    "wilson_fpc",
    "hypergeom_exact",
)
SIDES: tuple[str, ...] = ("two-sided", "lower", "upper")
COMPARISONS: tuple[str, ...] = ("at_least", "at_most")
VERDICTS: tuple[str, ...] = ("met", "not_met", "inconclusive")

# A hypergeometric tail that equals alpha/2 in exact arithmetic must be excluded,
# but scipy returns it with rounding error of a few ulp (either direction). Tails
# within this relative distance of the cut-off are therefore treated as ties
# (= excluded). Far larger than float noise, far smaller than any real gap.
_TIE_RTOL = 1e-9


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Assessment:
    """Verdict on "is the share at least / at most the target?"."""

    estimate: float | None  # k/n, None when n == 0
    low: float
    high: float
    verdict: Verdict
    method: str
    target: float
    comparison: Comparison
    confidence: float
    k: int
    n: int
    population: int | None


@dataclass(frozen=True)
class LikertSummary:
    """Mean of a Likert item with a t-interval, plus the top-two-box share."""

    n: int
    mean: float | None
    sd: float | None  # sample sd (n - 1 denominator); None when n < 2
    low: float | None
    high: float | None
    top2_share: float | None
    confidence: float
    population: int | None


@dataclass(frozen=True)
class RatioEstimate:
    """Pooled attendance rate sum(attended) / sum(invited) over meetings."""

    ratio: float
    low: float | None
    high: float | None
    meetings: int
    census: bool
    se: float | None  # standard error of the ratio; 0.0 for a census
    attended: int
    invited: int
    confidence: float


# --------------------------------------------------------------------------- validation


def _count(value: object, name: str) -> int:
    # bool is an int subclass but a True/False "count" is always a bug upstream.
    if isinstance(value, bool) or isinstance(value, (float, Decimal, Fraction, str)):
        raise ValueError(f"{name} must be an integer count, got {value!r}")
    try:
        return operator.index(value)  # int and numpy integers
    except TypeError:
        raise ValueError(f"{name} must be an integer count, got {value!r}") from None


def _real(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def _check_confidence(confidence: object) -> float:
    c = _real(confidence, "confidence")
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    return c


def _check_choice(value: object, name: str, options: Iterable[str]) -> str:
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(options)}")
    return value


def _check_population(population: object, n: int) -> int | None:
    if population is None:
        return None
    big_n = _count(population, "population")
    if big_n < 1:
        raise ValueError(f"population must be at least 1, got {big_n}")
    if n > big_n:
        raise ValueError(f"n ({n}) exceeds population N ({big_n})")
    return big_n


def _check_method(method: object, population: int | None) -> str:
    checked = _check_choice(method, "method", METHODS)
    if checked in FPC_METHODS and population is None:
        raise ValueError(f"method {checked!r} requires population=N (number of attendees)")
    return checked


def _check_k_n(k: object, n: object) -> tuple[int, int]:
    k_, n_ = _count(k, "k"), _count(n, "n")
    if n_ < 0:
        raise ValueError(f"n must be non-negative, got {n_}")
    if not 0 <= k_ <= n_:
        raise ValueError(f"k must satisfy 0 <= k <= n, got k={k_}, n={n_}")
    return k_, n_


def _check_target(target: object) -> Fraction:
    """Target share as an exact rational.

    Floats go through their shortest repr, so 0.6 means 3/5 (what the user typed),
    not the binary double 0.59999999999999997779...
    """
    if isinstance(target, bool) or not isinstance(target, (numbers.Real, Decimal)):
        raise ValueError(f"target must be a real number in [0, 1], got {target!r}")
    if isinstance(target, float):
        if not math.isfinite(target):
            raise ValueError(f"target must be a real number in [0, 1], got {target!r}")
        exact = Fraction(str(target))
    elif isinstance(target, (numbers.Rational, Decimal)):
        if isinstance(target, Decimal) and not target.is_finite():
            raise ValueError(f"target must be a real number in [0, 1], got {target!r}")
        exact = Fraction(target)
    else:  # other Real types (e.g. numpy floats): same decimal-repr rule as float
        return _check_target(float(target))
    if not 0 <= exact <= 1:
        raise ValueError(f"target must be in [0, 1], got {target!r}")
    return exact


# --------------------------------------------------------------------------- helpers


def _tail(confidence: float, sided: str) -> float:
    """Probability in each excluded tail: alpha/2 two-sided, alpha one-sided."""
    alpha = 1.0 - confidence
    return alpha / 2.0 if sided == "two-sided" else alpha


@lru_cache(maxsize=64)  # a two-sided interval asks twice, a report a few hundred times, for a few tails
def _z(tail: float) -> float:
    """Standard normal quantile with ``tail`` above it: z_{1 - alpha/2} or z_{1 - alpha}."""
    return float(_norm.isf(tail))


def _clip01(x: float) -> float:
    return min(1.0, max(0.0, float(x)))


def _fpc_factor(n: int, population: int) -> float:
    """(N - n)/(N - 1): variance ratio of sampling without vs with replacement."""
    if n >= population:  # census, including N == 1 (avoids 0/0)
        return 0.0
    return (population - n) / (population - 1)


def _score_bound(x: float, n: int, z: float, side: int) -> float:
    """Root of (x/n - p) = side * (-z) * sqrt(p(1 - p)/n): a score-test limit.

    ``side`` is -1 for the lower, +1 for the upper limit. z = normal quantile gives
    Wilson's score interval; z * sqrt(FPC) its finite-population version (the FPC
    multiplies z^2); x = k -/+ 1/2 gives Newcombe's continuity-corrected limits.
    z keeps its sign: a one-sided bound at confidence < 0.5 lies beyond the estimate.
    """
    c = z * z
    if c == 0.0:
        return _clip01(x / n)
    half = z * math.sqrt(x * (n - x) / n + c / 4.0)
    return _clip01((x + c / 2.0 + side * half) / (n + c))


# --------------------------------------------------------------------------- limits
# One function per method: limit(k, n, tail, population, side) with side -1 (lower)
# or +1 (upper) and tail = alpha/2 or alpha; share_interval picks the sides it needs.

_Limit = Callable[[int, int, float, "int | None", int], float]


def _score_limit(k: int, n: int, z: float, side: int, shift: float = 0.0) -> float:
    """Score limit with forced end points (0 at k = 0, 1 at k = n); shift = CC half-step."""
    if side < 0:
        return 0.0 if k == 0 else _score_bound(k - shift, n, z, -1)
    return 1.0 if k == n else _score_bound(k + shift, n, z, +1)


def _wilson(k: int, n: int, tail: float, population: int | None, side: int) -> float:
    return _score_limit(k, n, _z(tail), side)


def _wilsoncc(k: int, n: int, tail: float, population: int | None, side: int) -> float:
    return _score_limit(k, n, _z(tail), side, shift=0.5)


def _wilson_fpc(k: int, n: int, tail: float, population: int | None, side: int) -> float:
    assert population is not None  # guaranteed by share_interval
    # z^2 * (N - n)/(N - 1), carried as z * sqrt(...) to keep the sign of z.
    return _score_limit(k, n, _z(tail) * math.sqrt(_fpc_factor(n, population)), side)


def _clopper_pearson(k: int, n: int, tail: float, population: int | None, side: int) -> float:
    if side < 0:
        return 0.0 if k == 0 else float(_beta.ppf(tail, k, n - k + 1))
    return 1.0 if k == n else float(_beta.isf(tail, k + 1, n - k))


def _jeffreys(k: int, n: int, tail: float, population: int | None, side: int) -> float:
    # Brown, Cai & DasGupta (2001): 0 at k = 0 and 1 at k = n instead of Beta quantiles.
    if side < 0:
        return 0.0 if k == 0 else float(_beta.ppf(tail, k + 0.5, n - k + 0.5))
    return 1.0 if k == n else float(_beta.isf(tail, k + 0.5, n - k + 0.5))


def _agresti_coull(k: int, n: int, tail: float, population: int | None, side: int) -> float:
    z = _z(tail)
    n_tilde = n + z * z
    p_tilde = (k + z * z / 2.0) / n_tilde
    # Clipping also yields exactly 0 at k = 0 and 1 at k = n (raw limits overshoot).
    return _clip01(p_tilde + side * z * math.sqrt(p_tilde * (1.0 - p_tilde) / n_tilde))


def _first_passing(candidates: np.ndarray, passes: Callable[[np.ndarray], np.ndarray]) -> int:
    """First candidate for which the monotone test ``passes`` (False...False True...True).

    The last candidate must pass (the caller knows its tail probability is exactly 1).
    Two vectorised sweeps -- a coarse one every ~sqrt(L) candidates, then the bracket
    it found -- cost O(sqrt(L)) tail evaluations instead of O(L) for N in the thousands.
    """
    size = len(candidates)
    step = max(1, math.isqrt(size))
    probe = np.unique(np.append(np.arange(0, size, step), size - 1))
    hit = passes(candidates[probe])
    hit[-1] = True
    j = int(np.argmax(hit))
    if j == 0:
        return int(candidates[probe[0]])
    bracket = candidates[probe[j - 1] + 1 : probe[j] + 1]
    hit = passes(bracket)
    hit[-1] = True  # same candidate that passed in the coarse sweep (or the forced last one)
    return int(bracket[int(np.argmax(hit))])


def _above_cutoff(p: np.ndarray, tail: float) -> np.ndarray:
    # Strictly above alpha/2 (or alpha); exact ties, blurred by rounding, are excluded.
    return p > tail * (1.0 + _TIE_RTOL)


def _hypergeom_k_low(k: int, n: int, population: int, tail: float) -> int:
    """Smallest K in k..N-(n-k) with P(X >= k | N, K, n) > tail.

    P(X >= k) increases with K and equals 1 at K = N - (n - k).
    """
    candidates = np.arange(k, population - (n - k) + 1)
    return _first_passing(candidates, lambda ks: _above_cutoff(_hypergeom.sf(k - 1, population, ks, n), tail))


def _hypergeom_k_high(k: int, n: int, population: int, tail: float) -> int:
    """Largest K in k..N-(n-k) with P(X <= k | N, K, n) > tail.

    P(X <= k) decreases with K and equals 1 at K = k, so search K downwards.
    """
    candidates = np.arange(population - (n - k), k - 1, -1)
    return _first_passing(candidates, lambda ks: _above_cutoff(_hypergeom.cdf(k, population, ks, n), tail))


def _hypergeom_exact(k: int, n: int, tail: float, population: int | None, side: int) -> float:
    assert population is not None  # guaranteed by share_interval
    if side < 0:
        return _hypergeom_k_low(k, n, population, tail) / population
    return _hypergeom_k_high(k, n, population, tail) / population


_LIMITS: dict[str, _Limit] = {
    "wilson": _wilson,
    "wilsoncc": _wilsoncc,
    "clopper_pearson": _clopper_pearson,
    "jeffreys": _jeffreys,
    "agresti_coull": _agresti_coull,
    "wilson_fpc": _wilson_fpc,
    "hypergeom_exact": _hypergeom_exact,
}
assert set(_LIMITS) == set(METHODS)


# --------------------------------------------------------------------------- public API


def share_interval(
    k: int,
    n: int,
    *,
    confidence: float = 0.95,
    method: str = "wilson",
    sided: str = "two-sided",
    population: int | None = None,
) -> tuple[float, float]:
    """Confidence interval (low, high) for the share of "yes" given k of n answered yes.

    ``sided="lower"`` returns (lower bound, 1.0), ``sided="upper"`` (0.0, upper bound);
    one-sided bounds use the whole alpha = 1 - confidence on their side.
    ``population`` is the number N of attendees; required by "wilson_fpc" and
    "hypergeom_exact", validated (n <= N) but otherwise ignored by the other methods.
    """
    k, n = _check_k_n(k, n)
    confidence = _check_confidence(confidence)
    sided = _check_choice(sided, "sided", SIDES)
    big_n = _check_population(population, n)
    method = _check_method(method, big_n)
    if n == 0:
        return (0.0, 1.0)

    limit = _LIMITS[method]
    tail = _tail(confidence, sided)
    low = limit(k, n, tail, big_n, -1) if sided != "upper" else 0.0
    high = limit(k, n, tail, big_n, +1) if sided != "lower" else 1.0
    return (float(low), float(high))


def _verdict(low: float | Fraction, high: float | Fraction, target: float | Fraction, comparison: str) -> Verdict:
    # Boundary convention: a bound touching the target counts as meeting it.
    if comparison == "at_least":
        if low >= target:
            return "met"
        if high < target:
            return "not_met"
    else:
        if high <= target:
            return "met"
        if low > target:
            return "not_met"
    return "inconclusive"


def assess_share(
    k: int,
    n: int,
    target: float,
    *,
    comparison: str = "at_least",
    confidence: float = 0.95,
    method: str | None = None,
    population: int | None = None,
) -> Assessment:
    """Is the share at least (or at most) ``target``, judged by a two-sided interval?

    "met" when the whole interval is on the required side of the target (bounds equal
    to the target count), "not_met" when it is entirely on the wrong side, otherwise
    "inconclusive". Default method: "wilson_fpc" with a population, else "wilson".
    """
    k, n = _check_k_n(k, n)
    confidence = _check_confidence(confidence)
    exact_target = _check_target(target)
    comparison = _check_choice(comparison, "comparison", COMPARISONS)
    if method is None:
        method = "wilson" if population is None else "wilson_fpc"
    big_n = _check_population(population, n)
    method = _check_method(method, big_n)

    def result(estimate: float | None, low: float, high: float, verdict: Verdict) -> Assessment:
        return Assessment(
            estimate=estimate,
            low=low,
            high=high,
            verdict=verdict,
            method=method,
            target=float(exact_target),
            comparison=comparison,  # type: ignore[arg-type]
            confidence=confidence,
            k=k,
            n=n,
            population=big_n,
        )

    if n == 0:
        return result(None, 0.0, 1.0, "inconclusive")

    if method == "hypergeom_exact":
        assert big_n is not None
        tail = _tail(confidence, "two-sided")
        k_low = _hypergeom_k_low(k, n, big_n, tail)
        k_high = _hypergeom_k_high(k, n, big_n, tail)
        # Compare counts with target * N exactly: no rounding at the boundary.
        verdict = _verdict(k_low, k_high, exact_target * big_n, comparison)
        return result(k / n, k_low / big_n, k_high / big_n, verdict)

    low, high = share_interval(k, n, confidence=confidence, method=method, sided="two-sided", population=big_n)
    return result(k / n, low, high, _verdict(low, high, float(exact_target), comparison))


def _likert_pairs(counts: Mapping[int, int] | Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    if isinstance(counts, Mapping):
        items = list(counts.items())
    elif isinstance(counts, (str, bytes)):
        raise ValueError("counts must be a mapping value -> count or a sequence of (value, count)")
    else:
        try:
            items = [tuple(pair) for pair in counts]
        except TypeError:
            raise ValueError("counts must be a mapping value -> count or a sequence of (value, count)") from None
    pairs = []
    for item in items:
        if len(item) != 2:
            raise ValueError(f"each counts entry must be a (value, count) pair, got {item!r}")
        value, count = _count(item[0], "Likert value"), _count(item[1], "Likert count")
        if count < 0:
            raise ValueError(f"Likert count must be non-negative, got {count} for value {value}")
        pairs.append((value, count))
    return pairs


def likert_mean(
    counts: Mapping[int, int] | Iterable[tuple[int, int]],
    *,
    confidence: float = 0.95,
    population: int | None = None,
    scale: tuple[int, int] = (1, 5),
) -> LikertSummary:
    """Mean answer with a Student-t interval (n - 1 df) and the top-two-box share.

    With ``population=N`` the standard error is multiplied by sqrt(1 - n/N)
    (a census gives low == high == mean). n < 2 leaves low/high/sd as None.
    The interval is not clipped to the scale.
    """
    confidence = _check_confidence(confidence)
    if isinstance(scale, (str, bytes)) or not hasattr(scale, "__len__") or len(scale) != 2:
        raise ValueError(f"scale must be a (lowest, highest) tuple, got {scale!r}")
    lo, hi = _count(scale[0], "scale lowest point"), _count(scale[1], "scale highest point")
    if hi <= lo:
        raise ValueError(f"scale must have lowest < highest, got {scale!r}")
    pairs = _likert_pairs(counts)
    for value, _ in pairs:
        if not lo <= value <= hi:
            raise ValueError(f"Likert value {value} lies outside the scale {lo}..{hi}")
    n = sum(c for _, c in pairs)
    big_n = _check_population(population, n)
    if n == 0:
        return LikertSummary(0, None, None, None, None, None, confidence, big_n)

    # Exact rational arithmetic: integer data, so mean and sum of squares are exact.
    mean = Fraction(sum(v * c for v, c in pairs), n)
    top2 = Fraction(sum(c for v, c in pairs if v >= hi - 1), n)
    if n < 2:
        return LikertSummary(n, float(mean), None, None, None, float(top2), confidence, big_n)

    sum_sq = sum(c * (v - mean) ** 2 for v, c in pairs)
    sd = math.sqrt(sum_sq / (n - 1))
    se = sd / math.sqrt(n)
    if big_n is not None:
        se *= math.sqrt(1.0 - n / big_n)  # Cochran's finite population correction
    half = float(_student_t.isf(_tail(confidence, "two-sided"), n - 1)) * se
    return LikertSummary(n, float(mean), sd, float(mean) - half, float(mean) + half, float(top2), confidence, big_n)


def attendance_rate(
    meetings: Iterable[tuple[int, int]],
    *,
    confidence: float = 0.95,
    census: bool = False,
) -> RatioEstimate:
    """Pooled rate R = sum(attended)/sum(invited) with the ratio-estimator variance.

    Meetings are clusters: var(R) = sum((y_i - R x_i)^2) / (M (M-1) xbar^2), no finite
    population correction, t-interval with M - 1 df; the lower limit is clipped at 0
    (attendance cannot be negative; it may exceed 1 with walk-ins, so no upper clip).
    ``census=True`` (all meetings of the period) makes R exact: low == high == R.
    """
    confidence = _check_confidence(confidence)
    if not isinstance(census, bool):
        raise ValueError(f"census must be True or False, got {census!r}")
    try:
        rows = [tuple(m) for m in meetings]
    except TypeError:
        raise ValueError("meetings must be a sequence of (attended, invited) pairs") from None
    if not rows:
        raise ValueError("meetings must contain at least one (attended, invited) pair")
    pairs: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        if len(row) != 2:
            raise ValueError(f"meeting {i} must be an (attended, invited) pair, got {row!r}")
        y, x = _count(row[0], f"meeting {i} attended"), _count(row[1], f"meeting {i} invited")
        if x < 1:
            raise ValueError(f"meeting {i}: invited must be at least 1, got {x}")
        if y < 0:
            raise ValueError(f"meeting {i}: attended must be non-negative, got {y}")
        pairs.append((y, x))  # y > x allowed: walk-ins

    m = len(pairs)
    total_y = sum(y for y, _ in pairs)
    total_x = sum(x for _, x in pairs)
    ratio = total_y / total_x

    def result(low: float | None, high: float | None, se: float | None) -> RatioEstimate:
        return RatioEstimate(ratio, low, high, m, census, se, total_y, total_x, confidence)

    if census:
        return result(ratio, ratio, 0.0)
    if m < 2:
        return result(None, None, None)

    # Residuals in exact rationals (integer data), then one float sqrt.
    r_exact = Fraction(total_y, total_x)
    x_bar = Fraction(total_x, m)
    ss = sum((y - r_exact * x) ** 2 for y, x in pairs)
    se = math.sqrt(ss / (m * (m - 1) * x_bar**2))
    half = float(_student_t.isf(_tail(confidence, "two-sided"), m - 1)) * se
    return result(max(0.0, ratio - half), ratio + half, se)
