"""A meeting's public code (the end of its participant link), its survey
window, and the single-use access codes handed to attendees."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# No 0/o, 1/l/i, so a code read off a slide is typed right.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10  # 31**10 ≈ 2**49 possible codes


def new_public_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def could_be_code(text: str) -> bool:
    """Whether ``text`` is a code we could have issued (no query needed otherwise)."""
    return len(text) == CODE_LENGTH and set(text) <= set(CODE_ALPHABET)


def typed_public_code(typed: str) -> str:
    """What someone typed from a poster, as a public code to look up: the
    code alone or the whole short link, in any case, with spaces or dashes."""
    text = typed.strip().rstrip("/")
    if "/m/" in text:
        text = text.rsplit("/m/", 1)[1].split("/", 1)[0].split("?", 1)[0]
    return _TYPED_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).lower()[:40]


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


# --- access codes ------------------------------------------------------------

# Eight characters of the same alphabet, shown as two groups of four
# ("K7PM-3QXD"): 31**8 ≈ 2**40 codes, so a guessed code hits one of a
# meeting's few hundred about once in three billion tries.
ACCESS_CODE_LENGTH = 8
ACCESS_CODE_GROUP = 4
MAX_ACCESS_CODES_AT_ONCE = 5000
_TYPED_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")


class NotForOpenLink(Exception):
    """The meeting's survey is an open link: it has no codes."""


def new_access_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def normalised_access_code(typed: str | None) -> str | None:
    """The code in its one form (small letters, no dash) from what was typed
    or put in a link: capitals, spaces and dashes do not matter, nor digits
    typed on an Arabic or Persian keyboard.  None when it cannot be a code we
    issued."""
    if not typed:
        return None
    code = _TYPED_SEPARATORS.sub("", unicodedata.normalize("NFKC", typed)).lower()
    code = "".join(str(int(char)) if char.isdecimal() else char for char in code)
    if len(code) != ACCESS_CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        return None
    return code


def shown_access_code(code: str) -> str:
    """How a code is printed and put in links: capitals, in two groups."""
    upper = code.upper()
    return f"{upper[:ACCESS_CODE_GROUP]}-{upper[ACCESS_CODE_GROUP:]}"


def access_code_digest(key: str | bytes, meeting_code: str, code: str) -> str:
    """What is stored of a code: HMAC-SHA256 under the server's secret key, for
    this meeting.  A plain hash of 40 bits would be reversed by trying every
    code; without the key, which is kept apart from the database and its
    backups, a copy of the database yields no code that could be used."""
    key_bytes = key.encode() if isinstance(key, str) else key
    message = f"access-code\0{meeting_code}\0{code}".encode()
    return hmac.new(key_bytes, message, hashlib.sha256).hexdigest()


def access_code_digests(keys: Iterable[str | bytes], meeting_code: str, code: str) -> list[str]:
    """The digests of ``code`` under each key (the current one and former ones still accepted)."""
    return [access_code_digest(key, meeting_code, code) for key in keys]


def proposed_access_code_count(attended: int | None, invited: int | None, existing: int) -> int | None:
    """How many codes to propose: the attendees (or, unrecorded, the invited)
    and 10 % more, less the codes the meeting has already; None when there is
    nothing to go by or enough codes exist."""
    base = attended or invited
    if not base:
        return None
    wanted = -(-base * 11 // 10) - existing  # ceiling of base × 1.1
    return min(wanted, MAX_ACCESS_CODES_AT_ONCE) if wanted > 0 else None
