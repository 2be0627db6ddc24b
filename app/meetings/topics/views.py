"""The topic list in the workspace: list, add, edit, merge and schedule
topics, and take a meeting's member proposals into it.  Each view reads and
checks the form first, then calls one use case in a short write transaction
and commits once."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.accounts.access import role_required
from app.db import db_session, get_or_404, writing
from app.meetings.topics import services
from app.meetings.topics.forms import (
    MergeForm,
    ProposalIntoTopicForm,
    ProposalToTopicForm,
    ScheduleForm,
    titles_form,
)
from app.models import Meeting, Topic
from app.network import settings

blueprint = Blueprint("topics", __name__, url_prefix="/workspace", template_folder="templates")
coordinators_only = role_required("coordinator")

ORIGINS = {Topic.MEMBERS: "members", Topic.COORDINATORS: "coordinators"}


def _languages() -> tuple[str, ...]:
    network = settings.current()
    return (network.default_language, *(lang for lang in network.languages if lang != network.default_language))


def _language() -> tuple[str, str]:
    return str(get_locale()), settings.current().default_language


def _topic_choices(excluding: int | None = None) -> list[SelectChoice]:
    return [
        SelectChoice(topic_id, title)
        for topic_id, title in services.titled(db_session(), *_language())
        if topic_id != excluding
    ]


def _meeting_choices() -> list[SelectChoice]:
    meetings = db_session().scalars(select(Meeting).order_by(Meeting.date.desc(), Meeting.id.desc()))
    return [SelectChoice(m.id, f"{format_date(m.date, 'medium')} – {m.title}") for m in meetings]


@blueprint.route("/topics/", methods=["GET", "POST"])
@coordinators_only
def topics():
    """The list, and a form to enter a topic."""
    form = titles_form(_languages())
    if form.validate_on_submit():
        session = writing()
        services.add_topic(session, form.titles())
        session.commit()
        flash(_("The topic was added."))
        return redirect(url_for(".topics"))
    return render_template(
        "topics/topics.html",
        rows=services.topic_rows(db_session(), settings.today()),
        form=form,
        languages=form.languages,
        title=_("Topics"),
    ), (422 if form.errors else 200)


@blueprint.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@coordinators_only
def edit_topic(topic_id: int):
    topic = get_or_404(Topic, topic_id)
    form = titles_form(_languages(), prefix="titles")
    if request.method == "GET":
        form.fill_from(topic)
    if form.validate_on_submit():
        session = writing()
        services.edit_topic(session, session.get(Topic, topic.id), form.titles())
        session.commit()
        flash(_("The topic was saved."))
        return redirect(url_for(".edit_topic", topic_id=topic.id))
    return _topic_page(topic, titles=form)


def _topic_page(topic: Topic, *, titles=None, merge=None, schedule=None):
    if titles is None:
        titles = titles_form(_languages(), prefix="titles", formdata=None)
        titles.fill_from(topic)
    merge = merge or MergeForm(topic.id, prefix="merge", formdata=None)
    merge.target.choices = _topic_choices(excluding=topic.id)
    schedule = schedule or ScheduleForm(prefix="schedule", formdata=None)
    schedule.meeting.choices = _meeting_choices()
    row = next(r for r in services.topic_rows(db_session(), settings.today()) if r.topic.id == topic.id)
    failed = titles.errors or merge.errors or schedule.errors
    return render_template(
        "topics/topic.html",
        row=row,
        titles=titles,
        merge=merge,
        schedule=schedule,
        languages=titles.languages,
        title=_("Edit topic"),
    ), (422 if failed else 200)


@blueprint.post("/topics/<int:topic_id>/merge")
@coordinators_only
def merge_topic(topic_id: int):
    topic = get_or_404(Topic, topic_id)
    form = MergeForm(topic.id, prefix="merge")
    form.target.choices = _topic_choices()  # itself included, so merging into itself is named as such
    if not form.validate_on_submit():
        return _topic_page(topic, merge=form)
    session = writing()
    target = session.get(Topic, form.target.data)
    services.merge_topics(session, session.get(Topic, topic.id), target)
    session.commit()
    flash(_("The topics were merged."))
    return redirect(url_for(".edit_topic", topic_id=target.id))


@blueprint.post("/topics/<int:topic_id>/schedule")
@coordinators_only
def schedule_topic(topic_id: int):
    topic = get_or_404(Topic, topic_id)
    form = ScheduleForm(prefix="schedule")
    form.meeting.choices = _meeting_choices()
    if not form.validate_on_submit():
        return _topic_page(topic, schedule=form)
    session = writing()
    meeting = session.get(Meeting, form.meeting.data)
    linked = [link.topic for link in meeting.topics if link.topic is not None]
    services.link_meeting(meeting, [*linked, session.get(Topic, topic.id)], settings.current().default_language)
    session.commit()
    flash(_("The meeting is devoted to this topic."))
    return redirect(url_for(".edit_topic", topic_id=topic.id))


# --- a meeting's proposals -------------------------------------------------------


def _proposals(meeting: Meeting):
    return services.proposals_of(db_session(), meeting, now=settings.now(), k=settings.min_cell_size())


@blueprint.get("/meetings/<int:meeting_id>/proposals")
@coordinators_only
def proposals(meeting_id: int):
    return _proposals_page(get_or_404(Meeting, meeting_id))


def _proposals_page(meeting: Meeting, *, failed: str | None = None, form=None):
    """The page; a form that failed comes back beside its proposal (``failed``: its digest)."""
    return render_template(
        "topics/proposals.html",
        meeting=meeting,
        proposals=_proposals(meeting),
        choices=_topic_choices(),
        failed=failed,
        form=form,
        k=settings.min_cell_size(),
        title=_("Topic proposals"),
    ), (422 if form is not None else 200)


def _take(meeting_id: int, form, take):
    meeting = get_or_404(Meeting, meeting_id)
    if hasattr(form, "target"):
        form.target.choices = _topic_choices()
    proposal = None
    if form.validate_on_submit():
        proposal = services.find_proposal(
            db_session(), meeting, form.proposal.data, now=settings.now(), k=settings.min_cell_size()
        )
        if proposal is None:
            form.proposal.errors.append(_("This proposal is not open any more: it was taken, or is not shown."))
    if proposal is None:
        return _proposals_page(meeting, failed=form.proposal.data, form=form)
    session = writing()
    topic = take(session, session.get(Meeting, meeting.id), proposal)
    session.commit()
    flash(_("The proposal is in the topic list: %(title)s", title=services.title(topic, *_language())))
    return redirect(url_for(".proposals", meeting_id=meeting.id))


@blueprint.post("/meetings/<int:meeting_id>/proposals/new")
@coordinators_only
def proposal_to_topic(meeting_id: int):
    form = ProposalToTopicForm()
    default = settings.current().default_language
    return _take(
        meeting_id,
        form,
        lambda session, meeting, proposal: services.take_proposal(
            session, meeting, proposal, titles={default: form.title.data}
        ),
    )


@blueprint.post("/meetings/<int:meeting_id>/proposals/merge")
@coordinators_only
def proposal_into_topic(meeting_id: int):
    form = ProposalIntoTopicForm()
    return _take(
        meeting_id,
        form,
        lambda session, meeting, proposal: services.take_proposal(
            session, meeting, proposal, into=session.get(Topic, form.target.data)
        ),
    )
