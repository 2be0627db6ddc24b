"""The network's own settings, as the app reads them."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from app import clock


def time_zone() -> str:
    """The network's time zone (``TIME_ZONE``, ``Europe/Berlin`` by default)."""
    return current_app.config["TIME_ZONE"]


def now() -> dt.datetime:
    """Now, naive UTC, from the app's clock (``CLOCK``: :func:`app.clock.utcnow` unless a test sets another)."""
    return current_app.config["CLOCK"]()


def today() -> dt.date:
    """Today's date where the network meets (see app/clock.py)."""
    return local_date(now())


def local_date(utc: dt.datetime) -> dt.date:
    return clock.local_date(utc, time_zone())
