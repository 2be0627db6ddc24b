"""The strategy in the workspace: its overview for staff, and for admins its
versions, drafts, uploads and differences.  Each view reads and checks
first, then writes in one short transaction and commits once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import db_session, get_from_query_or_404, get_or_404, writing
from app.evaluation.report import reporting
from app.evaluation.report.views import interval, percent, record_goal, verdict_label
from app.http.validators import NUL
from app.models import StrategyDraft, StrategyVersion
from app.network import settings
from app.network.strategy import overview, store
from app.network.strategy.forms import DRAFT_LIMIT, StrategyDraftForm, StrategyUploadForm
from app.network.strategy.model import check_strategy
from app.questionnaires.versions import source_diff

blueprint = Blueprint("strategy", __name__, url_prefix="/workspace/strategy", template_folder="templates")
admins_only = role_required("admin")


@blueprint.get("/")
@role_required("coordinator", "evaluator")
def show():
    session = db_session()
    options = reporting.ReportOptions(min_cell=settings.min_cell_size())
    found = overview.strategy_overview(
        session, store.strategy_in_force(session), options, today=settings.today(), now=settings.now()
    )
    return render_template(
        "strategy/overview.html",
        overview=found,
        overview_confidence=options.confidence,
        version=store.version_in_force(session),
        percent=percent,
        interval=interval,
        verdict_label=verdict_label,
        record_goal=record_goal,
        title=_("Strategy"),
    )


@blueprint.get("/versions")
@admins_only
def versions():
    return _versions_page(StrategyUploadForm())


def _versions_page(upload: StrategyUploadForm, status: int = 200):
    """The versions and drafts, with the upload form as it was sent (its errors beside it)."""
    session = db_session()
    drafts = session.query(StrategyDraft).order_by(StrategyDraft.id.desc()).all()
    return render_template(
        "strategy/versions.html",
        listed=store.all_versions(session),
        drafts=drafts,
        upload=upload,
        editor=StrategyDraftForm(),
        strategy_goals=lambda version: store.strategy_of(version).goals,
        title=_("Strategy versions"),
    ), status


@blueprint.post("/drafts")
@admins_only
def new_draft():
    """A draft from the text area or from an uploaded YAML file."""
    if "file" in request.files:
        upload = StrategyUploadForm()
        if not upload.validate():
            return _versions_page(upload, 422)
        source = upload.file.data.read().decode("utf-8", errors="replace")
        if NUL in source:
            upload.file.errors.append(_("This text contains a character that cannot be stored (NUL)."))
            return _versions_page(upload, 422)
        if len(source) > DRAFT_LIMIT:
            upload.file.errors.append(
                _(
                    "This file has %(length)s characters; a draft holds at most %(limit)s.",
                    length=format_decimal(len(source)),
                    limit=format_decimal(DRAFT_LIMIT),
                )
            )
            return _versions_page(upload, 422)
    else:
        form = StrategyDraftForm()
        if not form.validate_on_submit():
            abort(400)
        source = form.source.data or ""
    session = writing()
    draft = store.save_draft(session, source)
    session.commit()
    return redirect(url_for(".draft", draft_id=draft.id))


@blueprint.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
@admins_only
def draft(draft_id: int):
    current = get_or_404(StrategyDraft, draft_id)
    form = StrategyDraftForm(obj=current if request.method == "GET" else None)
    result = check_strategy(form.source.data if form.source.data is not None else current.source)
    orphans = overview.orphaned_questionnaires(db_session(), result.strategy) if result.strategy else ()
    if form.validate_on_submit():
        session = writing()
        store.save_draft(session, form.source.data or "", current)  # kept even when invalid
        session.commit()
    newest = store.version_in_force(db_session())
    return render_template(
        "strategy/draft.html",
        draft=current,
        form=form,
        result=result,
        orphans=orphans,
        next_number=(newest.number if newest else 0) + 1,
        title=_("Edit the strategy"),
    ), (422 if result.errors or form.errors else 200)


@blueprint.post("/drafts/<int:draft_id>/publish")
@admins_only
def publish(draft_id: int):
    current = get_or_404(StrategyDraft, draft_id)
    result = check_strategy(current.source)
    if result.errors or result.strategy is None:
        flash(_("The strategy still has errors; it was not published."))
        return redirect(url_for(".draft", draft_id=draft_id))
    session = writing()
    version, outcome = store.publish_draft(session, current, result.strategy)
    session.commit()
    if outcome == "unchanged":
        flash(_("The strategy is the same as version %(number)s, which stays in force.", number=version.number))
    else:
        flash(_("Published as version %(number)s; it is now in force.", number=version.number))
    return redirect(url_for(".versions"))


@blueprint.post("/versions/<int:strategy_version_id>/edit")
@admins_only
def edit_version(strategy_version_id: int):
    version = get_or_404(StrategyVersion, strategy_version_id)
    session = writing()
    new = store.save_draft(session, version.source)
    session.commit()
    return redirect(url_for(".draft", draft_id=new.id))


@blueprint.get("/diff")
@admins_only
def diff():
    old = get_from_query_or_404(StrategyVersion, "old")
    new = get_from_query_or_404(StrategyVersion, "new")
    return render_template(
        "strategy/diff.html",
        old=old,
        new=new,
        lines=source_diff(old.source, new.source),
        title=_("Changes between versions"),
    )
