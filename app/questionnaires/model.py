"""Declarative questionnaires: parse YAML, validate, and return frozen objects.

The model is pydantic v2 because one definition gives three things we need:
strict structural validation with precise error locations, immutable
(frozen) objects for the rest of the code, and ``questionnaires/schema.json``
for editors (``Questionnaire.model_json_schema()``).  Rules that span several
parts of a document (unique ids, references, ``show_if`` order) are checked
afterwards by :func:`_semantic_problems`, which reports the exact path too.

Every problem is reported as ``Problem(line, path, message)``; the line is
looked up in the YAML node tree (app/yaml_documents.py), so
``FILE:LINE: path: message`` points at the place to edit.

Two things come from the network rather than from the file, and are given to
:func:`check_questionnaire` by the caller: the codes of the strategy's
Mittlerziele (``goals``), which every code in the questionnaire must be one
of, and the list of actor groups, which a choice question with
``options_from: actor_groups`` takes as its options.  The resolved options
are part of the stored definition, so a version never changes when the list
does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_serializer

from app.languages import LanguageCode
from app.yaml_documents import (
    CODE,
    IDENTIFIER,
    KEY,
    MISSING_TRANSLATION,
    N_,
    Checked,
    Document,
    DocumentError,
    Lines,
    LongText,
    Message,
    Path,
    Problem,
    Text,
    accepted,
    coverage,
    line_for,
    pydantic_problems,
    read_mapping,
    text_problems,
    unique_languages,
)
from app.yaml_documents import Frozen as _Frozen

# Hard limits (docs/questionnaire-format.md): far above any real questionnaire,
# low enough that a form, a report and an export stay cheap.
MAX_QUESTIONS = 500
MAX_OPTIONS = 200
MAX_INDICATORS = 100
MAX_VERSION = 2**31 - 1  # the database's integer column
MAX_NUMBER = 2**31 - 1  # the bounds of a number question
MAX_RANK = 5  # places a ranking asks for: each has its ordinal word on the form

# Fixed answer codes of the built-in scales; their labels are UI strings.
YES, NO, DONT_KNOW = "yes", "no", "dont_know"
YES_NO_DONT_KNOW_CODES = (YES, NO, DONT_KNOW)
LIKERT_CODES = ("1", "2", "3", "4", "5")


class Mittlerziel(_Frozen):
    code: str = Field(min_length=1, max_length=20, description="e.g. IV.1")
    text: Text


class Option(_Frozen):
    code: str = Field(pattern=CODE, description="stable answer code, stored and exported")
    label: Text


class ShowIf(_Frozen):
    """Show the question only when an earlier question has one of these answers."""

    question: str = Field(pattern=IDENTIFIER)
    any_of: tuple[str, ...] = Field(min_length=1, max_length=MAX_OPTIONS)


class _QuestionBase(_Frozen):
    id: str = Field(pattern=IDENTIFIER, description="stable id; the form field and export column")
    text: Text
    help: LongText | None = None
    required: bool = False
    show_if: ShowIf | None = None
    quasi_identifier: bool = Field(False, description="could help single out a person; protected by small-cell rules")
    breakdown: bool = Field(False, description="the report shows the indicators per answer of this question")

    @property
    def codes(self) -> tuple[str, ...]:
        """The answer codes a choice question accepts; empty for open questions."""
        return ()


class _ChoiceBase(_QuestionBase):
    options: tuple[Option, ...] = Field(
        (), max_length=MAX_OPTIONS, description="at least 2; or none, with options_from"
    )
    options_from: Literal["actor_groups"] | None = Field(
        None, description="take the options from a list the network keeps (resolved when a version is stored)"
    )

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


class SingleChoice(_ChoiceBase):
    type: Literal["single_choice"]


class MultipleChoice(_ChoiceBase):
    type: Literal["multiple_choice"]


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
    min: int = Field(ge=-MAX_NUMBER, le=MAX_NUMBER)
    max: int = Field(ge=-MAX_NUMBER, le=MAX_NUMBER)


class FreeText(_QuestionBase):
    type: Literal["free_text"]
    max_length: int = Field(gt=0, le=5000)
    collects: Literal["topics"] | None = Field(
        None, description="topics: the answers are topic proposals, offered to coordinators once the survey closes"
    )

    @model_serializer(mode="wrap")
    def _collects_only_when_declared(self, handler):
        # Versions stored before ``collects`` existed keep their fingerprint.
        data = handler(self)
        if self.collects is None:
            data.pop("collects", None)
        return data


class Ranking(_QuestionBase):
    """The participant puts up to ``rank`` of the options in order: first, second, …

    ``options_from: topics`` takes the network's open topics; they are frozen
    into the version when it is published (:func:`with_frozen_options`), and
    the stored definition keeps both the options and where they came from."""

    type: Literal["ranking"]
    options: tuple[Option, ...] = Field(
        (), max_length=MAX_OPTIONS, description="at least 2; or none, with options_from"
    )
    options_from: Literal["topics"] | None = Field(
        None, description="take the options from the network's open topics (frozen when a version is published)"
    )
    rank: int = Field(3, ge=1, le=MAX_RANK, description="how many places a participant fills, first to last")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


Question = Annotated[
    SingleChoice | MultipleChoice | YesNoDontKnow | Likert | Number | FreeText | Ranking,
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single_choice", "multiple_choice", "yes_no_dont_know", "likert", "number", "free_text", "ranking")

Denominator = Literal["all_respondents", "answered", "answered_excluding_dont_know"]


class Section(_Frozen):
    """A titled part of the questionnaire: from its first question up to the
    next section's.  Sections are told by where they begin, so a question
    added, moved or deleted never leaves one without its questions."""

    first_question: str = Field(pattern=IDENTIFIER, description="id of the question the section begins with")
    title: Text


class Indicator(_Frozen):
    id: str = Field(pattern=IDENTIFIER)
    text: Text
    question: str = Field(pattern=IDENTIFIER)
    success: tuple[str, ...] = Field(
        min_length=1, max_length=MAX_OPTIONS, description="answer codes that count as success"
    )
    denominator: Denominator = Field(description="all_respondents | answered | answered_excluding_dont_know")
    target: float = Field(description="target share, strictly between 0 and 1")
    comparison: Literal["at_least", "at_most"] = "at_least"
    goal: str | None = Field(
        None, min_length=1, max_length=20, description="the Mittlerziel it measures (default: the questionnaire's)"
    )


class Questionnaire(Document):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        title="Resonanz questionnaire",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    id: str = Field(pattern=KEY)
    version: int = Field(ge=1, le=MAX_VERSION)
    mittlerziel: Mittlerziel
    title: Text
    intro: LongText | None = None
    languages: tuple[LanguageCode, ...] = Field(min_length=1, description="first is the default")
    questions: tuple[Question, ...] = Field(min_length=1, max_length=MAX_QUESTIONS)
    indicators: tuple[Indicator, ...] = Field((), max_length=MAX_INDICATORS)
    sections: tuple[Section, ...] = Field((), max_length=MAX_QUESTIONS, description="titled parts, in any order")
    section_pages: bool = Field(False, description="serve one section per page (for long questionnaires)")

    _languages_unique = field_validator("languages")(unique_languages)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def question(self, question_id: str):
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def goal_of(self, indicator: Indicator) -> str:
        """The code of the Mittlerziel an indicator measures."""
        return indicator.goal or self.mittlerziel.code

    @property
    def goals(self) -> tuple[str, ...]:
        """The codes of every Mittlerziel the questionnaire measures, its own first."""
        codes = [self.mittlerziel.code] + [self.goal_of(indicator) for indicator in self.indicators]
        return tuple(dict.fromkeys(codes))

    @property
    def parts(self) -> tuple[Part, ...]:
        """The questions in their sections, in order.  Questions before the
        first section form an untitled first part; without sections the whole
        questionnaire is one."""
        starts = {section.first_question: section for section in self.sections}
        parts: list[Part] = []
        for question in self.questions:
            section = starts.get(question.id)
            if section is not None or not parts:
                parts.append(Part(len(parts) + 1, section.title if section else None, []))
            parts[-1].questions.append(question)
        return tuple(Part(p.number, p.title, tuple(p.questions)) for p in parts)

    @property
    def pages(self) -> tuple[Part, ...]:
        """What each page of the form asks: one part per page when the
        questionnaire says so, else everything on one page."""
        if self.section_pages:
            return self.parts
        return (Part(1, None, self.questions),)

    @property
    def breakdowns(self) -> tuple[SingleChoice, ...]:
        """The questions whose answers the report breaks the indicators down by."""
        return tuple(q for q in self.questions if q.breakdown)

    @property
    def ranks_topics(self) -> bool:
        """Whether a ranking takes its options from the network's open topics."""
        return any(isinstance(q, Ranking) and q.options_from == "topics" for q in self.questions)

    @property
    def topic_questions(self) -> tuple[FreeText, ...]:
        """The free-text questions whose answers are topic proposals (``collects: topics``)."""
        return tuple(q for q in self.questions if isinstance(q, FreeText) and q.collects == "topics")


@dataclass(frozen=True)
class Part:
    number: int  # from 1
    title: Mapping[str, str] | None  # None: the questions before the first section
    questions: Sequence


# --------------------------------------------------------------------------
# Checking and parsing


@dataclass(frozen=True)
class CheckResult(Checked):
    questionnaire: Questionnaire | None
    problems: tuple[Problem, ...]
    coverage: dict[str, tuple[int, int]]  # language -> (texts present, texts expected)
    # What names each question and indicator for people: ("questions", 2) ->
    # its texts by language (or its id), read even from a document that does
    # not validate.
    subjects: Mapping[tuple[str, int], Mapping[str, str]] = field(default_factory=dict)


QuestionnaireError = DocumentError

UNKNOWN_TYPE = Message("unknown_type", N_("unknown question type '%(type)s' (expected one of: %(expected)s)"))
NO_TYPE = Message("no_type", N_("question has no 'type' (expected one of: %(expected)s)"))
OPTIONS_TWICE = Message("options_twice", N_("give either 'options' or 'options_from', not both"))
TOO_FEW_OPTIONS = Message("too_few_options", N_("needs at least 2 options"))
TOO_FEW_ACTOR_GROUPS = Message(
    "too_few_actor_groups",
    N_(
        "the network has %(count)s actor groups; a choice needs at least 2 "
        "(an admin adds them under Actor groups in the workspace)"
    ),
)
ACTOR_GROUP_WITHOUT_DEFAULT = Message(
    "actor_group_without_default",
    N_(
        "actor group '%(code)s' has no label in '%(language)s', the questionnaire's default language "
        "(an admin adds it under Actor groups in the workspace)"
    ),
)
UNKNOWN_GOAL = Message("unknown_goal", N_("unknown Mittlerziel '%(code)s': the network's strategy has %(known)s"))
DUPLICATE_QUESTION = Message(
    "duplicate_question", N_("duplicate question id '%(id)s' (question %(number)s has it already)")
)
DUPLICATE_OPTION = Message("duplicate_option", N_("duplicate option code '%(code)s'"))
MAX_BELOW_MIN = Message("max_below_min", N_("max (%(max)s) is below min (%(min)s)"))
BREAKDOWN_NOT_SINGLE = Message(
    "breakdown_not_single", N_("a breakdown needs a single_choice question; '%(id)s' is %(type)s")
)
CONDITION_ON_ITSELF = Message("condition_on_itself", N_("show_if refers to the question itself (a cycle)"))
CONDITION_ON_LATER = Message(
    "condition_on_later",
    N_("show_if refers to a later question '%(id)s'; conditions may only use earlier questions"),
)
CONDITION_ON_UNKNOWN = Message("condition_on_unknown", N_("show_if refers to an unknown question '%(id)s'"))
CONDITION_NOT_CHOICE = Message(
    "condition_not_choice", N_("show_if needs a choice question; '%(id)s' has no answer codes")
)
NO_SUCH_ANSWER = Message("no_such_answer", N_("question '%(id)s' has no answer code '%(code)s'"))
DUPLICATE_INDICATOR = Message("duplicate_indicator", N_("duplicate indicator id '%(id)s'"))
TARGET_OUT_OF_RANGE = Message("target_out_of_range", N_("target must lie strictly between 0 and 1, got %(target)s"))
UNKNOWN_QUESTION = Message("unknown_question", N_("unknown question '%(id)s'"))
INDICATOR_ON_MULTIPLE = Message(
    "indicator_on_multiple",
    N_("question '%(id)s' allows several answers; an indicator needs a question with one answer per respondent"),
)
INDICATOR_WITHOUT_CODES = Message(
    "indicator_without_codes", N_("question '%(id)s' has no answer codes to count (%(type)s)")
)
RANK_ABOVE_OPTIONS = Message(
    "rank_above_options", N_("rank (%(rank)s) is larger than the number of options (%(count)s)")
)
RANKING_NOT_QUASI = Message(
    "ranking_not_quasi", N_("a ranking cannot be a quasi_identifier: exports never count it in combinations")
)
TOPICS_NOT_FROZEN = Message(
    "topics_not_frozen",
    N_("the options of this ranking come from the network's open topics, which are not filled in yet"),
)
SECTION_ON_UNKNOWN = Message("section_on_unknown", N_("the section begins with an unknown question '%(id)s'"))
SECTION_TWICE = Message(
    "section_twice", N_("section %(number)s begins with question '%(id)s' already; a question begins one section")
)
PAGES_WITHOUT_SECTIONS = Message(
    "pages_without_sections", N_("one section per page needs at least two parts: declare 'sections'")
)
NOTHING_TO_EXCLUDE = Message("nothing_to_exclude", N_("question '%(id)s' has no 'dont_know' answer to exclude"))

_TYPES = ", ".join(QUESTION_TYPES)
_MESSAGES = {
    "union_tag_invalid": lambda e: (UNKNOWN_TYPE, {"type": e["ctx"]["tag"], "expected": _TYPES}),
    "union_tag_not_found": lambda e: (NO_TYPE, {"expected": _TYPES}),
}


def _texts(q: Questionnaire, resolved: Collection[int] = ()) -> Iterable[tuple[Path, dict]]:
    """Every translatable text of a questionnaire, with its path; options
    taken from the network's list (questions at ``resolved``) are the list's."""
    yield ("mittlerziel", "text"), q.mittlerziel.text
    yield ("title",), q.title
    if q.intro:
        yield ("intro",), q.intro
    for i, question in enumerate(q.questions):
        yield ("questions", i, "text"), question.text
        if question.help:
            yield ("questions", i, "help"), question.help
        if i not in resolved:
            for j, option in enumerate(getattr(question, "options", ())):
                yield ("questions", i, "options", j, "label"), option.label
        for j, label in enumerate(getattr(question, "labels", ())):
            yield ("questions", i, "labels", j), label
    for i, indicator in enumerate(q.indicators):
        yield ("indicators", i, "text"), indicator.text
    for i, section in enumerate(q.sections):
        yield ("sections", i, "title"), section.title


def _option_problems(q: Questionnaire, lines: Lines) -> list[Problem]:
    """How each choice question declares its options: a list of its own, or
    ``options_from``, never both."""
    problems = []
    for i, question in enumerate(q.questions):
        if not isinstance(question, _ChoiceBase | Ranking):
            continue
        if question.options_from and question.options:
            problems.append(Problem.at(lines, ("questions", i, "options_from"), OPTIONS_TWICE))
        elif not question.options_from and len(question.options) < 2:
            problems.append(Problem.at(lines, ("questions", i, "options"), TOO_FEW_OPTIONS))
    return problems


def _resolve(
    q: Questionnaire, actor_groups: Sequence[Option], lines: Lines
) -> tuple[Questionnaire, list[Problem], set[int]]:
    """The questionnaire with ``options_from`` replaced by the list's entries
    (labels in the questionnaire's languages only), the problems of those
    labels, and the positions of the questions resolved."""
    problems, resolved, questions = [], set(), []
    for i, question in enumerate(q.questions):
        if not (isinstance(question, _ChoiceBase) and question.options_from and not question.options):
            questions.append(question)
            continue
        resolved.add(i)
        here = ("questions", i, "options_from")
        lines[("questions", i, "options")] = line_for(lines, here)  # problems of the options point here
        options = tuple(
            Option(code=group.code, label={lang: group.label[lang] for lang in q.languages if group.label.get(lang)})
            for group in actor_groups
        )
        if len(options) < 2:
            problems.append(Problem.at(lines, here, TOO_FEW_ACTOR_GROUPS, count=len(options)))
        for j, option in enumerate(options):
            for language in q.languages:
                if language in option.label:
                    continue
                where = ("questions", i, "options", j, "label", language)
                line = line_for(lines, here)
                if language == q.default_language:
                    what = ACTOR_GROUP_WITHOUT_DEFAULT
                    problems.append(Problem.of(line, where, what, code=option.code, language=language))
                else:
                    problems.append(Problem.of(line, where, MISSING_TRANSLATION, warning=True, language=language))
        questions.append(question.model_copy(update={"options": options, "options_from": None}))
    return q.model_copy(update={"questions": tuple(questions)}), problems, resolved


def _goal_problems(q: Questionnaire, goals: Collection[str], lines: Lines) -> list[Problem]:
    known = ", ".join(sorted(goals)) or "none"
    problems = []
    named = [(("mittlerziel", "code"), q.mittlerziel.code)]
    named += [(("indicators", i, "goal"), indicator.goal) for i, indicator in enumerate(q.indicators) if indicator.goal]
    for where, code in named:
        if code not in goals:
            problems.append(Problem.at(lines, where, UNKNOWN_GOAL, code=code, known=known))
    return problems


def _semantic_problems(q: Questionnaire, lines: Lines, resolved: Collection[int] = ()) -> list[Problem]:
    problems: list[Problem] = text_problems(_texts(q, resolved), q.languages, lines)

    def report(path: Path, what: Message, **params) -> None:
        problems.append(Problem.at(lines, path, what, **params))

    def unresolved(question) -> bool:
        """Options from the network's list that this check was not given: their codes are unknown."""
        if isinstance(question, Ranking):
            return not question.options
        return isinstance(question, _ChoiceBase) and bool(question.options_from)

    position: dict[str, int] = {}
    for i, question in enumerate(q.questions):
        if question.id in position:
            report(("questions", i, "id"), DUPLICATE_QUESTION, id=question.id, number=position[question.id] + 1)
        else:
            position[question.id] = i
        codes = [o.code for o in getattr(question, "options", ())]
        for j, code in enumerate(codes):
            if code in codes[:j]:
                report(("questions", i, "options", j, "code"), DUPLICATE_OPTION, code=code)
        if isinstance(question, Ranking) and len(codes) >= 2 and question.rank > len(codes):
            report(("questions", i, "rank"), RANK_ABOVE_OPTIONS, rank=question.rank, count=len(codes))
        if isinstance(question, Ranking) and question.quasi_identifier:
            report(("questions", i, "quasi_identifier"), RANKING_NOT_QUASI)
        if isinstance(question, Number) and question.min > question.max:
            report(("questions", i, "max"), MAX_BELOW_MIN, max=question.max, min=question.min)
        if question.breakdown and not isinstance(question, SingleChoice):
            report(("questions", i, "breakdown"), BREAKDOWN_NOT_SINGLE, id=question.id, type=question.type)
        if question.show_if:
            target = question.show_if.question
            where = ("questions", i, "show_if", "question")
            if target == question.id:
                report(where, CONDITION_ON_ITSELF)
            elif target not in position:
                later = any(other.id == target for other in q.questions[i + 1 :])
                report(where, CONDITION_ON_LATER if later else CONDITION_ON_UNKNOWN, id=target)
            elif not unresolved(q.questions[position[target]]):
                shown_codes = q.questions[position[target]].codes
                if not shown_codes:
                    report(where, CONDITION_NOT_CHOICE, id=target)
                for j, code in enumerate(question.show_if.any_of):
                    if shown_codes and code not in shown_codes:
                        report(("questions", i, "show_if", "any_of", j), NO_SUCH_ANSWER, id=target, code=code)

    begun: dict[str, int] = {}
    for i, section in enumerate(q.sections):
        where = ("sections", i, "first_question")
        if section.first_question not in position:
            report(where, SECTION_ON_UNKNOWN, id=section.first_question)
        elif section.first_question in begun:
            report(where, SECTION_TWICE, id=section.first_question, number=begun[section.first_question] + 1)
        begun.setdefault(section.first_question, i)
    if q.section_pages and len(q.parts) < 2:
        report(("section_pages",), PAGES_WITHOUT_SECTIONS)

    indicator_ids: set[str] = set()
    for i, indicator in enumerate(q.indicators):
        if indicator.id in indicator_ids:
            report(("indicators", i, "id"), DUPLICATE_INDICATOR, id=indicator.id)
        indicator_ids.add(indicator.id)
        if not 0 < indicator.target < 1:
            report(("indicators", i, "target"), TARGET_OUT_OF_RANGE, target=indicator.target)
        if indicator.question not in position:
            report(("indicators", i, "question"), UNKNOWN_QUESTION, id=indicator.question)
            continue
        question = q.questions[position[indicator.question]]
        if isinstance(question, MultipleChoice | Ranking):
            report(("indicators", i, "question"), INDICATOR_ON_MULTIPLE, id=question.id)
            continue
        if unresolved(question):
            continue
        if not question.codes:
            report(("indicators", i, "question"), INDICATOR_WITHOUT_CODES, id=question.id, type=question.type)
            continue
        for j, code in enumerate(indicator.success):
            if code not in question.codes:
                report(("indicators", i, "success", j), NO_SUCH_ANSWER, id=question.id, code=code)
        if indicator.denominator == "answered_excluding_dont_know" and DONT_KNOW not in question.codes:
            report(("indicators", i, "denominator"), NOTHING_TO_EXCLUDE, id=question.id)
    return problems


def _subjects(data: dict) -> dict[tuple[str, int], dict[str, str]]:
    """Each question's and indicator's texts by language, first language first
    (or, without texts, its id under ""), taken from the document as read,
    however wrong it is."""
    languages = data.get("languages")
    first = languages[0] if isinstance(languages, list) and languages and isinstance(languages[0], str) else ""
    subjects = {}
    for kind in ("questions", "indicators"):
        items = data.get(kind)
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue
            text = item.get("text") if isinstance(item.get("text"), dict) else {}
            texts = {str(k): " ".join(v.split()) for k, v in text.items() if isinstance(v, str) and v.strip()}
            if first in texts:
                texts = {first: texts.pop(first), **texts}
            if not texts and isinstance(item.get("id"), str):
                texts = {"": item["id"]}
            if texts:
                subjects[(kind, i)] = texts
    return subjects


def check_questionnaire(
    source: str, *, goals: Collection[str] | None = None, actor_groups: Sequence[Option] | None = None
) -> CheckResult:
    """Validate a YAML document; never raises for bad input.

    ``goals``: the Mittlerziel codes of the network's strategy, when it has
    one.  ``actor_groups``: the network's list, which ``options_from:
    actor_groups`` questions are resolved with; without it their options
    stay empty and what depends on their codes is not checked.
    """
    read = read_mapping(source)
    if isinstance(read, Problem):
        return CheckResult(None, (read,), {})
    data, lines = read
    subjects = _subjects(data)
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems = tuple(pydantic_problems(exc, lines, messages=_MESSAGES, tags=QUESTION_TYPES))
        return CheckResult(None, problems, {}, subjects)
    problems = _option_problems(questionnaire, lines)
    resolved: set[int] = set()
    if actor_groups is not None and not problems:
        questionnaire, resolving, resolved = _resolve(questionnaire, actor_groups, lines)
        problems += resolving
    if goals is not None:
        problems += _goal_problems(questionnaire, goals, lines)
    problems += _semantic_problems(questionnaire, lines, resolved)
    return CheckResult(
        questionnaire,
        tuple(sorted(problems, key=lambda p: p.line)),
        coverage(_texts(questionnaire), questionnaire.languages),
        subjects,
    )


def parse_questionnaire(
    source: str,
    *,
    strict: bool = False,
    goals: Collection[str] | None = None,
    actor_groups: Sequence[Option] | None = None,
) -> Questionnaire:
    """Return the questionnaire or raise :class:`QuestionnaireError` listing every problem."""
    result = check_questionnaire(source, goals=goals, actor_groups=actor_groups)
    return accepted(result, result.questionnaire, strict=strict)


def with_frozen_options(
    questionnaire: Questionnaire, topic_options: Sequence[tuple[str, Mapping[str, str]]]
) -> Questionnaire:
    """The questionnaire with every ``options_from: topics`` ranking given
    ``topic_options`` (code, texts by language) as its options, in the
    questionnaire's languages; done once, when a version is published, so the
    version never changes when the topics do.  Check the result with
    :func:`publishing_problems`."""
    options = tuple(
        Option(code=code, label={lang: texts[lang] for lang in questionnaire.languages if texts.get(lang)})
        for code, texts in topic_options
    )
    questions = tuple(
        question.model_copy(update={"options": options})
        if isinstance(question, Ranking) and question.options_from == "topics"
        else question
        for question in questionnaire.questions
    )
    return questionnaire.model_copy(update={"questions": questions})


def publishing_problems(questionnaire: Questionnaire) -> list[Problem]:
    """What keeps a checked questionnaire from being published as a version:
    a ranking on the network's topics without its options frozen in, or
    with fewer topics than it needs."""
    problems = []
    for i, question in enumerate(questionnaire.questions):
        if not (isinstance(question, Ranking) and question.options_from == "topics"):
            continue
        where = ("questions", i, "options_from")
        if not question.options:
            problems.append(Problem.of(0, where, TOPICS_NOT_FROZEN))
        elif len(question.options) < 2:
            problems.append(Problem.of(0, where, TOO_FEW_OPTIONS))
        elif question.rank > len(question.options):
            count = len(question.options)
            problems.append(Problem.of(0, where, RANK_ABOVE_OPTIONS, rank=question.rank, count=count))
    return problems


def questionnaire_from_json(text: str) -> Questionnaire:
    """Rebuild a stored (already validated) definition."""
    return Questionnaire.model_validate_json(text)


def json_schema() -> dict:
    return Questionnaire.model_json_schema()
