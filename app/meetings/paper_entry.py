"""Paper questionnaires typed in by a coordinator, one form per screen.

What is typed is turned into what the online form sends (a key per option,
as printed beside its box: app/questionnaires/paper.py), validated by the
very same rules (``validate_submission``) and stored by the very same path
(``submission.submit_response``), so a paper response is a response like any
other in every report and export.  Only the meeting counts how many came on
paper: a mark on each response would single out the few who answered so.

Paper forms can be entered once the survey has opened, also after it has
closed, until the coordinator marks the meeting's paper entry finished.  A
meeting's results are released only after that (``paper_entry_finished``),
so no late paper form can be read off by comparing a report before and after.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.evaluation.report import stored_counts
from app.models import Meeting
from app.participation import submission
from app.questionnaires.answers import Submission, validate_submission
from app.questionnaires.model import FreeText, Number, Questionnaire
from app.questionnaires.paper import OPTION_KEYS

NO_SURVEY = "no_survey"
FINISHED = "finished"


def paper_entry_finished(meeting: Meeting) -> bool:
    """Whether every paper form of ``meeting`` is in: a condition of releasing its results."""
    return meeting.paper_entry_finished


def refusal(meeting: Meeting, now: dt.datetime) -> str | None:
    """Why no paper form can be entered for ``meeting`` now (NO_SURVEY, FINISHED), or None."""
    if meeting.opens_at is None or meeting.opens_at > now:
        return NO_SURVEY
    if meeting.paper_entry_finished:
        return FINISHED
    return None


class PaperEntryFinished(Exception):
    """The meeting's paper entry was marked finished (perhaps a moment ago)."""


def new_form_id() -> str:
    """The id of one paper form on the screen: sending it twice stores it once (the receipt)."""
    return secrets.token_urlsafe(24)


def as_sent(questionnaire: Questionnaire, typed: Mapping[str, str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What the online form would send for the typed keys and values, and the
    keys that name no option (question id -> the key)."""
    form: dict[str, list[str]] = {}
    unknown: dict[str, str] = {}
    for question in questionnaire.questions:
        value = (typed.get(question.id) or "").strip()
        if not value:
            continue
        if isinstance(question, Number | FreeText):
            form[question.id] = [value]
            continue
        by_key = dict(zip(OPTION_KEYS, question.codes))
        keys = [key for key in value.lower() if key not in " ,;/+"]
        wrong = [key for key in keys if key not in by_key]
        if wrong:
            unknown[question.id] = wrong[0]
        else:
            form[question.id] = [by_key[key] for key in keys]
    return form, unknown


def checked(questionnaire: Questionnaire, typed: Mapping[str, str]) -> tuple[Submission, dict[str, str]]:
    form, unknown = as_sent(questionnaire, typed)
    return validate_submission(questionnaire, form), unknown


def store_paper_form(
    session: Session, meeting: Meeting, sent: Submission, *, language: str, form_id: str, today: dt.date
) -> None:
    """Store one valid paper form as a response and count it for the meeting, in one transaction.

    Raises :class:`PaperEntryFinished` (the caller rolls back) when the
    meeting's paper entry is finished, and ``submission.AlreadySubmitted``
    when this form was stored before.
    """
    submission.submit_response(
        session,
        meeting,
        meeting.questionnaire_version_id,
        sent,
        language=language,
        submission_id=form_id,
        today=today,
        now=None,
        on_paper=True,
    )
    counted = session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.paper_entry_finished.is_(False))
        .values(paper_responses=Meeting.paper_responses + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        raise PaperEntryFinished
    # Counts are stored only after the paper entry is finished; should a form
    # ever come in later, the counts must not stay as they were.
    stored_counts.drop(session, meeting)


def finish_paper_entry(session: Session, meeting: Meeting) -> None:
    meeting.paper_entry_finished = True
    session.flush()
