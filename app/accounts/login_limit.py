"""Login attempts per client address, at most ``LOGIN_RATE_LIMIT``.

The count lives in ``RATELIMIT_STORAGE_URI``: Redis when several processes
or machines serve, so that they count together.  If Redis cannot be reached,
each process counts on its own meanwhile (and says so in its log) rather
than answer every login with an error page.

Only the login form is limited: participants are never counted, since that
would need their address.  (Flask-Limiter did this before; it looks at every
request of every route, which cost a tenth of each participant page, for
the sake of one form.)
"""

from __future__ import annotations

import logging
import math
import time
from functools import lru_cache

from limits import parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


class LoginLimit:
    def __init__(self, storage_uri: str):
        self._shared = MovingWindowRateLimiter(storage_from_string(storage_uri, wrap_exceptions=True))
        self._local: MovingWindowRateLimiter | None = None

    def attempt(self, limits: str, key: str) -> int | None:
        """Count one attempt against ``limits`` (e.g. "5 per minute;30 per hour");
        ``None`` when it is allowed, else the seconds until the next one may
        be made (that attempt is not counted)."""
        try:
            return self._attempt(self._shared, _parsed(limits), key)
        except StorageError as exc:
            if self._local is None:
                log.warning(
                    "login rate limits counted per process: the shared store failed (%s)",
                    type(exc.storage_error).__name__,
                )
                self._local = MovingWindowRateLimiter(MemoryStorage())
            return self._attempt(self._local, _parsed(limits), key)

    @staticmethod
    def _attempt(limiter: MovingWindowRateLimiter, limits, key: str) -> int | None:
        for limit in limits:
            if not limiter.test(limit, "login", key):
                reset_at = limiter.get_window_stats(limit, "login", key).reset_time
                return max(1, math.ceil(reset_at - time.time()))
        for limit in limits:
            limiter.hit(limit, "login", key)
        return None


@lru_cache(maxsize=8)
def _parsed(limits: str):
    return parse_many(limits)
