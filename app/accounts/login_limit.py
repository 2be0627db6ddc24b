"""Login attempts, counted per client address and per account.

Per address, every attempt counts (``LOGIN_RATE_LIMIT``).  Per account, only
failed ones (``LOGIN_ACCOUNT_RATE_LIMIT``), counted for the name typed whether
an account has it or not, so a refusal tells nothing about which names
exist; attempts from many addresses at one account are stopped there.

The counts live in ``RATELIMIT_STORAGE_URI``: Redis when several processes
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

from limits import parse, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

ADDRESS = "login"
ACCOUNT = "login-account"
# A lockout goes into the security log once in this window, not once for
# every refused attempt.
NOTED_ONCE = parse("1 per 10 minutes")


class LoginLimit:
    def __init__(self, storage_uri: str):
        self._shared = MovingWindowRateLimiter(storage_from_string(storage_uri, wrap_exceptions=True))
        self._local: MovingWindowRateLimiter | None = None

    def attempt(self, limits: str, address: str) -> int | None:
        """Count one attempt from ``address`` against ``limits`` (e.g. "5 per
        minute;30 per hour"); ``None`` when it is allowed, else the seconds
        until the next one may be made (that attempt is not counted)."""
        return self._with_limiter(lambda limiter: _wait(limiter, _parsed(limits), ADDRESS, address, count=True))

    def wait(self, limits: str, username: str) -> int | None:
        """The seconds until ``username`` may be tried again, or ``None`` (nothing is counted)."""
        return self._with_limiter(lambda limiter: _wait(limiter, _parsed(limits), ACCOUNT, username, count=False))

    def failed(self, limits: str, username: str) -> None:
        """Count one failed login with ``username``."""
        self._with_limiter(lambda limiter: _count(limiter, _parsed(limits), ACCOUNT, username))

    def first_refusal(self, key: str) -> bool:
        """Whether a refusal for ``key`` is the first in a while (see ``NOTED_ONCE``)."""
        return self._with_limiter(lambda limiter: limiter.hit(NOTED_ONCE, "login-lockout", key))

    def _with_limiter(self, use):
        try:
            return use(self._shared)
        except StorageError as exc:
            if self._local is None:
                log.warning(
                    "login rate limits counted per process: the shared store failed (%s)",
                    type(exc.storage_error).__name__,
                )
                self._local = MovingWindowRateLimiter(MemoryStorage())
            return use(self._local)


def _wait(limiter: MovingWindowRateLimiter, limits, namespace: str, key: str, *, count: bool) -> int | None:
    for limit in limits:
        if not limiter.test(limit, namespace, key):
            reset_at = limiter.get_window_stats(limit, namespace, key).reset_time
            return max(1, math.ceil(reset_at - time.time()))
    if count:
        _count(limiter, limits, namespace, key)
    return None


def _count(limiter: MovingWindowRateLimiter, limits, namespace: str, key: str) -> None:
    for limit in limits:
        limiter.hit(limit, namespace, key)


@lru_cache(maxsize=8)
def _parsed(limits: str):
    return parse_many(limits)
