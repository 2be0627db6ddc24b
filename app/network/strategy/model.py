"""The network's strategy, declared: parse ``questionnaires/strategy.yaml``,
validate it, and return a frozen :class:`Strategy`.

The file holds the goal hierarchy (Leitzielbereiche, Mittlerziele,
Detailziele) and the **record indicators**: the indicators measured from the
meeting records rather than from answers.  The code knows only a small
vocabulary of record-indicator kinds (:data:`RECORD_KINDS`); the file gives
each indicator its text, its target and its comparison.  Survey indicators
stay in the questionnaires and name their Mittlerziel by code.

Problems are reported like a questionnaire's, as ``FILE:LINE: path: message``
(app/yaml_documents.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import ConfigDict, Field, ValidationError, field_validator

from app.languages import LanguageCode
from app.yaml_documents import (
    IDENTIFIER,
    Checked,
    Document,
    DocumentError,
    Frozen,
    Lines,
    Path,
    Problem,
    Text,
    accepted,
    coverage,
    format_path,
    line_for,
    pydantic_problems,
    read_mapping,
    text_problems,
    unique_languages,
)

RecordKind = Literal["meetings_per_year", "attendance", "partners_won", "good_practice", "member_topics"]
RECORD_KINDS: tuple[str, ...] = get_args(RecordKind)
# Kinds whose target is a number (of meetings, of organisations); the others' is a share.
COUNTED_KINDS = frozenset({"meetings_per_year", "partners_won"})

Comparison = Literal["at_least", "at_most"]


class RecordIndicator(Frozen):
    """An indicator measured from the meeting records.

    - ``meetings_per_year``: meetings held in each full calendar year;
    - ``attendance``: those who attended as a share of those invited, all meetings pooled;
    - ``partners_won``: organisations of the partner register with the status "won";
    - ``good_practice``: share of meetings with at least one good-practice presentation;
    - ``member_topics``: share of meetings with a topic brought in by members,
      by the strategy's :class:`MemberTopicRule`.
    """

    id: str = Field(pattern=IDENTIFIER)
    kind: RecordKind = Field(description=" | ".join(RECORD_KINDS))
    text: Text
    target: float = Field(
        strict=True,
        description="meetings_per_year, partners_won: a whole number; the other kinds: a share, above 0 and at most 1",
    )
    comparison: Comparison = "at_least"

    @property
    def counted(self) -> bool:
        """Whether the target is a number rather than a share."""
        return self.kind in COUNTED_KINDS


class Detailziel(Frozen):
    number: int = Field(strict=True, ge=1, description="1, 2, … within its Mittlerziel")
    text: Text


class Mittlerziel(Frozen):
    code: str = Field(min_length=1, max_length=20, description="e.g. IV.1; questionnaires name it")
    text: Text
    detailziele: tuple[Detailziel, ...] = ()
    detailziele_deferred: Text | None = Field(None, description="why no Detailziele are formulated yet")
    indicators: tuple[RecordIndicator, ...] = Field((), description="indicators measured from the meeting records")


class Leitzielbereich(Frozen):
    code: str = Field(min_length=1, max_length=20, description="e.g. IV")
    title: Text
    text: Text | None = None
    mittlerziele: tuple[Mittlerziel, ...] = Field(min_length=1)


class MemberTopicRule(Frozen):
    """When a topic of a meeting counts as brought in by members, for the
    ``member_topics`` indicator (app/meetings/topics/rule.py).  A meeting's
    topic stated so by a coordinator before topics were linked always counts."""

    from_proposals: bool = Field(
        True, description="a topic made from, or merged with, members' proposals in an earlier meeting's survey"
    )
    top_n_of_latest_ranking: int | None = Field(
        None, strict=True, ge=1, description="a topic among the first N of the latest ranking before the meeting"
    )


class Strategy(Document):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        title="Resonanz strategy",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    languages: tuple[LanguageCode, ...] = Field(min_length=1, description="first is the default")
    leitzielbereiche: tuple[Leitzielbereich, ...] = Field(min_length=1)
    member_topic_rule: MemberTopicRule = Field(
        MemberTopicRule(), description="which topics count as brought in by members"
    )

    _languages_unique = field_validator("languages")(unique_languages)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def mittlerziele(self) -> tuple[Mittlerziel, ...]:
        return tuple(m for area in self.leitzielbereiche for m in area.mittlerziele)

    @property
    def goals(self) -> tuple[str, ...]:
        """The codes of every Mittlerziel, in the file's order."""
        return tuple(m.code for m in self.mittlerziele)

    @property
    def record_indicators(self) -> tuple[RecordIndicator, ...]:
        return tuple(i for m in self.mittlerziele for i in m.indicators)

    def record_indicators_of(self, goals: Iterable[str]) -> tuple[RecordIndicator, ...]:
        wanted = set(goals)
        return tuple(i for m in self.mittlerziele if m.code in wanted for i in m.indicators)


# --------------------------------------------------------------------------
# Checking and parsing


@dataclass(frozen=True)
class StrategyCheck(Checked):
    strategy: Strategy | None
    problems: tuple[Problem, ...]
    coverage: dict[str, tuple[int, int]]  # language -> (texts present, texts expected)


StrategyError = DocumentError


def _texts(strategy: Strategy) -> Iterable[tuple[Path, dict]]:
    for a, area in enumerate(strategy.leitzielbereiche):
        yield ("leitzielbereiche", a, "title"), area.title
        if area.text:
            yield ("leitzielbereiche", a, "text"), area.text
        for m, goal in enumerate(area.mittlerziele):
            here = ("leitzielbereiche", a, "mittlerziele", m)
            yield here + ("text",), goal.text
            if goal.detailziele_deferred:
                yield here + ("detailziele_deferred",), goal.detailziele_deferred
            for d, detail in enumerate(goal.detailziele):
                yield here + ("detailziele", d, "text"), detail.text
            for i, indicator in enumerate(goal.indicators):
                yield here + ("indicators", i, "text"), indicator.text


def _target_problem(indicator: RecordIndicator) -> str | None:
    target = indicator.target
    if indicator.counted:
        if not (math.isfinite(target) and target >= 0 and target.is_integer()):
            return f"the target of {indicator.kind} is a whole number (0 or more), got {target:g}"
    elif not 0 < target <= 1:
        return f"the target of {indicator.kind} is a share above 0 and at most 1 (0.4 for 40 %), got {target:g}"
    return None


def _semantic_problems(strategy: Strategy, lines: Lines) -> list[Problem]:
    problems = text_problems(_texts(strategy), strategy.languages, lines)

    def report(path: Path, message: str) -> None:
        problems.append(Problem(line_for(lines, path), format_path(path), message))

    first: dict[tuple[str, str], Path] = {}

    def unique(kind: str, value: str, path: Path) -> None:
        if (kind, value) in first:
            report(path, f"duplicate {kind} {value!r} (first at {format_path(first[(kind, value)])})")
        else:
            first[(kind, value)] = path

    for a, area in enumerate(strategy.leitzielbereiche):
        unique("Leitzielbereich", area.code, ("leitzielbereiche", a, "code"))
        for m, goal in enumerate(area.mittlerziele):
            here = ("leitzielbereiche", a, "mittlerziele", m)
            unique("Mittlerziel", goal.code, here + ("code",))
            if goal.detailziele and goal.detailziele_deferred:
                report(
                    here + ("detailziele_deferred",),
                    "a Mittlerziel has either Detailziele or a note why they are deferred, not both",
                )
            numbers: set[int] = set()
            for d, detail in enumerate(goal.detailziele):
                if detail.number in numbers:
                    report(here + ("detailziele", d, "number"), f"duplicate Detailziel number {detail.number}")
                numbers.add(detail.number)
            for i, indicator in enumerate(goal.indicators):
                unique("indicator id", indicator.id, here + ("indicators", i, "id"))
                problem = _target_problem(indicator)
                if problem:
                    report(here + ("indicators", i, "target"), problem)
    return problems


def check_strategy(source: str) -> StrategyCheck:
    """Validate a strategy's YAML; never raises for bad input."""
    read = read_mapping(source)
    if isinstance(read, Problem):
        return StrategyCheck(None, (read,), {})
    data, lines = read
    try:
        strategy = Strategy.model_validate(data)
    except ValidationError as exc:
        return StrategyCheck(None, tuple(pydantic_problems(exc, lines)), {})
    problems = sorted(_semantic_problems(strategy, lines), key=lambda p: p.line)
    return StrategyCheck(strategy, tuple(problems), coverage(_texts(strategy), strategy.languages))


def parse_strategy(source: str, *, strict: bool = False) -> Strategy:
    """Return the strategy or raise :class:`StrategyError` listing every problem."""
    result = check_strategy(source)
    return accepted(result, result.strategy, strict=strict)


def strategy_from_json(text: str) -> Strategy:
    """Rebuild a stored (already validated) strategy."""
    return Strategy.model_validate_json(text)


def json_schema() -> dict:
    return Strategy.model_json_schema()
