"""Validate one submission against a questionnaire version.

The web layer hands over the raw form (field name -> every value sent); this
module decides what is a valid answer.  Errors are codes with parameters, not
sentences, so the web layer can say them in the participant's language.
Nothing here is stored: the caller stores ``Submission.answers`` only when
``Submission.errors`` is empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.questionnaires.model import FreeText, MultipleChoice, Number, Questionnaire, Ranking

# ``\d`` matches every Unicode decimal digit, so Arabic-Indic and Persian
# digits typed on a phone are accepted; int() understands them.
_INTEGER = re.compile(r"^\s*[+-]?\d{1,12}\s*$")


class Ranked(tuple):
    """A ranking's answer: the codes chosen, first place first.  A tuple, so a
    condition on the ranking reads it like the codes of a choice question."""


AnswerValue = tuple[str, ...] | int | str


@dataclass(frozen=True)
class FieldError:
    # required | one_only | unknown_option | duplicate_option | not_a_number | out_of_range | too_long
    # | ranked_twice | rank_gap | too_many_places
    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Submission:
    # question id -> codes (choice questions), int (number) or str (free text);
    # only questions that are shown and answered appear.
    answers: dict[str, AnswerValue]
    errors: dict[str, tuple[FieldError, ...]]
    unexpected_fields: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors and not self.unexpected_fields


def _clean_text(value: str) -> str:
    # Drop control characters (except line breaks and tabs) that a phone keyboard
    # never produces but a tampered request may; normalise line endings.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")).strip()


def visible_questions(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> set[str]:
    """Ids of the questions whose ``show_if`` holds for these answers (in order)."""
    visible: set[str] = set()
    for question in questionnaire.questions:
        condition = question.show_if
        if condition is None:
            visible.add(question.id)
            continue
        given = answers.get(condition.question)
        chosen = given if isinstance(given, tuple) else ()
        if condition.question in visible and set(chosen) & set(condition.any_of):
            visible.add(question.id)
    return visible


def _validate_ranking(question: Ranking, sent: Sequence[str]) -> tuple[Ranked | None, tuple[FieldError, ...]]:
    """One value per place, in the form's order, an empty one for a place left
    open: places are filled from the first on, each with a different option."""
    places = [value.strip() for value in sent]
    if len(places) > question.rank:
        return None, (FieldError("too_many_places", {"rank": question.rank}),)
    unknown = [v for v in places if v and v not in question.codes]
    if unknown:
        return None, (FieldError("unknown_option", {"value": unknown[0][:40]}),)
    chosen = [v for v in places if v]
    if not chosen:
        return None, ()
    for position, value in enumerate(places):
        if value and value in places[:position]:
            return None, (FieldError("ranked_twice", {"place": position + 1}),)
    filled = len(places) - places[::-1].index(chosen[-1])  # up to the last place chosen
    if "" in places[:filled]:
        return None, (FieldError("rank_gap", {"place": places.index("") + 1}),)
    return Ranked(chosen), ()


def _validate_one(question, values: Sequence[str]) -> tuple[AnswerValue | None, tuple[FieldError, ...]]:
    if isinstance(question, Ranking):
        return _validate_ranking(question, values)
    values = [v for v in values if v.strip() != ""]
    if not values:
        return None, ()
    if isinstance(question, FreeText):
        if len(values) > 1:
            return None, (FieldError("one_only"),)
        text = _clean_text(values[0])
        if len(text) > question.max_length:
            return text, (FieldError("too_long", {"max": question.max_length, "length": len(text)}),)
        return (text or None), ()
    if isinstance(question, Number):
        if len(values) > 1:
            return None, (FieldError("one_only"),)
        if not _INTEGER.match(values[0]):
            return None, (FieldError("not_a_number"),)
        number = int(values[0])
        if not question.min <= number <= question.max:
            return None, (FieldError("out_of_range", {"min": question.min, "max": question.max}),)
        return number, ()
    # A choice question.
    values = [v.strip() for v in values]
    if not isinstance(question, MultipleChoice) and len(values) > 1:
        return None, (FieldError("one_only"),)
    unknown = [v for v in values if v not in question.codes]
    if unknown:
        return None, (FieldError("unknown_option", {"value": unknown[0][:40]}),)
    if len(set(values)) != len(values):
        return None, (FieldError("duplicate_option"),)
    # Keep the questionnaire's order so equal answers are stored identically.
    return tuple(code for code in question.codes if code in values), ()


def validate_submission(
    questionnaire: Questionnaire,
    form: Mapping[str, Sequence[str]],
    *,
    ignored_fields: frozenset[str] = frozenset(),
) -> Submission:
    """Check every question; collect all errors at once so none is hidden."""
    known = {q.id for q in questionnaire.questions}
    unexpected = tuple(sorted(name[:60] for name in form if name not in known and name not in ignored_fields))
    answers: dict[str, AnswerValue] = {}
    errors: dict[str, tuple[FieldError, ...]] = {}
    for question in questionnaire.questions:
        value, problems = _validate_one(question, form.get(question.id, ()))
        if problems:
            errors[question.id] = problems
        elif value is not None:
            answers[question.id] = value

    # Answers to questions that the conditions hide are dropped, not stored:
    # without JavaScript every question is on the page, so a participant may
    # have filled one in before changing the answer it depends on.
    visible = visible_questions(questionnaire, answers)
    answers = {qid: value for qid, value in answers.items() if qid in visible}
    errors = {qid: problems for qid, problems in errors.items() if qid in visible}
    for question in questionnaire.questions:
        if question.required and question.id in visible and question.id not in answers and question.id not in errors:
            errors[question.id] = (FieldError("required"),)
    return Submission(answers, errors, unexpected)
