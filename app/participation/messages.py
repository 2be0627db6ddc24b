"""What a participant reads for each answer error (answers.FieldError codes)
and for an access code that was refused."""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from app.questionnaires.answers import FieldError


def error_message(error: FieldError) -> str:
    params = error.params
    if error.code == "required":
        return _("Please answer this question.")
    if error.code == "one_only":
        return _("Please choose only one answer.")
    if error.code == "unknown_option":
        return _("This answer is not one of the options. Please choose again.")
    if error.code == "duplicate_option":
        return _("An option was sent twice. Please check your choice.")
    if error.code == "ranked_twice":
        return _(
            "You chose the same item for more than one place (again at place %(place)s). Please choose a different item for each place.",
            place=format_decimal(params["place"]),
        )
    if error.code == "rank_gap":
        return _(
            "Place %(place)s is empty while a later place is filled. Please fill the places in order, from the first.",
            place=format_decimal(params["place"]),
        )
    if error.code == "not_a_number":
        return _("Please enter a whole number.")
    if error.code == "out_of_range":
        return _(
            "Please enter a number from %(min)s to %(max)s.",
            min=format_decimal(params["min"]),
            max=format_decimal(params["max"]),
        )
    if error.code == "too_long":
        return ngettext(
            "Please shorten your text to at most %(max)s character.",
            "Please shorten your text to at most %(max)s characters.",
            params["max"],
            max=format_decimal(params["max"]),
        )
    return _("Please check this answer.")


def access_code_message(reason: str) -> str:
    """Why the access code was not taken: "missing", "unknown" or "used"."""
    if reason == "missing":
        return _("Please enter the access code from your card.")
    if reason == "used":
        return _(
            "This access code has already been used: each code counts once. If you have not answered yet, please ask the organisers for a new card."
        )
    return _("This access code is not one of this meeting's. Please check it against your card.")
