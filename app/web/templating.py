"""Template helpers: questionnaire texts with fallback, error messages, languages."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import format_decimal, gettext as _, ngettext
from markupsafe import Markup, escape

from ..domain.answers import FieldError
from ..domain.languages import NATIVE_NAMES, direction
from ..domain.texts import pick


def local(text) -> Markup:
    """A questionnaire text in the page's language.

    A missing translation falls back to the questionnaire's default language,
    marked with its own ``lang`` so screen readers pronounce it right.
    """
    if not text:
        return Markup("")
    default = g.get("default_language", "de")
    chosen = pick(text, g.get("language", default), default)
    if chosen.fallback:
        return Markup('<span lang="{}" dir="{}">{}</span>').format(
            chosen.language, direction(chosen.language), chosen.text
        )
    return escape(chosen.text)


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
    if error.code == "not_a_number":
        return _("Please enter a whole number.")
    if error.code == "out_of_range":
        return _("Please enter a number from %(min)s to %(max)s.",
                 min=format_decimal(params["min"]), max=format_decimal(params["max"]))
    if error.code == "too_long":
        return ngettext("Please shorten your text to at most %(max)s character.",
                        "Please shorten your text to at most %(max)s characters.",
                        params["max"], max=format_decimal(params["max"]))
    return _("Please check this answer.")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        local=local,
        error_message=error_message,
        native_names=NATIVE_NAMES,
        text_direction=direction,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
