"""The builder's words: question types, denominators, and every message of
its forms and edits, in the coordinator's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.languages import NATIVE_NAMES
from app.questionnaires.builder.document import Use
from app.questionnaires.builder.entries import Message

QUESTION_TYPES = {
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
    "yes_no_dont_know": _l("Yes / no / don't know"),
    "likert": _l("Scale from 1 to 5"),
    "number": _l("Number"),
    "free_text": _l("Free text"),
    "ranking": _l("Ranking"),
}
DENOMINATORS = {
    "answered": _l("of those who answered the question"),
    "answered_excluding_dont_know": _l("of those who answered, without “don't know”"),
    "all_respondents": _l("of everyone who took part, whether they answered the question or not"),
}
COMPARISONS = {"at_least": _l("at least"), "at_most": _l("at most")}
SCALE_ANSWERS = {"yes": _l("Yes"), "no": _l("No"), "dont_know": _l("Don't know")}
TEMPLATES = {
    "blank": _l("Blank: a new questionnaire without questions"),
    "iv-1": _l("The IV.1 questionnaire of the network “Bildung und Migration”"),
}

_TEXTS = {
    # the forms' entries
    "too_long": _l("Please keep this to at most %(limit)s characters."),
    "unstorable": _l("This text contains a control character that cannot be stored."),
    "text_required_default": _l("Please write this text in %(language)s, the default language."),
    "text_needs_default": _l("A translation needs the text in %(language)s, the default language, too."),
    "number_required": _l("Please enter a whole number."),
    "whole_number": _l("Please enter a whole number, such as 0 or 12."),
    "number_range": _l("Please enter a number from %(low)s to %(high)s."),
    "unknown_type": _l("Please choose a question type."),
    "too_many_questions": _l("A questionnaire has at most %(limit)s questions."),
    "identifier": _l(
        "Please use lower-case letters a–z, digits and _, starting with a letter (at most 40 characters)."
    ),
    "breakdown_single_choice": _l("Only a single-choice question can break the report down."),
    "unknown_list": _l("Please choose the network's list of actor groups, or give the answers here."),
    "code": _l("Please use lower-case letters a–z, digits and _ (at most 40 characters)."),
    "duplicate_code": _l("Another answer already has the code %(code)s."),
    "too_many_options": _l("A question has at most %(limit)s answers."),
    "two_options": _l("A choice needs at least two answers."),
    "condition_one_question": _l("Please tick answers of one question only."),
    "success_required": _l("Please tick the answers that count as a success."),
    "success_one_question": _l("Please tick answers of one question only."),
    "choose_one": _l("Please choose one."),
    "target_range": _l("The target lies between 0 %% and 100 %%, not at either end."),
    "target_required": _l("Please enter the target as a percentage."),
    "target_number": _l("Please enter the target as a number, such as 60 or 62.5."),
    "questionnaire_id": _l("Please use lower-case letters a–z, digits and - (at most 40 characters), such as iv-2."),
    "title_required": _l("Please give the questionnaire a title."),
    # the edits
    "no_such_question": _l("This question is no longer there; the questionnaire was changed meanwhile."),
    "no_such_indicator": _l("This indicator is no longer there; the questionnaire was changed meanwhile."),
    "duplicate_question_id": _l("Another question already has the id %(id)s."),
    "duplicate_indicator_id": _l("Another indicator already has the id %(id)s."),
    "condition_not_earlier": _l(
        "A condition can only name an earlier question with answers to choose; %(id)s is not one."
    ),
    "condition_unknown_answer": _l("Question %(id)s has no answer %(code)s."),
    "answer_in_use": _l("An answer you removed or whose code changed is still used: %(uses)s. Change that first."),
    "question_in_use": _l("This question is still used: %(uses)s. Change or delete that first."),
    "move_above_condition": _l(
        "Question %(number)s is shown depending on question %(source)s, so it cannot come before it."
    ),
    "indicator_question": _l(
        "An indicator counts a question with one answer per person from fixed answers (single choice, "
        "yes / no / don't know, or a scale); %(id)s is not one."
    ),
    "no_dont_know": _l("Question %(id)s has no “don't know” answer to leave out; please choose another denominator."),
}


def describe_use(use: Use) -> str:
    if use.kind == "condition":
        return _("the condition of question %(number)s (%(id)s)", number=use.number, id=use.name)
    return _("indicator %(number)s (%(id)s)", number=use.number, id=use.name)


def text_of(reason: str, details: dict) -> str:
    """A message key with its details, in words."""
    details = dict(details)
    if "language" in details:
        details["language"] = NATIVE_NAMES.get(details["language"], details["language"])
    if "uses" in details:
        details["uses"] = "; ".join(describe_use(use) for use in details["uses"])
    return str(_TEXTS[reason]) % details


def message_text(message: Message) -> str:
    return text_of(message.key, message.details)
