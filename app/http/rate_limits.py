"""Counting requests against limits, shared by every process through
``RATELIMIT_STORAGE_URI`` (Redis when several processes or machines serve).

If the shared store cannot be reached, each process counts on its own
meanwhile (and says so in its log) rather than answer with an error page.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


class RateLimits:
    def __init__(self, storage_uri: str, name: str):
        self.name = name
        self._shared = MovingWindowRateLimiter(storage_from_string(storage_uri, wrap_exceptions=True))
        self._local: MovingWindowRateLimiter | None = None

    def _limiter(self, use: Callable[[MovingWindowRateLimiter], object]):
        try:
            return use(self._shared)
        except StorageError as exc:
            if self._local is None:
                log.warning(
                    "%s counted per process: the shared store failed (%s)",
                    self.name,
                    type(exc.storage_error).__name__,
                )
                self._local = MovingWindowRateLimiter(MemoryStorage())
            return use(self._local)

    def wait(self, limits: str, *key: str) -> int | None:
        """``None`` while every one of ``limits`` (e.g. "5 per minute;30 per hour")
        allows one more for ``key``, else the seconds until one is allowed."""

        def check(limiter: MovingWindowRateLimiter) -> int | None:
            for limit in parsed(limits):
                if not limiter.test(limit, self.name, *key):
                    reset_at = limiter.get_window_stats(limit, self.name, *key).reset_time
                    return max(1, math.ceil(reset_at - time.time()))
            return None

        return self._limiter(check)

    def count(self, limits: str, *key: str) -> None:
        """Count one for ``key`` against each of ``limits``."""

        def hit(limiter: MovingWindowRateLimiter) -> None:
            for limit in parsed(limits):
                limiter.hit(limit, self.name, *key)

        self._limiter(hit)

    def attempt(self, limits: str, *key: str) -> int | None:
        """Count one attempt if it is allowed (``None``); else the seconds to wait (not counted)."""
        wait = self.wait(limits, *key)
        if wait is None:
            self.count(limits, *key)
        return wait


@lru_cache(maxsize=8)
def parsed(limits: str) -> list[RateLimitItem]:
    return parse_many(limits)
