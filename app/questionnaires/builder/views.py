"""The questionnaire builder: a questionnaire made in forms, without YAML and
without JavaScript.

Every action is a form post that reads and checks what was sent, applies one
edit to the draft's document (document.py), writes the YAML back to the draft
in one short transaction and redirects (post, redirect, get): a change is
kept the moment it is made, and a session that expires loses nothing saved.
Bad entries come back with every entry kept and a message beside each, and
nothing is stored.  The YAML editor (questionnaires.views.draft) stays the
advanced view of the same draft.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import db_session, get_or_404, writing
from app.languages import SUPPORTED_LANGUAGES, pick
from app.models import QuestionnaireDraft, QuestionnaireVersion
from app.network.actor_groups.services import as_options
from app.network.strategy.store import strategy_in_force
from app.questionnaires import drafts, versions
from app.questionnaires.builder import document, entries, messages
from app.questionnaires.builder.document import Refused, Unbuildable
from app.questionnaires.builder.entries import Entries
from app.questionnaires.translations import store as translation_store
from app.questionnaires.translations import texts

blueprint = Blueprint("builder", __name__, url_prefix="/workspace/questionnaires/builder", template_folder="templates")
coordinators_only = role_required("coordinator")

IV1 = Path(__file__).resolve().parents[3] / "questionnaires" / "iv-1.yaml"
MAX_ID = 2**31 - 1
# Editors with a YAML language server check the draft against the schema.
SCHEMA_LINE = "# yaml-language-server: $schema=schema.json\n"


# --------------------------------------------------------------------------
# What every page needs


@blueprint.context_processor
def _helpers():
    return {"group_of": group_of, "percent": document.percent}


def group_of(name: str) -> str:
    """The part of a form a field belongs to (the error summary links to it):
    ``text-de`` to ``text``, ``option-3-label-de`` and ``option-3-code`` to ``option-3``."""
    parts = name.split("-")
    if parts[0] in ("option", "label") and len(parts) > 2:
        return "-".join(parts[:2])
    if len(parts) > 1 and parts[-1] in SUPPORTED_LANGUAGES:
        return "-".join(parts[:-1])
    return name


def _draft(draft_id: int) -> tuple[QuestionnaireDraft, dict | None, Unbuildable | None]:
    draft = get_or_404(QuestionnaireDraft, draft_id)
    try:
        return draft, document.load(draft.source), None
    except Unbuildable as exc:
        return draft, None, exc


def buildable_draft(draft_id: int) -> tuple[QuestionnaireDraft, dict]:
    """The draft and its document; a draft the builder cannot read goes to its overview, which says why."""
    draft, data, unreadable = _draft(draft_id)
    if unreadable is not None:
        abort(redirect(url_for(".overview", draft_id=draft_id)))
    return draft, data


def save_document(
    draft: QuestionnaireDraft, data: dict, notice: str, target: str | None = None, *, confirmed=frozenset()
):
    """Write the document into the draft (one short transaction) and redirect.
    Translations written anew, and those ``confirmed`` (key, language), are
    remembered as made from today's sources."""
    source = document.dump(data, document.header_of(draft.source))
    try:
        before = document.load(draft.source)
    except Unbuildable:
        before = None
    made = {**texts.made_anew(before, data), **texts.made_from(data, confirmed)}
    session = writing()
    drafts.save_draft(session, source, draft)
    translation_store.record(session, data.get("id"), made)
    session.commit()
    flash(notice)
    return redirect(target or url_for(".overview", draft_id=draft.id))


def _refused(draft: QuestionnaireDraft, exc: Refused):
    flash(messages.text_of(exc.reason, exc.details))
    return redirect(url_for(".overview", draft_id=draft.id))


def _errors(read: entries.Read) -> dict[str, str]:
    return {name: messages.message_text(message) for name, message in read.errors.items()}


def _mittlerziele() -> list[tuple[str, dict]]:
    """The strategy's Mittlerziele (code, text), when the network has a strategy."""
    strategy = strategy_in_force(db_session())
    return [] if strategy is None else [(m.code, dict(m.text)) for m in strategy.mittlerziele]


def _answers(question: dict, groups, default: str) -> list[tuple[str, object]]:
    """The answers of a question to pick in a condition or an indicator, as
    (code, label); the network's actor groups for ``options_from``."""
    kind = question.get("type")
    if kind == "yes_no_dont_know":
        return [(code, messages.SCALE_ANSWERS[code]) for code in document.SCALE_CODES[kind]]
    if kind == "likert":
        labels = question.get("labels", [])
        return [(str(k), _text(labels[k - 1], default) if k <= len(labels) else "") for k in range(1, 6)]
    if question.get("options_from") == "topics":
        return []  # the open topics are known when a version is published
    if question.get("options_from"):
        return [(group.code, _text(group.label, default)) for group in groups]
    return [(option.get("code", ""), _text(option.get("label"), default)) for option in question.get("options", [])]


def _text(text, default: str) -> str:
    """A questionnaire text in its default language (the one a coordinator writes first)."""
    if not text:
        return ""
    return pick(text, default, default).text


def _page(template: str, draft: QuestionnaireDraft, data: dict, status: int = 200, **context):
    languages = document.languages(data)
    return render_template(
        f"builder/{template}",
        draft=draft,
        data=data,
        languages=languages,
        default_language=languages[0],
        type_names=messages.QUESTION_TYPES,
        denominators=messages.DENOMINATORS,
        comparisons=messages.COMPARISONS,
        text=lambda text: _text(text, languages[0]),
        **context,
    ), status


def _number(number: int, count: int) -> int:
    """The 0-based position of a 1-based number, or a 404 page."""
    if not 1 <= number <= count:
        abort(404)
    return number - 1


def _unchanged(entry: Entries, item: dict) -> bool:
    """Whether the form was made from this very question or indicator (not one
    that another window has since moved or changed)."""
    return entry.get("was") == item.get("id", "")


def _sent() -> Entries:
    return Entries({name: request.form.getlist(name) for name in request.form})


# --------------------------------------------------------------------------
# Starting


def _templates() -> dict[str, str]:
    """The templates a questionnaire can start from: blank, IV.1, a copy of each version."""
    found = {key: str(label) for key, label in messages.TEMPLATES.items()}
    for row in versions.version_rows(db_session()):
        found[f"version-{row.version.id}"] = _(
            "A copy of %(key)s, version %(version)s", key=row.version.questionnaire_key, version=row.version.version
        )
    return found


@blueprint.route("/new", methods=["GET", "POST"])
@coordinators_only
def start():
    templates = _templates()
    sent = _sent() if request.method == "POST" else Entries({"template": ["blank"], "default_language": ["de"]})
    errors: dict[str, str] = {}
    if request.method == "POST":
        read = entries.read_start(sent, templates)
        errors = _errors(read)
        if not errors:
            chosen = read.value
            data = _from_template(chosen)
            if data is None:
                errors["template"] = messages.text_of("choose_one", {})
            else:
                session = writing()
                draft = drafts.save_draft(session, document.dump(data, SCHEMA_LINE))
                session.commit()
                flash(_("The questionnaire was started. Every change is saved at once."))
                return redirect(url_for(".overview", draft_id=draft.id))
    return render_template(
        "builder/start.html",
        entries=sent,
        errors=errors,
        templates=templates,
        supported=SUPPORTED_LANGUAGES,
        title=_("Build a questionnaire"),
    ), (422 if errors else 200)


def _from_template(chosen: dict) -> dict | None:
    template = chosen["template"]
    if template == "blank":
        mittlerziele = _mittlerziele()
        code, text = mittlerziele[0] if mittlerziele else ("", {})
        language = chosen["default_language"]
        return document.blank(
            questionnaire_id=chosen["id"],
            title=chosen["title"],
            languages=[language],
            mittlerziel={"code": code, "text": {language: text[language]} if language in text else {}},
        )
    if template == "iv-1":
        source = IV1.read_text("utf-8")
    else:
        version_id = template.removeprefix("version-")
        if not version_id.isdigit() or not 0 < int(version_id) <= MAX_ID:
            return None
        version = db_session().get(QuestionnaireVersion, int(version_id))
        if version is None:
            return None
        source = version.source
    try:
        data = document.load(source)
    except Unbuildable:
        return None
    return document.copy_of(data, questionnaire_id=chosen["id"], title=chosen["title"] or None)


# --------------------------------------------------------------------------
# The overview


@blueprint.get("/<int:draft_id>")
@coordinators_only
def overview(draft_id: int):
    draft, data, unreadable = _draft(draft_id)
    if unreadable is not None:
        return render_template(
            "builder/unreadable.html", draft=draft, unreadable=unreadable, title=_("Build a questionnaire")
        )
    result = versions.check_for_network(db_session(), draft.source)
    groups = as_options(db_session())
    return _page(
        "overview.html",
        draft,
        data,
        result=result,
        answers={
            q.get("id"): dict(_answers(q, groups, document.default_language(data))) for q in document.questions(data)
        },
        positions={q.get("id"): i + 1 for i, q in enumerate(document.questions(data))},
        coverage=texts.coverage(data, translation_store.bases(db_session(), str(data.get("id", "")))),
        title=_text(data.get("title"), document.default_language(data)) or _("Build a questionnaire"),
    )


# --------------------------------------------------------------------------
# Settings


@blueprint.route("/<int:draft_id>/settings", methods=["GET", "POST"])
@coordinators_only
def settings(draft_id: int):
    draft, data = buildable_draft(draft_id)
    mittlerziele = _mittlerziele()
    sent, errors = entries.settings_entries(data), {}
    if request.method == "POST":
        sent = _sent()
        read = entries.read_settings(sent, data, dict(mittlerziele))
        errors = _errors(read)
        if not errors:
            made, dropped = document.set_settings(data, read.value)
            notice = _("The settings are saved.")
            if dropped:
                notice += " " + _("The texts in %(languages)s were removed.", languages=", ".join(dropped))
            return save_document(draft, made, notice)
    return _page(
        "settings.html",
        draft,
        data,
        422 if errors else 200,
        entries=sent,
        errors=errors,
        mittlerziele=mittlerziele,
        supported=SUPPORTED_LANGUAGES,
        title=_("Settings of the questionnaire"),
    )


# --------------------------------------------------------------------------
# Questions


@blueprint.route("/<int:draft_id>/questions/new", methods=["GET", "POST"])
@coordinators_only
def new_question(draft_id: int):
    draft, data = buildable_draft(draft_id)
    kind = (request.form if request.method == "POST" else request.args).get("type", "")
    if kind not in document.QUESTION_TYPES:
        flash(messages.text_of("unknown_type", {}))
        return redirect(url_for(".overview", draft_id=draft_id))
    return _question_form(draft, data, None, kind)


@blueprint.route("/<int:draft_id>/questions/<int:number>", methods=["GET", "POST"])
@coordinators_only
def question(draft_id: int, number: int):
    draft, data = buildable_draft(draft_id)
    index = _number(number, len(document.questions(data)))
    return _question_form(draft, data, index, document.questions(data)[index].get("type", ""))


def _question_form(draft, data: dict, index: int | None, kind: str):
    languages = document.languages(data)
    if index is None:
        shown = entries.question_entries({"type": kind}, languages, blank_rows=4)
    else:
        question = document.questions(data)[index]
        section = document.section_beginning(data, question.get("id", ""))
        shown = entries.question_entries(question, languages, section=section)
    errors: dict[str, str] = {}
    if request.method == "POST":
        shown = _sent()
        if index is not None and not _unchanged(shown, document.questions(data)[index]):
            return _refused(draft, Refused("no_such_question"))
        if "more" in request.form:  # more rows for answers; nothing to save yet
            shown.set("options-count", entries.option_rows(shown) + entries.BLANK_OPTION_ROWS)
        else:
            read = entries.read_question(shown, data, index, kind)
            errors = _errors(read)
            if not errors:
                try:
                    made = document.put_question(
                        data, read.value.question, index, renamed_codes=read.value.renamed_codes
                    )
                    made = document.set_section(made, read.value.question["id"], read.value.section_title)
                except Refused as exc:
                    errors["form"] = messages.text_of(exc.reason, exc.details)
                else:
                    number = (index if index is not None else len(document.questions(made)) - 1) + 1
                    return save_document(
                        draft,
                        made,
                        _("Question %(number)s is saved.", number=number),
                        url_for(".overview", draft_id=draft.id, _anchor=f"question-{number}"),
                    )
    groups = as_options(db_session())
    return _page(
        "question.html",
        draft,
        data,
        422 if errors else 200,
        index=index,
        kind=kind,
        entries=shown,
        errors=errors,
        rows=entries.option_rows(shown),
        conditions=[
            (q, i, _answers(q, groups, document.default_language(data)))
            for q, i in entries.condition_choices(data, index)
        ],
        title=_("Question %(number)s", number=(index + 1) if index is not None else len(document.questions(data)) + 1),
    )


@blueprint.post("/<int:draft_id>/questions/<int:number>/move")
@coordinators_only
def move_question(draft_id: int, number: int):
    draft, data = buildable_draft(draft_id)
    index = _number(number, len(document.questions(data)))
    sent = _sent()
    if not _unchanged(sent, document.questions(data)[index]):
        return _refused(draft, Refused("no_such_question"))
    step = {"up": -1, "down": 1}.get(sent.get("direction"))
    if step is None:
        abort(400)
    try:
        made = document.move_question(data, index, step)
    except Refused as exc:
        return _refused(draft, exc)
    moved = min(max(index + step, 0), len(document.questions(data)) - 1) + 1
    return save_document(
        draft,
        made,
        _("The question is now number %(number)s.", number=moved),
        url_for(".overview", draft_id=draft.id, _anchor=f"question-{moved}"),
    )


@blueprint.route("/<int:draft_id>/questions/<int:number>/delete", methods=["GET", "POST"])
@coordinators_only
def delete_question(draft_id: int, number: int):
    draft, data = buildable_draft(draft_id)
    index = _number(number, len(document.questions(data)))
    shown = document.questions(data)[index]
    if request.method == "POST":
        if not _unchanged(_sent(), shown):
            return _refused(draft, Refused("no_such_question"))
        try:
            made = document.delete_question(data, index)
        except Refused as exc:
            return _refused(draft, exc)
        return save_document(draft, made, _("Question %(number)s was deleted.", number=number))
    return _page(
        "delete.html",
        draft,
        data,
        item=shown,
        number=number,
        action=url_for(".delete_question", draft_id=draft_id, number=number),
        title=_("Delete question %(number)s?", number=number),
    )


# --------------------------------------------------------------------------
# Indicators


@blueprint.route("/<int:draft_id>/indicators/new", methods=["GET", "POST"])
@coordinators_only
def new_indicator(draft_id: int):
    draft, data = buildable_draft(draft_id)
    return _indicator_form(draft, data, None)


@blueprint.route("/<int:draft_id>/indicators/<int:number>", methods=["GET", "POST"])
@coordinators_only
def indicator(draft_id: int, number: int):
    draft, data = buildable_draft(draft_id)
    return _indicator_form(draft, data, _number(number, len(document.indicators(data))))


def _indicator_form(draft, data: dict, index: int | None):
    languages = document.languages(data)
    old = document.indicators(data)[index] if index is not None else {"denominator": "answered"}
    shown, errors = entries.indicator_entries(old, languages), {}
    if request.method == "POST":
        shown = _sent()
        if index is not None and not _unchanged(shown, old):
            return _refused(draft, Refused("no_such_indicator"))
        read = entries.read_indicator(shown, data, index)
        errors = _errors(read)
        if not errors:
            try:
                made = document.put_indicator(data, read.value, index)
            except Refused as exc:
                errors["form"] = messages.text_of(exc.reason, exc.details)
            else:
                number = (index if index is not None else len(document.indicators(made)) - 1) + 1
                return save_document(
                    draft,
                    made,
                    _("Indicator %(number)s is saved.", number=number),
                    url_for(".overview", draft_id=draft.id, _anchor=f"indicator-{number}"),
                )
    groups = as_options(db_session())
    mittlerziele = _mittlerziele()
    goal = shown.get("goal")
    if goal and goal not in dict(mittlerziele):
        mittlerziele.append((goal, {}))
    return _page(
        "indicator.html",
        draft,
        data,
        422 if errors else 200,
        index=index,
        entries=shown,
        errors=errors,
        choices=[
            (q, i, _answers(q, groups, document.default_language(data))) for q, i in entries.indicator_choices(data)
        ],
        mittlerziele=mittlerziele,
        title=_(
            "Indicator %(number)s", number=(index + 1) if index is not None else len(document.indicators(data)) + 1
        ),
    )


@blueprint.route("/<int:draft_id>/indicators/<int:number>/delete", methods=["GET", "POST"])
@coordinators_only
def delete_indicator(draft_id: int, number: int):
    draft, data = buildable_draft(draft_id)
    index = _number(number, len(document.indicators(data)))
    shown = document.indicators(data)[index]
    if request.method == "POST":
        if not _unchanged(_sent(), shown):
            return _refused(draft, Refused("no_such_indicator"))
        return save_document(
            draft, document.delete_indicator(data, index), _("Indicator %(number)s was deleted.", number=number)
        )
    return _page(
        "delete.html",
        draft,
        data,
        item=shown,
        number=number,
        action=url_for(".delete_indicator", draft_id=draft_id, number=number),
        title=_("Delete indicator %(number)s?", number=number),
    )
