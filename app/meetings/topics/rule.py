"""Whether a meeting was devoted to a topic brought in by members, by the
rule the strategy declares (``member_topic_rule``, app/network/strategy/model.py).

Pure: the caller gathers, per topic of the meeting, the dates of the meetings
whose surveys proposed it and whether it ranked in the top N of the latest
ranking before the meeting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class LinkedTopic:
    """One topic of a meeting, as the rule sees it."""

    proposed_on: tuple[dt.date, ...] = ()  # dates of the meetings whose surveys proposed it
    ranked_top: bool = False  # among the first N of the latest ranking before the meeting
    stated: bool = False  # a coordinator stated it was brought in by members (before topics were linked)


def brought_in_by_members(topic: LinkedTopic, meeting_date: dt.date, *, from_proposals: bool, by_ranking: bool) -> bool:
    """A proposal counts only from a survey of an earlier meeting: what members
    say about a meeting afterwards cannot have set its agenda."""
    if topic.stated:
        return True
    if from_proposals and any(day < meeting_date for day in topic.proposed_on):
        return True
    return by_ranking and topic.ranked_top


def devoted_to_member_topics(
    topics: tuple[LinkedTopic, ...], meeting_date: dt.date, *, from_proposals: bool, by_ranking: bool
) -> bool:
    return any(
        brought_in_by_members(t, meeting_date, from_proposals=from_proposals, by_ranking=by_ranking) for t in topics
    )


def status(meeting_dates: tuple[dt.date, ...], today: dt.date, proposed_on: tuple[dt.date, ...] = ()) -> str:
    """A topic's status: ``scheduled`` while a meeting devoted to it is still
    to come; ``treated`` once one has been held, unless members proposed it
    again in the survey of that meeting or a later one; else ``proposed``."""
    if any(day > today for day in meeting_dates):
        return "scheduled"
    if not meeting_dates:
        return "proposed"
    last = max(meeting_dates)
    return "proposed" if any(day >= last for day in proposed_on) else "treated"


def leading_items(place_counts: Mapping[tuple[str, int], int], n: int) -> frozenset[str]:
    """The first ``n`` items of a ranking, as its priority table sorts them:
    by how many ranked the item, then by its score (for R places: R points
    for first place, one less for each place below), then by code."""
    places = max((place for _code, place in place_counts), default=0)
    ranked: dict[str, int] = defaultdict(int)
    score: dict[str, int] = defaultdict(int)
    for (code, place), count in place_counts.items():
        ranked[code] += count
        score[code] += (places + 1 - place) * count
    order = sorted(ranked, key=lambda code: (-ranked[code], -score[code], code))
    return frozenset(order[:n])


def latest_before(rankings: Sequence[tuple[dt.date, T]], day: dt.date) -> T | None:
    """Of ``rankings`` (date, ranking), the latest dated before ``day``."""
    earlier = [(date, ranking) for date, ranking in rankings if date < day]
    return max(earlier, key=lambda pair: pair[0])[1] if earlier else None
