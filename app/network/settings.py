"""The network's own settings, as the app reads them.

They live in one database row (``NetworkSettings``), read at most once per
request or command and kept on ``g`` for its rest: a small primary-key query,
and never a copy kept in the process, which other gunicorn workers could not
tell to forget.  Before ``flask network init`` the product's defaults apply,
with the configured ``TIME_ZONE``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import fields

from flask import current_app, g
from sqlalchemy import select

from app import clock
from app.db import UNAVAILABLE, db_session, rollback_quietly
from app.http.i18n import choose_language, use_language
from app.models import NetworkSettings
from app.network import rules
from app.network.rules import Network

_KEPT = "network_settings"


# Only the columns, no ORM object: this runs on every page.
_SETTINGS = select(*(getattr(NetworkSettings, field.name) for field in fields(Network))).where(
    NetworkSettings.id == NetworkSettings.ONLY_ID
)


def network_of(values: Mapping) -> Network:
    return Network(**{**values, "languages": tuple(values["languages"].split(","))})


def current() -> Network:
    """This request's view of the settings (read once, then kept on ``g``)."""
    kept = g.get(_KEPT)
    if kept is None:
        row = db_session().execute(_SETTINGS).one_or_none()
        kept = network_of(row._mapping) if row is not None else rules.defaults(current_app.config["TIME_ZONE"])
        setattr(g, _KEPT, kept)
    return kept


def shown() -> Network:
    """The settings for a page's frame (name, footer, time formats).  Never fails:
    while the database cannot be reached, the error page shows the defaults."""
    try:
        return current()
    except UNAVAILABLE:
        rollback_quietly(db_session())
        kept = rules.defaults(current_app.config["TIME_ZONE"])
        setattr(g, _KEPT, kept)
        return kept


def time_zone() -> str:
    """The network's time zone (``TIME_ZONE``, ``Europe/Berlin`` by default, before it has settings)."""
    return current().time_zone


def display_time_zone() -> str:
    """Flask-Babel's time zone: the network's, in which every time is typed and shown."""
    return shown().time_zone


def now() -> dt.datetime:
    """Now, naive UTC, from the app's clock (``CLOCK``: :func:`app.clock.utcnow` unless a test sets another)."""
    return current_app.config["CLOCK"]()


def today() -> dt.date:
    """Today's date where the network meets (see app/clock.py)."""
    return local_date(now())


def local_date(utc: dt.datetime) -> dt.date:
    return clock.local_date(utc, time_zone())


def min_cell_size() -> int:
    """The network's k: reports and downloads never show a group smaller than this."""
    return current().min_cell_size


def participant_languages(questionnaire) -> tuple[tuple[str, ...], str]:
    """The languages a participant page of ``questionnaire`` offers, and its first one."""
    return rules.offered_languages(questionnaire.languages, questionnaire.default_language, current())


def speak_network_language() -> Network:
    """Render this request in one of the network's languages (a public page that
    belongs to no questionnaire: the front door, the privacy notice, the imprint)."""
    network = current()
    g.offered_languages = network.languages
    g.default_language = network.default_language
    use_language(choose_language(network.languages, network.default_language))
    return network
