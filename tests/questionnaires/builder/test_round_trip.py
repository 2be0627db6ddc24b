"""Loading a questionnaire into the builder and saving it gives the same
questionnaire: over every questionnaire file of the repository, the test
fixtures, and generated questionnaires."""

from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.languages import SUPPORTED_LANGUAGES
from app.questionnaires.builder import document
from app.questionnaires.model import parse_questionnaire
from tests.conftest import ACTOR_GROUP_OPTIONS, EVERY_SHAPE, PROJECT
from tests.questionnaires.builder.roundtrip import through_builder


def repository_questionnaires() -> dict[str, str]:
    """Every questionnaire in the repository: the files, and the test fixtures."""
    found = {
        str(path.relative_to(PROJECT)): path.read_text("utf-8")
        for path in sorted((PROJECT / "questionnaires").glob("*.yaml"))
        if path.name != "strategy.yaml"
    }
    found["tests/conftest.py:EVERY_SHAPE"] = EVERY_SHAPE
    return found


def test_every_questionnaire_of_the_repository_comes_back_the_same():
    sources = repository_questionnaires()
    assert "questionnaires/iv-1.yaml" in sources
    for name, source in sources.items():
        saved = through_builder(source)
        for groups in (None, ACTOR_GROUP_OPTIONS):
            assert parse_questionnaire(saved, actor_groups=groups) == parse_questionnaire(
                source, actor_groups=groups
            ), name


def test_the_written_yaml_stays_readable():
    source = (PROJECT / "questionnaires" / "iv-1.yaml").read_text("utf-8")
    saved = through_builder(source)
    assert saved.startswith("# yaml-language-server: $schema=schema.json\n")
    assert "languages: [de, en, tr, ar, ru, uk, fa, fr]" in saved
    assert "success: ['yes']" in saved
    # Key order of the format, block style, a blank line between questions.
    assert saved.index("\nid: iv-1") < saved.index("\nversion: 1") < saved.index("\nmittlerziel:")
    assert "\n\n  - id: new_contacts\n    type: yes_no_dont_know\n    required: true\n" in saved
    assert "{" not in saved
    assert len(saved.splitlines()) < 1.3 * len(source.splitlines())


# --- generated questionnaires ---------------------------------------------------

words = st.text(alphabet=string.ascii_letters + "äöüß 'ÉАя,.?!:-#\"\n", min_size=1, max_size=30).filter(str.strip)
codes = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)


@st.composite
def texts(draw, languages):
    present = [languages[0]] + [code for code in languages[1:] if draw(st.booleans())]
    return {code: draw(words) for code in present}


@st.composite
def questionnaires(draw):
    languages = draw(st.lists(st.sampled_from(SUPPORTED_LANGUAGES), min_size=1, max_size=4, unique=True))
    ids = draw(st.lists(codes, min_size=1, max_size=6, unique=True))
    questions = []
    for question_id in ids:
        kind = draw(st.sampled_from(document.QUESTION_TYPES))
        question = {"id": question_id, "type": kind, "text": draw(texts(languages))}
        for flag in ("required", "quasi_identifier"):
            if draw(st.booleans()) and not (flag == "quasi_identifier" and kind == "ranking"):
                question[flag] = draw(st.booleans())
        if draw(st.booleans()):
            question["help"] = draw(texts(languages))
        if kind in document.OPTION_TYPES:
            option_codes = draw(
                st.lists(st.from_regex(r"[a-z0-9][a-z0-9_]{0,7}", fullmatch=True), min_size=2, max_size=5, unique=True)
            )
            question["options"] = [{"code": code, "label": draw(texts(languages))} for code in option_codes]
            if kind == "single_choice" and draw(st.booleans()):
                question["breakdown"] = True
            if kind == "ranking":
                question["rank"] = draw(st.integers(1, len(option_codes)))
        elif kind == "likert":
            question["labels"] = [draw(texts(languages)) for _ in range(5)]
        elif kind == "number":
            low = draw(st.integers(-(2**31) + 1, 2**31 - 1))
            question["min"], question["max"] = low, draw(st.integers(low, 2**31 - 1))
        elif kind == "free_text":
            question["max_length"] = draw(st.integers(1, 5000))
        earlier = [q for q in questions if document.codes_of(q)]
        if earlier and draw(st.booleans()):
            source = draw(st.sampled_from(earlier))
            answers = draw(st.lists(st.sampled_from(document.codes_of(source)), min_size=1, unique=True))
            question["show_if"] = {"question": source["id"], "any_of": answers}
        questions.append(question)
    counted = [q for q in questions if document.counts_one_answer(q)]
    indicators = []
    for number in range(draw(st.integers(0, 3)) if counted else 0):
        question = draw(st.sampled_from(counted))
        offered = document.codes_of(question)
        denominators = ["answered", "all_respondents"] + (
            ["answered_excluding_dont_know"] if "dont_know" in offered else []
        )
        indicator = {
            "id": f"indicator_{number}",
            "question": question["id"],
            "success": draw(st.lists(st.sampled_from(offered), min_size=1, unique=True)),
            "denominator": draw(st.sampled_from(denominators)),
            "target": draw(st.floats(0.001, 0.999)),
            "text": draw(texts(languages)),
        }
        if draw(st.booleans()):
            indicator["comparison"] = draw(st.sampled_from(["at_least", "at_most"]))
        if draw(st.booleans()):
            indicator["goal"] = draw(st.sampled_from(["X.1", "IV.2"]))
        indicators.append(indicator)
    made = {
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)),
        "version": draw(st.integers(1, 2**31 - 1)),
        "mittlerziel": {"code": "X.1", "text": draw(texts(languages))},
        "title": draw(texts(languages)),
        "languages": languages,
        "questions": questions,
    }
    if draw(st.booleans()):
        made["intro"] = draw(texts(languages))
    if indicators:
        made["indicators"] = indicators
    return yaml.safe_dump(made, allow_unicode=True, sort_keys=draw(st.booleans()))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questionnaires())
def test_generated_questionnaires_come_back_the_same(source):
    original = parse_questionnaire(source)
    assert parse_questionnaire(through_builder(source)) == original
