"""Choosing a questionnaire text in the reader's language, with a fallback."""

from __future__ import annotations

from typing import Mapping, NamedTuple


class LocalText(NamedTuple):
    text: str
    language: str  # the language the text is actually in
    fallback: bool  # True when the wanted language was missing


def pick(text: Mapping[str, str], language: str, default: str) -> LocalText:
    if text.get(language):
        return LocalText(text[language], language, False)
    if text.get(default):
        return LocalText(text[default], default, True)
    # A validated questionnaire always has the default language; take any text
    # rather than show a hole.
    other, value = next(iter(text.items()))
    return LocalText(value, other, True)
