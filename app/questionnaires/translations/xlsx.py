"""The texts of a questionnaire as an XLSX for translators, and back.

One row per text: its key (stable across versions, texts.py), where it
belongs, and one column per language named as XLSForm names them
(``label::English (en)``), the default language first.  Reading one back
checks the archive before parsing it (size of the file, of each member and
in all, and how far members unpack), reads only the first sheet and at most
as many rows as a questionnaire can have texts.  Plain Python: no framework.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.languages import NATIVE_NAMES, SUPPORTED_LANGUAGES
from app.questionnaires.builder import document
from app.questionnaires.builder.entries import TEXT_LENGTH
from app.questionnaires.translations import texts
from app.workbooks import Refusal, read_sheets

MAX_BYTES = 5_000_000
MAX_COLUMNS = 30
ENGLISH_NAMES = {
    "german": "de",
    "english": "en",
    "turkish": "tr",
    "arabic": "ar",
    "russian": "ru",
    "ukrainian": "uk",
    "persian": "fa",
    "farsi": "fa",
    "french": "fr",
}


class UnreadableTexts(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def header(language: str) -> str:
    return f"label::{NATIVE_NAMES[language]} ({language})"


def workbook_of(data: dict, stale: set[tuple[str, str]], context_of: Callable, stale_word: str) -> bytes:
    """Every text in every language of the questionnaire; a last column names
    the translations to check."""
    from openpyxl import Workbook

    languages = document.languages(data)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("texts")
    sheet.append(["key", "context", *(header(language) for language in languages), "to_check"])
    for entry in texts.entries(data):
        checking = [language for language in languages if (entry.key, language) in stale]
        sheet.append(
            [
                entry.key,
                context_of(entry),
                *(entry.text.get(language, "") for language in languages),
                f"{stale_word}: {', '.join(checking)}" if checking else "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _language_of(title: str) -> str | None:
    """``label::English (en)``, ``label::en``, ``label::English``, ``label:English``: the language."""
    match = re.fullmatch(r"\s*label\s*::?\s*(.+?)\s*", title, re.I)
    if not match:
        return None
    name = match.group(1)
    code = re.search(r"\(([a-z]{2})\)\s*$", name, re.I)
    candidate = (code.group(1) if code else name).lower()
    if candidate in SUPPORTED_LANGUAGES:
        return candidate
    natives = {native.lower(): code for code, native in NATIVE_NAMES.items()}
    return natives.get(candidate) or ENGLISH_NAMES.get(candidate)


# What app/workbooks.py refuses, in the words of this import.
_REFUSALS = {
    "too_large": "too_large",
    "too_many_rows": "too_many_rows",
    "not_a_workbook": "not_xlsx",
    "method": "not_xlsx",  # no spreadsheet program writes bzip2 members
    "xml": "not_xlsx",
}


def read_texts(data: bytes) -> dict[tuple[str, str], str]:
    """(key, language) → text, from the sheet "texts" (or the first one); raises
    UnreadableTexts.  Read at a bounded cost by the hardened reader of uploads."""
    if len(data) > MAX_BYTES:
        raise UnreadableTexts("too_large")
    try:
        book = read_sheets(data, {"texts"})
        if "texts" not in book.sheets and book.names:
            book = read_sheets(data, {book.names[0]})
    except Refusal as refusal:
        raise UnreadableTexts(_REFUSALS.get(refusal.code, "too_big_inside")) from None
    rows = next(iter(book.sheets.values()), [])
    if not rows:
        raise UnreadableTexts("no_key_column")
    columns = [str(title or "").strip() for title in rows[0].values[:MAX_COLUMNS]]
    lowered = [title.lower() for title in columns]
    if "key" not in lowered:
        raise UnreadableTexts("no_key_column")
    key_at = lowered.index("key")
    languages = {i: code for i, title in enumerate(columns) if (code := _language_of(title))}
    if not languages:
        raise UnreadableTexts("no_language_column")
    found = {}
    for row in rows[1:]:
        values = row.values
        if key_at >= len(values) or not values[key_at]:
            continue
        key = str(values[key_at]).strip()
        for i, language in languages.items():
            value = values[i] if i < len(values) else None
            found[(key, language)] = "" if value is None else str(value)
    return found


@dataclass
class ImportReport:
    changed: list[tuple[str, str]] = field(default_factory=list)  # (key, language)
    unknown_keys: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def apply(data: dict, read: dict[tuple[str, str], str]) -> tuple[dict, ImportReport]:
    """The document with the file's texts, for the questionnaire's languages;
    an empty cell leaves a text as it is.  What changed, in the report."""
    report = ImportReport()
    languages = document.languages(data)
    by_key = {entry.key: entry for entry in texts.entries(data)}
    report.unknown_keys = sorted({key for key, _language in read if key not in by_key})
    made = data
    for (key, language), value in read.items():
        entry = by_key.get(key)
        value = value.strip()
        if entry is None or language not in languages or not value or value == entry.text.get(language):
            continue
        if len(value) > TEXT_LENGTH or any(ord(c) < 32 and c not in "\t\n\r" for c in value):
            report.refused.append((key, language))
            continue
        made = texts.with_text(made, entry, language, value)
        report.changed.append((key, language))
    return made, report
