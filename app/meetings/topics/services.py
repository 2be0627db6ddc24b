"""The network's topic list and the member proposals taken into it.
Each use case takes the session and flushes; the caller commits once.

Proposals are the answers to a meeting's free-text questions declared
``collects: topics``.  They are read as the release rules allow
(app/evaluation/release.py): not before the meeting's results are released,
and not at all for a meeting with fewer than k respondents.  Only that
question's answers are read, scrubbed like free text in exports, identical
texts counted together and shuffled: no response id, no other answer, no order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.evaluation.anonymise import scrub
from app.evaluation.release import large_enough, results_released, waiting_for
from app.languages import pick
from app.meetings.topics import options, rule
from app.models import Answer, Meeting, MeetingTopic, QuestionnaireVersion, Response, Topic, TopicProposal
from app.questionnaires.versions import questionnaire_of


class SameTopic(Exception):
    """A topic was to be merged into itself."""


# --- the topic list ------------------------------------------------------------


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    status: str  # proposed | scheduled | treated
    meetings: tuple[Meeting, ...]  # devoted to it, by date
    proposals: int  # member answers taken into it

    @property
    def proposed_at(self) -> tuple[Meeting, ...]:
        """The meetings whose surveys proposed it, by date."""
        return tuple(sorted({p.meeting for p in self.topic.proposals}, key=lambda m: (m.date, m.id)))


def title(topic: Topic, language: str, default: str) -> str:
    return pick(topic.titles, language, default).text


def topics(session: Session) -> list[Topic]:
    return list(
        session.scalars(
            select(Topic)
            .order_by(Topic.id)
            .options(
                selectinload(Topic.meetings).selectinload(MeetingTopic.meeting),
                selectinload(Topic.proposals).selectinload(TopicProposal.meeting),
            )
        )
    )


def titled(session: Session, language: str, default: str) -> list[tuple[int, str]]:
    """(id, title in ``language``) of every topic, as a list to choose from."""
    return [(topic.id, title(topic, language, default)) for topic in topics(session)]


def topic_rows(session: Session, today: dt.date) -> list[TopicRow]:
    rows = []
    for topic in topics(session):
        meetings = tuple(sorted({link.meeting for link in topic.meetings}, key=lambda m: (m.date, m.id)))
        rows.append(
            TopicRow(
                topic,
                rule.status(tuple(m.date for m in meetings), today, tuple(p.meeting.date for p in topic.proposals)),
                meetings,
                sum(p.answers for p in topic.proposals),
            )
        )
    return rows


def add_topic(session: Session, titles: Mapping[str, str], origin: str = Topic.COORDINATORS) -> Topic:
    topic = Topic(titles=dict(titles), origin=origin)
    session.add(topic)
    session.flush()
    return topic


def edit_topic(session: Session, topic: Topic, titles: Mapping[str, str]) -> None:
    topic.titles = dict(titles)
    session.flush()


def merge_topics(session: Session, source: Topic, target: Topic) -> None:
    """Fold ``source`` into ``target``: its meetings and proposals go to
    ``target``, and ``source`` leaves the list."""
    if source.id == target.id:
        raise SameTopic(source.id)
    linked = {link.meeting_id for link in target.meetings}
    for link in list(source.meetings):
        if link.meeting_id in linked:
            session.delete(link)  # the meeting was devoted to both: once is enough
        else:
            link.topic = target
    for proposal in list(source.proposals):
        proposal.topic = target
    session.flush()
    session.expire(source)
    session.execute(delete(Topic).where(Topic.id == source.id))
    session.expire(target)
    session.flush()


def link_meeting(meeting: Meeting, chosen: Iterable[Topic], default_language: str) -> None:
    """Devote ``meeting`` to the ``chosen`` topics, in that order.  Its topics
    from before the topic list (no topic, a coordinator's statement) stay."""
    kept = [link for link in meeting.topics if link.topic_id is None]
    linked = {link.topic_id: link for link in meeting.topics if link.topic_id is not None}
    links, seen = [], set()
    for topic in chosen:
        if topic.id in seen:
            continue
        seen.add(topic.id)
        link = linked.get(topic.id) or MeetingTopic(topic=topic)
        link.title = title(topic, default_language, default_language)[:300]
        links.append(link)
    meeting.topics = kept + links
    for position, link in enumerate(meeting.topics):
        link.position = position


# --- proposals -----------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    digest: str  # identifies the scrubbed text within its meeting
    text: str
    answers: int  # how many gave exactly this text


@dataclass(frozen=True)
class Proposals:
    """A meeting's proposals as they may be shown: ``waiting`` says why not
    (open | paper | too_few | none_asked), else ``items`` are shuffled."""

    waiting: str | None
    items: tuple[Proposal, ...] = ()
    taken: int = 0  # answers already taken into topics


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def proposal_text(answer: str) -> str:
    """A proposal as coordinators see it: scrubbed like free text in exports, spaces evened out."""
    return " ".join(scrub(answer).split())


def _topic_questions(session: Session, meeting: Meeting) -> list:
    """(version id, question id) of every version the meeting's responses answered whose question collects topics."""
    version_ids = set(
        session.scalars(select(Response.questionnaire_version_id).filter_by(meeting_id=meeting.id).distinct())
    )
    version_ids.add(meeting.questionnaire_version_id)
    found = []
    for version in session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(version_ids))):
        found += [(version.id, q.id) for q in questionnaire_of(version).topic_questions]
    return found


def proposals_of(
    session: Session, meeting: Meeting, *, now: dt.datetime, k: int, rng: random.Random | None = None
) -> Proposals:
    questions = _topic_questions(session, meeting)
    if not questions:
        return Proposals("none_asked")
    waiting = waiting_for(meeting, now)
    if waiting is not None:
        return Proposals(waiting)
    respondents = session.scalar(select(func.count()).select_from(Response).filter_by(meeting_id=meeting.id))
    if not large_enough(respondents, k):
        return Proposals("too_few")
    texts = session.scalars(
        select(Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.meeting_id == meeting.id,
            Answer.text.is_not(None),
            or_(*(and_(Response.questionnaire_version_id == v, Answer.question_id == q) for v, q in questions)),
        )
    )
    counted = Counter(shown for text in texts if (shown := proposal_text(text)))
    taken = dict(
        session.execute(select(TopicProposal.text_digest, TopicProposal.answers).filter_by(meeting_id=meeting.id)).all()
    )
    items = [Proposal(digest_of(text), text, n) for text, n in counted.items() if digest_of(text) not in taken]
    (rng or random.SystemRandom()).shuffle(items)
    return Proposals(None, tuple(items), sum(taken.values()))


def find_proposal(session: Session, meeting: Meeting, digest: str, *, now: dt.datetime, k: int) -> Proposal | None:
    """The meeting's open proposal with this digest, if it may be shown and is not taken yet."""
    return next((p for p in proposals_of(session, meeting, now=now, k=k).items if p.digest == digest), None)


def take_proposal(
    session: Session,
    meeting: Meeting,
    proposal: Proposal,
    *,
    into: Topic | None = None,
    titles: Mapping[str, str] | None = None,
) -> Topic:
    """Turn a proposal into a new topic (with ``titles``), or merge it into the topic ``into``."""
    topic = into if into is not None else add_topic(session, titles or {}, Topic.MEMBERS)
    session.add(
        TopicProposal(topic=topic, meeting_id=meeting.id, text_digest=proposal.digest, answers=proposal.answers)
    )
    session.flush()
    return topic


# --- the member-topic indicator ------------------------------------------------


def rankings(session: Session, *, now: dt.datetime, k: int) -> list[tuple[dt.date, dict[tuple[str, int], int]]]:
    """(meeting date, counts of (topic code, place)) of each meeting whose
    members ranked the network's topics: released, with at least k who ranked."""
    counts: dict[int, dict[tuple[str, int], int]] = defaultdict(dict)
    for meeting_id, code, place, n in session.execute(
        select(Response.meeting_id, Answer.code, Answer.number, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.code.startswith(options.TOPIC_CODE_PREFIX), Answer.number.is_not(None))
        .group_by(Response.meeting_id, Answer.code, Answer.number)
    ):
        counts[meeting_id][(code, place)] = n
    found = []
    for meeting in session.scalars(select(Meeting).where(Meeting.id.in_(counts))):
        ranked = sum(n for (_code, place), n in counts[meeting.id].items() if place == 1)  # one first place each
        if results_released(meeting, now) and large_enough(ranked, k):
            found.append((meeting.date, counts[meeting.id]))
    return found


def devoted_meetings(
    session: Session, meetings: Iterable[Meeting], member_rule, *, now: dt.datetime, k: int
) -> set[int]:
    """The ids of ``meetings`` devoted to a topic brought in by members, by
    the strategy's ``member_rule``."""
    meetings = list(meetings)
    proposed: dict[int, list[dt.date]] = defaultdict(list)
    for topic_id, day in session.execute(
        select(TopicProposal.topic_id, Meeting.date).join(Meeting, Meeting.id == TopicProposal.meeting_id)
    ):
        proposed[topic_id].append(day)
    top_n = member_rule.top_n_of_latest_ranking
    ranked = rankings(session, now=now, k=k) if top_n is not None else []
    devoted = set()
    for meeting in meetings:
        latest = rule.latest_before(ranked, meeting.date)
        tops = {options.topic_id_of(code) for code in rule.leading_items(latest, top_n)} if latest else set()
        linked = tuple(
            rule.LinkedTopic(
                proposed_on=tuple(proposed.get(link.topic_id, ())),
                ranked_top=link.topic_id in tops,
                stated=link.topic_id is None and link.brought_in_by_members,
            )
            for link in meeting.topics
        )
        if rule.devoted_to_member_topics(
            linked, meeting.date, from_proposals=member_rule.from_proposals, by_ranking=top_n is not None
        ):
            devoted.add(meeting.id)
    return devoted
