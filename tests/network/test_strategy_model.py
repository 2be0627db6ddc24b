"""The strategy file: parsing, the checks with line and path, and the demo's
strategy against the seed."""

import json
import textwrap

import pytest

from app.network.strategy.model import RECORD_KINDS, StrategyError, check_strategy, json_schema, parse_strategy
from tests.conftest import IV1, PROJECT, parse_iv1
from tests.network.conftest import STRATEGY

SMALL = textwrap.dedent("""\
    languages: [en, de]
    leitzielbereiche:
      - code: A
        title: {en: Learning, de: Lernen}
        mittlerziele:
          - code: A.1
            text: {en: People meet, de: Menschen treffen sich}
            detailziele:
              - number: 1
                text: {en: They talk, de: Sie reden}
            indicators:
              - id: meetings
                kind: meetings_per_year
                target: 4
                text: {en: Four meetings a year, de: Vier Treffen im Jahr}
              - id: attendance
                kind: attendance
                target: 0.5
                comparison: at_least
                text: {en: Half attend, de: Die Hälfte kommt}
          - code: A.2
            text: {en: Later, de: Später}
            detailziele_deferred: {en: Not yet, de: Noch nicht}
""")


def problems_of(source: str) -> list[str]:
    return [p.format("s.yaml") for p in check_strategy(source).problems]


def test_the_demo_strategy_reproduces_the_seed():
    """Leitzielbereich IV; IV.1 with nine indicators (four in the questionnaire,
    five from meeting records) and five Detailziele; IV.2 without Detailziele yet."""
    result = check_strategy(STRATEGY)
    assert result.problems == ()
    strategy = result.strategy
    (area,) = strategy.leitzielbereiche
    assert area.code == "IV" and area.title["de"] == "Diversity/Integration"
    assert strategy.goals == ("IV.1", "IV.2")
    iv1, iv2 = strategy.mittlerziele
    assert [d.number for d in iv1.detailziele] == [1, 2, 3, 4, 5]
    records = {i.kind: (i.target, i.comparison) for i in iv1.indicators}
    assert records == {
        "partners_won": (100, "at_least"),
        "meetings_per_year": (2, "at_least"),
        "attendance": (0.4, "at_least"),
        "good_practice": (1, "at_least"),
        "member_topics": (1, "at_least"),
    }
    questionnaire = parse_iv1()
    survey = [i for i in questionnaire.indicators if questionnaire.goal_of(i) == "IV.1"]
    assert len(survey) + len(iv1.indicators) == 9
    assert iv2.detailziele == () and iv2.indicators == ()
    assert "keine Detailziele" in iv2.detailziele_deferred["de"]
    for language, (present, total) in result.coverage.items():
        assert present == total, language


def test_every_record_kind_is_known_to_the_code():
    assert set(RECORD_KINDS) == {"meetings_per_year", "attendance", "partners_won", "good_practice", "member_topics"}


def test_a_small_strategy_parses():
    strategy = parse_strategy(SMALL)
    assert strategy.default_language == "en"
    assert [i.id for i in strategy.record_indicators_of(["A.1"])] == ["meetings", "attendance"]
    assert strategy.record_indicators_of(["A.2", "B.9"]) == ()
    assert strategy.fingerprint == parse_strategy(SMALL + "# a comment\n").fingerprint


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("languages: [en, de]", "languages: [en, de", "s.yaml:2: (document): YAML syntax error"),
        (
            "kind: meetings_per_year",
            "kind: meetings_per_month",
            "s.yaml:13: leitzielbereiche[0].mittlerziele[0].indicators[0].kind",
        ),
        (
            "target: 4",
            "target: 2.5",
            "s.yaml:14: leitzielbereiche[0].mittlerziele[0].indicators[0].target: the target of meetings_per_year "
            "is a whole number (0 or more), got 2.5",
        ),
        (
            "target: 0.5",
            "target: 50",
            "s.yaml:18: leitzielbereiche[0].mittlerziele[0].indicators[1].target: the target of attendance is a "
            "share above 0 and at most 1 (0.4 for 40 %), got 50",
        ),
        (
            "code: A.2",
            "code: A.1",
            "s.yaml:21: leitzielbereiche[0].mittlerziele[1].code: duplicate Mittlerziel 'A.1' "
            "(first at leitzielbereiche[0].mittlerziele[0].code)",
        ),
        (
            "id: attendance",
            "id: meetings",
            "s.yaml:16: leitzielbereiche[0].mittlerziele[0].indicators[1].id: duplicate indicator id 'meetings'",
        ),
        (
            "text: {en: Later, de: Später}",
            "text: {de: Später}",
            "s.yaml:22: leitzielbereiche[0].mittlerziele[1].text.en: missing text in the default language",
        ),
        (
            "text: {en: They talk, de: Sie reden}",
            "text: {en: They talk, fr: Ils parlent}",
            "s.yaml:10: leitzielbereiche[0].mittlerziele[0].detailziele[0].text.fr: language 'fr' is not listed",
        ),
        (
            "    mittlerziele:",
            "    colour: blue\n    mittlerziele:",
            "s.yaml:5: leitzielbereiche[0].colour: unknown key",
        ),
        (
            "detailziele_deferred: {en: Not yet, de: Noch nicht}",
            "detailziele_deferred: {en: Not yet, de: Noch nicht}\n"
            "        detailziele: [{number: 1, text: {en: x, de: y}}]",
            "s.yaml:23: leitzielbereiche[0].mittlerziele[1].detailziele_deferred: a Mittlerziel has either "
            "Detailziele or a note why they are deferred, not both",
        ),
        ("languages: [en, de]", "languages: [en, en]", "s.yaml:1: languages: a language is listed twice"),
    ],
)
def test_each_error_names_line_path_and_problem(old, new, expected):
    source = SMALL.replace(old, new, 1)
    assert source != SMALL
    found = problems_of(source)
    assert any(line.startswith(expected) for line in found), found
    with pytest.raises(StrategyError):
        parse_strategy(source)


def test_an_unknown_kind_names_the_vocabulary():
    (problem,) = problems_of(SMALL.replace("kind: meetings_per_year", "kind: meetings_per_month"))
    assert "indicators[0].kind: must be one of 'meetings_per_year', 'attendance', 'partners_won'" in problem


def test_a_missing_translation_is_a_warning():
    result = check_strategy(SMALL.replace("title: {en: Learning, de: Lernen}", "title: {en: Learning}"))
    assert result.errors == () and [p.format("s.yaml") for p in result.warnings] == [
        "s.yaml:4: leitzielbereiche[0].title.de: warning: missing translation"
    ]
    with pytest.raises(StrategyError):
        parse_strategy(SMALL.replace("title: {en: Learning, de: Lernen}", "title: {en: Learning}"), strict=True)


@pytest.mark.parametrize("source", ["", "- a\n", "languages: [en]\n", "leitzielbereiche: []\nlanguages: [en]\n"])
def test_empty_or_incomplete_documents_are_problems_not_exceptions(source):
    assert check_strategy(source).errors
    assert check_strategy(source).strategy is None


def test_strategy_schema_is_generated_and_committed():
    committed = json.loads((PROJECT / "questionnaires" / "strategy.schema.json").read_text("utf-8"))
    assert committed == json_schema(), "questionnaires/strategy.schema.json is stale: run `make schema`"
    assert IV1.read_text("utf-8").startswith("# yaml-language-server: $schema=schema.json")
    assert STRATEGY.startswith("# yaml-language-server: $schema=strategy.schema.json")
