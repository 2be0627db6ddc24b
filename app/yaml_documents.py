"""Declarative YAML documents (questionnaires, the network's strategy): read
them with the line of every path, and report each problem as
``FILE:LINE: path: message``.

The documents' models are pydantic v2 (frozen, ``extra="forbid"``); this
module turns YAML syntax errors, duplicate keys, pydantic's validation errors
and missing translations into :class:`Problem` objects that point at the line
to edit.  Plain Python: no framework.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.languages import SUPPORTED_LANGUAGES, LanguageCode

IDENTIFIER = r"^[a-z][a-z0-9_]{0,39}$"
CODE = r"^[a-z0-9][a-z0-9_]{0,39}$"  # an answer code: may start with a digit
KEY = r"^[a-z0-9][a-z0-9-]{0,39}$"  # a questionnaire's id: words joined by hyphens

# The longest text in any language: a title, question, answer or goal is at
# most a few sentences; an introduction or a help text may be a paragraph.
MAX_TEXT = 1000
MAX_LONG_TEXT = 5000
Text = dict[LanguageCode, Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]]
LongText = dict[LanguageCode, Annotated[str, Field(min_length=1, max_length=MAX_LONG_TEXT)]]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Document(Frozen):
    """A whole document, stored as its canonical JSON."""

    def canonical_json(self) -> str:
        """A stable serialisation: equal definitions give equal strings."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)

    @cached_property
    def fingerprint(self) -> str:
        """Identifies the definition's content; equal content, equal fingerprint."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


def N_(template: str) -> str:
    """Marks a message template for translation: the CLI prints it in English,
    the workspace translates it (``gettext(template) % params``)."""
    return template


@dataclass(frozen=True)
class Message:
    """What went wrong, as a code the code can test and an English template with ``%(name)s`` parameters."""

    code: str
    template: str


@dataclass(frozen=True)
class Problem:
    """One problem of a document: where (line, path) and what (a :class:`Message`
    and its parameters).  ``message`` is the English sentence the CLI prints."""

    line: int
    path: str
    message: str
    warning: bool = False
    code: str = ""
    template: str = ""
    params: tuple[tuple[str, object], ...] = ()
    location: tuple[str | int, ...] = ()

    @classmethod
    def of(cls, line: int, location: Path, what: Message, *, warning: bool = False, **params) -> Problem:
        return cls(
            line,
            format_path(location),
            what.template % params if params else what.template,
            warning,
            what.code,
            what.template,
            tuple(params.items()),
            tuple(location),
        )

    @classmethod
    def at(cls, lines: Lines, location: Path, what: Message, *, warning: bool = False, **params) -> Problem:
        """The problem at ``location``, on the line where it (or its nearest parent) starts."""
        return cls.of(line_for(lines, location), location, what, warning=warning, **params)

    @property
    def arguments(self) -> dict:
        return dict(self.params)

    def format(self, filename: str) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{filename}:{self.line}: {self.path}: {prefix}{self.message}"

    def as_error(self) -> Problem:
        return replace(self, warning=False)


class Checked:
    """What a check found, split into errors and warnings (missing translations)."""

    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.warning)


class DocumentError(ValueError):
    """Raised by the parsers with every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.line}: {p.path}: {p.message}" for p in problems))


def accepted(result: Checked, document, *, strict: bool):
    """``document``, the one ``result`` checked, or :class:`DocumentError` with
    every error (and, when ``strict``, every missing translation)."""
    problems = [p for p in result.problems if strict or not p.warning]
    if problems or document is None:
        raise DocumentError(problems)
    return document


Path = tuple[str | int, ...]
Lines = dict[Path, int]
ROOT = "(document)"


def format_path(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or ROOT


# --------------------------------------------------------------------------
# What can go wrong in any document


EMPTY = Message("empty", N_("the document is empty"))
NOT_A_MAPPING = Message("not_a_mapping", N_("the document must be a mapping of keys"))
TOO_LARGE = Message("too_large", N_("the document is larger than %(limit)s bytes"))
TOO_MANY_ENTRIES = Message(
    "too_many_entries",
    N_("the document has more than %(limit)s entries, counting each repetition by an alias (*name)"),
)
TOO_DEEP = Message("too_deep", N_("the document nests more than %(limit)s levels deep"))
SELF_REFERENCE = Message("self_reference", N_("the alias *%(anchor)s refers to the part that contains it"))
YAML_SYNTAX = Message("yaml_syntax", N_("YAML syntax error: %(problem)s"))
YAML_TAB = Message(
    "yaml_tab", N_("YAML syntax error: a tab character; YAML indents with spaces only, so replace the tab by spaces")
)
YAML_COLON = Message(
    "yaml_colon",
    N_(
        "YAML syntax error: a colon followed by a space starts a new key, so either a text holds a colon "
        '(put the whole text in quotes, e.g. de: "Hinweis: bitte …") or the line is indented further than '
        "the entries beside it"
    ),
)
YAML_INDENTATION = Message(
    "yaml_indentation",
    N_(
        "YAML syntax error: the indentation does not fit (%(problem)s); the entries of one list or mapping "
        "must start in the same column, and a text over several lines needs quotes"
    ),
)
KEY_NOT_A_WORD = Message("key_not_a_word", N_("a key must be a word, not a list or a mapping"))
DUPLICATE_KEY = Message("duplicate_key", N_("duplicate key '%(key)s'"))
UNKNOWN_KEY = Message("unknown_key", N_("unknown key"))
MISSING_KEY = Message("missing_key", N_("required key is missing"))
NOT_TEXT = Message("not_text", N_("must be text"))
BOOLEAN_NOT_TEXT = Message(
    "boolean_not_text",
    N_('must be text; YAML reads unquoted yes/no/on/off as true/false, so write "yes" in quotes'),
)
NUMBER_NOT_TEXT = Message("number_not_text", N_('must be text; YAML reads %(value)s as a number, so write "%(value)s"'))
ONE_OF = Message("one_of", N_("must be one of %(expected)s"))
IDENTIFIER_PATTERN = Message(
    "identifier_pattern",
    N_("must start with a lower-case letter and use only a-z, 0-9 and _ (at most 40 characters)"),
)
CODE_PATTERN = Message(
    "code_pattern", N_("must start with a lower-case letter or a digit and use only a-z, 0-9 and _ (at most 40)")
)
KEY_PATTERN = Message("key_pattern", N_("must use only a-z, 0-9 and - (at most 40 characters)"))
UNKNOWN_LANGUAGE = Message("unknown_language", N_("unknown language '%(language)s' (supported: %(supported)s)"))
COMMA_IN_BRACES = Message(
    "comma_in_braces",
    N_(
        "'%(word)s' was read as a language: inside { } a comma separates the entries, "
        'so a text with a comma needs quotes, e.g. {de: "teils, teils"}'
    ),
)
TEXT_TOO_LONG = Message("text_too_long", N_("is too long: at most %(limit)s characters"))
TOO_MANY_ITEMS = Message("too_many_items", N_("has too many entries: at most %(limit)s"))
TOO_FEW_ITEMS = Message("too_few_items", N_("needs at least %(limit)s entries"))
TEXT_EMPTY = Message("text_empty", N_("must not be empty"))
AT_LEAST = Message("at_least", N_("must be at least %(limit)s"))
AT_MOST = Message("at_most", N_("must be at most %(limit)s"))
ABOVE = Message("above", N_("must be greater than %(limit)s"))
BELOW = Message("below", N_("must be less than %(limit)s"))
NOT_WHOLE_NUMBER = Message("not_whole_number", N_("must be a whole number"))
NOT_NUMBER = Message("not_number", N_("must be a number"))
NOT_BOOLEAN = Message("not_boolean", N_("must be true or false"))
NOT_LIST = Message("not_list", N_("must be a list"))
NOT_MAPPING = Message("not_mapping", N_("must be a mapping of keys"))
LANGUAGE_TWICE = Message("language_twice", N_("a language is listed twice"))
LANGUAGE_NOT_LISTED = Message("language_not_listed", N_("language '%(language)s' is not listed in 'languages'"))
MISSING_DEFAULT_TEXT = Message("missing_default_text", N_("missing text in the default language"))
MISSING_TRANSLATION = Message("missing_translation", N_("missing translation"))
INVALID = Message("invalid", N_("%(detail)s"))  # a check that has no message of its own (English only)


class _Unreadable(Exception):
    def __init__(self, line: int, path: Path, what: Message, **params):
        self.problem = Problem.of(line, path, what, **params)


# A questionnaire has a few thousand entries, nested five deep, in some 50 KB.
# Past these bounds a document is refused before it is expanded: anchors and
# aliases let a few lines stand for billions of entries ("billion laughs"),
# and deep nesting would exhaust the stack.
MAX_SOURCE_BYTES = 1_000_000
MAX_ENTRIES = 100_000
MAX_DEPTH = 50

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: the same results, faster


def _screen(source: str) -> None:
    """Walk the YAML events (a flat stream: neither nesting nor aliases are
    expanded) and refuse what would be too deep or expand too far: each alias
    counts as the entries of the part it repeats."""
    expanded = 0  # entries of the document with every alias expanded, so far
    open_collections: list[tuple[str | None, int]] = []  # (anchor, ``expanded`` at its start)
    sizes: dict[str, int] = {}  # anchor -> its part's expanded entries
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _start in open_collections):
                raise _Unreadable(event.start_mark.line + 1, (), SELF_REFERENCE, anchor=event.anchor)
            expanded += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            open_collections.append((event.anchor, expanded))
            expanded += 1
            if len(open_collections) > MAX_DEPTH:
                raise _Unreadable(event.start_mark.line + 1, (), TOO_DEEP, limit=MAX_DEPTH)
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, start = open_collections.pop()
            if anchor:
                sizes[anchor] = expanded - start
        if expanded > MAX_ENTRIES:
            raise _Unreadable(event.start_mark.line + 1, (), TOO_MANY_ENTRIES, limit=f"{MAX_ENTRIES:,}")


def _line_map(root: yaml.Node) -> Lines:
    """Map every path in the document to the 1-based line where it starts."""
    lines: Lines = {}
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    while stack:  # iterative, and bounded by _screen's limits
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Unreadable(line, path, KEY_NOT_A_WORD)
                key = key_node.value
                if key in seen:
                    raise _Unreadable(line, path + (key,), DUPLICATE_KEY, key=key)
                seen.add(key)
                lines[path + (key,)] = line
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (index,)) for index, item in enumerate(node.value))
    return lines


def line_for(lines: Lines, path: Path) -> int:
    # A missing key has no line of its own: point at its nearest existing parent.
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


_INDENTATION_PROBLEMS = (
    "did not find expected key",
    "expected <block end>",
    "did not find expected '-' indicator",
    "could not find expected ':'",
    "bad indentation",
)


def _syntax_problem(source: str, line: int, problem: str) -> Problem:
    """A YAML syntax error, with a sentence on the usual pitfalls behind it."""
    near = source.splitlines()[max(line - 2, 0) : line]
    if "\t" in "".join(near) or "'\\t'" in problem:
        return Problem.of(line, (), YAML_TAB)
    if "maximum nesting depth" in problem:  # libyaml's own bound, met before ours in flow style
        return Problem.of(line, (), TOO_DEEP, limit=MAX_DEPTH)
    if problem.startswith("mapping values are not allowed"):
        return Problem.of(line, (), YAML_COLON)
    if any(problem.startswith(start) for start in _INDENTATION_PROBLEMS):
        return Problem.of(line, (), YAML_INDENTATION, problem=problem)
    return Problem.of(line, (), YAML_SYNTAX, problem=problem)


UNREADABLE_FILE = Message("unreadable_file", N_("the file cannot be read (%(detail)s)"))
A_WORKBOOK = Message(
    "a_workbook",
    N_(
        "this is a spreadsheet, not a YAML file; an XLSForm becomes a questionnaire with "
        "'flask questionnaires import-xlsform FILE.xlsx --out FILE.yaml'"
    ),
)
NOT_UTF8 = Message("not_utf8", N_("the file is not UTF-8 text (byte %(position)s)"))
_ZIP_SIGNATURE = b"PK\x03\x04"


def read_source_file(path: pathlib.Path) -> str | Problem:
    """A document's text from a file, or why it is none: too large, a
    spreadsheet, not UTF-8, not readable."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        return Problem.of(1, (), UNREADABLE_FILE, detail=exc.strerror or exc.__class__.__name__)
    if data.startswith(_ZIP_SIGNATURE) or path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        return Problem.of(1, (), A_WORKBOOK)
    if len(data) > MAX_SOURCE_BYTES:
        return Problem.of(1, (), TOO_LARGE, limit=f"{MAX_SOURCE_BYTES:,}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem.of(data.count(b"\n", 0, exc.start) + 1, (), NOT_UTF8, position=exc.start)


def read_mapping(source: str) -> tuple[dict, Lines] | Problem:
    """The document as a mapping with the line of every path, or the one
    problem that keeps it from being read at all.  Never raises for bad
    input, whatever its size, nesting or aliases."""
    if len(source) > MAX_SOURCE_BYTES or len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        return Problem.of(1, (), TOO_LARGE, limit=f"{MAX_SOURCE_BYTES:,}")
    try:
        _screen(source)
        loader = _Loader(source)
        try:
            root = loader.get_single_node()
            if root is None:
                return Problem.of(1, (), EMPTY)
            lines = _line_map(root)
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return _syntax_problem(source, line, str(exc.problem))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        return Problem.of(source.count("\n", 0, exc.position) + 1, (), YAML_SYNTAX, problem=exc.reason)
    except yaml.YAMLError as exc:  # libyaml reports some errors without a mark
        return Problem.of(1, (), YAML_SYNTAX, problem=str(exc))
    except _Unreadable as exc:
        return exc.problem
    if not isinstance(data, dict):
        return Problem.of(1, (), NOT_A_MAPPING)
    return data, lines


Describe = Callable[[dict], tuple[Message, dict]]


def _not_text(error: dict) -> tuple[Message, dict]:
    value = error.get("input")
    if isinstance(value, bool):
        return BOOLEAN_NOT_TEXT, {}
    if isinstance(value, int | float):
        return NUMBER_NOT_TEXT, {"value": value}
    return NOT_TEXT, {}


def _pattern(error: dict) -> tuple[Message, dict]:
    pattern = error["ctx"]["pattern"]
    known = {IDENTIFIER: IDENTIFIER_PATTERN, CODE: CODE_PATTERN, KEY: KEY_PATTERN}
    return (known[pattern], {}) if pattern in known else (INVALID, {"detail": f"does not match {pattern}"})


def _value_error(error: dict) -> tuple[Message, dict]:
    detail = str(error["ctx"]["error"])
    return (LANGUAGE_TWICE, {}) if detail == LANGUAGE_TWICE.template else (INVALID, {"detail": detail})


def _limit(what: Message, key: str) -> Describe:
    return lambda error: (what, {"limit": error["ctx"][key]})


_MESSAGES: dict[str, Describe] = {
    "extra_forbidden": lambda e: (UNKNOWN_KEY, {}),
    "missing": lambda e: (MISSING_KEY, {}),
    "string_type": _not_text,
    "literal_error": lambda e: (ONE_OF, {"expected": e["ctx"]["expected"]}),
    "value_error": _value_error,
    "string_pattern_mismatch": _pattern,
    "string_too_long": _limit(TEXT_TOO_LONG, "max_length"),
    "string_too_short": lambda e: (TEXT_EMPTY, {}),
    "too_long": _limit(TOO_MANY_ITEMS, "max_length"),
    "too_short": _limit(TOO_FEW_ITEMS, "min_length"),
    "greater_than_equal": _limit(AT_LEAST, "ge"),
    "less_than_equal": _limit(AT_MOST, "le"),
    "greater_than": _limit(ABOVE, "gt"),
    "less_than": _limit(BELOW, "lt"),
    "int_type": lambda e: (NOT_WHOLE_NUMBER, {}),
    "int_parsing": lambda e: (NOT_WHOLE_NUMBER, {}),
    "int_from_float": lambda e: (NOT_WHOLE_NUMBER, {}),
    "float_type": lambda e: (NOT_NUMBER, {}),
    "float_parsing": lambda e: (NOT_NUMBER, {}),
    "finite_number": lambda e: (NOT_NUMBER, {}),
    "bool_type": lambda e: (NOT_BOOLEAN, {}),
    "bool_parsing": lambda e: (NOT_BOOLEAN, {}),
    "tuple_type": lambda e: (NOT_LIST, {}),
    "list_type": lambda e: (NOT_LIST, {}),
    "dict_type": lambda e: (NOT_MAPPING, {}),
    "model_type": lambda e: (NOT_MAPPING, {}),
    "model_attributes_type": lambda e: (NOT_MAPPING, {}),
}


def pydantic_problems(
    error: ValidationError,
    lines: Lines,
    *,
    messages: Mapping[str, Describe] | None = None,
    tags: Collection[str] = (),
) -> list[Problem]:
    """Each validation error at its path and line, in words.  ``messages``
    adds or replaces descriptions by pydantic error type; ``tags`` are the
    discriminators of tagged unions, which pydantic puts into locations."""
    describe_by_type = {**_MESSAGES, **(messages or {})}
    problems = []
    items = error.errors()
    item_locs = [item["loc"] for item in items]
    # A key read as a language whose value is empty: the tail of an unquoted
    # text with a comma inside { } (``{de: teils, teils}``).
    valueless = {item["loc"] for item in items if item["input"] is None and item["type"] == "string_type"}
    unknown_keys = {item["loc"][:-1] for item in items if item["loc"] and item["loc"][-1] == "[key]"}
    for item in items:
        if item["loc"] in unknown_keys and item["loc"] in valueless:
            continue  # reported with its key below
        # "too short" after an item was rejected only repeats that item's error.
        if item["type"] == "too_short" and any(
            loc[: len(item["loc"])] == item["loc"] and loc != item["loc"] for loc in item_locs
        ):
            continue
        # pydantic adds the union member's tag and '[key]' markers to locations;
        # they are not part of the document's own path.
        path = tuple(part for part in item["loc"] if part != "[key]" and not (isinstance(part, str) and part in tags))
        describe = describe_by_type.get(item["type"])
        what, params = describe(item) if describe else (INVALID, {"detail": item["msg"][0].lower() + item["msg"][1:]})
        if item["loc"] and item["loc"][-1] == "[key]":
            language = path[-1]
            if item["loc"][:-1] in valueless:
                what, params = COMMA_IN_BRACES, {"word": language}
            else:
                what, params = UNKNOWN_LANGUAGE, {"language": language, "supported": ", ".join(SUPPORTED_LANGUAGES)}
        problems.append(Problem.at(lines, path, what, **params))
    return problems


def text_problems(texts: Iterable[tuple[Path, dict]], languages: tuple[str, ...], lines: Lines) -> list[Problem]:
    """The rules for texts in several languages: only listed languages, the
    default (first) always, the others missing only as a warning."""
    problems = []
    default = languages[0]
    for path, text in texts:
        for language in text:
            if language not in languages:
                problems.append(Problem.at(lines, path + (language,), LANGUAGE_NOT_LISTED, language=language))
        if default not in text:
            problems.append(Problem.at(lines, path + (default,), MISSING_DEFAULT_TEXT, language=default))
        for language in languages[1:]:
            if language not in text:
                problems.append(
                    Problem.at(lines, path + (language,), MISSING_TRANSLATION, warning=True, language=language)
                )
    return problems


def coverage(texts: Iterable[tuple[Path, dict]], languages: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Per language: (texts present, texts expected)."""
    texts = [text for _path, text in texts]
    return {language: (sum(language in t for t in texts), len(texts)) for language in languages}


def unique_languages(value: tuple[str, ...]) -> tuple[str, ...]:
    """A field validator for a document's ``languages``."""
    if len(set(value)) != len(value):
        raise ValueError("a language is listed twice")
    return value
