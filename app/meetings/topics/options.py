"""The network's open topics as a ranking's options (``options_from: topics``),
frozen into a questionnaire version when it is published.  A topic's code is
``topic_<id>`` and never changes, so answers to different versions count for
the same topic.  Imports only the schema, so the questionnaires' versions
may use it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.meetings.topics import rule
from app.models import Meeting, MeetingTopic, Topic, TopicProposal

TOPIC_CODE_PREFIX = "topic_"  # answer codes are a-z, 0-9 and _


def topic_code(topic_id: int) -> str:
    return f"{TOPIC_CODE_PREFIX}{topic_id}"


def topic_id_of(code: str) -> int | None:
    """The topic an option code stands for, or None for another code."""
    number = code.removeprefix(TOPIC_CODE_PREFIX)
    return int(number) if code.startswith(TOPIC_CODE_PREFIX) and number.isdigit() else None


def open_topics(session: Session, today: dt.date) -> list[Topic]:
    """The topics not treated (``rule.status``): proposed, proposed again, or scheduled for a meeting to come."""
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for topic_id, day in session.execute(
        select(MeetingTopic.topic_id, Meeting.date)
        .join(Meeting, Meeting.id == MeetingTopic.meeting_id)
        .where(MeetingTopic.topic_id.is_not(None))
    ):
        dates[topic_id].append(day)
    proposed: dict[int, list[dt.date]] = defaultdict(list)
    for topic_id, day in session.execute(
        select(TopicProposal.topic_id, Meeting.date).join(Meeting, Meeting.id == TopicProposal.meeting_id)
    ):
        proposed[topic_id].append(day)
    listed = session.scalars(select(Topic).order_by(Topic.id))
    return [
        t for t in listed if rule.status(tuple(dates.get(t.id, ())), today, tuple(proposed.get(t.id, ()))) != "treated"
    ]


def topic_options(session: Session, today: dt.date) -> list[tuple[str, dict[str, str]]]:
    """(code, title by language) of each open topic, in the order of the list."""
    return [(topic_code(t.id), dict(t.titles)) for t in open_topics(session, today)]
