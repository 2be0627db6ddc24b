"""A questionnaire's problems in the coordinator's words and language.

The model reports each problem as a code, its parameters and its location
(app/yaml_documents.py, app/questionnaires/model.py); the CLI prints them in
English as ``FILE:LINE: path: message``.  Here a location such as
``questions[2].options[1].label.en`` becomes "Question 3 “Where do you work?”,
answer 2" and the message is translated, so anything that shows a check's
result to people (the YAML editor, the builder) says the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from babel import Locale
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from app.languages import SUPPORTED_LANGUAGES
from app.questionnaires.xlsform import REPORT
from app.workbooks import ENGLISH as REFUSALS
from app.workbooks import Refusal
from app.yaml_documents import (
    LANGUAGE_NOT_LISTED,
    MISSING_DEFAULT_TEXT,
    MISSING_TRANSLATION,
    Problem,
)

# Messages about a text in one language say which language themselves.
_ABOUT_A_LANGUAGE = {MISSING_TRANSLATION.code, MISSING_DEFAULT_TEXT.code, LANGUAGE_NOT_LISTED.code}


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Englisch")."""
    if code not in SUPPORTED_LANGUAGES:
        return str(code)
    return Locale.parse(code).get_display_name(get_locale()) or code


def _number(value) -> str:
    return format_decimal(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _key(key: str) -> str:
    """A key of the format as people call it; the keys without a name are shown as they are written."""
    names = {
        "text": _("question text"),
        "help": _("help text"),
        "show_if": _("condition (show_if)"),
        "title": _("title"),
        "intro": _("introduction"),
        "mittlerziel": _("Mittlerziel"),
        "languages": _("languages"),
        "version": _("version number"),
        "label": _("label"),
        "first_question": _("first question"),
        "section_pages": _("one section per page"),
    }
    return names.get(key, key)


Subjects = Mapping[tuple[str, int], Mapping[str, str]]


def _subject(subjects: Subjects, kind: str, index: int) -> str | None:
    """A question's or indicator's text in the reader's language, else in the questionnaire's first."""
    texts = subjects.get((kind, index)) or {}
    return texts.get(str(get_locale())) or next(iter(texts.values()), None)


def location_words(location: tuple, subjects: Subjects, *, with_language: bool = True) -> str:
    """Where a problem is, for people: question and answer by number (from 1) and text."""
    parts: list[str] = []
    rest = list(location)
    if len(rest) >= 2 and rest[0] in ("questions", "indicators") and isinstance(rest[1], int):
        kind, index = rest[0], rest[1]
        text = _subject(subjects, kind, index)
        if kind == "questions":
            parts.append(
                _("Question %(number)s “%(text)s”", number=index + 1, text=text)
                if text
                else _("Question %(number)s", number=index + 1)
            )
        else:
            parts.append(
                _("Indicator %(number)s “%(text)s”", number=index + 1, text=text)
                if text
                else _("Indicator %(number)s", number=index + 1)
            )
        rest = rest[2:]
    elif len(rest) >= 2 and rest[0] == "sections" and isinstance(rest[1], int):
        parts.append(_("Section %(number)s", number=rest[1] + 1))
        rest = rest[2:]
    elif rest == ["id"]:
        return _("questionnaire id")
    while rest:
        key = rest.pop(0)
        if key == "options" and rest and isinstance(rest[0], int):
            parts.append(_("answer %(number)s", number=rest.pop(0) + 1))
            if rest and rest[0] == "label":
                rest.pop(0)
        elif key == "labels" and rest and isinstance(rest[0], int):
            parts.append(_("scale point %(number)s", number=rest.pop(0) + 1))
        elif isinstance(key, int):
            parts.append(_("entry %(number)s", number=key + 1))
        elif not rest and key in SUPPORTED_LANGUAGES:
            if with_language:
                parts.append(language_name(key))
        elif key == "text" and location[:1] == ("questions",) and not parts[1:]:
            parts.append(_("question text"))
        elif key == "text":
            parts.append(_("text"))
        else:
            parts.append(_key(str(key)))
    return ", ".join(parts)


def message_words(problem: Problem) -> str:
    """The problem's message in the reader's language; a problem without a
    template (a document that has no translated messages yet) keeps its English."""
    if not problem.template:
        return problem.message
    params = {name: language_name(value) if name == "language" else _number(value) for name, value in problem.params}
    return _(problem.template, **params)


def describe(problem: Problem, subjects: Subjects) -> str:
    """The problem as one sentence: where, then what."""
    where = location_words(problem.location, subjects, with_language=problem.code not in _ABOUT_A_LANGUAGE)
    what = message_words(problem)
    if problem.code == MISSING_TRANSLATION.code:
        what = _("no text in %(language)s", language=language_name(problem.arguments.get("language", "")))
    elif problem.code == MISSING_DEFAULT_TEXT.code:
        what = _(
            "no text in %(language)s, the default language",
            language=language_name(problem.arguments.get("language", "")),
        )
    return f"{where}: {what}" if where else what[:1].upper() + what[1:]


def refusal_words(refusal: Refusal) -> str:
    """Why an uploaded workbook was not read, in the reader's language."""
    params = {name: _number(value) for name, value in refusal.params.items()}
    return _(REFUSALS[refusal.code], **params)


def import_report_words(stored: str | None) -> list[str]:
    """An XLSForm import's report, stored with its draft as codes and
    parameters, in the reader's language: one line per thing not carried over."""
    if not stored:
        return []
    try:
        notes = json.loads(stored)
    except ValueError:
        return stored.splitlines()  # a report stored as text, before reports were stored as codes
    lines = []
    for note in notes if isinstance(notes, list) else ():
        kind = REPORT.get(note.get("code")) if isinstance(note, dict) else None
        if kind is None:
            continue
        params = {
            name: language_name(value) if name == "language" else _number(value)
            for name, value in (note.get("params") or {}).items()
        }
        what = _(kind.template, **params)
        row, sheet = note.get("row"), note.get("sheet", "")
        where = _("%(sheet)s, row %(row)s", sheet=sheet, row=row) if row is not None else sheet
        lines.append(f"{where}: {what}")
    return lines
