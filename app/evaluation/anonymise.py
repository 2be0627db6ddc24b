"""Anonymisation rules shared by reports and exports: scrubbing free text,
neutralising spreadsheet formulas, the minimum cell size, and k-anonymous
suppression of quasi-identifiers in exported rows.

Pure Python, like the rest of the domain: the callers decide where the rules
apply (see docs/privacy.md for why each rule exists).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping

# What replaces a scrubbed detail.  German, because the network works in German
# and evaluators read it in every export, whatever the answer's language.
REMOVED = "[entfernt]"

# Small cells: no figure and no exported combination of quasi-identifiers
# stands for fewer than k respondents.  Below 3 a "group" is one or two people.
DEFAULT_K = 5
MIN_K = 3


class CellSizeTooSmall(ValueError):
    """A minimum cell size below :data:`MIN_K` was asked for."""

    def __init__(self, k: int):
        self.k = k
        super().__init__(f"k must be at least {MIN_K} (got {k}): smaller groups could single out a person")


def check_k(k: int) -> int:
    if k < MIN_K:
        raise CellSizeTooSmall(k)
    return k


# --------------------------------------------------------------------------
# Scrubbing free text

_EMAIL = re.compile(
    r"[\w.+\-]+"  # \w is Unicode: internationalised local parts and domains too
    r"(?:\s*[@＠]\s*|\s*[\[({]\s*(?:at|ät)\s*[\])}]\s*)"
    r"[\w\-]+(?:\s*(?:\.|[\[({]\s*(?:dot|punkt)\s*[\])}])\s*[\w\-]+)+",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.)[^\s<>\"]+", re.IGNORECASE)
# A bare domain ("kita-sonnenschein.de/team") names an organisation as surely as a URL.
_DOMAIN = re.compile(
    r"\b[\w\-]+(?:\.[\w\-]+)*\.(?:de|com|org|net|eu|info|io|at|ch|fr|tr|ru|ua|ir|uk|edu|gov)\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4}){2,7}(?:[ \u00a0]?[A-Z0-9]{1,4})?\b")
# A run of digits (any script: \d matches Arabic-Indic and Persian digits) with
# the separators people type in phone numbers; _phone() decides whether it is one.
_SEPARATORS = " \u00a0\u202f\u2009.\\-\u2010\u2011\u2012\u2013/()\u200e\u200f"
_NUMBER_RUN = re.compile(rf"(?<!\w)(?:\+|\()?\d(?:[{_SEPARATORS}]*\d)*")
_DATE = re.compile(r"^(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$")
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:[.\u00a0\u202f ]\d{3})+$")
_GROUPS = re.compile(r"\d+")
MIN_PHONE_DIGITS = 7  # shorter runs are counts, years, house numbers


def _is_phone(candidate: str) -> bool:
    digits = sum(ch.isdecimal() for ch in candidate)
    if digits < MIN_PHONE_DIGITS:
        return False
    if candidate.startswith("+"):
        return True
    if _DATE.match(candidate) or _THOUSANDS.match(candidate):
        return False
    groups = _GROUPS.findall(candidate)
    # "2014 – 2017" or "2015 2016 2017": years, not a number to call.
    return not all(len(g) == 4 and 1900 <= int(g) <= 2099 for g in groups)


def _scrub_phone(match: re.Match) -> str:
    return REMOVED if _is_phone(match.group()) else match.group()


def _keep_trailing_punctuation(match: re.Match) -> str:
    # "see www.example.de." – the full stop ends the sentence, not the address.
    text = match.group()
    stripped = text.rstrip(".,;:!?)»”\"'")
    return REMOVED + text[len(stripped) :]


def scrub(text: str) -> str:
    """Replace e-mail addresses, URLs and domains, IBANs and phone numbers with :data:`REMOVED`.

    Order matters: an e-mail address contains a domain, an IBAN contains a
    long digit run.  Names cannot be recognised reliably and are not touched;
    the form asks participants not to write them.
    """
    if not text:
        return text
    text = _EMAIL.sub(REMOVED, text)
    text = _URL.sub(_keep_trailing_punctuation, text)
    text = _DOMAIN.sub(REMOVED, text)
    text = _IBAN.sub(REMOVED, text)
    return _NUMBER_RUN.sub(_scrub_phone, text)


# --------------------------------------------------------------------------
# Spreadsheet formulas (OWASP "CSV Injection")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading quote."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# --------------------------------------------------------------------------
# Small cells in tables


def suppressed_cells(sizes: Mapping[Hashable, int], k: int, *, hidden: frozenset = frozenset()) -> frozenset:
    """Which cells of one table column to hide.

    ``sizes`` are the cells' counts; ``hidden`` are cells hidden already for
    another reason.  Primary suppression hides every cell under ``k``.  When
    that leaves exactly one hidden cell, its count could be recovered by
    subtracting the shown cells from the shown total, so the smallest shown
    cell is hidden too (secondary suppression).
    """
    out = set(hidden) | {key for key, size in sizes.items() if 0 < size < k}
    if len(out) == 1:
        shown = [(size, str(key), key) for key, size in sizes.items() if key not in out and size > 0]
        if shown:
            out.add(min(shown)[2])
    return frozenset(out)


# --------------------------------------------------------------------------
# Exported rows: every combination of meeting and quasi-identifiers k times

SUPPRESSED = "*"  # an exported value hidden so that its row does not stand out


def k_anonymous(counts: Mapping[tuple, int], k: int) -> dict[tuple, tuple | None]:
    """How to publish each combination so that every published one occurs at least ``k`` times.

    ``counts`` maps ``(group, value, value, ...)`` (the group is the meeting,
    the values are a row's quasi-identifiers, ``None`` for no answer) to its
    number of rows.  The result maps each such key to the key that is
    published instead, with some values replaced by :data:`SUPPRESSED` (which
    counts as a value of its own: a lone ``*`` would single its row out
    again), or to ``None`` where the rows are left out.

    Groups are handled apart, so a meeting's rows look the same in every
    selection that includes it.  A group of fewer than ``k`` rows is left out
    whole.  Otherwise, as long as some published combination is rarer than
    ``k``, the quasi-identifier with the most distinct values among the rare
    ones is suppressed in all of them.  When every value of the rare rows is
    suppressed and they still number fewer than ``k``, the smallest other
    combination is suppressed whole and joins them (complementary
    suppression).  Whole combinations move, never some of their rows: the
    outcome depends on the counts alone, so two exports of the same rows
    publish each row alike.
    """
    check_k(k)
    groups: dict[Hashable, dict[tuple, int]] = defaultdict(dict)
    for key, size in counts.items():
        if size > 0:
            groups[key[0]][tuple(key[1:])] = size
    published: dict[tuple, tuple | None] = {}
    for group, cells in groups.items():
        for values, shown in _k_anonymous_group(cells, k).items():
            published[(group, *values)] = None if shown is None else (group, *shown)
    return published


def _sort_key(values: tuple) -> tuple:
    return tuple("" if v is None else str(v) for v in values)


def _k_anonymous_group(cells: dict[tuple, int], k: int) -> dict[tuple, tuple | None]:
    if sum(cells.values()) < k:
        return dict.fromkeys(cells)
    width = len(next(iter(cells)))
    hidden = (SUPPRESSED,) * width
    shown = {values: values for values in cells}
    while True:
        sizes: Counter = Counter()
        for values, size in cells.items():
            sizes[shown[values]] += size
        rare = sorted({shown[values] for values in cells if sizes[shown[values]] < k}, key=_sort_key)
        if not rare:
            return shown
        distinct = [len({combination[i] for combination in rare} - {SUPPRESSED}) for i in range(width)]
        if any(distinct):
            # max() keeps the first of equals: ties go to the earlier column.
            position = max(range(width), key=distinct.__getitem__)
            for values in cells:
                if shown[values] in rare:
                    combination = list(shown[values])
                    combination[position] = SUPPRESSED
                    shown[values] = tuple(combination)
        else:
            # Only the fully suppressed combination is rare: the smallest other joins it.
            joining = min((c for c in sizes if c != hidden), key=lambda c: (sizes[c], _sort_key(c)))
            for values in cells:
                if shown[values] == joining:
                    shown[values] = hidden
