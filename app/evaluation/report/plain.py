"""The report in plain words, the pure part: simple fractions for the summary
lines and the period a printed report covers.  No Flask; the words
themselves are in ``wording.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

# Fractions a reader takes in at a glance, smallest denominator first: "1 in 2",
# "2 in 3", "3 in 4", "4 in 5", "7 in 10".
DENOMINATORS = (2, 3, 4, 5, 10)
# How far a share may be from the fraction that stands for it (in points):
# 68 % is "about 2 in 3", 71 % is "7 in 10".
TOLERANCE = 0.025


def simple_fraction(share: float) -> Fraction | None:
    """The simple fraction nearest ``share`` within :data:`TOLERANCE`, the smallest
    denominator first; ``None`` for shares near 0 or 1 (said as percent)."""
    if not 0 <= share <= 1:
        raise ValueError(f"share must be between 0 and 1, got {share!r}")
    for denominator in DENOMINATORS:
        numerator = round(share * denominator)
        if 0 < numerator < denominator and abs(share - numerator / denominator) <= TOLERANCE:
            return Fraction(numerator, denominator)
    return None


def is_exact(share: float, fraction: Fraction) -> bool:
    """Whether ``share`` is ``fraction`` to the nearest whole percent (then no "about")."""
    return round(share * 100) == round(float(fraction) * 100)


class PeriodError(ValueError):
    """A period that cannot be: ``code`` is inverted | incomplete | both."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Period:
    """The meetings held from ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise PeriodError("inverted")

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def year(self) -> int | None:
        """The calendar year the period is, if it is exactly one."""
        if self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31):
            return self.start.year
        return None

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period_of(year: int | None, start: dt.date | None, end: dt.date | None) -> Period | None:
    """The period asked for: a year, or from and to; nothing for every meeting."""
    if year is not None:
        if start is not None or end is not None:
            raise PeriodError("both")
        return Period.of_year(year)
    if (start is None) != (end is None):
        raise PeriodError("incomplete")
    return None if start is None else Period(start, end)
