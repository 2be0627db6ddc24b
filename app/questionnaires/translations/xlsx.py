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
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from app.languages import NATIVE_NAMES, SUPPORTED_LANGUAGES
from app.questionnaires.builder import document
from app.questionnaires.builder.entries import TEXT_LENGTH
from app.questionnaires.translations import texts

MAX_BYTES = 5_000_000
MAX_MEMBER = 20_000_000
MAX_TOTAL = 50_000_000
MAX_RATIO = 100
MAX_ROWS = 50_000
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


def _check_archive(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise UnreadableTexts("too_large")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableTexts("not_xlsx") from None
    total = 0
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableTexts("not_xlsx")
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MAX_MEMBER or total > MAX_TOTAL or (member.file_size > 1_000_000 and ratio > MAX_RATIO):
            raise UnreadableTexts("too_big_inside")


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


def read_texts(data: bytes) -> dict[tuple[str, str], str]:
    """(key, language) → text, from the first sheet; raises UnreadableTexts."""
    _check_archive(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        titles = next(rows, ())
        columns = [str(title or "").strip() for title in titles]
        if "key" not in [title.lower() for title in columns]:
            raise UnreadableTexts("no_key_column")
        key_at = [title.lower() for title in columns].index("key")
        languages = {i: _language_of(title) for i, title in enumerate(columns)}
        languages = {i: code for i, code in languages.items() if code}
        if not languages:
            raise UnreadableTexts("no_language_column")
        found = {}
        for number, row in enumerate(rows, start=2):
            if number > MAX_ROWS:
                raise UnreadableTexts("too_many_rows")
            if key_at >= len(row) or not row[key_at]:
                continue
            key = str(row[key_at]).strip()
            for i, language in languages.items():
                value = row[i] if i < len(row) else None
                found[(key, language)] = "" if value is None else str(value)
        book.close()
        return found
    except UnreadableTexts:
        raise
    except Exception:  # noqa: BLE001 - whatever a broken workbook raises, it is unreadable
        raise UnreadableTexts("not_xlsx") from None


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
