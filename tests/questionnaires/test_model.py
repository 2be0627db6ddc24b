import json
import re
import textwrap
from pathlib import Path

import pydantic
import pytest

from app.questionnaires.model import (
    LIKERT_CODES,
    Option,
    QuestionnaireError,
    check_questionnaire,
    json_schema,
    parse_questionnaire,
    questionnaire_from_json,
)

PROJECT = Path(__file__).resolve().parents[2]
IV1 = (PROJECT / "questionnaires" / "iv-1.yaml").read_text("utf-8")

SMALL = textwrap.dedent("""\
    id: small
    version: 1
    mittlerziel:
      code: IV.1
      text: {de: Ziel, en: Goal}
    languages: [de, en]
    title: {de: Titel, en: Title}
    questions:
      - id: group
        type: single_choice
        text: {de: Gruppe, en: Group}
        options:
          - code: a
            label: {de: A, en: A}
          - code: b
            label: {de: B, en: B}
      - id: contacts
        type: yes_no_dont_know
        text: {de: Kontakte, en: Contacts}
      - id: partners
        type: yes_no_dont_know
        show_if: {question: contacts, any_of: ["yes"]}
        text: {de: Partner, en: Partners}
    indicators:
      - id: contacts
        question: contacts
        success: ["yes"]
        denominator: answered
        target: 0.6
        text: {de: Kontakte, en: Contacts}
""")


def problems_of(source: str) -> list[str]:
    return [p.format("q.yaml") for p in check_questionnaire(source).problems]


def test_shipped_iv1_questionnaire_is_valid_and_complete():
    result = check_questionnaire(IV1)
    assert result.errors == ()
    questionnaire = result.questionnaire
    assert questionnaire.id == "iv-1" and questionnaire.mittlerziel.code == "IV.1"
    indicators = {i.id: (i.question, i.target, i.comparison) for i in questionnaire.indicators}
    assert indicators == {
        "knows_more_offers": ("knows_more_offers", 0.6, "at_least"),
        "new_contacts": ("new_contacts", 0.6, "at_least"),
        "new_partners": ("new_partners", 0.2, "at_least"),
        "central_topics": ("central_topics", 0.6, "at_least"),
    }
    types = {q.type for q in questionnaire.questions}
    assert {"single_choice", "yes_no_dont_know", "likert", "number", "free_text"} <= types
    assert questionnaire.question("comment").required is False
    for language, (present, total) in result.coverage.items():
        assert present == total, f"{language}: {present}/{total}"


def test_parsed_questionnaire_is_frozen():
    questionnaire = parse_questionnaire(SMALL)
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        questionnaire.version = 2
    assert questionnaire.question("contacts").codes == ("yes", "no", "dont_know")


def test_fingerprint_depends_on_content_only():
    a = parse_questionnaire(SMALL)
    b = parse_questionnaire(SMALL.replace("version: 1", "version:   1  # same"))
    c = parse_questionnaire(SMALL.replace("Gruppe", "Bereich"))
    assert a.fingerprint == b.fingerprint != c.fingerprint


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("title: {de: Titel, en: Title}", "title: {de: Titel, en: Title", "q.yaml:8: (document): YAML syntax error"),
        ("version: 1", "version: 1\ncolour: blue", "q.yaml:3: colour: unknown key"),
        (
            "type: yes_no_dont_know\n    text: {de: Kontakte",
            "type: yes_no_maybe\n    text: {de: Kontakte",
            "q.yaml:17: questions[1]: unknown question type 'yes_no_maybe'",
        ),
        ("- id: partners", "- id: contacts", "q.yaml:20: questions[2].id: duplicate question id 'contacts'"),
        ("- code: b", "- code: a", "q.yaml:15: questions[0].options[1].code: duplicate option code 'a'"),
        (
            "question: contacts\n    success",
            "question: contact\n    success",
            "q.yaml:26: indicators[0].question: unknown question 'contact'",
        ),
        (
            'success: ["yes"]',
            'success: ["maybe"]',
            "q.yaml:27: indicators[0].success[0]: question 'contacts' has no answer code 'maybe'",
        ),
        (
            "target: 0.6",
            "target: 1.5",
            "q.yaml:29: indicators[0].target: target must lie strictly between 0 and 1, got 1.5",
        ),
        ("target: 0.6", "target: 0", "q.yaml:29: indicators[0].target: target must lie strictly between 0 and 1"),
        (
            "show_if: {question: contacts",
            "show_if: {question: later",
            "q.yaml:22: questions[2].show_if.question: show_if refers to an unknown question 'later'",
        ),
        (
            "show_if: {question: contacts",
            "show_if: {question: partners",
            "q.yaml:22: questions[2].show_if.question: show_if refers to the question itself (a cycle)",
        ),
        (
            "label: {de: B, en: B}",
            "label: {en: B}",
            "q.yaml:16: questions[0].options[1].label.de: missing text in the default language",
        ),
        (
            'success: ["yes"]',
            "success: [yes]",
            "q.yaml:27: indicators[0].success[0]: must be text; YAML reads unquoted yes/no",
        ),
        ("version: 1", "version: 1\nversion: 2", "q.yaml:3: version: duplicate key 'version'"),
        ("denominator: answered", "denominator: everyone", "q.yaml:28: indicators[0].denominator: must be one of"),
    ],
)
def test_each_error_names_line_path_and_problem(old, new, expected):
    source = SMALL.replace(old, new, 1)
    assert source != SMALL
    found = problems_of(source)
    assert any(line.startswith(expected) for line in found), found
    with pytest.raises(QuestionnaireError):
        parse_questionnaire(source)


def test_show_if_on_a_later_question_is_an_error():
    source = SMALL.replace(
        "  - id: contacts\n    type: yes_no_dont_know\n",
        '  - id: contacts\n    type: yes_no_dont_know\n    show_if: {question: partners, any_of: ["yes"]}\n',
    )
    assert any(
        "show_if refers to a later question 'partners'" in p and "q.yaml:19: questions[1].show_if.question" in p
        for p in problems_of(source)
    ), problems_of(source)


def test_missing_translation_is_a_warning_with_its_path():
    source = SMALL.replace("label: {de: B, en: B}", "label: {de: B}")
    result = check_questionnaire(source)
    assert result.errors == ()
    assert [p.format("q.yaml") for p in result.warnings] == [
        "q.yaml:16: questions[0].options[1].label.en: warning: missing translation"
    ]
    assert result.coverage["en"][0] == result.coverage["de"][0] - 1
    parse_questionnaire(source)  # usable
    with pytest.raises(QuestionnaireError):
        parse_questionnaire(source, strict=True)


def test_text_in_a_language_not_listed_is_an_error():
    found = problems_of(SMALL.replace("title: {de: Titel, en: Title}", "title: {de: Titel, en: Title, fr: Titre}"))
    assert "q.yaml:7: title.fr: language 'fr' is not listed in 'languages'" in found


def test_unsupported_language_code_is_named():
    found = problems_of(SMALL.replace("title: {de: Titel, en: Title}", "title: {de: Titel, xx: Title}"))
    assert any(p.startswith("q.yaml:7: title.xx: unknown language 'xx'") for p in found), found


def test_dont_know_denominator_needs_a_dont_know_answer():
    source = (
        SMALL.replace("question: contacts\n    success", "question: group\n    success")
        .replace('success: ["yes"]', 'success: ["a"]')
        .replace("denominator: answered", "denominator: answered_excluding_dont_know")
    )
    assert any(
        "indicators[0].denominator: question 'group' has no 'dont_know' answer" in p for p in problems_of(source)
    )


def test_empty_and_non_mapping_documents():
    assert problems_of("") == ["q.yaml:1: (document): the document is empty"]
    assert problems_of("- a\n- b\n") == ["q.yaml:1: (document): the document must be a mapping of keys"]


def test_schema_is_generated_from_the_model_and_committed():
    schema = json_schema()
    question_types = {
        ref.rsplit("/", 1)[-1]
        for ref in json.dumps(schema["properties"]["questions"]).split('"')
        if ref.startswith("#/$defs/")
    }
    assert {"SingleChoice", "MultipleChoice", "YesNoDontKnow", "Likert", "Number", "FreeText"} <= question_types
    committed = json.loads((PROJECT / "questionnaires" / "schema.json").read_text("utf-8"))
    assert committed == schema, "questionnaires/schema.json is stale: run `make schema`"


def test_likert_has_five_points():
    assert LIKERT_CODES == ("1", "2", "3", "4", "5")
    first_label = re.search(r"      - de: sehr unzufrieden\n(?:        \w\w: .*\n)+", IV1).group(0)
    source = IV1.replace(first_label, "", 1)
    assert any("questions[5].labels" in p for p in problems_of(source))


def test_indicator_on_a_multiple_choice_question_is_refused():
    source = (
        SMALL.replace("type: single_choice", "type: multiple_choice")
        .replace("question: contacts\n    success", "question: group\n    success")
        .replace('success: ["yes"]', 'success: ["a"]')
    )
    assert any("indicators[0].question: question 'group' allows several answers" in p for p in problems_of(source))


# --- what comes from the network: Mittlerziele, actor groups --------------------

GROUPS = (
    Option(code="school", label={"de": "Schule", "en": "School"}),
    Option(code="kita", label={"de": "Kita", "en": "Day care"}),
    Option(code="club", label={"de": "Verein", "fr": "Association"}),
)
OWN_OPTIONS = (
    "    options:\n      - code: a\n        label: {de: A, en: A}\n      - code: b\n        label: {de: B, en: B}\n"
)
FROM_LIST = SMALL.replace(OWN_OPTIONS, "    options_from: actor_groups\n")
WITH_GOAL = SMALL.replace("    target: 0.6\n", "    target: 0.6\n    goal: IV.9\n")


def test_a_mittlerziel_the_strategy_lacks_is_an_error():
    assert problems_of(WITH_GOAL) == []  # without a strategy, any code
    found = [p.format("q.yaml") for p in check_questionnaire(WITH_GOAL, goals=("IV.1", "IV.2")).problems]
    assert found == ["q.yaml:30: indicators[0].goal: unknown Mittlerziel 'IV.9': the network's strategy has IV.1, IV.2"]
    found = [p.format("q.yaml") for p in check_questionnaire(SMALL, goals=("A.1",)).problems]
    assert found == ["q.yaml:4: mittlerziel.code: unknown Mittlerziel 'IV.1': the network's strategy has A.1"]


def test_an_indicator_measures_the_questionnaires_mittlerziel_unless_it_names_another():
    questionnaire = parse_questionnaire(WITH_GOAL)
    assert questionnaire.goal_of(questionnaire.indicators[0]) == "IV.9"
    assert questionnaire.goals == ("IV.1", "IV.9")
    assert parse_questionnaire(SMALL).goals == ("IV.1",)


def test_options_from_the_actor_groups_are_resolved_into_the_definition():
    assert "options_from: actor_groups" in FROM_LIST and "code: a" not in FROM_LIST
    result = check_questionnaire(FROM_LIST, actor_groups=GROUPS)
    assert result.errors == ()
    question = result.questionnaire.question("group")
    assert question.codes == ("school", "kita", "club") and question.options_from is None
    assert question.options[1].label == {"de": "Kita", "en": "Day care"}
    assert question.options[2].label == {"de": "Verein"}  # only the questionnaire's languages
    # A label missing in a further language is a warning, where the list is named.
    assert [p.format("q.yaml") for p in result.warnings] == [
        "q.yaml:12: questions[0].options[2].label.en: warning: missing translation"
    ]
    stored = questionnaire_from_json(result.questionnaire.canonical_json())
    assert stored.question("group").codes == ("school", "kita", "club")


def test_options_from_unresolved_checks_what_it_can():
    """Without the list (the CLI's check of a file) the codes are unknown: what
    depends on them is left to the check when the version is stored."""
    source = FROM_LIST.replace("show_if: {question: contacts", "show_if: {question: group").replace(
        'any_of: ["yes"]', "any_of: [school]"
    )
    result = check_questionnaire(source)
    assert result.errors == () and result.questionnaire.question("group").options == ()
    assert check_questionnaire(source, actor_groups=GROUPS).errors == ()
    wrong = source.replace("any_of: [school]", "any_of: [spaceship]")
    assert check_questionnaire(wrong).errors == ()
    assert [p.format("q.yaml") for p in check_questionnaire(wrong, actor_groups=GROUPS).errors] == [
        "q.yaml:18: questions[2].show_if.any_of[0]: question 'group' has no answer code 'spaceship'"
    ]


def test_options_from_problems():
    both = SMALL.replace("    options:\n", "    options_from: actor_groups\n    options:\n", 1)
    assert "q.yaml:12: questions[0].options_from: give either 'options' or 'options_from', not both" in problems_of(
        both
    )
    one = SMALL.replace("      - code: b\n        label: {de: B, en: B}\n", "")
    assert "q.yaml:12: questions[0].options: needs at least 2 options" in problems_of(one)
    few = [p.format("q.yaml") for p in check_questionnaire(FROM_LIST, actor_groups=GROUPS[:1]).errors]
    assert found_in(
        few, "q.yaml:12: questions[0].options_from: the network has 1 actor groups; a choice needs at least 2"
    )
    unlabelled = (GROUPS[0], Option(code="kita", label={"en": "Day care"}))
    errors = [p.format("q.yaml") for p in check_questionnaire(FROM_LIST, actor_groups=unlabelled).errors]
    assert found_in(errors, "q.yaml:12: questions[0].options[1].label.de: actor group 'kita' has no label in 'de'")
    unknown = SMALL.replace("    options:\n", "    options_from: partners\n    options:\n", 1)
    assert found_in(problems_of(unknown), "q.yaml:12: questions[0].options_from: must be one of 'actor_groups'")


def found_in(lines: list[str], start: str) -> bool:
    return any(line.startswith(start) for line in lines)


def test_breakdown_is_declared_on_a_single_choice_question():
    declared = parse_questionnaire(
        SMALL.replace("    type: single_choice\n", "    type: single_choice\n    breakdown: true\n")
    )
    assert [q.id for q in declared.breakdowns] == ["group"]
    assert parse_questionnaire(SMALL).breakdowns == ()
    wrong = SMALL.replace("    type: yes_no_dont_know\n", "    type: yes_no_dont_know\n    breakdown: true\n", 1)
    assert found_in(problems_of(wrong), "q.yaml:19: questions[1].breakdown: a breakdown needs a single_choice question")


def parse_iv1(source: str):
    from tests.conftest import parse_iv1 as parse

    return parse(source)


def _sectioned(sections: str, *, pages: bool = False) -> str:
    source = IV1
    start, end = source.index("\nsections:\n"), source.index("\nquestions:\n")
    extra = "\nsection_pages: true" if pages else ""
    return source[:start] + "\n" + sections + extra + source[end:]


def test_sections_divide_the_questions_where_they_begin():
    questionnaire = parse_iv1(
        _sectioned("sections:\n  - {first_question: new_contacts, title: {de: Kontakte}}\n", pages=True)
    )
    parts = questionnaire.parts
    assert [part.title for part in parts] == [None, {"de": "Kontakte"}]  # before the first: an untitled part
    assert [q.id for q in parts[0].questions] == ["actor_group", "knows_more_offers"]
    assert len(questionnaire.pages) == 2
    assert len(parse_iv1(_sectioned("")).pages) == 1


def test_bad_sections_name_their_place():
    result = check_questionnaire(
        _sectioned(
            "sections:\n"
            "  - {first_question: nope, title: {de: A}}\n"
            "  - {first_question: comment, title: {de: B}}\n"
            "  - {first_question: comment, title: {de: C}}\n"
        )
    )
    assert [(p.path, p.message) for p in result.errors] == [
        ("sections[0].first_question", "the section begins with an unknown question 'nope'"),
        (
            "sections[2].first_question",
            "section 2 begins with question 'comment' already; a question begins one section",
        ),
    ]
    lonely = check_questionnaire(_sectioned("", pages=True))
    assert [p.message for p in lonely.errors] == ["one section per page needs at least two parts: declare 'sections'"]
    untranslated = check_questionnaire(_sectioned("sections:\n  - {first_question: comment, title: {de: B}}\n"))
    assert any(p.path == "sections[0].title.en" and p.warning for p in untranslated.problems)
