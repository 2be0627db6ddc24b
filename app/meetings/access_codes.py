"""A meeting's single-use access codes: made in batches, stored as keyed
digests only, counted for the coordinator.

The codes exist in clear only in what the making of a batch returns: the
page or the file that is printed.  Each use case takes the session and only
flushes; the caller commits once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import insert_ignoring_conflict
from app.meetings import codes
from app.meetings.codes import NotForOpenLink
from app.meetings.handouts import code_link
from app.models import AccessCode, Meeting


def keys() -> list[str]:
    """The current secret key first, then the former ones still accepted."""
    return [current_app.secret_key, *current_app.config["SECRET_KEY_FALLBACKS"]]


def digests(meeting_code: str, code: str) -> list[str]:
    """What may be stored of ``code`` (normalised) for the meeting ``meeting_code``."""
    return codes.access_code_digests(keys(), meeting_code, code)


@dataclass(frozen=True)
class CodeCount:
    used: int
    total: int


def code_counts(session: Session, *meeting_ids: int) -> dict[int, CodeCount]:
    """Used and made codes per meeting (of ``meeting_ids``, or of all);
    meetings without codes are left out."""
    query = select(AccessCode.meeting_id, func.count().filter(AccessCode.used), func.count())
    if meeting_ids:
        query = query.where(AccessCode.meeting_id.in_(meeting_ids))
    rows = session.execute(query.group_by(AccessCode.meeting_id)).all()
    return {meeting_id: CodeCount(used, total) for meeting_id, used, total in rows}


def code_count(session: Session, meeting: Meeting) -> CodeCount:
    return code_counts(session, meeting.id).get(meeting.id, CodeCount(0, 0))


def make_codes(session: Session, meeting: Meeting, count: int) -> list[str]:
    """``count`` new codes for ``meeting``; only their digests are stored.

    The codes are drawn afresh until ``count`` of them are new to the meeting
    (a clash with one of its codes is about as likely as guessing one).
    """
    if not meeting.needs_access_code:
        raise NotForOpenLink
    if not 1 <= count <= codes.MAX_ACCESS_CODES_AT_ONCE:
        raise ValueError(f"count must be from 1 to {codes.MAX_ACCESS_CODES_AT_ONCE}")
    key = current_app.secret_key
    made: list[str] = []
    while len(made) < count:
        drawn = {codes.new_access_code() for _ in range(count - len(made))}
        by_digest = {codes.access_code_digest(key, meeting.public_code, code): code for code in drawn}
        stored = session.scalars(
            insert_ignoring_conflict(session, AccessCode).returning(AccessCode.digest),
            [{"digest": digest, "meeting_id": meeting.id, "used": False} for digest in by_digest],
        ).all()
        made.extend(by_digest[digest] for digest in stored)
    session.flush()
    return made


def codes_of_meeting(session: Session, meeting: Meeting, typed: Iterable[str]) -> list[str] | None:
    """The codes of ``typed``, normalised, if every one is a code of ``meeting``; else None."""
    found = [codes.normalised_access_code(code) for code in typed]
    if not found or None in found or len(found) > codes.MAX_ACCESS_CODES_AT_ONCE:
        return None
    digests_of = {code: set(digests(meeting.public_code, code)) for code in found}
    wanted = [digest for each in digests_of.values() for digest in each]
    known: set[str] = set()
    for start in range(0, len(wanted), 500):  # a bounded number of parameters per statement
        known.update(
            session.scalars(
                select(AccessCode.digest).where(
                    AccessCode.meeting_id == meeting.id, AccessCode.digest.in_(wanted[start : start + 500])
                )
            )
        )
    return found if all(each & known for each in digests_of.values()) else None


def codes_csv(meeting: Meeting, made: Iterable[str]) -> str:
    """One line per code: the code as printed and its link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["code", "link"])
    for code in made:
        writer.writerow([codes.shown_access_code(code), code_link(meeting, code)])
    return buffer.getvalue()
