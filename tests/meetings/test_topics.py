"""The topic list and the loop: proposals after release, topics made and
merged, meetings devoted to them, and the member-topic indicator computed
from those links by the strategy's rule."""

import datetime as dt
import random
import re

import pytest
from sqlalchemy import event, select, text

from app.db import make_engine, upgrade
from app.evaluation.report import reporting
from app.meetings import codes
from app.meetings.topics import options, rule
from app.meetings.topics import services as topics
from app.models import Answer, Meeting, MeetingTopic, QuestionnaireVersion, Response, Topic, TopicProposal
from app.network.strategy.model import MemberTopicRule, check_strategy, parse_strategy
from app.questionnaires import versions
from app.questionnaires.model import check_questionnaire
from tests.conftest import (
    ENGINES,
    IV1,
    POSTGRES_URL,
    PROJECT,
    add_meeting,
    csrf_of,
    store_questionnaire,
    store_response,
    token,
)
from tests.scratch import scratch_database

STRATEGY_SOURCE = (PROJECT / "questionnaires" / "strategy.yaml").read_text("utf-8")


def english(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang=en"


BASE = {"actor_group": ["school"], "knows_more_offers": ["yes"], "new_contacts": ["no"], "central_topics": ["yes"]}


def _topic(db, de="Sprachbildung", origin=Topic.COORDINATORS, **titles) -> Topic:
    topic = topics.add_topic(db, {"de": de, **titles}, origin)
    db.commit()
    return topic


# --- the list in the workspace ---------------------------------------------------


def test_add_and_edit_a_topic(coordinator, db):
    data = {
        "csrf_token": token(coordinator, "/workspace/topics/"),
        "title_de": " Übergänge  für alle ",
        "title_en": "Transitions",
    }
    assert coordinator.post(english("/workspace/topics/"), data=data).status_code == 302
    db.rollback()
    topic = db.scalars(select(Topic)).one()
    assert (topic.titles, topic.origin) == ({"de": "Übergänge für alle", "en": "Transitions"}, "coordinators")
    page = coordinator.get(english("/workspace/topics/")).get_data(as_text=True)
    assert "Transitions" in page and "entered by coordinators" in page and "proposed" in page

    url = f"/workspace/topics/{topic.id}"
    data = {
        "csrf_token": token(coordinator, url),
        "titles-title_de": "Gelingende Übergänge",
        "titles-title_fr": "Transitions",
    }
    assert coordinator.post(english(url), data=data).status_code == 302
    db.rollback()
    assert db.get(Topic, topic.id).titles == {"de": "Gelingende Übergänge", "fr": "Transitions"}


def test_a_title_without_the_default_language_is_refused_with_the_input_kept(coordinator, db):
    data = {"csrf_token": token(coordinator, "/workspace/topics/"), "title_en": "Transitions for all"}
    response = coordinator.post(english("/workspace/topics/"), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please give the title in Deutsch, the network's default language." in html
    assert 'value="Transitions for all"' in html
    db.rollback()
    assert db.scalars(select(Topic)).all() == []


def test_merge_moves_meetings_and_proposals_and_removes_the_merged_topic(coordinator, db):
    meeting = add_meeting(db, opens=-48, closes=-1)
    source, target = _topic(db, "Übergang Kita–Schule"), _topic(db, "Gelingende Übergänge")
    source_id = source.id
    both = db.get(Meeting, meeting.id)
    topics.link_meeting(both, [db.get(Topic, source.id), db.get(Topic, target.id)], "de")
    db.add(TopicProposal(topic_id=source.id, meeting_id=meeting.id, text_digest="a" * 64, answers=2))
    db.commit()
    url = f"/workspace/topics/{source.id}"
    response = coordinator.post(
        english(f"{url}/merge"), data={"csrf_token": token(coordinator, url), "merge-target": str(target.id)}
    )
    assert response.status_code == 302
    db.rollback()
    assert db.get(Topic, source_id) is None
    merged = db.get(Topic, target.id)
    assert [link.meeting_id for link in merged.meetings] == [meeting.id]  # devoted to both: once
    assert [(p.meeting_id, p.answers) for p in merged.proposals] == [(meeting.id, 2)]


def test_merging_a_topic_into_itself_or_into_no_topic_is_refused(coordinator, db):
    topic = _topic(db)
    url = f"/workspace/topics/{topic.id}"
    for target, message in [
        (str(topic.id), "A topic cannot be merged into itself. Choose another topic."),
        ("9999", "This topic is not on the list (any more). Choose one from the list."),
    ]:
        response = coordinator.post(
            english(f"{url}/merge"), data={"csrf_token": token(coordinator, url), "merge-target": target}
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    db.rollback()
    assert db.get(Topic, topic.id) is not None


def test_scheduling_for_a_meeting_that_does_not_exist_is_refused(coordinator, db):
    topic = _topic(db)
    url = f"/workspace/topics/{topic.id}"
    for value in ("9999", "keine"):
        response = coordinator.post(
            english(f"{url}/schedule"), data={"csrf_token": token(coordinator, url), "schedule-meeting": value}
        )
        assert response.status_code == 422
    assert "This meeting does not exist (any more). Choose one from the list." in response.get_data(as_text=True)
    db.rollback()
    assert db.scalars(select(MeetingTopic)).all() == []


def test_status_follows_the_meetings(coordinator, db):
    coming = add_meeting(db, opens=None, closes=None, title="Kommt noch")
    db.get(Meeting, coming.id).date = dt.date.today() + dt.timedelta(days=30)
    db.commit()
    topic = _topic(db)
    url = f"/workspace/topics/{topic.id}"
    response = coordinator.post(
        english(f"{url}/schedule"), data={"csrf_token": token(coordinator, url), "schedule-meeting": str(coming.id)}
    )
    assert response.status_code == 302
    db.rollback()
    assert [row.status for row in topics.topic_rows(db, dt.date.today())] == ["scheduled"]
    assert [row.status for row in topics.topic_rows(db, dt.date.today() + dt.timedelta(days=30))] == ["treated"]
    # The open topics, as a ranking takes them: not treated yet, each with its code.
    assert options.topic_options(db, dt.date.today()) == [(f"topic_{topic.id}", {"de": "Sprachbildung"})]
    assert options.topic_options(db, dt.date.today() + dt.timedelta(days=30)) == []
    assert options.topic_id_of(f"topic_{topic.id}") == topic.id and options.topic_id_of("school") is None


def test_the_leading_items_of_a_ranking():
    # Three places; a ranked by 4 (first 3 times, third once: 10 points), b by 4 (first once,
    # second 3 times: 9 points), c by 2: a and b tie on 4, a leads on points.
    counts = {("a", 1): 3, ("a", 3): 1, ("b", 1): 1, ("b", 2): 3, ("c", 2): 1, ("c", 3): 1}
    assert rule.leading_items(counts, 1) == {"a"}
    assert rule.leading_items(counts, 2) == {"a", "b"}
    assert rule.leading_items({}, 3) == frozenset()
    days = [(dt.date(2015, 3, 1), "march"), (dt.date(2015, 8, 1), "august")]
    assert rule.latest_before(days, dt.date(2015, 9, 1)) == "august"
    assert rule.latest_before(days, dt.date(2015, 8, 1)) == "march"  # the same day is not before
    assert rule.latest_before(days, dt.date(2015, 1, 1)) is None


def test_status_rule():
    today = dt.date(2026, 6, 1)
    assert rule.status((), today) == "proposed"
    assert rule.status((dt.date(2026, 7, 1),), today) == "scheduled"
    assert rule.status((dt.date(2026, 7, 1), today), today) == "scheduled"  # and to come again
    assert rule.status((dt.date(2026, 5, 1), today), today) == "treated"
    # Proposed again by members in the survey of its last meeting or later: open again.
    assert rule.status((dt.date(2026, 5, 1),), today, (dt.date(2026, 5, 1),)) == "proposed"
    assert rule.status((dt.date(2026, 5, 1),), today, (dt.date(2026, 4, 1),)) == "treated"


def test_the_meeting_form_chooses_topics_from_the_list(coordinator, db, meeting):
    from tests.conftest import meeting_form

    topic = _topic(db, "Sprachbildung")
    page = coordinator.get(english("/workspace/meetings/new")).get_data(as_text=True)
    assert f'<option value="{topic.id}">Sprachbildung</option>' in page
    assert "brought in by members" not in page  # the checkbox is gone
    data = meeting_form(
        meeting.questionnaire_version_id,
        csrf_token=csrf_of(page),
        **{"topic_ids-0": str(topic.id), "topic_ids-1": str(topic.id), "new_topics-1": None},
    )
    assert coordinator.post(english("/workspace/meetings/new"), data=data).status_code == 302
    db.rollback()
    created = db.scalars(select(Meeting).filter_by(title="Netzwerktreffen Frühjahr")).one()
    assert [(link.topic_id, link.title) for link in created.topics][0] == (topic.id, "Sprachbildung")
    assert len(created.topics) == 2  # the topic once, and the new one

    data = meeting_form(meeting.questionnaire_version_id, csrf_token=csrf_of(page), **{"topic_ids-0": "9999"})
    response = coordinator.post(english("/workspace/meetings/new"), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This topic is not on the list (any more). Choose one from the list." in html
    assert 'value="Netzwerktreffen Frühjahr"' in html  # the rest is kept


# --- proposals -----------------------------------------------------------------

TOPIC_QUESTION = """
  - id: topic_proposal
    type: free_text
    max_length: 300
    collects: topics
    text: {de: Welches Thema?, en: Which topic?}
"""


def test_collects_is_checked_in_the_questionnaire_file():
    source = IV1.read_text("utf-8")
    assert check_questionnaire(source).questionnaire.topic_questions[0].id == "topic_proposal"
    wrong = source.replace("    collects: topics\n", "    collects: wishes\n")
    assert any("collects" in p.path for p in check_questionnaire(wrong).problems)
    on_choice = source.replace("  - id: knows_more_offers\n", "  - id: knows_more_offers\n    collects: topics\n")
    assert any("collects" in p.path for p in check_questionnaire(on_choice).problems)


def _closed_meeting_with_proposals(db, proposals, *, closes=-1, respondents=None, **fields):
    meeting = add_meeting(db, opens=-48, closes=closes, **fields)
    for i, proposal in enumerate(proposals):
        store_response(db, meeting, {**BASE, "topic_proposal": [proposal], "comment": [f"Anmerkung {i}"]})
    for _ in range((respondents or len(proposals)) - len(proposals)):
        store_response(db, meeting, BASE)
    db.commit()
    return meeting


PROPOSED = [
    "Übergänge Kita – Schule",
    "Fortbildung für Fachkräfte, Kontakt: anna@example.org",
    "Übergänge Kita – Schule",
    "Elternarbeit",
    "Sprachbildung in Vereinen",
    "Bildung für Geflüchtete",
]


def test_proposals_wait_for_the_release_and_for_k(coordinator, db):
    still_open = _closed_meeting_with_proposals(db, PROPOSED, closes=24)
    html = coordinator.get(english(f"/workspace/meetings/{still_open.id}/proposals")).get_data(as_text=True)
    assert "The proposals are shown once the survey has closed." in html and "Elternarbeit" not in html
    paper = _closed_meeting_with_proposals(db, PROPOSED, paper_entry_finished=False)
    assert topics.proposals_of(db, db.get(Meeting, paper.id), now=dt.datetime.utcnow(), k=5).waiting == "paper"
    few = _closed_meeting_with_proposals(db, PROPOSED[:4])
    html = coordinator.get(english(f"/workspace/meetings/{few.id}/proposals")).get_data(as_text=True)
    assert "Not shown: fewer than 5 people answered" in html and "Elternarbeit" not in html
    # k counts those who answered the survey, not those who proposed.
    enough = _closed_meeting_with_proposals(db, PROPOSED[:2], respondents=5)
    assert len(topics.proposals_of(db, db.get(Meeting, enough.id), now=dt.datetime.utcnow(), k=5).items) == 2


def test_proposals_are_scrubbed_counted_shuffled_and_alone(coordinator, db):
    meeting = _closed_meeting_with_proposals(db, PROPOSED)
    html = coordinator.get(english(f"/workspace/meetings/{meeting.id}/proposals")).get_data(as_text=True)
    assert "anna@example.org" not in html and "Fortbildung für Fachkräfte, Kontakt: [entfernt]" in html
    assert "(2 answers)" in html  # the same text twice, shown once
    assert "Anmerkung" not in html  # no other answer of the respondents
    response_ids = [str(i) for i in db.scalars(text("SELECT id FROM response"))]
    assert not any(i in html or i.replace("-", "") in html for i in response_ids)

    # The query reads that question's texts and nothing else of the response.
    statements = []
    engine = db.get_bind()
    listen = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        found = topics.proposals_of(db, db.get(Meeting, meeting.id), now=dt.datetime.utcnow(), k=5)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    reading = [s for s in statements if "FROM answer" in s]
    assert len(reading) == 1 and re.match(r"SELECT answer\.text\s+FROM answer", reading[0])

    texts = sorted(p.text for p in found.items)
    orders = {
        tuple(
            p.text
            for p in topics.proposals_of(
                db, db.get(Meeting, meeting.id), now=dt.datetime.utcnow(), k=5, rng=random.Random(seed)
            ).items
        )
        for seed in range(20)
    }
    assert all(sorted(order) == texts for order in orders)
    assert len(orders) > 5  # 5 texts: 120 orders, drawn anew each time


def test_a_proposal_becomes_a_topic_or_joins_one_and_is_then_taken(coordinator, db):
    meeting = _closed_meeting_with_proposals(db, PROPOSED)
    existing = _topic(db, "Gelingende Übergänge")
    url = f"/workspace/meetings/{meeting.id}/proposals"
    items = {
        p.text: p for p in topics.proposals_of(db, db.get(Meeting, meeting.id), now=dt.datetime.utcnow(), k=5).items
    }
    db.rollback()

    new = {
        "csrf_token": token(coordinator, url),
        "proposal": items["Elternarbeit"].digest,
        "title": "Elternarbeit mit Familien",
    }
    assert coordinator.post(english(f"{url}/new"), data=new).status_code == 302
    into = {
        "csrf_token": token(coordinator, url),
        "proposal": items["Übergänge Kita – Schule"].digest,
        "target": str(existing.id),
    }
    assert coordinator.post(english(f"{url}/merge"), data=into).status_code == 302
    db.rollback()
    made = db.scalars(select(Topic).filter_by(origin="members")).one()
    assert made.titles == {"de": "Elternarbeit mit Familien"}
    assert [(p.meeting_id, p.answers) for p in made.proposals] == [(meeting.id, 1)]
    assert [p.answers for p in db.get(Topic, existing.id).proposals] == [2]

    html = coordinator.get(english(url)).get_data(as_text=True)
    assert "Elternarbeit</bdi>" not in html and "3 proposals are in the topic list already." in html
    again = coordinator.post(english(f"{url}/new"), data={**new, "csrf_token": token(coordinator, url)})
    assert again.status_code == 422
    assert "This proposal is not open any more" in again.get_data(as_text=True)
    untitled = {
        **new,
        "csrf_token": token(coordinator, url),
        "proposal": items["Bildung für Geflüchtete"].digest,
        "title": " ",
    }
    refused = coordinator.post(english(f"{url}/new"), data=untitled)
    assert refused.status_code == 422 and "Please give the new topic a title." in refused.get_data(as_text=True)
    db.rollback()
    assert len(db.scalars(select(Topic)).all()) == 2


# --- the member-topic indicator -------------------------------------------------


def _meeting_on(db, version, day, title) -> Meeting:
    meeting = Meeting(
        public_code=codes.new_public_code(), title=title, date=day, place="", questionnaire_version=version
    )
    db.add(meeting)
    db.flush()
    return meeting


def test_the_indicator_is_computed_from_the_links_by_the_declared_rule(db):
    version, _ = store_questionnaire(db)
    early = _meeting_on(db, version, dt.date(2015, 1, 10), "vorher")
    proposing = _meeting_on(db, version, dt.date(2015, 3, 1), "Umfrage mit Vorschlägen")
    later = _meeting_on(db, version, dt.date(2015, 6, 1), "danach")
    entered = _meeting_on(db, version, dt.date(2015, 9, 1), "Koordination")
    legacy = _meeting_on(db, version, dt.date(2015, 10, 1), "aus der Zeit vor der Themenliste")
    proposed = topics.add_topic(db, {"de": "Übergänge"}, Topic.MEMBERS)
    own = topics.add_topic(db, {"de": "Satzung"}, Topic.COORDINATORS)
    db.add(TopicProposal(topic=proposed, meeting_id=proposing.id, text_digest="b" * 64, answers=3))
    for meeting, chosen in [(early, [proposed]), (proposing, [proposed]), (later, [proposed]), (entered, [own])]:
        topics.link_meeting(meeting, chosen, "de")
    legacy.topics = [MeetingTopic(title="Sprache", brought_in_by_members=True)]
    db.commit()
    held = db.scalars(select(Meeting).order_by(Meeting.date)).all()

    # Proposed in the survey of the meeting of March: counts for later meetings only.
    now = dt.datetime(2020, 1, 1)
    assert topics.devoted_meetings(db, held, MemberTopicRule(), now=now, k=5) == {later.id, legacy.id}
    assert topics.devoted_meetings(db, held, MemberTopicRule(from_proposals=False), now=now, k=5) == {legacy.id}

    # A ranking in August, before the coordinators' topic was treated in September, puts it first.
    ranking = _meeting_on(db, version, dt.date(2015, 8, 1), "Rangfolge")
    ranking.closes_at, ranking.paper_entry_finished = dt.datetime(2015, 8, 15), True
    for places in [(own, proposed)] * 4 + [(proposed, own)] * 2:
        response = Response(
            meeting_id=ranking.id, questionnaire_version_id=version.id, language="de", submitted_on=ranking.date
        )
        # As a ranking is stored: one row per item ranked, its place in ``number``.
        response.answers = [
            Answer(question_id="needs", code=options.topic_code(topic.id), number=place)
            for place, topic in enumerate(places, start=1)
        ]
        db.add(response)
    db.commit()
    held = db.scalars(select(Meeting).order_by(Meeting.date)).all()
    by_ranking = MemberTopicRule(from_proposals=False, top_n_of_latest_ranking=1)
    assert topics.devoted_meetings(db, held, by_ranking, now=now, k=5) == {entered.id, legacy.id}
    assert topics.devoted_meetings(db, held, by_ranking, now=now, k=7) == {legacy.id}  # 6 ranked: under k
    assert topics.devoted_meetings(db, held, by_ranking, now=dt.datetime(2015, 8, 10), k=5) == {legacy.id}  # open
    both = MemberTopicRule(top_n_of_latest_ranking=1)
    assert topics.devoted_meetings(db, held, both, now=now, k=5) == {later.id, entered.id, legacy.id}

    strategy = parse_strategy(STRATEGY_SOURCE)
    found = reporting.record_indicators(
        db,
        strategy.record_indicators,
        today=dt.date(2020, 1, 1),
        confidence=0.95,
        member_rule=strategy.member_topic_rule,
    )
    member = next(r for r in found if r.kind == "member_topics")
    # The demo strategy's rule: proposals, or the first three of the latest ranking.
    assert strategy.member_topic_rule == MemberTopicRule(from_proposals=True, top_n_of_latest_ranking=3)
    assert member.detail == {"with": 3, "meetings": 6} and member.value == pytest.approx(3 / 6)
    assert member.verdict == "not_met"

    [year] = reporting.treated_per_year(db, today=dt.date(2020, 1, 1))
    assert (year.year, year.meetings, year.devoted) == (2015, 6, 2)  # the default rule: proposals only
    by_title = {t.recorded_title: t for t in year.topics}
    assert [m.id for m in by_title["Übergänge"].meetings] == [early.id, proposing.id, later.id]
    assert by_title["Übergänge"].origin == "members" and [m.id for m in by_title["Übergänge"].proposed_at] == [
        proposing.id
    ]
    assert by_title["Sprache"].origin is None and by_title["Sprache"].stated


def test_the_strategy_declares_the_rule():
    declared = STRATEGY_SOURCE[STRATEGY_SOURCE.index("member_topic_rule:") :]
    without = STRATEGY_SOURCE.replace(declared[: declared.index("leitzielbereiche:")], "")
    assert parse_strategy(STRATEGY_SOURCE).member_topic_rule == MemberTopicRule(top_n_of_latest_ranking=3)
    assert parse_strategy(without).member_topic_rule == MemberTopicRule(from_proposals=True)
    for bad in ("top_n_of_latest_ranking: 0", "top_n_of_latest_ranking: drei", "from_members: true"):
        wrong = without.replace("leitzielbereiche:", f"member_topic_rule:\n  {bad}\nleitzielbereiche:", 1)
        assert check_strategy(wrong).problems, bad


@pytest.fixture(params=ENGINES)
def empty_database(request):
    with scratch_database(request.param, POSTGRES_URL) as url:
        yield url


def test_the_migration_keeps_a_ticked_meeting_as_a_coordinators_statement(empty_database):
    upgrade(empty_database, "0011_api_tokens")
    engine = make_engine(empty_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO questionnaire_version VALUES (1, 'iv-1', 1, '{}', 'id: iv-1', 'f')"))
            for number in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO meeting (id, public_code, title, date, place, questionnaire_version_id, "
                        "good_practice_presentations) VALUES (:id, :code, 'Treffen', :day, '', 1, 0)"
                    ),
                    {"id": number, "code": f"abcdefghj{number}", "day": dt.date(2016, 3, number)},
                )
            connection.execute(text("INSERT INTO meeting_topic VALUES (1, 1, 0, 'Sprachbildung', true)"))
            connection.execute(text("INSERT INTO meeting_topic VALUES (2, 2, 0, 'Satzung', false)"))
        upgrade(empty_database)
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            held = session.scalars(select(Meeting)).all()
            assert topics.devoted_meetings(session, held, MemberTopicRule(), now=dt.datetime(2020, 1, 1), k=5) == {1}
            assert [(link.title, link.topic_id) for m in held for link in m.topics] == [
                ("Sprachbildung", None),
                ("Satzung", None),
            ]
    finally:
        engine.dispose()


# --- the demo --------------------------------------------------------------------


def test_the_demo_tells_the_loop(runner, db, coordinator):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.rollback()
    listed = topics.topics(db)
    assert [t.titles["de"] for t in listed][0] == "Abstimmung der Sprachbildungskonzepte"
    assert {t.titles["de"] for t in listed} == {
        "Abstimmung der Sprachbildungskonzepte",
        "Sensibilisierung und Professionalisierung des (pädagogischen) Fachpersonals",
        "Gelingende Übergänge für alle",
        "Bildung und Teilhabe für Kinder, Jugendliche und Erwachsene mit Fluchtgeschichte",
        "Integration durch Bildung in Vereinen und Verbänden",
    }
    assert all(set(t.titles) == {"de", "en", "tr", "ar", "ru", "uk", "fa", "fr"} for t in listed)
    assert [t.origin for t in listed] == ["coordinators"] * 5  # set when the network began
    assert all(t.proposals for t in listed)  # members proposed every one of them in the surveys
    version = db.scalars(select(QuestionnaireVersion)).one()
    # The questionnaire ranks the five topics, frozen in when it was stored.
    urgent = next(q for q in versions.questionnaire_of(version).questions if q.id == "urgent_topics")
    assert urgent.codes == tuple(f"topic_{t.id}" for t in listed) and urgent.options[0].label == listed[0].titles
    # Each meeting after the first is devoted to the most urgent topic of the latest ranking before it.
    rankings = topics.rankings(db, now=dt.datetime.utcnow(), k=5)
    assert len(rankings) == 13
    for meeting in db.scalars(select(Meeting).order_by(Meeting.date)).all()[1:]:
        latest = rule.latest_before(rankings, meeting.date)
        assert {f"topic_{link.topic_id}" for link in meeting.topics} == rule.leading_items(latest, 1)
    report = reporting.build_report(
        db, version, reporting.ReportOptions(), today=dt.date.today(), now=dt.datetime.utcnow()
    )
    member = next(r for r in report.records if r.kind == "member_topics")
    # 13 meetings and the open one held; only the first came before any proposal or ranking.
    assert member.detail == {"with": 13, "meetings": 14}
    assert [p.year for p in report.topics_treated][:4] == [2014, 2015, 2016, 2017]
    assert report.topics_treated[0].devoted == 2 and report.topics_treated[0].meetings == 3

    html = coordinator.get(english(f"/workspace/reports/{version.id}?lang=de")).get_data(as_text=True)
    assert "Prioritäten des Netzwerks" in html or "Priorities of the network" in html
    last = db.scalars(select(Meeting).where(Meeting.date == dt.date(2017, 6, 28))).one()
    assert topics.proposals_of(db, last, now=dt.datetime.utcnow(), k=5).items  # the last survey's proposals wait
    before = db.scalars(select(Meeting).where(Meeting.date == dt.date(2017, 4, 5))).one()
    waiting = topics.proposals_of(db, before, now=dt.datetime.utcnow(), k=5)
    assert {p.text for p in waiting.items} <= set(__import__("app.demo", fromlist=["OTHER_PROPOSALS"]).OTHER_PROPOSALS)


def test_a_free_text_question_without_collects_keeps_its_stored_form():
    """Versions stored before ``collects`` existed keep their fingerprint: the key appears only when declared."""
    source = IV1.read_text("utf-8")
    plain = source.replace("    collects: topics\n", "")
    assert '"collects"' not in check_questionnaire(plain).questionnaire.canonical_json()
    assert '"collects": "topics"' in check_questionnaire(source).questionnaire.canonical_json()


# --- the ranking of topics ---------------------------------------------------------


def test_publishing_a_ranking_on_topics_freezes_the_open_topics_in(app, db):
    from tests.questionnaires.ranking import RANKING, with_ranking

    on_topics = with_ranking(RANKING.split("    options:\n")[0] + "    options_from: topics\n")
    held = add_meeting(db, opens=-48, closes=-1)
    listed = [_topic(db, f"Thema {i}", en=f"Topic {i}") for i in range(5)]
    topics.link_meeting(db.get(Meeting, held.id), [db.get(Topic, listed[0].id)], "de")  # treated today
    db.commit()
    with app.app_context():
        version, _ = store_questionnaire(db, on_topics)
        db.commit()
    needs = next(q for q in versions.questionnaire_of(version).questions if q.id == "needs")
    assert needs.codes == tuple(f"topic_{t.id}" for t in listed[1:])
    assert needs.options[0].label == {"de": "Thema 1", "en": "Topic 1"}
    # The version keeps its options when the list changes.
    topics.edit_topic(db, db.get(Topic, listed[1].id), {"de": "Umbenannt"})
    db.commit()
    db.expire_all()
    again = versions.questionnaire_of(db.get(QuestionnaireVersion, version.id))
    assert next(q for q in again.questions if q.id == "needs").options[0].label["de"] == "Thema 1"


def test_the_free_text_purge_forgets_the_proposals_texts_but_not_where_topics_came_from(db):
    from app.evaluation import retention

    old = add_meeting(db, opens=-48, closes=-1)
    topic = _topic(db, "Sprachbildung")
    db.add(TopicProposal(topic_id=topic.id, meeting_id=old.id, text_digest="c" * 64, answers=2))
    db.commit()
    retention.purge_free_text(db, before=old.date + dt.timedelta(days=1))
    db.commit()
    (proposal,) = db.scalars(select(TopicProposal)).all()
    assert proposal.text_digest != "c" * 64 and len(proposal.text_digest) == 64
    assert (proposal.topic_id, proposal.meeting_id, proposal.answers) == (topic.id, old.id, 2)
