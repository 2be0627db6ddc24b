"""Responses to export: two meetings of IV.1 with varied answers, and helpers
to run an export and read it back."""

from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.evaluation.export import exporting
from app.models import Meeting, QuestionnaireVersion
from tests.conftest import add_meeting, store_response

FULL = {
    "actor_group": "school",
    "knows_more_offers": "yes",
    "new_contacts": "yes",
    "new_partners": "no",
    "central_topics": "yes",
    "satisfaction": "4",
    "impulses": "3",
    "benefit": "5",
    "relevant_topics": "4",
    "transparency": "2",
    "meetings_attended": "1",
}
YND = ("yes", "no", "dont_know")


def answer(db, meeting, *, language="de", **answers) -> None:
    """Store one response, the complete answer FULL with ``answers`` changed."""
    form = {name: [value] for name, value in {**FULL, **answers}.items() if value is not None}
    store_response(db, meeting, form, language=language, today=meeting.date)


# (meeting, actor group, language, how many) of the survey fixture.
CELLS = (
    ("spring", "school", "de", 10),
    ("spring", "kita", "de", 7),
    ("spring", "kita", "en", 3),
    ("autumn", "school", "de", 9),
    ("autumn", "migrant_organisation", "de", 6),
    ("autumn", "education_provider", "en", 3),
)
RARE = 3 + 3 + 2  # rows in combinations under k = 5
CLOSED = -1  # hours from now: surveys closed an hour ago, so their responses are exported


@pytest.fixture
def survey(db):
    """40 responses in two meetings; every meetings_attended value is distinct,
    so rows can be told apart.  Under k = 5 fall three English-speaking kita
    respondents in spring, three English-speaking education providers in
    autumn, and two politicians answering in Turkish in spring."""
    meetings = {
        "spring": add_meeting(db, title="Frühjahrstreffen", attended=120, closes=CLOSED),
        "autumn": add_meeting(db, title="Herbsttreffen", attended=90, closes=CLOSED),
    }
    for name, day in (("spring", dt.date(2016, 3, 16)), ("autumn", dt.date(2017, 10, 11))):
        db.get(Meeting, meetings[name].id).date = meetings[name].date = day
    db.commit()
    people = [(meetings[m], group, language) for m, group, language, n in CELLS for _ in range(n)]
    for i, (meeting, group, language) in enumerate(people):
        contacts = YND[(i // 2) % 3]
        answer(
            db,
            meeting,
            language=language,
            actor_group=group,
            knows_more_offers=YND[i % 3],
            new_contacts=contacts,
            new_partners=YND[i % 2] if contacts == "yes" else None,
            central_topics=YND[(i // 3) % 3],
            satisfaction=str(1 + i % 5),
            impulses=str(1 + (i // 2) % 5),
            meetings_attended=str(i + 1),
            comment=None if i % 4 == 0 else f"Anmerkung {i}: mehr Austausch",
        )
    for i in (38, 39):
        answer(
            db,
            meetings["spring"],
            language="tr",
            actor_group="politics",
            meetings_attended=str(i + 1),
            comment="Bitte mehr Zeit",
        )
    db.commit()
    db.rollback()
    version = db.query(QuestionnaireVersion).one()
    return version, meetings["spring"], meetings["autumn"]


def export(app, db, version, fmt="csv", *, today=dt.date(2026, 11, 26), **options) -> tuple[exporting.Plan, bytes]:
    """Plan and run one export as the service layer does, returning its bytes."""
    with app.app_context():
        request = exporting.ExportRequest(version.id, fmt, **options)
        plan = exporting.plan_export(db, request, today=today, now=clock.utcnow())
        db.rollback()
        data = b"".join(exporting.export_bytes(app.extensions["resonanz.db"].engine, plan, today=today))
    return plan, data
