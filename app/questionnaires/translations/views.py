"""Translating a questionnaire: coverage per language at a glance, and a view
with the default-language text beside each text of one target language;
translations whose source changed since they were made are "to check" until
edited or confirmed.  Texts also go out to translators as an XLSX and come
back from one (xlsx.py).  Every change is saved to the draft at once, like
the builder's."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.access import role_required
from app.db import db_session
from app.http.downloads import attachment
from app.languages import NATIVE_NAMES
from app.questionnaires.builder import document
from app.questionnaires.builder.entries import TEXT_LENGTH, Entries
from app.questionnaires.builder.messages import text_of
from app.questionnaires.builder.views import buildable_draft, save_document
from app.questionnaires.translations import store, texts, xlsx

blueprint = Blueprint(
    "translations", __name__, url_prefix="/workspace/questionnaires/builder", template_folder="templates"
)
coordinators_only = role_required("coordinator")


def context_of(entry: texts.Entry) -> str:
    """Where a text belongs, in words: "Question 3: answer 2"."""
    if entry.kind == "title":
        return _("Title")
    if entry.kind == "intro":
        return _("Introduction")
    if entry.kind == "mittlerziel":
        return _("Mittlerziel")
    if entry.kind == "indicator":
        return _("Indicator %(number)s", number=entry.number)
    question = _("Question %(number)s", number=entry.number)
    if entry.kind == "help":
        return _("%(question)s: help text", question=question)
    if entry.kind == "option":
        return _("%(question)s: answer %(number)s", question=question, number=entry.part)
    if entry.kind == "point":
        return _("%(question)s: point %(number)s of the scale", question=question, number=entry.part)
    return question


@blueprint.route("/<int:draft_id>/translations", methods=["GET", "POST"])
@coordinators_only
def translate(draft_id: int):
    draft, data = buildable_draft(draft_id)
    languages = document.languages(data)
    default = languages[0]
    target = request.args.get("to", "")
    bases = store.bases(db_session(), str(data.get("id", "")))
    listed = texts.entries(data)
    to_check = texts.stale(data, bases)
    errors: dict[str, str] = {}
    sent = Entries({f"t:{e.key}": [e.text.get(target, "")] for e in listed})
    if target not in languages[1:]:
        target = ""
    elif request.method == "POST":
        sent = Entries({name: request.form.getlist(name) for name in request.form})
        confirmed = {(key, target) for key in sent.getlist("confirm")}
        changed = data
        for entry in listed:
            name = f"t:{entry.key}"
            if name not in request.form:
                continue  # a text added since the page was made
            value = sent.text(name).strip()
            if len(value) > TEXT_LENGTH:
                errors[name] = text_of("too_long", {"limit": TEXT_LENGTH})
            elif any(ord(c) < 32 and c not in "\t\n\r" for c in value):
                errors[name] = text_of("unstorable", {})
            elif value and not entry.text.get(default):
                errors[name] = text_of("text_needs_default", {"language": default})
            elif value != entry.text.get(target, ""):
                changed = texts.with_text(changed, entry, target, value)
        if not errors:
            return save_document(
                draft,
                changed,
                _("The translations into %(language)s are saved.", language=NATIVE_NAMES[target]),
                url_for(".translate", draft_id=draft_id, to=target),
                confirmed=confirmed,
            )
    return render_template(
        "translations/translate.html",
        draft=draft,
        data=data,
        languages=languages,
        default_language=default,
        target=target,
        listed=listed,
        to_check=to_check,
        coverage=texts.coverage(data, bases),
        entries=sent,
        errors=errors,
        context_of=context_of,
        title=_("Translations"),
    ), (422 if errors else 200)


@blueprint.get("/<int:draft_id>/translations.xlsx")
@coordinators_only
def export(draft_id: int):
    _draft, data = buildable_draft(draft_id)
    bases = store.bases(db_session(), str(data.get("id", "")))
    body = xlsx.workbook_of(data, texts.stale(data, bases), context_of, _("to check"))
    name = f"{data.get('id') or 'questionnaire'}-texts.xlsx"
    return attachment(body, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@blueprint.post("/<int:draft_id>/translations/import")
@coordinators_only
def import_texts(draft_id: int):
    draft, data = buildable_draft(draft_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Please choose the XLSX file with the texts."))
        return redirect(url_for(".translate", draft_id=draft_id))
    try:
        read = xlsx.read_texts(upload.read(xlsx.MAX_BYTES + 1))
    except xlsx.UnreadableTexts as exc:
        flash(_("This file could not be read: %(reason)s", reason=reason_text(exc)))
        return redirect(url_for(".translate", draft_id=draft_id))
    changed, report = xlsx.apply(data, read)
    if not report.changed:
        flash(_("The file changes no text."))
        return redirect(url_for(".translate", draft_id=draft_id))
    notice = _("%(changed)s texts changed from the file.", changed=len(report.changed))
    if report.unknown_keys:
        notice += " " + _(
            "Rows not in the questionnaire, left out: %(keys)s.", keys=", ".join(report.unknown_keys[:10])
        )
    if report.refused:
        notice += " " + _(
            "Texts left out because they are too long or hold a control character: %(keys)s.",
            keys=", ".join(f"{key} ({language})" for key, language in report.refused[:10]),
        )
    if report.changed:
        notice += " " + _(
            "Changed: %(texts)s.", texts=", ".join(f"{key} ({language})" for key, language in report.changed[:20])
        )
    return save_document(draft, changed, notice, url_for(".translate", draft_id=draft_id))


UNREADABLE = {
    "too_large": _l("the file is larger than 5 MB"),
    "not_xlsx": _l("it is not an XLSX file"),
    "too_big_inside": _l("it unpacks to far more than such a file holds"),
    "no_key_column": _l("its first sheet has no column “key”"),
    "no_language_column": _l("its first sheet has no column such as “label::English (en)”"),
    "too_many_rows": _l("it has more rows than a questionnaire has texts"),
}


def reason_text(exc: xlsx.UnreadableTexts) -> str:
    return str(UNREADABLE[exc.reason])
