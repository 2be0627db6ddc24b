"""The languages Resonanz ships, with their own names and writing direction."""

from __future__ import annotations

from typing import Literal, get_args

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
