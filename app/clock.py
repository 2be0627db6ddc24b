"""One clock.  Stored times are naive UTC; "today" is the date in the
network's time zone, never the server's local date nor the UTC date, so a
response sent at 23:30 on 31 December in Berlin counts for that day and year."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def utcnow() -> dt.datetime:
    """Now in UTC, naive, as every stored time is (staff actions only; never a response)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local_date(utc: dt.datetime, time_zone: str) -> dt.date:
    """The date in ``time_zone`` at the naive UTC time ``utc``."""
    return utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(time_zone)).date()
