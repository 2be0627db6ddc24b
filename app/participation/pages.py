"""A questionnaire served one section per page, without a session.

Every page sends all answers given so far (the other pages' as hidden
fields), so the server keeps nothing between pages and the participant can
go back and forth.  Each request is judged on what it carries: the pages up
to the one sent must be valid before the next is shown, and all of them
before anything is stored.  A page sent out of order, or with carried answers
altered, therefore comes back as the first page that is not valid, with its
errors; nothing is stored half.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.questionnaires.model import Part

# The values of the form's navigation buttons (field "step"); without one the form is sent.
BACK, NEXT = "back", "next"


@dataclass(frozen=True)
class Step:
    page: int  # the page to show, from 1
    store: bool = False  # every page is valid and the form was sent: store it
    errors: Mapping[str, tuple] = field(default_factory=dict)  # those of the page shown


def page_number(sent: str | None, count: int) -> int:
    """The page a request says it comes from, within 1..count (1 for anything else)."""
    try:
        number = int(sent or "1")
    except ValueError:
        return 1
    return min(max(number, 1), count)


def next_step(pages: Sequence[Part], sent_page: str | None, step: str | None, errors: Mapping[str, tuple]) -> Step:
    """Where a request leads: back without checking; next once the pages up to
    this one are valid; sent once all are."""
    current = page_number(sent_page, len(pages))
    if step == BACK:
        return Step(max(current - 1, 1))
    checked = pages[:current] if step == NEXT else pages
    for page in checked:
        own = {question.id: errors[question.id] for question in page.questions if question.id in errors}
        if own:
            return Step(page.number, errors=own)
    if step == NEXT:
        return Step(min(current + 1, len(pages)))
    return Step(len(pages), store=True)
