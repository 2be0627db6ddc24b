"""Every translatable text of a questionnaire document, under a key that
stays the same when questions move or a new version is made (it is built
from ids and codes, not positions), and what makes a translation stale.

A translation remembers the source it was made from: the digest of the text
in the default language at that moment (kept per questionnaire, key and
language in the database).  When the source changes afterwards, the
translation is "to check" until someone edits or confirms it, and the
coverage counts it as missing.  Plain Python: no framework.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.questionnaires.builder import document


@dataclass(frozen=True)
class Entry:
    key: str  # e.g. question.new_contacts.option.yes
    kind: str  # title, intro, mittlerziel, question, help, option, point, indicator
    number: int  # the question's or indicator's position, 1-based (0 for the questionnaire's own texts)
    part: int  # the option's or scale point's position, 1-based (else 0)
    path: tuple  # where the text lies in the document
    text: dict


def entries(data: dict) -> list[Entry]:
    """The texts of the document, in its order."""
    found = []

    def add(key, kind, number, part, path):
        node = data
        for step in path:
            if isinstance(node, dict) and step in node:
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                node = node[step]
            else:
                return
        if isinstance(node, dict):
            found.append(Entry(key, kind, number, part, path, node))

    add("mittlerziel", "mittlerziel", 0, 0, ("mittlerziel", "text"))
    add("title", "title", 0, 0, ("title",))
    add("intro", "intro", 0, 0, ("intro",))
    for i, question in enumerate(document.questions(data)):
        qid = question.get("id", str(i + 1))
        add(f"question.{qid}.text", "question", i + 1, 0, ("questions", i, "text"))
        add(f"question.{qid}.help", "help", i + 1, 0, ("questions", i, "help"))
        if not question.get("options_from"):
            for j, option in enumerate(question.get("options", [])):
                add(
                    f"question.{qid}.option.{option.get('code', j + 1)}",
                    "option",
                    i + 1,
                    j + 1,
                    ("questions", i, "options", j, "label"),
                )
        for k in range(len(question.get("labels", []))):
            add(f"question.{qid}.point.{k + 1}", "point", i + 1, k + 1, ("questions", i, "labels", k))
    for i, indicator in enumerate(document.indicators(data)):
        add(f"indicator.{indicator.get('id', i + 1)}.text", "indicator", i + 1, 0, ("indicators", i, "text"))
    return found


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


Bases = Mapping[tuple[str, str], str]  # (key, language) -> digest of the source it was made from


def stale(data: dict, bases: Bases) -> set[tuple[str, str]]:
    """The translations made from a source that has changed since."""
    default = document.default_language(data)
    found = set()
    for entry in entries(data):
        source = entry.text.get(default)
        for language in entry.text:
            if language == default or source is None:
                continue
            made_from = bases.get((entry.key, language))
            if made_from is not None and made_from != digest(source):
                found.add((entry.key, language))
    return found


def coverage(data: dict, bases: Bases) -> dict[str, tuple[int, int, int]]:
    """Per language: (texts present and current, texts to check, texts expected)."""
    listed = entries(data)
    to_check = stale(data, bases)
    result = {}
    for language in document.languages(data):
        present = [entry for entry in listed if entry.text.get(language)]
        checking = sum((entry.key, language) in to_check for entry in present)
        result[language] = (len(present) - checking, checking, len(listed))
    return result


def made_from(data: dict, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The sources the translations ``pairs`` (key, language) are made from now."""
    default = document.default_language(data)
    by_key = {entry.key: entry for entry in entries(data)}
    found = {}
    for key, language in pairs:
        entry = by_key.get(key)
        if entry is not None and entry.text.get(default) and entry.text.get(language) and language != default:
            found[(key, language)] = digest(entry.text[default])
    return found


def changed_translations(old: dict | None, new: dict) -> set[tuple[str, str]]:
    """The translations (key, language) written anew between two documents:
    they are made from the source as it is in ``new``."""
    default = document.default_language(new)
    before = {entry.key: entry.text for entry in entries(old)} if old is not None else {}
    changed = set()
    for entry in entries(new):
        for language, text in entry.text.items():
            if language != default and text and before.get(entry.key, {}).get(language) != text:
                changed.add((entry.key, language))
    return changed


def present_translations(data: dict) -> set[tuple[str, str]]:
    default = document.default_language(data)
    return {
        (entry.key, language)
        for entry in entries(data)
        for language, text in entry.text.items()
        if language != default and text
    }


def with_text(data: dict, entry: Entry, language: str, value: str) -> dict:
    """The document with ``entry``'s text in ``language`` set (or removed when empty)."""
    made = copy.deepcopy(data)
    node = made
    for step in entry.path:
        node = node[step]
    if value:
        node[language] = value
    else:
        node.pop(language, None)
    return made


def made_anew(old: dict | None, new: dict) -> dict[tuple[str, str], str]:
    """The translations written anew between two documents, with the sources they are made from."""
    return made_from(new, changed_translations(old, new))
