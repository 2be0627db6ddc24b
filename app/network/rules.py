"""What a network's settings may be, and what follows from them: pure rules,
shared by the workspace form and ``flask network init``."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import pytz

from app.evaluation.anonymise import DEFAULT_K
from app.languages import SUPPORTED_LANGUAGES

PRODUCT_NAME = "Resonanz"
MAX_CELL_SIZE = 100
DEFAULT_FREE_TEXT_MONTHS = 12
MAX_FREE_TEXT_MONTHS = 120

# Deliberately loose: one @, no spaces, a dot in the domain.  Whether mail
# arrives is the operator's business; this only catches slips.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LINK = re.compile(r"https?://\S+")
# Control characters other than line breaks and tabs; PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Network:
    """The network's settings as the app reads them (or the product's defaults)."""

    name: str
    languages: tuple[str, ...]
    default_language: str
    time_zone: str
    min_cell_size: int = DEFAULT_K
    free_text_months: int = DEFAULT_FREE_TEXT_MONTHS
    operator_name: str = ""
    operator_address: str = ""
    operator_email: str = ""
    imprint: str = ""
    privacy_notice: str = ""

    @property
    def imprint_link(self) -> str | None:
        """The imprint's address when the imprint is given as a link, not as text."""
        return imprint_link(self.imprint)


def defaults(time_zone: str) -> Network:
    """Before ``flask network init``: the product's name, every language, German first."""
    return Network(PRODUCT_NAME, SUPPORTED_LANGUAGES, "de", time_zone)


@cache
def _time_zones() -> frozenset[str]:
    # Known to both the standard library (dates) and pytz (Flask-Babel's formatting).
    return frozenset(zoneinfo.available_timezones() & set(pytz.all_timezones))


def is_time_zone(name: str) -> bool:
    return name in _time_zones()


def split_languages(text: str) -> tuple[str, ...]:
    """``"de, en,tr"`` → ``("de", "en", "tr")``: lower case, in the given order, each once."""
    codes = (code.strip().lower() for code in text.split(","))
    return tuple(dict.fromkeys(code for code in codes if code))


def unknown_languages(codes: Sequence[str]) -> list[str]:
    return [code for code in codes if code not in SUPPORTED_LANGUAGES]


def is_email(text: str) -> bool:
    return bool(_EMAIL.fullmatch(text))


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def imprint_link(imprint: str) -> str | None:
    """An imprint that is a single web address is linked to; any other text is shown as it is."""
    text = imprint.strip()
    return text if _LINK.fullmatch(text) else None


def offered_languages(
    questionnaire_languages: Sequence[str], questionnaire_default: str, network: Network
) -> tuple[tuple[str, ...], str]:
    """The languages a participant page offers, and the one it starts in.

    Only those both the network and the questionnaire speak.  A questionnaire
    that shares none with the network is still shown, in its own default
    language: a participant must never meet an empty page.
    """
    offered = tuple(code for code in questionnaire_languages if code in network.languages)
    if not offered:
        return (questionnaire_default,), questionnaire_default
    for candidate in (questionnaire_default, network.default_language):
        if candidate in offered:
            return offered, candidate
    return offered, offered[0]
