"""XLSForm (KoboToolbox, ODK) to a Resonanz questionnaire draft.

Input: the sheets ``survey``, ``choices`` and ``settings`` as lists of rows
(column name -> cell value).  Output: the YAML text of a draft and a report of
everything that could not be carried over, so nothing is dropped silently.
Reading the workbook itself happens outside the domain (app/importers.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from app.languages import NATIVE_NAMES, SUPPORTED_LANGUAGES
from app.questionnaires.model import CODE, IDENTIFIER, LIKERT_CODES, YES_NO_DONT_KNOW_CODES

# Language columns are named in English, in the language itself, or with the code: label::Deutsch (de).
LANGUAGE_NAMES = {
    "english": "en",
    "german": "de",
    "french": "fr",
    "francais": "fr",
    "turkish": "tr",
    "arabic": "ar",
    "russian": "ru",
    "ukrainian": "uk",
    "persian": "fa",
    "farsi": "fa",
    **{name.lower(): code for code, name in NATIVE_NAMES.items()},
}
_COLUMN = re.compile(r"^(label|hint)(?:::(.+))?$")
_CODE_IN_NAME = re.compile(r"\(([a-z]{2})\)\s*$")
_RELEVANT_TERM = re.compile(
    r"^\s*(?:\$\{(?P<q1>\w+)\}\s*=\s*'(?P<c1>[^']*)'|selected\(\s*\$\{(?P<q2>\w+)\}\s*,\s*'(?P<c2>[^']*)'\s*\))\s*$"
)
_BOUND = re.compile(r"^\s*\.\s*(>=|<=|>|<)\s*(-?\d+)\s*$")
GROUP_TYPES = {"begin group", "end group", "begin_group", "end_group"}
SKIPPED_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
} | GROUP_TYPES
TRUE = {"yes", "true", "1", "true()"}
DEFAULT_TEXT_LENGTH = 1000
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when installed: the same text, faster


class SheetRow(NamedTuple):
    number: int  # the row's number in the sheet, for the report
    values: Mapping[str, Any]  # column name -> cell value


def _numbered(rows: Sequence[SheetRow | Mapping[str, Any]]) -> list[SheetRow]:
    """Rows as read from a workbook, or plain mappings (numbered from 2, below the header)."""
    return [row if isinstance(row, SheetRow) else SheetRow(i, row) for i, row in enumerate(rows, start=2)]


@dataclass
class Conversion:
    source: str
    unsupported: list[str] = field(default_factory=list)


def _language_of(suffix: str | None, default: str) -> str | None:
    if not suffix:
        return default
    code = _CODE_IN_NAME.search(suffix)
    if code:
        return code.group(1) if code.group(1) in SUPPORTED_LANGUAGES else None
    return LANGUAGE_NAMES.get(suffix.strip().lower())


def _text_columns(
    rows: Sequence[Mapping[str, Any]], default: str, report: list[str], sheet: str
) -> dict[str, list[tuple[str, str]]]:
    """A sheet's label and hint columns with their languages, read once from its
    header; a column in a language we do not offer is reported once."""
    columns: dict[str, list[tuple[str, str]]] = {"label": [], "hint": []}
    for column in dict.fromkeys(column for row in rows for column in row.values):
        match = _COLUMN.match(str(column))
        if not match:
            continue
        language = _language_of(match.group(2), default)
        if language is None:
            report.append(f"{sheet}: column {column!r}: language not supported; left out")
        else:
            columns[match.group(1)].append((column, language))
    return columns


def _texts(row: Mapping[str, Any], columns: list[tuple[str, str]]) -> dict[str, str]:
    return {language: str(row[column]).strip() for column, language in columns if row.get(column) not in (None, "")}


def _identifier(name: str, report: list[str], where: str, *, pattern: str = IDENTIFIER) -> str:
    """``name`` as a question id (or, with ``pattern=CODE``, an option code,
    which may start with a digit)."""
    cleaned = re.sub(r"[^a-z0-9_]", "_", str(name).strip().lower())
    if not re.match(pattern, cleaned[:40] or "_"):
        cleaned = f"q_{cleaned}"
    cleaned = cleaned[:40]
    if cleaned != name:
        report.append(f"{where}: name {name!r} became {cleaned!r}")
    return cleaned


def _show_if(expression: str, known: set[str], report: list[str], where: str) -> dict | None:
    question, codes = None, []
    for term in re.split(r"\s+or\s+", expression.strip()):
        match = _RELEVANT_TERM.match(term)
        name = match and (match.group("q1") or match.group("q2"))
        if not match or (question is not None and name != question):
            report.append(
                f"{where}: relevant {expression!r} is not a simple condition on one question; "
                "left out (the question is always shown)"
            )
            return None
        question = name
        codes.append(match.group("c1") if match.group("c1") is not None else match.group("c2"))
    question = question.lower()
    if question not in known:
        report.append(f"{where}: relevant refers to {question!r}, which is not an earlier question; left out")
        return None
    return {"question": question, "any_of": codes}


def convert(sheets: Mapping[str, Sequence[Mapping[str, Any]]]) -> Conversion:
    report: list[str] = []
    sheets = {name: _numbered(rows) for name, rows in sheets.items()}
    settings = dict(sheets["settings"][0].values) if sheets.get("settings") else {}
    default = _language_of(settings.get("default_language"), "de") or "de"
    choices: dict[str, list[dict]] = {}
    languages: list[str] = [default]
    choice_columns = _text_columns(sheets.get("choices", []), default, report, "choices")
    for number, row in sheets.get("choices", []):
        list_name = row.get("list_name") or row.get("list name")
        if not list_name or row.get("name") in (None, ""):
            continue
        label = _texts(row, choice_columns["label"])
        languages.extend(lang for lang in label if lang not in languages)
        choices.setdefault(str(list_name), []).append(
            {"code": _identifier(str(row["name"]), report, f"choices row {number}", pattern=CODE), "label": label}
        )

    questions: list[dict] = []
    known: set[str] = set()
    survey_columns = _text_columns(sheets.get("survey", []), default, report, "survey")
    for number, row in sheets.get("survey", []):
        kind = str(row.get("type") or "").strip()
        name = row.get("name")
        where = f"survey row {number}"
        if not kind:
            continue
        base, _, list_name = kind.partition(" ")
        if kind in GROUP_TYPES:
            report.append(f"{where}: groups are flattened")
            continue
        if kind in SKIPPED_TYPES or base in SKIPPED_TYPES:
            report.append(f"{where}: type {kind!r} records metadata about the person or device; left out")
            continue
        question: dict[str, Any] = {"id": _identifier(str(name or f"q{number}"), report, where)}
        text = _texts(row, survey_columns["label"])
        languages.extend(lang for lang in text if lang not in languages)
        if base in ("select_one", "select_multiple"):
            options = choices.get(list_name.strip())
            if not options:
                report.append(f"{where}: choice list {list_name!r} not found; question left out")
                continue
            codes = tuple(option["code"] for option in options)
            if base == "select_one" and set(codes) <= set(YES_NO_DONT_KNOW_CODES) and {"yes", "no"} <= set(codes):
                question["type"] = "yes_no_dont_know"
                if set(codes) != set(YES_NO_DONT_KNOW_CODES):
                    report.append(f'{where}: yes/no question gets a "don\'t know" answer as well')
            elif base == "select_one" and codes == LIKERT_CODES:
                question["type"] = "likert"
                question["labels"] = [option["label"] for option in options]
            else:
                question["type"] = "single_choice" if base == "select_one" else "multiple_choice"
                question["options"] = options
        elif base in ("integer", "decimal", "range"):
            question.update(type="number", min=0, max=1_000_000)
            if base != "integer":
                report.append(f"{where}: type {base!r} becomes a whole number")
            for bound in str(row.get("constraint") or "").split(" and "):
                match = _BOUND.match(bound)
                if match:
                    operator, value = match.group(1), int(match.group(2))
                    key = "min" if operator.startswith(">") else "max"
                    question[key] = value + (1 if operator == ">" else -1 if operator == "<" else 0)
                elif bound.strip():
                    report.append(f"{where}: constraint {bound.strip()!r} not carried over")
        elif base == "text":
            question.update(type="free_text", max_length=DEFAULT_TEXT_LENGTH)
        else:
            report.append(f"{where}: type {kind!r} is not supported; question left out")
            continue
        order = {"id": question.pop("id"), "type": question.pop("type")}
        if str(row.get("required") or "").strip().lower() in TRUE:
            order["required"] = True
        order["text"] = text or {default: order["id"]}
        hint = _texts(row, survey_columns["hint"])
        if hint:
            order["help"] = hint
        if row.get("relevant"):
            condition = _show_if(str(row["relevant"]), known, report, where)
            if condition:
                order["show_if"] = condition
        for column in ("constraint_message", "calculation", "choice_filter", "repeat_count", "default"):
            if row.get(column):
                report.append(f"{where}: column {column!r} not carried over")
        order.update(question)
        questions.append(order)
        known.add(order["id"])

    title = {default: str(settings.get("form_title") or "Import")}
    version = settings.get("version")
    document = {
        "id": _identifier(str(settings.get("form_id") or "import"), report, "settings form_id").replace("_", "-"),
        "version": int(version) if str(version or "").isdigit() and int(version) > 0 else 1,
        "mittlerziel": {"code": "?", "text": dict(title)},
        "languages": languages,
        "title": title,
        "questions": questions,
    }
    report.append("settings: set 'mittlerziel' (code and text) and add indicators: XLSForm has neither")
    source = "# Imported from XLSForm; see the import report.\n" + yaml.dump(
        document, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100
    )
    return Conversion(source, report)
