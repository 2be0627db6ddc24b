"""XLSForm (ODK, KoboToolbox) to a Resonanz questionnaire draft.

Input: the sheets ``survey``, ``choices`` and ``settings`` as numbered rows
(column name -> cell value), and the names of the workbook's other sheets.
Output: the YAML text of a draft and a report that names, with its sheet and
row, everything not carried over, so nothing is dropped silently.

Headers are read case-insensitively; a text column may name its language in
any of the usual ways (``label``, ``label::English (en)``, ``label::en``,
``label:English``).  The default language is the form's ``default_language``
or, without one, the language its plain labels are written in.  Reading the
workbook itself happens outside the domain (app/questionnaires/workbook.py).

Each report entry is a code with its parameters (:class:`Note`): the CLI
prints it in English, the workspace in the coordinator's language.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from app.languages import NATIVE_NAMES, SUPPORTED_LANGUAGES
from app.questionnaires.model import CODE, IDENTIFIER, LIKERT_CODES, MAX_RANK, YES_NO_DONT_KNOW_CODES
from app.yaml_documents import N_

# Language columns are named in English, in the language itself, or with the code: label::Deutsch (de).
LANGUAGE_NAMES = {
    "english": "en",
    "german": "de",
    "deutsch": "de",
    "french": "fr",
    "francais": "fr",
    "turkish": "tr",
    "arabic": "ar",
    "russian": "ru",
    "ukrainian": "uk",
    "persian": "fa",
    "farsi": "fa",
    **{name.lower(): code for code, name in NATIVE_NAMES.items()},
    **{code: code for code in SUPPORTED_LANGUAGES},
}
TEXT_COLUMNS = ("label", "hint")
MEDIA_COLUMNS = ("image", "big-image", "audio", "video", "media")
_TEXT_COLUMN = re.compile(
    r"^(label|hint|constraint_message|required_message|image|big-image|audio|video|media)\b\s*(?:::?\s*(.*))?$"
)
_CODE_IN_NAME = re.compile(r"\(([A-Za-z]{2,3})\)\s*$")
_RELEVANT_TERM = re.compile(
    r"^\s*(?:\$\{(?P<q1>\w+)\}\s*=\s*['‘’](?P<c1>[^'‘’]*)['‘’]"
    r"|selected\(\s*\$\{(?P<q2>\w+)\}\s*,\s*['‘’](?P<c2>[^'‘’]*)['‘’]\s*\))\s*$"
)
_BOUND = re.compile(r"^\s*\.\s*(>=|<=|>|<)\s*(-?\d+)\s*$")
# The pyxform spellings of older forms: "select one from LIST", "… or specify other".
_OLD_SELECT = re.compile(r"^(select one|select all that apply) from (\S+)( or specify other)?$")
METADATA_TYPES = {
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
    "uri:deviceid",
    "uri:subscriberid",
    "uri:simserial",
    "uri:phonenumber",
    "uri:username",
    "uri:email",
    "start-geopoint",
    "background-audio",
}
TRUE = {"yes", "true", "1", "true()"}
DEFAULT_TEXT_LENGTH = 1000
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when installed: the same text, faster
# Columns a question takes (besides its texts); every other one with a value is reported.
QUESTION_COLUMNS = {"type", "name", "required", "relevant", "constraint"}
CHOICE_COLUMNS = {"list_name", "list name", "name"}
SETTINGS_CARRIED = {"form_title", "form_id", "version", "default_language"}


DUPLICATE = "\x00"  # marks a column name used again in one header: "label\x004"


def _plain(header: str) -> str:
    return header.split(DUPLICATE)[0].strip()


class SheetRow(NamedTuple):
    number: int  # the row's number in the sheet, for the report
    values: Mapping[str, Any]  # column name -> cell value


def _numbered(rows: Sequence[SheetRow | Mapping[str, Any]]) -> list[SheetRow]:
    """Rows as read from a workbook, or plain mappings (numbered from 2, below the header)."""
    return [row if isinstance(row, SheetRow) else SheetRow(i, row) for i, row in enumerate(rows, start=2)]


# --------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class Kind:
    code: str
    template: str


REPORT = {
    kind.code: kind
    for kind in (
        Kind("language_not_offered", N_("column '%(column)s': the language is not offered here; left out")),
        Kind("duplicate_column", N_("column '%(column)s' appears twice; the second is left out")),
        Kind("column", N_("column '%(column)s' (%(value)s) not carried over")),
        Kind(
            "media", N_("media column '%(column)s' (%(value)s) not carried over: the form shows no pictures or sound")
        ),
        Kind(
            "constraint_message",
            N_("constraint message '%(column)s' (%(value)s) not carried over, nor its constraint"),
        ),
        Kind("group", N_("group '%(name)s' (to row %(end)s) is flattened: its questions are kept, one after another")),
        Kind(
            "group_relevant",
            N_(
                "group '%(name)s' (to row %(end)s) is flattened, and its condition relevant '%(relevant)s' is "
                "not carried over: its questions are always shown"
            ),
        ),
        Kind(
            "repeat",
            N_(
                "repeat '%(name)s' (to row %(end)s): a questionnaire asks each question once, so the questions "
                "inside are kept once, not repeated"
            ),
        ),
        Kind("metadata", N_("type '%(type)s' records metadata about the person or device; left out")),
        Kind("note", N_("note '%(name)s' (a text without a question) is not supported; left out")),
        Kind("calculate", N_("calculation '%(name)s' (%(value)s) left out: the questionnaire calculates nothing")),
        Kind("type", N_("type '%(type)s' is not supported; question '%(name)s' left out")),
        Kind("choice_list", N_("choice list '%(list)s' not found; question '%(name)s' left out")),
        Kind(
            "or_other",
            N_(
                "'or_other' (an 'Other' answer with a text to fill in) is not carried over; "
                "the question keeps its listed answers"
            ),
        ),
        Kind("constraint", N_("constraint '%(value)s' not carried over")),
        Kind(
            "relevant",
            N_("relevant '%(value)s' is not a simple condition on one earlier question; left out (always shown)"),
        ),
        Kind("relevant_unknown", N_("relevant refers to '%(target)s', which is not an earlier question; left out")),
        Kind("renamed", N_("name '%(old)s' became '%(new)s'")),
        Kind("no_name", N_("the row has no name; the question is called '%(new)s'")),
        Kind("no_label", N_("no label in an offered language; its name is its text")),
        Kind("hint_without_default", N_("the hint has no text in the default language; left out")),
        Kind("no_header", N_("a cell in column %(column)s has no header; left out (%(value)s)")),
        Kind("whole_number", N_("type '%(type)s' becomes a whole number")),
        Kind(
            "rank_places",
            N_("ranks all its %(count)s choices; here participants fill the first %(rank)s places"),
        ),
        Kind("dont_know_added", N_('yes/no question gets a "don\'t know" answer as well')),
        Kind("choice_duplicate", N_("answer '%(code)s' appears twice in list '%(list)s'; the second is left out")),
        Kind("setting", N_("setting '%(column)s' (%(value)s) not carried over")),
        Kind("version", N_("setting 'version' (%(value)s) is not a whole number from 1; the draft is version 1")),
        Kind(
            "default_language",
            N_(
                "the default language '%(value)s' is not offered here; texts in it are left out and "
                "%(language)s becomes the default"
            ),
        ),
        Kind(
            "language_guessed",
            N_("the form names no default language; its plain labels are read as %(language)s"),
        ),
        Kind(
            "language_assumed",
            N_("the form names no default language and its labels do not tell; %(language)s is assumed"),
        ),
        Kind("sheet", N_("sheet '%(name)s' not carried over")),
        Kind(
            "mittlerziel",
            N_("set 'mittlerziel' (code and text) and add indicators: XLSForm has neither"),
        ),
    )
}


@dataclass(frozen=True)
class Note:
    """One thing not carried over, where it is in the workbook."""

    sheet: str
    row: int | None
    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def template(self) -> str:
        return REPORT[self.code].template

    def english(self) -> str:
        place = f"{self.sheet} row {self.row}" if self.row is not None else self.sheet
        return f"{place}: {self.template % dict(self.params)}"

    def as_json(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "code": self.code, "params": dict(self.params)}


@dataclass
class Conversion:
    source: str
    notes: list[Note] = field(default_factory=list)

    @property
    def unsupported(self) -> list[str]:
        """The report in English, a line per entry."""
        return [note.english() for note in self.notes]


class _Report:
    def __init__(self) -> None:
        self.notes: list[Note] = []

    def add(self, sheet: str, row: int | None, kind: str, **params) -> None:
        self.notes.append(Note(sheet, row, kind, tuple((k, _shown(v)) for k, v in params.items())))


def _shown(value: Any) -> Any:
    """A cell value for the report: text, cut short."""
    if isinstance(value, str):
        value = " ".join(value.split())
        return value if len(value) <= 80 else value[:79] + "…"
    return value


# --------------------------------------------------------------------------
# Columns and languages


def _language_of(suffix: str | None) -> str | None:
    """The language a column suffix or a ``default_language`` names, if it is one we offer."""
    if suffix is None:
        return None
    code = _CODE_IN_NAME.search(str(suffix))
    if code:
        return code.group(1).lower() if code.group(1).lower() in SUPPORTED_LANGUAGES else None
    return LANGUAGE_NAMES.get(str(suffix).strip().lower())


def _kind(column: str) -> str:
    """What a lower-cased column name is: label, hint, image, … (whatever its language), or itself."""
    match = _TEXT_COLUMN.match(column)
    return match.group(1) if match else column


class _Column(NamedTuple):
    header: str  # as written
    kind: str  # label, hint, constraint_message, …, or the lower-cased header
    suffix: str | None  # the language part as written, None for a plain column


def _columns(header: Sequence[str]) -> list[_Column]:
    columns = []
    for text in header:
        match = _TEXT_COLUMN.match(_plain(text).lower())
        if match:
            suffix = match.group(2)
            kind = match.group(1)
            if kind == "media" and suffix:  # media::audio::English
                kind, _sep, suffix = suffix.partition("::")
            columns.append(_Column(text, kind, suffix or None))
        else:
            columns.append(_Column(text, _plain(text).lower(), None))
    return columns


_STOPWORDS = {
    "en": {
        "the",
        "what",
        "is",
        "are",
        "you",
        "your",
        "how",
        "do",
        "of",
        "and",
        "have",
        "which",
        "many",
        "enter",
        "this",
        "that",
        "with",
        "for",
        "does",
        "did",
        "were",
        "there",
    },
    "de": {"der", "die", "das", "und", "sie", "ist", "wie", "was", "haben", "welche", "wir", "ihre", "nicht"},
    "fr": {"le", "la", "les", "et", "vous", "est", "quel", "quelle", "des", "une", "votre", "pas"},
    "tr": {"ve", "bir", "mi", "ne", "bu", "için", "nedir", "musunuz", "misiniz"},
}


def _guess_language(texts: Collection[str]) -> str | None:
    """The offered language a form's plain labels are written in, told by script and common words."""
    joined = " ".join(texts)
    if re.search(r"[پچژگ]", joined):
        return "fa"
    if re.search(r"[\u0600-\u06ff]", joined):
        return "ar"
    if re.search(r"[іїєґ]", joined, re.I):
        return "uk"
    if re.search(r"[\u0400-\u04ff]", joined):
        return "ru"
    words = re.findall(r"[^\W\d_]+", joined.lower())
    counts = {language: sum(word in common for word in words) for language, common in _STOPWORDS.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


# --------------------------------------------------------------------------
# Converting


def _identifier(name: str, report: _Report, sheet: str, row: int, *, pattern: str = IDENTIFIER) -> str:
    """``name`` as a question id (or, with ``pattern=CODE``, an option code,
    which may start with a digit)."""
    cleaned = re.sub(r"[^a-z0-9_]", "_", str(name).strip().lower())
    if not re.match(pattern, cleaned[:40] or "_"):
        cleaned = f"q_{cleaned}"
    cleaned = cleaned[:40]
    if cleaned != name:
        report.add(sheet, row, "renamed", old=name, new=cleaned)
    return cleaned


def _show_if(expression: str, known: set[str], report: _Report, row: int) -> dict | None:
    question, codes = None, []
    for term in re.split(r"\s+or\s+", expression.strip()):
        match = _RELEVANT_TERM.match(term)
        name = match and (match.group("q1") or match.group("q2"))
        if not match or (question is not None and name != question):
            report.add("survey", row, "relevant", value=expression)
            return None
        question = name
        codes.append(match.group("c1") if match.group("c1") is not None else match.group("c2"))
    question = question.lower()
    if question not in known:
        report.add("survey", row, "relevant_unknown", target=question)
        return None
    return {"question": question, "any_of": codes}


class _Sheet:
    """A sheet's rows with its columns understood: texts by language, the rest by lower-cased name."""

    def __init__(self, name: str, rows: list[SheetRow], header: Sequence[str], report: _Report):
        self.name = name
        self.rows = rows
        self.columns = _columns(header)
        seen: set[str] = set()
        self.duplicates: set[int] = set()
        for position, column in enumerate(self.columns):
            key = _plain(column.header).lower()
            if key and key in seen:
                self.duplicates.add(position)
                report.add(name, 1, "duplicate_column", column=_plain(column.header))
            seen.add(key)

    def values(self, row: SheetRow) -> dict[str, Any]:
        """The row's cells with a value by lower-cased column name (the first of duplicates)."""
        values: dict[str, Any] = {}
        for position, column in enumerate(self.columns):
            value = row.values.get(column.header)
            if position in self.duplicates or not _plain(column.header) or value in (None, ""):
                continue
            if isinstance(value, str) and not value.strip():
                continue
            values.setdefault(_plain(column.header).lower(), value)
        return values


def _read_sheet(name: str, rows: Sequence[SheetRow | Mapping[str, Any]], report: _Report) -> _Sheet:
    numbered = _numbered(rows)
    header: list[str] = []
    for row in numbered:
        for column in row.values:
            if column not in header and column != "":
                header.append(column)
    return _Sheet(name, numbered, header, report)


class _Texts:
    """Which text columns of a sheet carry which offered language."""

    def __init__(self, sheet: _Sheet, default: str, report: _Report):
        self.by_kind: dict[str, list[tuple[str, str]]] = {kind: [] for kind in TEXT_COLUMNS}
        for position, column in enumerate(sheet.columns):
            if column.kind not in TEXT_COLUMNS or position in sheet.duplicates:
                continue
            language = default if column.suffix is None else _language_of(column.suffix)
            if language is None:
                report.add(sheet.name, 1, "language_not_offered", column=_plain(column.header))
            elif not any(existing == language for _header, existing in self.by_kind[column.kind]):
                self.by_kind[column.kind].append((column.header, language))

    def of(self, row: SheetRow, kind: str) -> dict[str, str]:
        texts = {}
        for header, language in self.by_kind[kind]:
            value = row.values.get(header)
            if value not in (None, "") and str(value).strip():
                texts.setdefault(language, " ".join(str(value).split()))
        return texts


def _default_language(settings: Mapping[str, Any], survey: _Sheet, report: _Report) -> str:
    named = settings.get("default_language")
    offered = [
        _language_of(column.suffix)
        for column in survey.columns
        if column.kind == "label" and column.suffix is not None and _language_of(column.suffix)
    ]
    if named not in (None, ""):
        language = _language_of(named)
        if language:
            return language
        fallback = offered[0] if offered else "de"
        report.add("settings", 2, "default_language", value=named, language=fallback)
        return fallback
    plain = [column.header for column in survey.columns if column.kind == "label" and column.suffix is None]
    if not plain:
        return offered[0] if offered else "de"
    texts = [str(row.values.get(header)) for row in survey.rows for header in plain if row.values.get(header)]
    language = _guess_language(texts)
    if language:
        report.add("settings", None, "language_guessed", language=language)
        return language
    language = offered[0] if offered else "de"
    report.add("settings", None, "language_assumed", language=language)
    return language


def _settings(rows: Sequence[SheetRow | Mapping[str, Any]], report: _Report) -> dict[str, Any]:
    numbered = _numbered(rows)
    if not numbered:
        return {}
    values = {str(k).strip().lower(): v for k, v in numbered[0].values.items() if v not in (None, "")}
    for column, value in values.items():
        if column not in SETTINGS_CARRIED:
            report.add("settings", numbered[0].number, "setting", column=column, value=value)
    return values


def _parse_type(kind: str) -> tuple[str, str, bool]:
    """(base type, choice list, or_other) of a survey row's type."""
    kind = " ".join(kind.split())
    old = _OLD_SELECT.match(kind.lower())
    if old:
        base = "select_one" if old.group(1) == "select one" else "select_multiple"
        return base, old.group(2), bool(old.group(3))
    base, _sep, rest = kind.partition(" ")
    base = base.lower()
    other = False
    if rest.lower().endswith(" or_other"):
        rest, other = rest[: -len(" or_other")], True
    return base, rest.strip(), other


def _blocks(survey: _Sheet) -> dict[int, tuple[str, int]]:
    """Where each group, repeat or loop begins: row -> (kind, row of its end)."""
    ends: dict[int, tuple[str, int]] = {}
    stack: list[tuple[int, str]] = []
    for row in survey.rows:
        kind = " ".join(str(survey.values(row).get("type", "")).lower().replace("_", " ").split())
        if kind.startswith("begin "):
            stack.append((row.number, kind.split()[1]))
        elif kind.startswith("end ") and kind.split()[1] in ("group", "repeat", "loop") and stack:
            begun, block = stack.pop()
            ends[begun] = (block, row.number)
    for begun, block in stack:
        ends[begun] = (block, survey.rows[-1].number)
    return ends


def convert(
    sheets: Mapping[str, Sequence[SheetRow | Mapping[str, Any]]], other_sheets: Sequence[str] = ()
) -> Conversion:
    report = _Report()
    sheets = {str(name).strip().lower(): rows for name, rows in sheets.items()}
    settings = _settings(sheets.get("settings", []), report)
    survey = _read_sheet("survey", sheets.get("survey", []), report)
    choice_sheet = _read_sheet("choices", sheets.get("choices", []), report)
    default = _default_language(settings, survey, report)
    for name in other_sheets:
        report.add(name, None, "sheet", name=name)

    languages: list[str] = [default]
    choices: dict[str, list[dict]] = {}
    choice_texts = _Texts(choice_sheet, default, report)
    for row in choice_sheet.rows:
        values = choice_sheet.values(row)
        list_name, code = values.get("list_name") or values.get("list name"), values.get("name")
        if list_name in (None, "") or code in (None, ""):
            continue
        for column, value in values.items():
            kind = _kind(column)
            if column not in CHOICE_COLUMNS and kind not in TEXT_COLUMNS:
                media = kind in MEDIA_COLUMNS
                report.add("choices", row.number, "media" if media else "column", column=column, value=value)
        _report_unnamed(report, choice_sheet, row)
        label = choice_texts.of(row, "label")
        if not label:
            report.add("choices", row.number, "no_label")
            label = {default: str(code)}
        languages.extend(lang for lang in label if lang not in languages)
        option = {"code": _identifier(str(code), report, "choices", row.number, pattern=CODE), "label": label}
        listed = choices.setdefault(str(list_name).strip(), [])
        if any(existing["code"] == option["code"] for existing in listed):
            report.add("choices", row.number, "choice_duplicate", code=option["code"], list=str(list_name))
            continue
        listed.append(option)

    questions: list[dict] = []
    known: set[str] = set()
    texts = _Texts(survey, default, report)
    blocks = _blocks(survey)
    for row in survey.rows:
        values = survey.values(row)
        kind = str(values.get("type") or "").strip()
        if not kind:
            continue
        number = row.number
        name = values.get("name")
        base, list_name, or_other = _parse_type(kind)
        block_kind = " ".join(kind.lower().replace("_", " ").split())
        if block_kind.startswith("begin "):
            block, end = blocks.get(number, ("group", number))
            if block == "group":
                if values.get("relevant"):
                    report.add("survey", number, "group_relevant", name=name, end=end, relevant=values["relevant"])
                else:
                    report.add("survey", number, "group", name=name, end=end)
            else:
                report.add("survey", number, "repeat", name=name, end=end)
            _report_columns(report, number, values, {"type", "name", "relevant", "label", "hint"})
            continue
        if block_kind.startswith("end "):
            continue  # reported with its beginning
        if base in METADATA_TYPES or kind.lower() in METADATA_TYPES:
            report.add("survey", number, "metadata", type=kind)
            continue
        if base == "note":
            report.add("survey", number, "note", name=name)
            continue
        if base == "calculate":
            report.add("survey", number, "calculate", name=name, value=values.get("calculation", ""))
            continue
        if name in (None, ""):
            identifier = f"q{number}"
            report.add("survey", number, "no_name", new=identifier)
        else:
            identifier = _identifier(str(name), report, "survey", number)
        question: dict[str, Any] = {}
        carried = set(QUESTION_COLUMNS)
        if base == "rank":
            # An XLSForm rank orders every choice; a ranking here asks for the first places, at most MAX_RANK.
            options = choices.get(list_name)
            if not options:
                report.add("survey", number, "choice_list", list=list_name, name=name)
                continue
            question.update(type="ranking", options=options, rank=min(len(options), MAX_RANK))
            if len(options) > MAX_RANK:
                report.add("survey", number, "rank_places", count=len(options), rank=MAX_RANK)
        elif base in ("select_one", "select_multiple"):
            options = choices.get(list_name)
            if not options:
                report.add("survey", number, "choice_list", list=list_name, name=name)
                continue
            if or_other:
                report.add("survey", number, "or_other")
            codes = tuple(option["code"] for option in options)
            if base == "select_one" and set(codes) <= set(YES_NO_DONT_KNOW_CODES) and {"yes", "no"} <= set(codes):
                question["type"] = "yes_no_dont_know"
                if set(codes) != set(YES_NO_DONT_KNOW_CODES):
                    report.add("survey", number, "dont_know_added")
            elif base == "select_one" and codes == LIKERT_CODES:
                question["type"] = "likert"
                question["labels"] = [option["label"] for option in options]
            else:
                question["type"] = "single_choice" if base == "select_one" else "multiple_choice"
                question["options"] = options
        elif base in ("integer", "decimal", "range"):
            question.update(type="number", min=0, max=1_000_000)
            if base != "integer":
                report.add("survey", number, "whole_number", type=base)
            for bound in str(values.get("constraint") or "").split(" and "):
                match = _BOUND.match(bound)
                if match:
                    operator, value = match.group(1), int(match.group(2))
                    key = "min" if operator.startswith(">") else "max"
                    question[key] = value + (1 if operator == ">" else -1 if operator == "<" else 0)
                elif bound.strip():
                    report.add("survey", number, "constraint", value=bound.strip())
        elif base == "text":
            question.update(type="free_text", max_length=DEFAULT_TEXT_LENGTH)
            if values.get("constraint"):
                report.add("survey", number, "constraint", value=values["constraint"])
        else:
            report.add("survey", number, "type", type=kind, name=name)
            continue
        if question["type"] not in ("number", "free_text") and values.get("constraint"):
            report.add("survey", number, "constraint", value=values["constraint"])
        order: dict[str, Any] = {"id": identifier, "type": question.pop("type")}
        if str(values.get("required") or "").strip().lower() in TRUE:
            order["required"] = True
        text = texts.of(row, "label")
        languages.extend(lang for lang in text if lang not in languages)
        if not text:
            report.add("survey", number, "no_label")
        order["text"] = text or {default: identifier}
        hint = texts.of(row, "hint")
        if hint and default not in hint:
            report.add("survey", number, "hint_without_default")
        elif hint:
            order["help"] = hint
            languages.extend(lang for lang in hint if lang not in languages)
        if values.get("relevant"):
            condition = _show_if(str(values["relevant"]), known, report, number)
            if condition:
                order["show_if"] = condition
        _report_columns(report, number, values, carried)
        _report_unnamed(report, survey, row)
        order.update(question)
        questions.append(order)
        known.add(identifier)

    title = {default: str(settings.get("form_title") or "Import")}
    version = settings.get("version")
    whole = isinstance(version, int) and not isinstance(version, bool) and 1 <= version < 2**31
    if isinstance(version, str) and version.strip().isdigit() and 1 <= int(version) < 2**31:
        version, whole = int(version), True
    if version not in (None, "") and not whole:
        report.add("settings", 2, "version", value=version)
    document = {
        "id": _identifier(str(settings.get("form_id") or "import"), report, "settings", 2).replace("_", "-"),
        "version": version if whole else 1,
        "mittlerziel": {"code": "?", "text": dict(title)},
        "languages": languages,
        "title": title,
        "questions": questions,
    }
    report.add("settings", None, "mittlerziel")
    source = "# Imported from XLSForm; see the import report.\n" + yaml.dump(
        document, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100
    )
    return Conversion(source, report.notes)


def _column_letters(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _report_unnamed(report: _Report, sheet: _Sheet, row: SheetRow) -> None:
    """Cells under no header: nothing says what they are."""
    for header, value in row.values.items():
        if not _plain(header) and DUPLICATE in header and value not in (None, ""):
            report.add(
                sheet.name,
                row.number,
                "no_header",
                column=_column_letters(int(header.split(DUPLICATE)[1])),
                value=value,
            )


def _report_columns(report: _Report, row: int, values: Mapping[str, Any], carried: Collection[str]) -> None:
    """Every column of a survey row with a value that the draft does not carry."""
    for column, value in values.items():
        kind = _kind(column)
        if column in carried or kind in TEXT_COLUMNS:
            continue
        if kind in MEDIA_COLUMNS:
            report.add("survey", row, "media", column=column, value=value)
        elif kind in ("constraint_message", "required_message"):
            report.add("survey", row, "constraint_message", column=column, value=value)
        else:
            report.add("survey", row, "column", column=column, value=value)
