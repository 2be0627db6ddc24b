"""The languages Resonanz ships, with their own names and writing direction, and
choosing a text in the reader's language with a fallback."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple, get_args

LanguageCode = Literal["de", "en", "tr", "ar", "ru", "uk", "fa", "fr"]

SUPPORTED_LANGUAGES: tuple[str, ...] = get_args(LanguageCode)

# Each language in its own name and script, as the switcher shows it.
NATIVE_NAMES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "ru": "Русский",
    "uk": "Українська",
    "fa": "فارسی",
    "fr": "Français",
}

RIGHT_TO_LEFT = frozenset({"ar", "fa"})


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


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
