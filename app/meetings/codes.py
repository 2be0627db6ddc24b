"""A meeting's public code (the end of its participant link) and its survey window."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

# No 0/o, 1/l/i, so a code read off a slide is typed right.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10  # 31**10 ≈ 2**49 possible codes


def new_public_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def could_be_code(text: str) -> bool:
    """Whether ``text`` is a code we could have issued (no query needed otherwise)."""
    return len(text) == CODE_LENGTH and set(text) <= set(CODE_ALPHABET)


@dataclass(frozen=True)
class SurveyWindow:
    state: str  # not_yet_open | open | closed
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None


def survey_window(meeting, now: dt.datetime) -> SurveyWindow:
    """Where ``meeting`` (anything with ``opens_at`` and ``closes_at``, UTC) stands at ``now``."""
    if meeting.opens_at is None or now < meeting.opens_at:
        state = "not_yet_open"
    elif meeting.closes_at is not None and now >= meeting.closes_at:
        state = "closed"
    else:
        state = "open"
    return SurveyWindow(state, meeting.opens_at, meeting.closes_at)
