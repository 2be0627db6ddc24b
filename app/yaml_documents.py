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
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.languages import SUPPORTED_LANGUAGES, LanguageCode

IDENTIFIER = r"^[a-z][a-z0-9_]{0,39}$"

Text = dict[LanguageCode, Annotated[str, Field(min_length=1)]]


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


@dataclass(frozen=True)
class Problem:
    line: int
    path: str
    message: str
    warning: bool = False

    def format(self, filename: str) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{filename}:{self.line}: {self.path}: {prefix}{self.message}"

    def as_error(self) -> Problem:
        return Problem(self.line, self.path, self.message)


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


class _Unreadable(Exception):
    def __init__(self, line: int, path: Path, message: str):
        self.problem = Problem(line, format_path(path), message)


# Anchors and aliases may repeat a part of the document, even inside itself;
# past this many entries or this depth it is refused rather than expanded (a
# few lines can stand for millions).  A questionnaire has a few thousand
# entries, nested five deep.
MAX_ENTRIES = 100_000
MAX_DEPTH = 50


def _line_map(root: yaml.Node) -> Lines:
    """Map every path in the document to the 1-based line where it starts."""
    lines: Lines = {}
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    while stack:  # iterative: a deeply nested document must not exhaust the stack
        node, path = stack.pop()
        if len(lines) > MAX_ENTRIES:
            raise _Unreadable(1, (), f"the document is too large (more than {MAX_ENTRIES:,} entries)")
        if len(path) > MAX_DEPTH:
            raise _Unreadable(node.start_mark.line + 1, (), "the document refers to itself or nests too deeply")
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Unreadable(line, path, "a key must be a word, not a list or a mapping")
                key = key_node.value
                if key in seen:
                    raise _Unreadable(line, path + (key,), f"duplicate key {key!r}")
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


def read_mapping(source: str) -> tuple[dict, Lines] | Problem:
    """The document as a mapping with the line of every path, or the one
    problem that keeps it from being read at all."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
        if root is None:
            return Problem(1, ROOT, "the document is empty")
        lines = _line_map(root)
        data = yaml.safe_load(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return Problem(mark.line + 1 if mark else 1, ROOT, f"YAML syntax error: {exc.problem}")
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        return Problem(source.count("\n", 0, exc.position) + 1, ROOT, f"YAML syntax error: {exc.reason}")
    except _Unreadable as exc:
        return exc.problem
    except RecursionError:  # an alias inside itself, or nesting deeper than Python's stack
        return Problem(1, ROOT, "the document refers to itself or nests too deeply")
    if not isinstance(data, dict):
        return Problem(1, ROOT, "the document must be a mapping of keys")
    return data, lines


Describe = Callable[[dict], str]

_MESSAGES: dict[str, Describe] = {
    "extra_forbidden": lambda e: "unknown key",
    "missing": lambda e: "required key is missing",
    "string_type": lambda e: (
        'must be text; YAML reads unquoted yes/no/on/off as true/false, so write "yes" in quotes'
        if isinstance(e.get("input"), bool)
        else "must be text"
    ),
    "literal_error": lambda e: f"must be one of {e['ctx']['expected']}",
    "value_error": lambda e: str(e["ctx"]["error"]),
    "string_pattern_mismatch": lambda e: (
        "must start with a lower-case letter and use only a-z, 0-9 and _ (at most 40 characters)"
        if e["ctx"]["pattern"] == IDENTIFIER
        else f"does not match the pattern {e['ctx']['pattern']}"
    ),
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
    for item in items:
        # "too short" after an item was rejected only repeats that item's error.
        if item["type"] == "too_short" and any(
            loc[: len(item["loc"])] == item["loc"] and loc != item["loc"] for loc in item_locs
        ):
            continue
        # pydantic adds the union member's tag and '[key]' markers to locations;
        # they are not part of the document's own path.
        path = tuple(part for part in item["loc"] if part != "[key]" and not (isinstance(part, str) and part in tags))
        describe = describe_by_type.get(item["type"])
        message = describe(item) if describe else item["msg"][0].lower() + item["msg"][1:]
        if item["loc"] and item["loc"][-1] == "[key]":
            message = f"unknown language {path[-1]!r} (supported: {', '.join(SUPPORTED_LANGUAGES)})"
        problems.append(Problem(line_for(lines, path), format_path(path), message))
    return problems


def text_problems(texts: Iterable[tuple[Path, dict]], languages: tuple[str, ...], lines: Lines) -> list[Problem]:
    """The rules for texts in several languages: only listed languages, the
    default (first) always, the others missing only as a warning."""
    problems = []
    default = languages[0]
    for path, text in texts:
        for language in text:
            if language not in languages:
                problems.append(
                    Problem(
                        line_for(lines, path + (language,)),
                        format_path(path + (language,)),
                        f"language {language!r} is not listed in 'languages'",
                    )
                )
        if default not in text:
            where = path + (default,)
            problems.append(Problem(line_for(lines, where), format_path(where), "missing text in the default language"))
        for language in languages[1:]:
            if language not in text:
                where = path + (language,)
                problems.append(Problem(line_for(lines, where), format_path(where), "missing translation", True))
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
