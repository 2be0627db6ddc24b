"""The paper questionnaire: a version printed in one of its languages, for
those who answer without a phone.

It shows every question type as paper can (tick boxes, a box per digit, lines
for free text) and turns ``show_if`` into a plain instruction.  It carries the
meeting's name and date, and nothing that tells one sheet from another: no
number, no code.  The keys printed beside the boxes are the ones the
data-entry screen takes (app/meetings/paper_entry.py).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app import printing
from app.languages import direction, pick
from app.questionnaires.model import FreeText, Likert, MultipleChoice, Number, Questionnaire, Ranking, YesNoDontKnow

# The keys that pick options on the data-entry screen, in order: digits first.
OPTION_KEYS = "123456789" + string.ascii_lowercase


class LanguageNotOffered(Exception):
    """The questionnaire has no text in this language."""


def option_labels(question, language: str, default: str) -> list[tuple[str, str]]:
    """(code, label) of a choice question's answers in ``language``; call under its locale."""
    if isinstance(question, YesNoDontKnow):
        labels = {"yes": _("Yes"), "no": _("No"), "dont_know": _("Don't know")}
        return [(code, labels[code]) for code in question.codes]
    if isinstance(question, Likert):
        return [(code, pick(label, language, default).text) for code, label in zip(question.codes, question.labels)]
    return [(option.code, pick(option.label, language, default).text) for option in question.options]


@dataclass(frozen=True)
class PaperQuestion:
    number: int
    id: str
    kind: str  # tick_one | tick_any | rank (a box for the place number beside each item) | digits | lines
    text: str
    help: str
    options: tuple[tuple[str, str, str], ...] = ()  # (key, code, label)
    digits: int = 0
    lines: int = 0
    instruction: str = ""  # when the question is to be answered, from show_if
    scale: bool = False
    section: str = ""  # the title of the section that begins with it


def paper_questions(questionnaire: Questionnaire, language: str) -> list[PaperQuestion]:
    """The questions as printed in ``language``; call under its locale."""
    default = questionnaire.default_language
    numbers = {question.id: n for n, question in enumerate(questionnaire.questions, start=1)}
    sections = {part.questions[0].id: part.title for part in questionnaire.parts if part.title}
    printed = []
    for question in questionnaire.questions:
        text = pick(question.text, language, default).text
        help_text = pick(question.help, language, default).text if question.help else ""
        instruction = _show_if_instruction(questionnaire, question, numbers, language)
        section = pick(sections[question.id], language, default).text if question.id in sections else ""
        common = {
            "number": numbers[question.id],
            "id": question.id,
            "text": text,
            "instruction": instruction,
            "section": section,
        }
        if isinstance(question, Number):
            hint = _("A whole number from %(min)s to %(max)s.", min=question.min, max=question.max)
            digits = max(len(str(question.min)), len(str(question.max)))
            printed.append(
                PaperQuestion(**common, kind="digits", help=" ".join(filter(None, (help_text, hint))), digits=digits)
            )
        elif isinstance(question, FreeText):
            lines = min(8, max(3, question.max_length // 90))
            printed.append(PaperQuestion(**common, kind="lines", help=help_text, lines=lines))
        else:
            labelled = option_labels(question, language, default)
            options = tuple((key, code, label) for key, (code, label) in zip(OPTION_KEYS, labelled))
            if isinstance(question, Ranking):
                kind = "rank"
                hint = _(
                    "Write 1 in the box of the most important, 2 beside the next, and so on up to %(rank)s.",
                    rank=question.rank,
                )
            elif isinstance(question, MultipleChoice):
                kind, hint = "tick_any", _("Tick all that apply.")
            else:
                kind, hint = "tick_one", _("Tick one box.")
            printed.append(
                PaperQuestion(
                    **common,
                    kind=kind,
                    help=" ".join(filter(None, (help_text, hint))),
                    options=options,
                    scale=isinstance(question, Likert),
                )
            )
    return printed


def _show_if_instruction(questionnaire, question, numbers, language: str) -> str:
    if question.show_if is None:
        return ""
    target = questionnaire.question(question.show_if.question)
    labels = dict(option_labels(target, language, questionnaire.default_language))
    answers = " / ".join(labels[code] for code in question.show_if.any_of)
    return _("Only if you answered “%(answers)s” to question %(number)s.", answers=answers, number=numbers[target.id])


def paper_html(questionnaire: Questionnaire, language: str, meeting=None) -> str:
    """The document of the paper questionnaire (for the PDF, or the browser's print)."""
    if language not in questionnaire.languages:
        raise LanguageNotOffered(language)
    with force_locale(language):
        return render_template(
            "questionnaires/paper_document.html",
            language=language,
            direction=direction(language),
            title=pick(questionnaire.title, language, questionnaire.default_language).text,
            meeting=meeting,
            questions=paper_questions(questionnaire, language),
        )


def paper_pdf(questionnaire: Questionnaire, language: str, meeting=None) -> bytes:
    return printing.pdf_of(paper_html(questionnaire, language, meeting))
