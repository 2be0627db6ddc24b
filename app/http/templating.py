"""Template helpers: questionnaire texts with fallback, languages."""

from __future__ import annotations

from flask import Flask, g
from markupsafe import Markup, escape

from app.languages import NATIVE_NAMES, direction, pick


def local(text, language: str | None = None) -> Markup:
    """A questionnaire text in the page's language (or in ``language``, a printed document's).

    A missing translation falls back to the questionnaire's default language,
    marked with its own ``lang`` (and direction) so screen readers pronounce it
    right and it is set the right way round.
    """
    if not text:
        return Markup("")
    default = g.get("default_language", "de")
    chosen = pick(text, language or g.get("language", default), default)
    if chosen.fallback:
        return Markup('<span lang="{}" dir="{}">{}</span>').format(
            chosen.language, direction(chosen.language), chosen.text
        )
    return escape(chosen.text)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        local=local,
        native_names=NATIVE_NAMES,
        text_direction=direction,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
