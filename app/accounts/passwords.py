"""What a new password must be: at least 12 characters, and not easy to
guess by zxcvbn's estimate (score 3 of 4 or more: safe against an offline
attack on a slow hash such as argon2id), with the user's own name and the
network's words counted as known to an attacker.

The problems are message ids in English (marked for the catalogues); the web
shows them translated, the command line as they are.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from zxcvbn import zxcvbn


def N_(message: str) -> str:  # noqa: N802 (the catalogue extractor's name for "mark, translate later")
    return message


MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn's estimate is quadratic in the length and refuses more than 72
# characters; a password that long is not weak for what its start lacks.
ESTIMATED_LENGTH = 72
MIN_SCORE = 3

TOO_SHORT = N_("The password needs at least %(min)s characters.")
TOO_LONG = N_("The password may have at most %(max)s characters.")
TOO_WEAK = N_("This password is too easy to guess.")
# The weakness zxcvbn found in the longest guessable part, as a hint.
HINTS = {
    "user_inputs": N_("It contains the user name or a word of the network."),
    "passwords": N_("It is, or resembles, a commonly used password."),
    "words": N_("Common words and names on their own are easy to guess."),
    "pattern": N_("Keyboard rows, repeats and sequences such as “abc” are easy to guess."),
}
ADVICE = N_("Add a few uncommon words; a short sentence of your own is good.")

# zxcvbn keeps the context words in a module-level dictionary for each call.
_estimating = threading.Lock()


def problems(password: str, context: Iterable[str]) -> list[tuple[str, dict]]:
    """What is wrong with ``password`` as a new password, as (message id,
    values) pairs; empty when it may be used.  ``context``: words an attacker
    would try first (the user name, the network's name)."""
    if len(password) < MIN_LENGTH:
        return [(TOO_SHORT, {"min": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [(TOO_LONG, {"max": MAX_LENGTH})]
    words = _context_words(context)
    with _estimating:
        estimate = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=words)
    if estimate["score"] >= MIN_SCORE:
        return []
    found = [(TOO_WEAK, {})]
    hint = _hint(estimate["sequence"])
    if hint:
        found.append((HINTS[hint], {}))
    return [*found, (ADVICE, {})]


def _context_words(context: Iterable[str]) -> list[str]:
    """Each phrase whole and word by word ("Bildung und Migration" and "Migration")."""
    words = []
    for phrase in context:
        if phrase:
            words.append(phrase)
            words.extend(part for part in phrase.replace("-", " ").replace("_", " ").split() if len(part) > 2)
    return words


def _hint(sequence: list[dict]) -> str | None:
    guessable = [match for match in sequence if match["pattern"] != "bruteforce"]
    if not guessable:
        return None
    longest = max(guessable, key=lambda match: len(match["token"]))
    pattern = longest["pattern"]
    if pattern == "dictionary":
        dictionary = longest["dictionary_name"]
        return dictionary if dictionary in ("user_inputs", "passwords") else "words"
    if pattern in ("spatial", "repeat", "sequence"):
        return "pattern"
    return None  # a date or a year: the advice alone
