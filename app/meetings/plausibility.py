"""Whether a meeting's number of responses is plausible.

An open link can be passed on, and a script can answer many times (the
per-address limit only slows it down): more responses than people who came,
or than were invited when attendance is not recorded, means some answers are
not from attendees.  The dashboard and the report say so beside the figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TooManyResponses:
    responses: int
    basis: str  # "attended" (attendees recorded) or "invited" (attendance not recorded)
    people: int  # the attendees, or the invited


def too_many_responses(responses: int, attended: int | None, invited: int | None) -> TooManyResponses | None:
    """More responses than attendees (or, without attendance, than invited); None when plausible or unknown."""
    if attended is not None:
        return TooManyResponses(responses, "attended", attended) if responses > attended else None
    if invited is not None and responses > invited:
        return TooManyResponses(responses, "invited", invited)
    return None
