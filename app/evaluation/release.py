"""What the workspace may show of a meeting's answers, and when.

Two rules, both here so that every figure follows them alike (docs/privacy.md):

- **Release.**  A meeting's answers enter a figure only once its survey has
  closed (:func:`results_released`); until then the workspace shows its number
  of responses and nothing else.  A snapshot taken before one more response
  and one taken after would otherwise give that response away.  A survey
  without a closing time is still open: answers may come in at any time.
- **Small groups.**  A figure stands for at least k respondents, the network's
  minimum cell size (:func:`large_enough`); and a figure made of several
  meetings or groups is the sum of figures that are shown themselves, with
  what each meeting leaves out either nothing or at least k respondents
  (:func:`cells_to_leave_out`), so no hidden group can be worked out by
  subtraction, neither from the totals nor from the change when a meeting's
  results are released.

Pure Python: ``app/evaluation/report/queries.py`` states the release rule as
the query filter the report uses, and a test holds the two to the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from typing import Protocol, TypeVar

K = TypeVar("K", bound=Hashable)


class Window(Protocol):
    closes_at: dt.datetime | None
    paper_entry_finished: bool


def survey_closed(closes_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether no answer can come in any more: the survey closed at or before ``now`` (UTC)."""
    return closes_at is not None and closes_at <= now


def results_released(meeting: Window, now: dt.datetime) -> bool:
    """Whether the answers of ``meeting`` may enter any figure at ``now``.

    The one release rule of the workspace; every further condition (e.g. that
    paper questionnaires have all been typed in) belongs here and in
    ``queries.released_meetings``: its survey has closed and its coordinator
    has marked its paper entry finished (app/meetings/paper_entry.py), so
    that no paper form typed in later can be read off by comparing reports."""
    return waiting_for(meeting, now) is None


def waiting_for(meeting: Window, now: dt.datetime) -> str | None:
    """What the release of ``meeting``'s results waits for ("open": its survey,
    "paper": its paper entry), or None when they are released."""
    if not survey_closed(meeting.closes_at, now):
        return "open"
    if not meeting.paper_entry_finished:
        return "paper"
    return None


def large_enough(n: int, k: int) -> bool:
    """Whether a figure of ``n`` respondents (or answers) may be shown: never for fewer than ``k``."""
    return n >= k


def cells_to_leave_out(
    sizes: Mapping[K, int], k: int, *, unlisted: int = 0, hidden: frozenset[K] = frozenset()
) -> frozenset[K]:
    """Which cells of one meeting's column (e.g. its respondents per actor group) stay out of every figure.

    ``sizes`` are the cells' counts, ``unlisted`` the meeting's respondents in
    no cell (who did not answer the group question), ``hidden`` cells left out
    already.  A cell under ``k`` is left out.  The meeting's own figure minus
    the cells that are shown gives what is left out, so that must be nothing
    or at least ``k``: while it lies between, the smallest cell still shown is
    left out too.
    """
    out = set(hidden) | {key for key, size in sizes.items() if 0 < size < k}
    while 0 < unlisted + sum(sizes[key] for key in out) < k:
        shown = sorted((size, str(key), key) for key, size in sizes.items() if key not in out and size > 0)
        if not shown:
            break  # the whole meeting is smaller than k: it is not shown at all (large_enough)
        out.add(shown[0][2])
    return frozenset(out)
