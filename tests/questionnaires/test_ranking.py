"""The ranking question type: its checks in the questionnaire file, the
answers it accepts, and its options frozen from the network's topics."""

import pytest

from app.questionnaires.answers import Ranked, validate_submission
from app.questionnaires.model import (
    Ranking,
    check_questionnaire,
    parse_questionnaire,
    publishing_problems,
    with_frozen_options,
)
from tests.conftest import ACTOR_GROUP_OPTIONS
from tests.questionnaires.ranking import RANKED_AT, RANKING, with_ranking


def check(extra: str):
    return check_questionnaire(with_ranking(extra), actor_groups=ACTOR_GROUP_OPTIONS)


def errors(extra: str) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in check(extra).problems if not p.warning]


def test_a_ranking_parses_with_rank_three_by_default():
    question = parse_questionnaire(with_ranking(RANKING.replace("    rank: 3\n", "")), actor_groups=ACTOR_GROUP_OPTIONS)
    needs = question.question("needs")
    assert isinstance(needs, Ranking) and needs.rank == 3
    assert needs.codes == ("language", "staff", "transitions", "refugees")


def test_rank_larger_than_the_options_is_refused():
    assert errors(RANKING.replace("rank: 3", "rank: 5")) == [(f"{RANKED_AT}.rank", "rank_above_options")]


def test_fewer_than_two_options_is_refused():
    one = RANKING.split("      - code: staff")[0]
    assert (f"{RANKED_AT}.options", "too_few_options") in errors(one)


@pytest.mark.parametrize("value", ["", "meetings"])
def test_options_from_naming_nothing_known_is_refused(value):
    no_options = RANKING.split("    options:\n")[0] + f"    options_from: {value}\n"
    assert errors(no_options)


def test_a_ranking_is_no_quasi_identifier():
    quasi = RANKING.replace("    rank: 3\n", "    rank: 3\n    quasi_identifier: true\n")
    assert errors(quasi) == [(f"{RANKED_AT}.quasi_identifier", "ranking_not_quasi")]


def test_options_and_options_from_together_are_refused():
    both = RANKING.replace("    options:\n", "    options_from: topics\n    options:\n")
    assert (f"{RANKED_AT}.options_from", "options_twice") in errors(both)


def test_an_indicator_cannot_count_a_ranking():
    source = with_ranking().replace("\n    question: knows_more_offers", "\n    question: needs", 1)
    problems = check_questionnaire(source, actor_groups=ACTOR_GROUP_OPTIONS).problems
    assert "indicator_on_multiple" in [p.code for p in problems]


TOPICS = RANKING.split("    options:\n")[0] + "    options_from: topics\n"


def test_a_ranking_on_topics_is_checked_but_not_publishable_until_frozen():
    result = check(TOPICS)
    assert not result.errors
    problems = publishing_problems(result.questionnaire)
    assert [(p.path, p.code) for p in problems] == [(f"{RANKED_AT}.options_from", "topics_not_frozen")]


def test_frozen_topics_become_the_options_in_the_questionnaires_languages():
    questionnaire = check(TOPICS).questionnaire
    topics = [
        ("t1", {"de": "Übergänge", "en": "Transitions", "xx": "ignored"}),
        ("t2", {"de": "Sprache"}),
        ("t3", {"de": "Vereine"}),
    ]
    frozen = with_frozen_options(questionnaire, topics)
    needs = frozen.question("needs")
    assert needs.codes == ("t1", "t2", "t3") and needs.options_from == "topics"
    assert needs.options[0].label == {"de": "Übergänge", "en": "Transitions"}
    assert publishing_problems(frozen) == []
    assert frozen.fingerprint != questionnaire.fingerprint


def test_too_few_open_topics_for_the_rank_are_refused_on_publishing():
    questionnaire = check(TOPICS).questionnaire
    assert [p.code for p in publishing_problems(with_frozen_options(questionnaire, [("t1", {"de": "A"})]))] == [
        "too_few_options"
    ]
    two = with_frozen_options(questionnaire, [("t1", {"de": "A"}), ("t2", {"de": "B"})])
    assert [p.code for p in publishing_problems(two)] == ["rank_above_options"]


# --------------------------------------------------------------------------
# Answers


@pytest.fixture(scope="module")
def questionnaire():
    return parse_questionnaire(with_ranking(), actor_groups=ACTOR_GROUP_OPTIONS)


def answer(questionnaire, places):
    return validate_submission(questionnaire, {"needs": places})


@pytest.mark.parametrize(
    "places, ranked",
    [
        (["staff", "language", "refugees"], ("staff", "language", "refugees")),
        (["transitions", "", ""], ("transitions",)),
        (["transitions", "staff"], ("transitions", "staff")),
    ],
)
def test_a_ranking_keeps_the_order_of_the_places(questionnaire, places, ranked):
    sent = answer(questionnaire, places)
    assert "needs" not in sent.errors and sent.answers["needs"] == ranked
    assert isinstance(sent.answers["needs"], Ranked)


def test_nothing_ranked_is_no_answer(questionnaire):
    sent = answer(questionnaire, ["", "", ""])
    assert "needs" not in sent.errors and "needs" not in sent.answers


@pytest.mark.parametrize(
    "places, code, place",
    [
        (["staff", "staff", ""], "ranked_twice", 2),
        (["staff", "language", "staff"], "ranked_twice", 3),
        (["staff", "", "language"], "rank_gap", 2),
        (["", "", "language"], "rank_gap", 1),
    ],
)
def test_the_same_item_twice_or_a_gap_is_refused(questionnaire, places, code, place):
    sent = answer(questionnaire, places)
    assert "needs" not in sent.answers
    (error,) = sent.errors["needs"]
    assert (error.code, error.params["place"]) == (code, place)


def test_unknown_items_and_extra_places_are_refused(questionnaire):
    assert answer(questionnaire, ["staff", "moon", ""]).errors["needs"][0].code == "unknown_option"
    assert answer(questionnaire, ["staff", "language", "refugees", "transitions"]).errors["needs"][0].code == (
        "too_many_places"
    )


def test_publishing_a_ranking_on_unfrozen_topics_is_refused_in_the_workspace(coordinator, db, demo_actor_groups):
    from sqlalchemy import func, select

    from app.models import QuestionnaireDraft, QuestionnaireVersion
    from tests.conftest import token
    from tests.meetings.test_workspace import new_draft

    url = new_draft(coordinator, with_ranking(TOPICS))
    draft_id = int(url.rstrip("/").rsplit("/", 1)[1])
    response = coordinator.post(
        f"/workspace/questionnaires/drafts/{draft_id}/publish?lang=en",
        data={"csrf_token": token(coordinator, url)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "open topics, which are not filled in yet" in response.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0
    assert db.get(QuestionnaireDraft, draft_id) is not None


def test_loading_a_ranking_on_unfrozen_topics_is_refused_on_the_command_line(runner, tmp_path, demo_actor_groups):
    path = tmp_path / "needs.yaml"
    path.write_text(with_ranking(TOPICS), "utf-8")
    result = runner.invoke(args=["questionnaires", "load", str(path)])
    assert result.exit_code == 1
    assert "not filled in yet" in result.output
