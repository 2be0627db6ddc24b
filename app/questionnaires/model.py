"""Declarative questionnaires: parse YAML, validate, and return frozen objects.

The model is pydantic v2 because one definition gives three things we need:
strict structural validation with precise error locations, immutable
(frozen) objects for the rest of the code, and ``questionnaires/schema.json``
for editors (``Questionnaire.model_json_schema()``).  Rules that span several
parts of a document (unique ids, references, ``show_if`` order) are checked
afterwards by :func:`_semantic_problems`, which reports the exact path too.

Every problem is reported as ``Problem(line, path, message)``; the line is
looked up in the YAML node tree, so ``FILE:LINE: path: message`` points at
the place to edit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.languages import SUPPORTED_LANGUAGES, LanguageCode

IDENTIFIER = r"^[a-z][a-z0-9_]{0,39}$"
CODE = r"^[a-z0-9][a-z0-9_]{0,39}$"

# Fixed answer codes of the built-in scales; their labels are UI strings.
YES, NO, DONT_KNOW = "yes", "no", "dont_know"
YES_NO_DONT_KNOW_CODES = (YES, NO, DONT_KNOW)
LIKERT_CODES = ("1", "2", "3", "4", "5")

Text = dict[LanguageCode, Annotated[str, Field(min_length=1)]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Mittlerziel(_Frozen):
    code: str = Field(min_length=1, max_length=20, description="e.g. IV.1")
    text: Text


class Option(_Frozen):
    code: str = Field(pattern=CODE, description="stable answer code, stored and exported")
    label: Text


class ShowIf(_Frozen):
    """Show the question only when an earlier question has one of these answers."""

    question: str = Field(pattern=IDENTIFIER)
    any_of: tuple[str, ...] = Field(min_length=1)


class _QuestionBase(_Frozen):
    id: str = Field(pattern=IDENTIFIER, description="stable id; the form field and export column")
    text: Text
    help: Text | None = None
    required: bool = False
    show_if: ShowIf | None = None
    quasi_identifier: bool = Field(False, description="could help single out a person; protected by small-cell rules")

    @property
    def codes(self) -> tuple[str, ...]:
        """The answer codes a choice question accepts; empty for open questions."""
        return ()


class SingleChoice(_QuestionBase):
    type: Literal["single_choice"]
    options: tuple[Option, ...] = Field(min_length=2)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


class MultipleChoice(_QuestionBase):
    type: Literal["multiple_choice"]
    options: tuple[Option, ...] = Field(min_length=2)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


class YesNoDontKnow(_QuestionBase):
    type: Literal["yes_no_dont_know"]

    @property
    def codes(self) -> tuple[str, ...]:
        return YES_NO_DONT_KNOW_CODES


class Likert(_QuestionBase):
    type: Literal["likert"]
    labels: tuple[Text, Text, Text, Text, Text] = Field(description="labels of the points 1 to 5, lowest first")

    @property
    def codes(self) -> tuple[str, ...]:
        return LIKERT_CODES


class Number(_QuestionBase):
    type: Literal["number"]
    min: int
    max: int


class FreeText(_QuestionBase):
    type: Literal["free_text"]
    max_length: int = Field(gt=0, le=5000)


Question = Annotated[
    SingleChoice | MultipleChoice | YesNoDontKnow | Likert | Number | FreeText,
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single_choice", "multiple_choice", "yes_no_dont_know", "likert", "number", "free_text")

Denominator = Literal["all_respondents", "answered", "answered_excluding_dont_know"]


class Indicator(_Frozen):
    id: str = Field(pattern=IDENTIFIER)
    text: Text
    question: str = Field(pattern=IDENTIFIER)
    success: tuple[str, ...] = Field(min_length=1, description="answer codes that count as success")
    denominator: Denominator = Field(description="all_respondents | answered | answered_excluding_dont_know")
    target: float = Field(description="target share, strictly between 0 and 1")
    comparison: Literal["at_least", "at_most"] = "at_least"


class Questionnaire(_Frozen):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        title="Resonanz questionnaire",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    version: int = Field(ge=1)
    mittlerziel: Mittlerziel
    title: Text
    intro: Text | None = None
    languages: tuple[LanguageCode, ...] = Field(min_length=1, description="first is the default")
    questions: tuple[Question, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...] = ()

    @field_validator("languages")
    @classmethod
    def _languages_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def question(self, question_id: str):
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def canonical_json(self) -> str:
        """A stable serialisation: equal definitions give equal strings."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)

    @cached_property
    def fingerprint(self) -> str:
        """Identifies the definition's content; equal content, equal fingerprint."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


# --------------------------------------------------------------------------
# Problems and parsing


@dataclass(frozen=True)
class Problem:
    line: int
    path: str
    message: str
    warning: bool = False

    def format(self, filename: str) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{filename}:{self.line}: {self.path}: {prefix}{self.message}"


class QuestionnaireError(ValueError):
    """Raised by :func:`parse_questionnaire` with every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.line}: {p.path}: {p.message}" for p in problems))


@dataclass(frozen=True)
class CheckResult:
    questionnaire: Questionnaire | None
    problems: tuple[Problem, ...]
    coverage: dict[str, tuple[int, int]]  # language -> (texts present, texts expected)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.warning)


Path = tuple[str | int, ...]
ROOT = "(document)"


def format_path(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or ROOT


class _DuplicateKey(Exception):
    def __init__(self, path: Path, line: int, key: str):
        self.path, self.line, self.key = path, line, key


def _line_map(node: yaml.Node, path: Path = (), lines: dict | None = None) -> dict[Path, int]:
    """Map every path in the document to the 1-based line where it starts."""
    lines = {} if lines is None else lines
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise _DuplicateKey(path + (key,), key_node.start_mark.line + 1, key)
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), lines)
    return lines


def _line_for(lines: dict[Path, int], path: Path) -> int:
    # A missing key has no line of its own: point at its nearest existing parent.
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


_PYDANTIC_MESSAGES = {
    "extra_forbidden": lambda e: "unknown key",
    "missing": lambda e: "required key is missing",
    "union_tag_invalid": lambda e: (
        f"unknown question type {e['ctx']['tag']!r} (expected one of: {', '.join(QUESTION_TYPES)})"
    ),
    "union_tag_not_found": lambda e: f"question has no 'type' (expected one of: {', '.join(QUESTION_TYPES)})",
    "string_type": lambda e: (
        'must be text; YAML reads unquoted yes/no/on/off as true/false, so write "yes" in quotes'
        if isinstance(e.get("input"), bool)
        else "must be text"
    ),
    "literal_error": lambda e: f"must be one of {e['ctx']['expected']}",
    "string_pattern_mismatch": lambda e: (
        "must start with a lower-case letter and use only a-z, 0-9 and _ (at most 40 characters)"
        if e["ctx"]["pattern"] == IDENTIFIER
        else f"does not match the pattern {e['ctx']['pattern']}"
    ),
}


def _pydantic_problems(error: ValidationError, lines: dict[Path, int]) -> list[Problem]:
    problems = []
    items = error.errors()
    item_locs = [item["loc"] for item in items]
    for item in items:
        # "too short" after an item was rejected only repeats that item's error.
        if item["type"] == "too_short" and any(
            loc[: len(item["loc"])] == item["loc"] and loc != item["loc"] for loc in item_locs
        ):
            continue
        # pydantic adds the union member's tag and '[key]' markers to locations;
        # they are not part of the document's own path.
        path = tuple(
            part for part in item["loc"] if part != "[key]" and not (isinstance(part, str) and part in QUESTION_TYPES)
        )
        describe = _PYDANTIC_MESSAGES.get(item["type"])
        message = describe(item) if describe else item["msg"][0].lower() + item["msg"][1:]
        if item["loc"] and item["loc"][-1] == "[key]":
            message = f"unknown language {path[-1]!r} (supported: {', '.join(SUPPORTED_LANGUAGES)})"
        problems.append(Problem(_line_for(lines, path), format_path(path), message))
    return problems


def _texts(q: Questionnaire) -> Iterable[tuple[Path, dict]]:
    """Every translatable text of a questionnaire, with its path."""
    yield ("mittlerziel", "text"), q.mittlerziel.text
    yield ("title",), q.title
    if q.intro:
        yield ("intro",), q.intro
    for i, question in enumerate(q.questions):
        yield ("questions", i, "text"), question.text
        if question.help:
            yield ("questions", i, "help"), question.help
        for j, option in enumerate(getattr(question, "options", ())):
            yield ("questions", i, "options", j, "label"), option.label
        for j, label in enumerate(getattr(question, "labels", ())):
            yield ("questions", i, "labels", j), label
    for i, indicator in enumerate(q.indicators):
        yield ("indicators", i, "text"), indicator.text


def _semantic_problems(q: Questionnaire, lines: dict[Path, int]) -> list[Problem]:
    problems: list[Problem] = []

    def report(path: Path, message: str, warning: bool = False) -> None:
        problems.append(Problem(_line_for(lines, path), format_path(path), message, warning))

    for path, text in _texts(q):
        for language in text:
            if language not in q.languages:
                report(path + (language,), f"language {language!r} is not listed in 'languages'")
        if q.default_language not in text:
            report(path + (q.default_language,), "missing text in the default language")
        for language in q.languages[1:]:
            if language not in text:
                report(path + (language,), "missing translation", warning=True)

    position: dict[str, int] = {}
    for i, question in enumerate(q.questions):
        if question.id in position:
            report(
                ("questions", i, "id"),
                f"duplicate question id {question.id!r} (first used at questions[{position[question.id]}])",
            )
        else:
            position[question.id] = i
        codes = [o.code for o in getattr(question, "options", ())]
        for j, code in enumerate(codes):
            if code in codes[:j]:
                report(("questions", i, "options", j, "code"), f"duplicate option code {code!r}")
        if isinstance(question, Number) and question.min > question.max:
            report(("questions", i, "max"), f"max ({question.max}) is below min ({question.min})")
        if question.show_if:
            target = question.show_if.question
            where = ("questions", i, "show_if", "question")
            if target == question.id:
                report(where, "show_if refers to the question itself (a cycle)")
            elif target not in position:
                later = any(other.id == target for other in q.questions[i + 1 :])
                report(
                    where,
                    f"show_if refers to a later question {target!r}; conditions may only use earlier questions"
                    if later
                    else f"show_if refers to an unknown question {target!r}",
                )
            else:
                shown_codes = q.questions[position[target]].codes
                if not shown_codes:
                    report(where, f"show_if needs a choice question; {target!r} has no answer codes")
                for j, code in enumerate(question.show_if.any_of):
                    if shown_codes and code not in shown_codes:
                        report(("questions", i, "show_if", "any_of", j), f"{target!r} has no answer code {code!r}")

    indicator_ids: set[str] = set()
    for i, indicator in enumerate(q.indicators):
        if indicator.id in indicator_ids:
            report(("indicators", i, "id"), f"duplicate indicator id {indicator.id!r}")
        indicator_ids.add(indicator.id)
        if not 0 < indicator.target < 1:
            report(("indicators", i, "target"), f"target must lie strictly between 0 and 1, got {indicator.target}")
        if indicator.question not in position:
            report(("indicators", i, "question"), f"unknown question {indicator.question!r}")
            continue
        question = q.questions[position[indicator.question]]
        if isinstance(question, MultipleChoice):
            report(
                ("indicators", i, "question"),
                f"question {question.id!r} allows several answers; an indicator needs a question "
                "with one answer per respondent",
            )
            continue
        if not question.codes:
            report(
                ("indicators", i, "question"),
                f"question {question.id!r} has no answer codes to count ({question.type})",
            )
            continue
        for j, code in enumerate(indicator.success):
            if code not in question.codes:
                report(("indicators", i, "success", j), f"question {question.id!r} has no answer code {code!r}")
        if indicator.denominator == "answered_excluding_dont_know" and DONT_KNOW not in question.codes:
            report(("indicators", i, "denominator"), f"question {question.id!r} has no '{DONT_KNOW}' answer to exclude")
    return problems


def _coverage(q: Questionnaire) -> dict[str, tuple[int, int]]:
    texts = list(_texts(q))
    return {language: (sum(language in t for _, t in texts), len(texts)) for language in q.languages}


def check_questionnaire(source: str) -> CheckResult:
    """Validate a YAML document; never raises for bad input."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return CheckResult(None, (Problem(line, ROOT, f"YAML syntax error: {exc.problem}"),), {})
    if root is None:
        return CheckResult(None, (Problem(1, ROOT, "the document is empty"),), {})
    try:
        lines = _line_map(root)
    except _DuplicateKey as dup:
        return CheckResult(None, (Problem(dup.line, format_path(dup.path), f"duplicate key {dup.key!r}"),), {})
    data = yaml.safe_load(source)
    if not isinstance(data, dict):
        return CheckResult(None, (Problem(1, ROOT, "the document must be a mapping of keys"),), {})
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        return CheckResult(None, tuple(_pydantic_problems(exc, lines)), {})
    problems = _semantic_problems(questionnaire, lines)
    return CheckResult(questionnaire, tuple(sorted(problems, key=lambda p: p.line)), _coverage(questionnaire))


def parse_questionnaire(source: str, *, strict: bool = False) -> Questionnaire:
    """Return the questionnaire or raise :class:`QuestionnaireError` listing every problem."""
    result = check_questionnaire(source)
    problems = [p for p in result.problems if strict or not p.warning]
    if problems or result.questionnaire is None:
        raise QuestionnaireError(problems)
    return result.questionnaire


def questionnaire_from_json(text: str) -> Questionnaire:
    """Rebuild a stored (already validated) definition."""
    return Questionnaire.model_validate_json(text)


def json_schema() -> dict:
    return Questionnaire.model_json_schema()
