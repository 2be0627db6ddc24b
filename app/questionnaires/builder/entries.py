"""The builder's forms, both ways: the entries a form shows for a part of the
questionnaire document (:func:`question_entries`, …), and the part read back
from what a coordinator sent (:func:`read_question`, …), with every mistake
named by its field.

One representation serves both, so showing a question and sending the form
back unchanged gives the same question (tested over every questionnaire in
the repository and over generated ones).  Messages are keys with details;
the views word them in the coordinator's language.  Plain Python: no framework.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.languages import SUPPORTED_LANGUAGES
from app.questionnaires.builder import document
from app.questionnaires.builder.document import OPTION_TYPES, OPTIONS_FROM, QUESTION_TYPES, Settings
from app.questionnaires.model import MAX_RANK

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CODE = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
QUESTIONNAIRE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
TEXT_LENGTH = 2000
MAX_OPTIONS = 200
MAX_QUESTIONS = 500
MAX_VERSION = 2**31 - 1
MAX_NUMBER = 2**31 - 1  # a number question's bounds: what the database's integer column holds
MAX_FREE_TEXT = 5000
DENOMINATORS = ("answered", "answered_excluding_dont_know", "all_respondents")
COMPARISONS = ("at_least", "at_most")
BLANK_OPTION_ROWS = 3
# Characters a text cannot hold: NUL (PostgreSQL refuses it) and the other
# control characters YAML does not allow.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Entries:
    """A form's entries by name, each a list of values (as a browser sends
    repeated names); ``get`` gives the first, stripped of surrounding space."""

    def __init__(self, values: Mapping[str, Iterable[str]] | None = None):
        self._values = {
            name: [str(v) for v in (vs if isinstance(vs, list | tuple) else [vs])]
            for name, vs in (values or {}).items()
        }

    def get(self, name: str) -> str:
        values = self._values.get(name)
        return values[0].strip() if values else ""

    def text(self, name: str) -> str:
        """A text as typed (line breaks as ``\\n``); blank when only spaces."""
        values = self._values.get(name)
        value = values[0].replace("\r\n", "\n") if values else ""
        return value if value.strip() else ""

    def getlist(self, name: str) -> list[str]:
        return self._values.get(name, [])

    def has(self, name: str, value: str = "y") -> bool:
        return value in self._values.get(name, [])

    def set(self, name: str, value) -> None:
        if value is None or value == "" or value is False:
            self._values.pop(name, None)
        elif value is True:
            self._values[name] = ["y"]
        elif isinstance(value, list | tuple):
            self._values[name] = [str(v) for v in value]
        else:
            self._values[name] = [str(value)]

    def as_dict(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self._values.items()}


@dataclass(frozen=True)
class Message:
    key: str
    details: dict = field(default_factory=dict)


@dataclass
class Read:
    """What a form gave: the value when every entry is right, else the errors by field."""

    value: object = None
    errors: dict[str, Message] = field(default_factory=dict)

    def error(self, name: str, key: str, **details) -> None:
        self.errors.setdefault(name, Message(key, details))


def _text_entries(entries: Entries, prefix: str, text, languages: Iterable[str]) -> None:
    for code in languages:
        entries.set(f"{prefix}-{code}", (text or {}).get(code))


def _read_text(entries: Entries, read: Read, prefix: str, languages: list[str], *, required: bool) -> dict[str, str]:
    """A text in every language of the questionnaire; the default one first and,
    when ``required``, present."""
    text = {}
    for code in languages:
        name = f"{prefix}-{code}"
        value = entries.text(name)
        if not value:
            continue
        if len(value) > TEXT_LENGTH:
            read.error(name, "too_long", limit=TEXT_LENGTH)
        elif _UNSTORABLE.search(value):
            read.error(name, "unstorable")
        text[code] = value
    if required and languages[0] not in text:
        name = f"{prefix}-{languages[0]}"
        read.error(name, "text_required_default", language=languages[0])
    elif not required and text and languages[0] not in text:
        read.error(f"{prefix}-{languages[0]}", "text_needs_default", language=languages[0])
    return text


def _read_whole(entries: Entries, read: Read, name: str, low: int, high: int) -> int | None:
    value = entries.get(name)
    if not value:
        read.error(name, "number_required")
        return None
    if not re.fullmatch(r"[+-]?\d{1,12}", value):
        read.error(name, "whole_number")
        return None
    number = int(value)
    if not low <= number <= high:
        read.error(name, "number_range", low=low, high=high)
        return None
    return number


# --------------------------------------------------------------------------
# Questions


def question_entries(
    question: dict, languages: list[str], *, blank_rows: int = BLANK_OPTION_ROWS, section: dict | None = None
) -> Entries:
    """The entries of the question form, as shown for ``question`` (and the
    ``section`` that begins with it)."""
    entries = Entries()
    if section is not None:
        entries.set("begins_section", True)
        _text_entries(entries, "section_title", section.get("title"), languages)
    entries.set("was", question.get("id", ""))
    entries.set("id", question.get("id", ""))
    entries.set("type", question.get("type", ""))
    _text_entries(entries, "text", question.get("text"), languages)
    _text_entries(entries, "help", question.get("help"), languages)
    for flag in ("required", "quasi_identifier", "breakdown"):
        entries.set(flag, bool(question.get(flag)))
    kind = question.get("type")
    if kind == "ranking":
        entries.set("rank", str(question["rank"]) if isinstance(question.get("rank"), int) else "")
    if kind in OPTION_TYPES:
        entries.set("options_from", question.get("options_from") or "")
        options = question.get("options", [])
        for n, option in enumerate(options):
            entries.set(f"option-{n}-code", option.get("code", ""))
            entries.set(f"option-{n}-was", option.get("code", ""))
            _text_entries(entries, f"option-{n}-label", option.get("label"), languages)
        entries.set("options-count", len(options) + blank_rows)
    elif kind == "likert":
        for k, label in enumerate(question.get("labels", [])[:5], start=1):
            _text_entries(entries, f"label-{k}", label, languages)
    elif kind == "number":
        for key in ("min", "max"):
            if isinstance(question.get(key), int):
                entries.set(key, str(question[key]))
    elif kind == "free_text":
        if isinstance(question.get("max_length"), int):
            entries.set("max_length", str(question["max_length"]))
    condition = question.get("show_if")
    if condition:
        entries.set("show_if", [f"{condition.get('question')}:{code}" for code in condition.get("any_of", [])])
    return entries


def option_rows(entries: Entries) -> int:
    """How many option rows the form shows: those sent, and at least the blank ones."""
    count = entries.get("options-count")
    rows = int(count) if count.isdigit() else 0
    return max(min(rows, MAX_OPTIONS + BLANK_OPTION_ROWS), BLANK_OPTION_ROWS)


@dataclass(frozen=True)
class QuestionEdit:
    question: dict
    renamed_codes: dict[str, str]
    section_title: dict[str, str] | None = None  # of the section that begins with it; None: none does


def read_question(entries: Entries, data: dict, index: int | None, kind: str | None = None) -> Read:
    """The question a coordinator sent, for the question at ``index`` of ``data``
    (None: a new one, of type ``kind``), as a :class:`QuestionEdit`.

    Keys the form does not show stay as they were; a blank code is made from
    the option's label, a blank id from the question's text."""
    read = Read()
    languages = document.languages(data)
    listed = document.questions(data)
    old = listed[index] if index is not None else {}
    kind = old.get("type", kind) if index is not None else kind
    if kind not in QUESTION_TYPES:
        read.error("type", "unknown_type")
        return read
    if index is None and len(listed) >= MAX_QUESTIONS:
        read.error("type", "too_many_questions", limit=MAX_QUESTIONS)
        return read
    question = {key: value for key, value in old.items() if key not in _QUESTION_FORM_KEYS}
    text = _read_text(entries, read, "text", languages, required=True)
    wanted_id = entries.get("id")
    if wanted_id and not IDENTIFIER.match(wanted_id):
        read.error("id", "identifier")
    question_id = wanted_id or document.new_question_id(data, text.get(languages[0], ""), ignore=index)
    question["id"] = question_id
    question["type"] = kind
    for flag in ("required", "quasi_identifier", "breakdown"):
        if entries.has(flag):
            question[flag] = True
        elif flag in old and old[flag] is False:
            question[flag] = False  # written out as it was
    if question.get("breakdown") and kind != "single_choice":
        read.error("breakdown", "breakdown_single_choice")
    condition = _read_condition(entries, read, data, index)
    if condition:
        question["show_if"] = condition
    question["text"] = _kept_text(old.get("text"), text, languages)
    help_text = _read_text(entries, read, "help", languages, required=False)
    help_text = _kept_text(old.get("help"), help_text, languages)
    if help_text:
        question["help"] = help_text
    renamed: dict[str, str] = {}
    if kind == "ranking":
        question["rank"] = _read_whole(entries, read, "rank", 1, MAX_RANK)
    if kind in OPTION_TYPES:
        if entries.get("options_from"):
            if entries.get("options_from") != OPTIONS_FROM[kind]:
                read.error("options_from", "unknown_list")
            question["options_from"] = OPTIONS_FROM[kind]
        else:
            question["options"], renamed = _read_options(entries, read, languages, old.get("options", []))
    elif kind == "likert":
        old_labels = old.get("labels", [])
        question["labels"] = []
        for k in range(1, 6):
            label = _read_text(entries, read, f"label-{k}", languages, required=True)
            kept = old_labels[k - 1] if k <= len(old_labels) else None
            question["labels"].append(_kept_text(kept, label, languages))
    elif kind == "number":
        low = _read_whole(entries, read, "min", -MAX_NUMBER, MAX_NUMBER)
        high = _read_whole(entries, read, "max", -MAX_NUMBER, MAX_NUMBER)
        if low is not None and high is not None and low > high:
            read.error("max", "max_below_min")
        question["min"], question["max"] = low, high
    elif kind == "free_text":
        question["max_length"] = _read_whole(entries, read, "max_length", 1, MAX_FREE_TEXT)
    section_title = None
    if entries.has("begins_section"):
        old_section = document.section_beginning(data, old.get("id", "")) or {}
        title = _read_text(entries, read, "section_title", languages, required=True)
        section_title = _kept_text(old_section.get("title"), title, languages)
    if not read.errors:
        read.value = QuestionEdit(question, renamed, section_title)
    return read


_QUESTION_FORM_KEYS = {
    "id",
    "type",
    "text",
    "help",
    "required",
    "quasi_identifier",
    "breakdown",
    "show_if",
    "options",
    "options_from",
    "labels",
    "min",
    "max",
    "max_length",
    "rank",
}


def _kept_text(old, new: dict[str, str], languages: list[str]) -> dict[str, str]:
    """The form's text, with texts in languages the questionnaire does not list kept."""
    kept = {code: value for code, value in (old or {}).items() if code not in languages}
    return {**new, **kept}


def _read_options(entries: Entries, read: Read, languages: list[str], old_options: list[dict]):
    """The option rows: blank rows skipped, removed ones dropped, codes made from
    labels where left blank; at least two, and no code twice."""
    options, renamed, codes = [], {}, []
    old_labels = {o.get("code"): o.get("label") for o in old_options}
    rows = option_rows(entries)
    for n in range(rows):
        prefix = f"option-{n}"
        label = _read_text(entries, read, f"{prefix}-label", languages, required=False)
        code = entries.get(f"{prefix}-code")
        was = entries.get(f"{prefix}-was")
        if entries.has(f"{prefix}-remove") or (not label and not code):
            continue
        if not label:
            read.error(f"{prefix}-label-{languages[0]}", "text_required_default", language=languages[0])
            continue
        if code and not CODE.match(code):
            read.error(f"{prefix}-code", "code")
            continue
        if not code:
            code = document.unique_code(
                document.slug(label.get(languages[0], "")), codes, fallback=f"option_{len(codes) + 1}"
            )
        elif code in codes:
            read.error(f"{prefix}-code", "duplicate_code", code=code)
            continue
        codes.append(code)
        if was and was != code:
            renamed[was] = code
        options.append({"code": code, "label": _kept_text(old_labels.get(was or code), label, languages)})
    if len(options) > MAX_OPTIONS:
        read.error("option-0-code", "too_many_options", limit=MAX_OPTIONS)
    elif len(options) < 2:
        read.error("option-0-code", "two_options")
    return options, renamed


def condition_choices(data: dict, index: int | None) -> list[tuple[dict, int]]:
    """The questions a condition may name: earlier ones with answer codes, with
    their positions."""
    end = len(document.questions(data)) if index is None else index
    return [(q, i) for i, q in enumerate(document.questions(data)[:end]) if document.has_answers(q)]


def _read_condition(entries: Entries, read: Read, data: dict, index: int | None) -> dict | None:
    picked = entries.getlist("show_if")
    if not picked:
        return None
    pairs = [value.partition(":") for value in picked]
    sources = {source for source, _sep, _code in pairs}
    if len(sources) != 1:
        read.error("show_if", "condition_one_question")
        return None
    source = sources.pop()
    allowed = {q.get("id"): q for q, _i in condition_choices(data, index)}
    if source not in allowed:
        read.error("show_if", "condition_not_earlier", id=source)
        return None
    codes = [code for _source, _sep, code in pairs]
    offered = document.codes_of(allowed[source])
    unknown = [code for code in codes if offered and code not in offered]
    if unknown:
        read.error("show_if", "condition_unknown_answer", id=source, code=unknown[0])
        return None
    return {"question": source, "any_of": codes}


# --------------------------------------------------------------------------
# Indicators


def indicator_entries(indicator: dict, languages: list[str]) -> Entries:
    entries = Entries()
    entries.set("was", indicator.get("id", ""))
    entries.set("id", indicator.get("id", ""))
    _text_entries(entries, "text", indicator.get("text"), languages)
    entries.set("success", [f"{indicator.get('question')}:{code}" for code in indicator.get("success", [])])
    entries.set("denominator", indicator.get("denominator", ""))
    entries.set("target", document.percent(indicator.get("target")))
    entries.set("comparison", indicator.get("comparison", "at_least"))
    entries.set("goal", indicator.get("goal") or "")
    return entries


def indicator_choices(data: dict) -> list[tuple[dict, int]]:
    """The questions an indicator may count: one answer per person, with codes."""
    return [
        (q, i)
        for i, q in enumerate(document.questions(data))
        if document.counts_one_answer(q) and document.has_answers(q)
    ]


def read_indicator(entries: Entries, data: dict, index: int | None) -> Read:
    """The indicator a coordinator sent, as a dict."""
    read = Read()
    languages = document.languages(data)
    old = document.indicators(data)[index] if index is not None else {}
    indicator = {key: value for key, value in old.items() if key not in _INDICATOR_FORM_KEYS}
    text = _read_text(entries, read, "text", languages, required=True)
    picked = entries.getlist("success")
    sources = {value.partition(":")[0] for value in picked}
    question = None
    if not picked:
        read.error("success", "success_required")
    elif len(sources) != 1:
        read.error("success", "success_one_question")
    else:
        source = sources.pop()
        choices = {q.get("id"): q for q, _i in indicator_choices(data)}
        if source not in choices:
            read.error("success", "indicator_question", id=source)
        else:
            question = choices[source]
            offered = document.codes_of(question)
            codes = [value.partition(":")[2] for value in picked]
            unknown = [code for code in codes if offered and code not in offered]
            if unknown:
                read.error("success", "condition_unknown_answer", id=source, code=unknown[0])
            indicator["question"] = source
            indicator["success"] = codes
    wanted_id = entries.get("id")
    if wanted_id and not IDENTIFIER.match(wanted_id):
        read.error("id", "identifier")
    indicator["id"] = wanted_id or document.new_indicator_id(
        data, question.get("id", "") if question else "", ignore=index
    )
    denominator = entries.get("denominator")
    if denominator not in DENOMINATORS:
        read.error("denominator", "choose_one")
    elif (
        denominator == "answered_excluding_dont_know"
        and question is not None
        and not question.get("options_from")
        and document.DONT_KNOW not in document.codes_of(question)
    ):
        read.error("denominator", "no_dont_know", id=question.get("id"))
    indicator["denominator"] = denominator
    target = entries.get("target")
    try:
        indicator["target"] = document.share(target)
        if not 0 < indicator["target"] < 1:
            read.error("target", "target_range")
    except (ArithmeticError, ValueError):
        read.error("target", "target_required" if not target else "target_number")
    comparison = entries.get("comparison")
    if comparison not in COMPARISONS:
        read.error("comparison", "choose_one")
    indicator["comparison"] = comparison
    goal = entries.get("goal")
    if goal:
        if len(goal) > 20:
            read.error("goal", "too_long", limit=20)
        indicator["goal"] = goal
    indicator["text"] = _kept_text(old.get("text"), text, languages)
    if not read.errors:
        read.value = indicator
    return read


_INDICATOR_FORM_KEYS = {"id", "question", "success", "denominator", "target", "comparison", "goal", "text"}


# --------------------------------------------------------------------------
# Settings


def settings_entries(data: dict) -> Entries:
    entries = Entries()
    languages = document.languages(data)
    entries.set("id", data.get("id", ""))
    entries.set("version", data.get("version", ""))
    mittlerziel = data.get("mittlerziel") or {}
    entries.set("mittlerziel", mittlerziel.get("code", ""))
    _text_entries(entries, "mittlerziel_text", mittlerziel.get("text"), languages)
    entries.set("default_language", languages[0])
    entries.set("languages", languages)
    _text_entries(entries, "title", data.get("title"), languages)
    _text_entries(entries, "intro", data.get("intro"), languages)
    entries.set("section_pages", bool(data.get("section_pages")))
    return entries


def read_settings(entries: Entries, data: dict, strategy_texts: Mapping[str, dict] | None = None) -> Read:
    """The settings a coordinator sent.  ``strategy_texts``: the strategy's
    Mittlerziele by code; a Mittlerziel text left blank is taken from there."""
    read = Read()
    default = entries.get("default_language")
    if default not in SUPPORTED_LANGUAGES:
        read.error("default_language", "choose_one")
        default = document.default_language(data)
    picked = [code for code in entries.getlist("languages") if code in SUPPORTED_LANGUAGES]
    # The order the document had, new languages after, the default first.
    ordered = [code for code in document.languages(data) if code in picked]
    ordered += [code for code in SUPPORTED_LANGUAGES if code in picked and code not in ordered]
    languages = [default] + [code for code in ordered if code != default]
    # The texts are read in the languages the form showed (the document's),
    # plus a new default language.
    shown = list(dict.fromkeys([default, *document.languages(data)]))
    questionnaire_id = entries.get("id")
    if not QUESTIONNAIRE_ID.match(questionnaire_id):
        read.error("id", "questionnaire_id")
    version = _read_whole(entries, read, "version", 1, MAX_VERSION)
    code = entries.get("mittlerziel")
    if not code:
        read.error("mittlerziel", "choose_one")
    elif len(code) > 20:
        read.error("mittlerziel", "too_long", limit=20)
    mittlerziel_text = _read_text(entries, read, "mittlerziel_text", shown, required=False)
    taken = (strategy_texts or {}).get(code)
    changed = code != (data.get("mittlerziel") or {}).get("code")
    if taken and (changed or not mittlerziel_text.get(default)):
        mittlerziel_text = {lang: text for lang, text in taken.items() if lang in languages}
    if not mittlerziel_text.get(default):
        read.error(f"mittlerziel_text-{default}", "text_required_default", language=default)
    title = _read_text(entries, read, "title", shown, required=True)
    intro = _read_text(entries, read, "intro", shown, required=False)
    if not read.errors:
        section_pages = entries.has("section_pages")
        read.value = Settings(questionnaire_id, version, code, mittlerziel_text, languages, title, intro, section_pages)
    return read


def read_start(entries: Entries, templates: Iterable[str]) -> Read:
    """The start form: a template, the new questionnaire's id and title
    (the title only for a blank one)."""
    read = Read()
    template = entries.get("template")
    if template not in templates:
        read.error("template", "choose_one")
    questionnaire_id = entries.get("id")
    if not QUESTIONNAIRE_ID.match(questionnaire_id):
        read.error("id", "questionnaire_id")
    title = entries.get("title")
    if template == "blank" and not title:
        read.error("title", "title_required")
    elif len(title) > TEXT_LENGTH:
        read.error("title", "too_long", limit=TEXT_LENGTH)
    elif _UNSTORABLE.search(title):
        read.error("title", "unstorable")
    default = entries.get("default_language") or "de"
    if default not in SUPPORTED_LANGUAGES:
        read.error("default_language", "choose_one")
    if not read.errors:
        read.value = {"template": template, "id": questionnaire_id, "title": title, "default_language": default}
    return read
