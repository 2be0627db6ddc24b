"""Tests for app.evaluation.stats (see docs/statistics.md for the conventions tested here).

Reference implementations: statsmodels ``proportion_confint`` and scipy ``binomtest``
for the binomial intervals; exact rational brute force for the hypergeometric
interval; independent hand-written formulas for the Likert and attendance figures.
"""

from __future__ import annotations

import ast
import math
import statistics
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from app.evaluation import stats
from app.evaluation.stats import (
    assess_share,
    attendance_rate,
    likert_mean,
    share_interval,
)

RTOL = 1e-9
ATOL = 1e-12  # Wilson at k = 0: we force 0.0, references return ~1e-17
GRID_N = (1, 2, 5, 10, 30, 100, 333, 1000)
GRID_CONF = (0.90, 0.95, 0.99)
BINOMIAL_METHODS = ("wilson", "wilsoncc", "clopper_pearson", "jeffreys", "agresti_coull")
PROPERTY = settings(max_examples=200, deadline=None)


def grid_k(n: int) -> list[int]:
    return sorted({k for k in (0, 1, 2, 3, n // 10, n // 3, n // 2, n - 3, n - 2, n - 1, n) if 0 <= k <= n})


GRID = [(k, n) for n in GRID_N for k in grid_k(n)]


def close(a: float, b: float, atol: float = ATOL) -> bool:
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=atol)


# ----------------------------------------------------------------------------- references

# statsmodels names; its "beta" is Clopper-Pearson.
SM_METHOD = {"wilson": "wilson", "clopper_pearson": "beta", "jeffreys": "jeffreys", "agresti_coull": "agresti_coull"}
# statsmodels 0.15 one-sided: alternative="larger" zeroes ci_low (an upper bound),
# "smaller" sets ci_upp = 1 (a lower bound); both spend all of alpha on one side.
SM_ALTERNATIVE = {"two-sided": "two-sided", "upper": "larger", "lower": "smaller"}


@pytest.mark.parametrize("method", sorted(SM_METHOD))
@pytest.mark.parametrize("sided", ["two-sided", "lower", "upper"])
def test_matches_statsmodels(method: str, sided: str) -> None:
    for conf in GRID_CONF:
        for k, n in GRID:
            low, high = share_interval(k, n, confidence=conf, method=method, sided=sided)
            ref_low, ref_high = proportion_confint(
                k,
                n,
                alpha=1 - conf,
                method=SM_METHOD[method],
                alternative=SM_ALTERNATIVE[sided],
            )
            # statsmodels' Jeffreys keeps the Beta quantile at k = 0 / k = n; we use
            # Brown-Cai-DasGupta's 0 / 1 there. Compare only where conventions agree.
            if not (method == "jeffreys" and k == 0 and sided != "upper"):
                assert close(low, ref_low), (method, sided, conf, k, n, low, ref_low)
            if not (method == "jeffreys" and k == n and sided != "lower"):
                assert close(high, ref_high), (method, sided, conf, k, n, high, ref_high)


def test_jeffreys_boundary_convention_differs_from_statsmodels() -> None:
    low0, _ = share_interval(0, 10, method="jeffreys")
    _, high_n = share_interval(10, 10, method="jeffreys")
    sm_low0, _ = proportion_confint(0, 10, alpha=0.05, method="jeffreys")
    _, sm_high_n = proportion_confint(10, 10, alpha=0.05, method="jeffreys")
    assert (low0, high_n) == (0.0, 1.0)
    assert sm_low0 > 0.0 and sm_high_n < 1.0


SCIPY_METHOD = {"wilson": "wilson", "wilsoncc": "wilsoncc", "clopper_pearson": "exact"}
# binomtest alternative="greater" yields a lower bound (high = 1), "less" an upper one.
SCIPY_ALTERNATIVE = {"two-sided": "two-sided", "lower": "greater", "upper": "less"}


@pytest.mark.parametrize("method", sorted(SCIPY_METHOD))
@pytest.mark.parametrize("sided", ["two-sided", "lower", "upper"])
def test_matches_scipy_binomtest(method: str, sided: str) -> None:
    # scipy's exact limits come from brentq (xtol = 2e-12): absolute tolerance there.
    atol = 1e-11 if method == "clopper_pearson" else ATOL
    for conf in GRID_CONF:
        for k, n in GRID:
            low, high = share_interval(k, n, confidence=conf, method=method, sided=sided)
            ci = sps.binomtest(k, n, alternative=SCIPY_ALTERNATIVE[sided]).proportion_ci(
                confidence_level=conf, method=SCIPY_METHOD[method]
            )
            assert close(low, ci.low, atol), (method, sided, conf, k, n, low, ci.low)
            assert close(high, ci.high, atol), (method, sided, conf, k, n, high, ci.high)


@pytest.mark.parametrize("method", ["wilson", "wilsoncc"])
def test_one_sided_low_confidence_keeps_sign_of_z(method: str) -> None:
    # At confidence < 0.5, z < 0: the "lower" bound lies above the estimate, as in scipy.
    for k, n in [(3, 10), (40, 100), (1, 5)]:
        low, _ = share_interval(k, n, confidence=0.3, method=method, sided="lower")
        ref = sps.binomtest(k, n, alternative="greater").proportion_ci(0.3, SCIPY_METHOD[method])
        assert close(low, ref.low)
        if method == "wilson":  # the CC half-step can outweigh a small negative z
            assert low > k / n


def test_wilsoncc_is_wilson_with_half_shift() -> None:
    # Newcombe's closed form, written out independently.
    z = sps.norm.ppf(0.975)
    for k, n in GRID:
        p, q = k / n, 1 - k / n
        lo = (
            0.0
            if k == 0
            else (2 * n * p + z**2 - 1 - z * math.sqrt(z**2 - 2 - 1 / n + 4 * p * (n * q + 1))) / (2 * (n + z**2))
        )
        hi = (
            1.0
            if k == n
            else (2 * n * p + z**2 + 1 + z * math.sqrt(z**2 + 2 - 1 / n + 4 * p * (n * q - 1))) / (2 * (n + z**2))
        )
        low, high = share_interval(k, n, method="wilsoncc")
        assert close(low, lo) and close(high, hi), (k, n)


def test_forced_endpoints() -> None:
    for method in BINOMIAL_METHODS:
        for n in GRID_N:
            assert share_interval(0, n, method=method)[0] == 0.0
            assert share_interval(n, n, method=method)[1] == 1.0
    for n, big_n in [(1, 1), (3, 7), (10, 10), (50, 1000)]:
        for method in ("wilson_fpc", "hypergeom_exact"):
            assert share_interval(0, n, method=method, population=big_n)[0] == 0.0
            assert share_interval(n, n, method=method, population=big_n)[1] == 1.0


def test_one_sided_shapes() -> None:
    for method in BINOMIAL_METHODS:
        low, high = share_interval(7, 20, method=method, sided="lower")
        assert high == 1.0 and 0 < low < 7 / 20
        low, high = share_interval(7, 20, method=method, sided="upper")
        assert low == 0.0 and 7 / 20 < high < 1
        # One-sided 95% bound = two-sided 90% bound (alpha not halved).
        assert close(
            share_interval(7, 20, method=method, sided="lower", confidence=0.95)[0],
            share_interval(7, 20, method=method, confidence=0.90)[0],
        )
    low, high = share_interval(7, 20, method="hypergeom_exact", population=40, sided="lower")
    assert high == 1.0
    assert low == share_interval(7, 20, method="hypergeom_exact", population=40, confidence=0.90)[0]


def test_n_zero_is_uninformative() -> None:
    for method in BINOMIAL_METHODS:
        assert share_interval(0, 0, method=method) == (0.0, 1.0)
    for method in ("wilson_fpc", "hypergeom_exact"):
        assert share_interval(0, 0, method=method, population=12) == (0.0, 1.0)


# ----------------------------------------------------------------------------- hypergeometric


@cache
def exact_tails(k: int, n: int, big_n: int) -> tuple[tuple[int, Fraction, Fraction], ...]:
    """(K, P(X >= k), P(X <= k)) for K = k .. N - (n - k), in exact rationals."""
    total = math.comb(big_n, n)
    rows = []
    for big_k in range(k, big_n - (n - k) + 1):
        pmf = [Fraction(math.comb(big_k, x) * math.comb(big_n - big_k, n - x), total) for x in range(n + 1)]
        rows.append((big_k, sum(pmf[k:], Fraction(0)), sum(pmf[: k + 1], Fraction(0))))
    return tuple(rows)


def brute_bounds(k: int, n: int, big_n: int, tail: Fraction, strict: bool = True) -> tuple[int, int]:
    beyond = (lambda p: p > tail) if strict else (lambda p: p >= tail)
    rows = exact_tails(k, n, big_n)
    k_low = min(big_k for big_k, ge, _ in rows if beyond(ge))
    k_high = max(big_k for big_k, _, le in rows if beyond(le))
    return k_low, k_high


HG_CONF = ("0.5", "0.8", "0.9", "0.95", "0.99")


@pytest.mark.parametrize("conf", HG_CONF)
def test_hypergeom_exact_matches_rational_brute_force(conf: str) -> None:
    alpha = 1 - Fraction(conf)
    for big_n in range(1, 14):
        for n in range(1, big_n + 1):
            for k in range(n + 1):
                k_low, k_high = brute_bounds(k, n, big_n, alpha / 2)
                got = share_interval(k, n, confidence=float(conf), method="hypergeom_exact", population=big_n)
                assert got == (k_low / big_n, k_high / big_n), (big_n, n, k, conf)
                one_low, _ = brute_bounds(k, n, big_n, alpha)
                _, one_high = brute_bounds(k, n, big_n, alpha)
                assert share_interval(
                    k, n, confidence=float(conf), method="hypergeom_exact", population=big_n, sided="lower"
                ) == (one_low / big_n, 1.0)
                assert share_interval(
                    k, n, confidence=float(conf), method="hypergeom_exact", population=big_n, sided="upper"
                ) == (0.0, one_high / big_n)


def exact_ties() -> list[tuple[int, int, int, str, str]]:
    """(N, n, k, conf, side) where some K has a tail exactly alpha/2 at the bound."""
    found = []
    for conf in ("0.5", "0.6", "0.8", "0.9"):
        half_alpha = (1 - Fraction(conf)) / 2
        for big_n in range(2, 16):
            for n in range(1, big_n):
                for k in range(n + 1):
                    strict = brute_bounds(k, n, big_n, half_alpha)
                    loose = brute_bounds(k, n, big_n, half_alpha, strict=False)
                    if strict[0] != loose[0]:
                        found.append((big_n, n, k, conf, "low"))
                    if strict[1] != loose[1]:
                        found.append((big_n, n, k, conf, "high"))
    return found


def test_hypergeom_tail_exactly_alpha_half_is_excluded() -> None:
    # Hand-checked instance: N = 10, n = 1, k = 1, K = 1 has P(X >= 1) = 1/10 = alpha/2
    # at confidence 0.8 -- and 1 - 0.8 is 0.19999999999999996 in floating point.
    assert exact_tails(1, 1, 10)[0] == (1, Fraction(1, 10), Fraction(1))
    low, _ = share_interval(1, 1, confidence=0.8, method="hypergeom_exact", population=10)
    assert low == 2 / 10

    ties = exact_ties()
    assert len(ties) > 20  # the search really exercises the tie rule
    for big_n, n, k, conf, side in ties:
        half_alpha = (1 - Fraction(conf)) / 2
        strict = brute_bounds(k, n, big_n, half_alpha)
        loose = brute_bounds(k, n, big_n, half_alpha, strict=False)
        low, high = share_interval(k, n, confidence=float(conf), method="hypergeom_exact", population=big_n)
        if side == "low":
            assert low == strict[0] / big_n != loose[0] / big_n, (big_n, n, k, conf)
        else:
            assert high == strict[1] / big_n != loose[1] / big_n, (big_n, n, k, conf)


def test_hypergeom_census_and_speed() -> None:
    assert share_interval(4, 9, method="hypergeom_exact", population=9) == (4 / 9, 4 / 9)
    import time

    start = time.perf_counter()
    low, high = share_interval(1234, 2000, method="hypergeom_exact", population=4000)
    assert time.perf_counter() - start < 1.0
    assert low < 1234 / 2000 < high
    # Far from the finite-population regime it agrees with the binomial to ~1/N.
    wl, wh = share_interval(1234, 2000, method="wilson_fpc", population=4000)
    assert abs(low - wl) < 0.003 and abs(high - wh) < 0.003


# ----------------------------------------------------------------------------- wilson_fpc


def test_wilson_fpc_census_collapses() -> None:
    for n in (1, 2, 7, 40):
        for k in range(n + 1):
            assert share_interval(k, n, method="wilson_fpc", population=n) == (k / n, k / n)


def test_wilson_fpc_formula_and_large_population() -> None:
    k, n, big_n = 13, 40, 90
    f = (big_n - n) / (big_n - 1)
    c = sps.norm.ppf(0.975) ** 2 * f
    centre, half = k + c / 2, math.sqrt(c) * math.sqrt(k * (n - k) / n + c / 4)
    expected = ((centre - half) / (n + c), (centre + half) / (n + c))
    got = share_interval(k, n, method="wilson_fpc", population=big_n)
    assert close(got[0], expected[0]) and close(got[1], expected[1])

    wilson = share_interval(k, n, method="wilson")
    huge = share_interval(k, n, method="wilson_fpc", population=10**12)
    assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(huge, wilson))


@PROPERTY
@given(data=st.data())
def test_fpc_never_widens(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 3000))
    k = data.draw(st.integers(0, n))
    big_n = data.draw(st.integers(n, 10 * n + 5))
    conf = data.draw(st.floats(0.5, 0.999))
    sided = data.draw(st.sampled_from(["two-sided", "lower", "upper"]))
    wl, wh = share_interval(k, n, confidence=conf, sided=sided)
    fl, fh = share_interval(k, n, confidence=conf, sided=sided, method="wilson_fpc", population=big_n)
    assert wl - 1e-12 <= fl <= fh <= wh + 1e-12  # nested, hence never wider


# ----------------------------------------------------------------------------- properties


@st.composite
def interval_case(draw: st.DrawFn) -> tuple[str, int, int, float, str, int | None]:
    method = draw(st.sampled_from(stats.METHODS))
    n = draw(st.integers(1, 2000))
    k = draw(st.integers(0, n))
    conf = draw(st.floats(0.5, 0.9999))
    sided = draw(st.sampled_from(stats.SIDES))
    population = None
    if method in stats.FPC_METHODS:  # small N (discreteness) as often as large N
        population = draw(st.one_of(st.integers(n, n + 20), st.integers(n, 3000)))
    return method, k, n, conf, sided, population


@PROPERTY
@given(case=interval_case())
def test_interval_basic_properties(case: tuple) -> None:
    method, k, n, conf, sided, population = case
    low, high = share_interval(k, n, confidence=conf, method=method, sided=sided, population=population)
    assert 0.0 <= low <= high <= 1.0
    if method == "hypergeom_exact":
        # Bounds live on the grid K/N, and k/n may fall between two grid points: the
        # interval reaches the grid points on either side of k/n (see docs).
        assert round(low * population) <= math.ceil(population * k / n)
        assert round(high * population) >= population * k // n
    elif not (method == "jeffreys" and sided != "two-sided" and conf < 0.6):
        # Contains the estimate for confidence >= 0.5; one-sided Jeffreys needs
        # confidence > 1 - P(Gamma(1.5) <= 1) = 0.572 (see docs).
        assert low <= k / n <= high


@PROPERTY
@given(case=interval_case())
def test_monotone_in_k(case: tuple) -> None:
    method, k, n, conf, sided, population = case
    assume(k < n)
    a = share_interval(k, n, confidence=conf, method=method, sided=sided, population=population)
    b = share_interval(k + 1, n, confidence=conf, method=method, sided=sided, population=population)
    assert a[0] <= b[0] and a[1] <= b[1]


@PROPERTY
@given(
    method=st.sampled_from(BINOMIAL_METHODS),
    n=st.integers(1, 500),
    share=st.fractions(0, 1),
    conf=st.floats(0.5, 0.999),
)
def test_narrows_as_n_grows(method: str, n: int, share: Fraction, conf: float) -> None:
    k = round(share * n)
    small = share_interval(k, n, confidence=conf, method=method)
    big = share_interval(4 * k, 4 * n, confidence=conf, method=method)
    assert big[1] - big[0] < small[1] - small[0]


# ----------------------------------------------------------------------------- assess_share


def test_assess_at_least_boundaries() -> None:
    low, high = share_interval(30, 50)
    assert assess_share(30, 50, low).verdict == "met"  # low == target counts as met
    assert assess_share(30, 50, math.nextafter(low, 1)).verdict == "inconclusive"
    assert assess_share(30, 50, high).verdict == "inconclusive"  # high == target
    assert assess_share(30, 50, math.nextafter(high, 1)).verdict == "not_met"


def test_assess_at_most_mirrored() -> None:
    low, high = share_interval(30, 50)
    assert assess_share(30, 50, high, comparison="at_most").verdict == "met"
    assert assess_share(30, 50, math.nextafter(high, 0), comparison="at_most").verdict == "inconclusive"
    assert assess_share(30, 50, low, comparison="at_most").verdict == "inconclusive"
    assert assess_share(30, 50, math.nextafter(low, 0), comparison="at_most").verdict == "not_met"


def test_assess_fields() -> None:
    a = assess_share(30, 50, 0.5, confidence=0.9, method="clopper_pearson")
    assert (a.estimate, a.method) == (0.6, "clopper_pearson")
    assert (a.low, a.high) == share_interval(30, 50, confidence=0.9, method="clopper_pearson")
    with pytest.raises(AttributeError):
        a.verdict = "met"  # type: ignore[misc]  # frozen


def test_assess_n_zero() -> None:
    for target in (0.0, 0.5, 1.0):
        for comparison in ("at_least", "at_most"):
            a = assess_share(0, 0, target, comparison=comparison)
            assert (a.estimate, a.low, a.high, a.verdict) == (None, 0.0, 1.0, "inconclusive")


def test_assess_defaults() -> None:
    assert assess_share(8, 10, 0.5).method == "wilson"
    a = assess_share(8, 10, 0.5, population=12)
    assert a.method == "wilson_fpc"
    assert (a.low, a.high) == share_interval(8, 10, method="wilson_fpc", population=12)
    assert a.verdict == "met"
    assert assess_share(8, 10, 0.5).verdict == "inconclusive"  # without FPC: too wide


def test_assess_hypergeom_exact_rational_target() -> None:
    # Census of 5 with 3 yes: K_low = K_high = 3 = 0.6 * 5 exactly.
    a = assess_share(3, 5, 0.6, method="hypergeom_exact", population=5)
    assert (a.low, a.high, a.verdict) == (0.6, 0.6, "met")
    assert assess_share(3, 5, 0.6, method="hypergeom_exact", population=5, comparison="at_most").verdict == "met"
    # Fraction(0.6) would be 0.5999999999999999778 and turn this "met" into "inconclusive".
    assert Fraction(0.6) * 5 < 3
    # Non-census: N = 10, n = 8, k = 7 -> K in 7..9; the verdict uses the integer bounds.
    k_low, k_high = brute_bounds(7, 8, 10, Fraction(1, 40))
    a = assess_share(7, 8, Fraction(k_low, 10), method="hypergeom_exact", population=10)
    assert a.verdict == "met"
    b = assess_share(7, 8, Fraction(k_high + 1, 10), method="hypergeom_exact", population=10)
    assert b.verdict == "not_met"
    c = assess_share(7, 8, 0.7, method="hypergeom_exact", population=10)
    assert (c.low, c.high) == (k_low / 10, k_high / 10)


INVALID_CALLS = [
    (lambda: share_interval(-1, 5), r"k must satisfy 0 <= k <= n"),
    (lambda: share_interval(6, 5), r"k must satisfy 0 <= k <= n"),
    (lambda: share_interval(2, -1), r"n must be non-negative"),
    (lambda: share_interval(2.5, 5), r"k must be an integer"),
    (lambda: share_interval(2, 5.0), r"n must be an integer"),
    (lambda: share_interval(True, 5), r"k must be an integer"),
    (lambda: share_interval("2", 5), r"k must be an integer"),
    (lambda: share_interval(2, 5, population=4, method="wilson_fpc"), r"n \(5\) exceeds"),
    (lambda: share_interval(2, 5, population=4), r"n \(5\) exceeds"),
    (lambda: share_interval(0, 0, population=0, method="wilson_fpc"), r"at least 1"),
    (lambda: share_interval(2, 5, population=7.0, method="wilson_fpc"), r"population must be an integer"),
    (lambda: share_interval(2, 5, confidence=0.0), r"confidence must be strictly between"),
    (lambda: share_interval(2, 5, confidence=1.0), r"confidence must be strictly between"),
    (lambda: share_interval(2, 5, confidence=95), r"confidence must be strictly between"),
    (lambda: share_interval(2, 5, confidence=float("nan")), r"confidence must be finite"),
    (lambda: share_interval(2, 5, confidence="0.95"), r"confidence must be a real"),
    (lambda: share_interval(2, 5, method="wald"), r"unknown method 'wald'"),
    (lambda: share_interval(2, 5, sided="both"), r"unknown sided 'both'"),
    (lambda: share_interval(2, 5, method="wilson_fpc"), r"requires population"),
    (lambda: share_interval(2, 5, method="hypergeom_exact"), r"requires population"),
    (lambda: assess_share(2, 5, 0.5, comparison="above"), r"unknown comparison 'above'"),
    (lambda: assess_share(2, 5, 1.5), r"target must be in \[0, 1\]"),
    (lambda: assess_share(2, 5, -0.1), r"target must be in \[0, 1\]"),
    (lambda: assess_share(2, 5, float("nan")), r"target must be"),
    (lambda: assess_share(2, 5, "half"), r"target must be"),
    (lambda: assess_share(2, 5, 0.5, method="hypergeom_exact"), r"requires population"),
    (lambda: assess_share(2, 5, 0.5, method="exact"), r"unknown method"),
    (lambda: assess_share(6, 5, 0.5), r"k must satisfy"),
    (lambda: assess_share(2, 5, 0.5, confidence=1.2), r"confidence must be strictly"),
    (lambda: assess_share(2, 5, 0.5, population=-3), r"population must be at least 1"),
    (lambda: likert_mean({6: 1}), r"outside the scale"),
    (lambda: likert_mean({3: -1}), r"non-negative"),
    (lambda: likert_mean({3.5: 1}), r"Likert value must be an integer"),
    (lambda: likert_mean([(3, 1, 2)]), r"\(value, count\) pair"),
    (lambda: likert_mean({3: 2}, scale=(5, 1)), r"lowest < highest"),
    (lambda: likert_mean({3: 20}, population=10), r"n \(20\) exceeds"),
    (lambda: attendance_rate([]), r"at least one"),
    (lambda: attendance_rate([(3, 0), (2, 4)]), r"invited must be at least 1"),
    (lambda: attendance_rate([(-1, 5), (2, 4)]), r"attended must be non-negative"),
    (lambda: attendance_rate([(1.5, 5), (2, 4)]), r"attended must be an integer"),
    (lambda: attendance_rate([(1, 5)], confidence=0), r"confidence"),
]


@pytest.mark.parametrize(("call", "match"), INVALID_CALLS)
def test_invalid_input_raises_value_error(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


# ----------------------------------------------------------------------------- likert_mean

WORKED = {1: 2, 2: 3, 3: 5, 4: 7, 5: 3}  # n = 20


def test_likert_worked_example() -> None:
    # Written out: sum x = 66, mean 3.3; sum x^2 = 246, SS = 246 - 20 * 3.3^2 = 28.2,
    # s^2 = 28.2 / 19, se = s / sqrt(20), t_{0.975, 19} = 2.0930240544...
    s = math.sqrt(28.2 / 19)
    half = 2.0930240544083096 * s / math.sqrt(20)
    summary = likert_mean(WORKED)
    assert summary.n == 20
    assert summary.mean == pytest.approx(3.3, rel=1e-12)
    assert summary.sd == pytest.approx(s, rel=1e-12)
    assert summary.low == pytest.approx(3.3 - half, rel=1e-9)
    assert summary.high == pytest.approx(3.3 + half, rel=1e-9)
    assert summary.low == pytest.approx(2.72982657, abs=1e-8)
    assert summary.top2_share == 0.5

    # Independently via the statistics module on the expanded answers.
    answers = [v for v, c in WORKED.items() for _ in range(c)]
    assert summary.sd == pytest.approx(statistics.stdev(answers), rel=1e-12)
    t = sps.t.ppf(0.95, 19)
    se = statistics.stdev(answers) / math.sqrt(20)
    summary90 = likert_mean(list(WORKED.items()), confidence=0.90)
    assert summary90.low == pytest.approx(statistics.mean(answers) - t * se, rel=1e-12)


def test_likert_fpc_and_census() -> None:
    plain = likert_mean(WORKED)
    fpc = likert_mean(WORKED, population=50)
    factor = math.sqrt(1 - 20 / 50)
    assert fpc.high - fpc.mean == pytest.approx((plain.high - plain.mean) * factor, rel=1e-12)
    census = likert_mean(WORKED, population=20)
    assert census.low == census.high == census.mean == pytest.approx(3.3)


def test_likert_small_and_scale() -> None:
    one = likert_mean({4: 1})
    assert (one.n, one.mean, one.low, one.high, one.top2_share) == (1, 4.0, None, None, 1.0)
    empty = likert_mean({})
    assert (empty.n, empty.mean, empty.low, empty.top2_share) == (0, None, None, None)
    ten = likert_mean([(10, 2), (9, 1), (8, 3), (0, 4), (10, 0)], scale=(0, 10))
    assert ten.top2_share == 0.3
    assert likert_mean([(5, 2), (5, 1), (1, 3)]).mean == likert_mean({5: 3, 1: 3}).mean == 3.0


# ----------------------------------------------------------------------------- attendance

MEETINGS = [(8, 10), (5, 9), (12, 12), (3, 7), (11, 10)]  # last one had a walk-in


def test_attendance_worked_example() -> None:
    # Cochran's ratio-estimator variance, no FPC, with plain loops.
    sum_y = sum_x = 0
    for y, x in MEETINGS:
        sum_y += y
        sum_x += x
    m = len(MEETINGS)
    r = sum_y / sum_x
    x_bar = sum_x / m
    ss = 0.0
    for y, x in MEETINGS:
        ss += (y - r * x) ** 2
    se = math.sqrt(ss / (m * (m - 1) * x_bar**2))
    t = sps.t.ppf(0.975, m - 1)

    est = attendance_rate(MEETINGS)
    assert (est.meetings, est.census, est.attended, est.invited) == (5, False, 39, 48)
    assert est.ratio == pytest.approx(39 / 48, rel=1e-15)
    assert est.se == pytest.approx(se, rel=1e-12)
    assert est.low == pytest.approx(r - t * se, rel=1e-12)
    assert est.high == pytest.approx(r + t * se, rel=1e-12)


def test_attendance_census_and_small() -> None:
    est = attendance_rate(MEETINGS, census=True)
    assert est.census is True and est.low == est.high == est.ratio == 39 / 48
    one = attendance_rate([(4, 6)])
    assert (one.ratio, one.low, one.high, one.meetings) == (4 / 6, None, None, 1)
    one_census = attendance_rate([(4, 6)], census=True)
    assert one_census.low == one_census.high == 4 / 6


def test_attendance_low_clipped_at_zero() -> None:
    est = attendance_rate([(0, 50), (0, 40), (9, 10)])
    assert est.low == 0.0 and est.high > est.ratio


# ----------------------------------------------------------------------------- hygiene


def test_module_does_not_import_flask() -> None:
    source = Path(stats.__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            assert all(not a.name.startswith("flask") for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("flask")
