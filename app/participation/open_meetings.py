"""Open meetings by public code, kept in each process for a few seconds.

After a meeting, every phone of a burst asks for the same meeting; the form
page needs it, and nothing about it changes in those minutes.  So each
process keeps the meetings it has just seen *open* for ``seconds``:

* a survey that is opened is seen at once (meetings that are not open are
  never kept, so "not yet open" is never served from here);
* a closing or an edit made through another process reaches a kept copy
  within ``seconds`` (this process forgets its copy at once);
* a submission is never decided by a kept copy alone: the response is
  stored only if the meeting is open in the database at that moment
  (``services.submit_response(open_at=…)``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from app.questionnaires.versions import ParticipantMeeting


class OpenMeetings:
    LIMIT = 1024  # meetings kept at most; a city's meetings at one time are far fewer

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._kept: dict[str, tuple[float, ParticipantMeeting]] = {}

    def get(self, code: str) -> ParticipantMeeting | None:
        kept = self._kept.get(code)
        if kept is None:
            return None
        until, meeting = kept
        if self._clock() >= until:
            del self._kept[code]
            return None
        return meeting

    def keep(self, meeting: ParticipantMeeting) -> None:
        if self.seconds <= 0:
            return
        if len(self._kept) >= self.LIMIT:
            self._kept.clear()
        self._kept[meeting.public_code] = (self._clock() + self.seconds, meeting)

    def forget(self, code: str) -> None:
        self._kept.pop(code, None)
