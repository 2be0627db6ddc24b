"""What a comparison compares: a calendar year, a range of meeting dates, or
one meeting, as the trends page's form names it.

Pure parsing: the service decides whether the scope exists in the data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MEETING = re.compile(r"meeting-([1-9][0-9]{0,9})")
YEAR = re.compile(r"[12][0-9]{3}")
DATES = "dates"


@dataclass(frozen=True)
class Year:
    year: int

    def holds(self, meeting_id: int, date: dt.date) -> bool:
        return date.year == self.year


@dataclass(frozen=True)
class Dates:
    start: dt.date
    end: dt.date

    def holds(self, meeting_id: int, date: dt.date) -> bool:
        return self.start <= date <= self.end


@dataclass(frozen=True)
class OneMeeting:
    meeting_id: int

    def holds(self, meeting_id: int, date: dt.date) -> bool:
        return meeting_id == self.meeting_id


Scope = Year | Dates | OneMeeting


class ScopeError(ValueError):
    """Why a scope cannot be read: ``missing`` (none chosen), ``unknown`` (no
    such choice), ``bad_date`` (not a date), ``inverted`` (ends before it starts)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def scope_value(scope: Scope) -> str:
    """The form's value for ``scope`` (a range of dates has its own fields)."""
    if isinstance(scope, Year):
        return str(scope.year)
    if isinstance(scope, OneMeeting):
        return f"meeting-{scope.meeting_id}"
    return DATES


def _date(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise ScopeError("bad_date") from None


def parse_scope(value: str | None, start: str | None = None, end: str | None = None) -> Scope:
    """A scope from the form: ``2016``, ``meeting-12``, or ``dates`` with ``start`` and ``end`` (YYYY-MM-DD)."""
    value = (value or "").strip()
    if not value:
        raise ScopeError("missing")
    if YEAR.fullmatch(value):
        return Year(int(value))
    if match := MEETING.fullmatch(value):
        return OneMeeting(int(match.group(1)))
    if value == DATES:
        first, last = _date(start), _date(end)
        if last < first:
            raise ScopeError("inverted")
        return Dates(first, last)
    raise ScopeError("unknown")
