"""Login attempts, counted per client address and per account.

Per address, every attempt counts (``LOGIN_RATE_LIMIT``).  Per account, only
failed ones (``LOGIN_ACCOUNT_RATE_LIMIT``), counted for the name typed whether
an account has it or not, so a refusal tells nothing about which names
exist; attempts from many addresses at one account are stopped there.

The counts live in ``RATELIMIT_STORAGE_URI``: Redis when several processes
or machines serve, so that they count together.  If Redis cannot be reached,
each process counts on its own meanwhile (and says so in its log) rather
than answer every login with an error page.

Only the login form is limited here; participants' submissions have their
own limit (app/participation/address_limit.py).  Both count with
app/http/rate_limits.py.
"""

from __future__ import annotations

from app.http.rate_limits import RateLimits

# A lockout goes into the security log once in this window, not once for
# every refused attempt.
NOTED_ONCE = "1 per 10 minutes"


class LoginLimit:
    def __init__(self, storage_uri: str):
        self._counts = RateLimits(storage_uri, "login rate limits")

    def attempt(self, limits: str, address: str) -> int | None:
        """Count one attempt from ``address`` against ``limits`` (e.g. "5 per
        minute;30 per hour"); ``None`` when it is allowed, else the seconds
        until the next one may be made (that attempt is not counted)."""
        return self._counts.attempt(limits, "address", address)

    def wait(self, limits: str, username: str) -> int | None:
        """The seconds until ``username`` may be tried again, or ``None`` (nothing is counted)."""
        return self._counts.wait(limits, "account", username)

    def failed(self, limits: str, username: str) -> None:
        """Count one failed login with ``username``."""
        self._counts.count(limits, "account", username)

    def first_refusal(self, key: str) -> bool:
        """Whether a refusal for ``key`` is the first in a while (see ``NOTED_ONCE``)."""
        return self._counts.attempt(NOTED_ONCE, "lockout", key) is None
