"""At most ``SUBMISSIONS_PER_ADDRESS`` stored submissions per client address
and meeting (300 per hour by default: a venue's 240 phones may share one
address behind its router).  It slows down a script that stuffs an open
link's ballot box; only access codes stop one (docs/privacy.md).

The counter's key is an HMAC of the address under a key that changes every
day, so even the shared store (Redis) never holds an address, and yesterday's
keys cannot be recomputed from today's.  Nothing of it is stored with a
response or logged; the counters expire with their window.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from app.http.rate_limits import RateLimits
from app.network import settings

EXTENSION = "resonanz.submission_limit"


def init_app(app) -> None:
    app.extensions[EXTENSION] = RateLimits(app.config["RATELIMIT_STORAGE_URI"], "submissions per address")


def _address_key() -> str:
    day = settings.today().isoformat().encode()
    daily_key = hmac.new(current_app.secret_key.encode(), b"submission-limit:" + day, hashlib.sha256).digest()
    return hmac.new(daily_key, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()[:32]


def wait(code: str) -> int | None:
    """Seconds until this address may store another submission for meeting ``code``, or None."""
    return current_app.extensions[EXTENSION].wait(current_app.config["SUBMISSIONS_PER_ADDRESS"], code, _address_key())


def count(code: str) -> None:
    current_app.extensions[EXTENSION].count(current_app.config["SUBMISSIONS_PER_ADDRESS"], code, _address_key())
