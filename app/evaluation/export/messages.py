"""What an evaluator is told when an export cannot be made: the download
page and the API word the same refusals alike."""

from __future__ import annotations

from flask_babel import gettext as _

from app.evaluation.export import exporting


def error_text(error: exporting.ExportError) -> tuple[str, str]:
    """The form field an export error belongs to, and what to tell the evaluator."""
    params = error.params
    return {
        "unknown_version": ("version", _("This questionnaire version does not exist.")),
        "unknown_meeting": ("selection", _("This meeting does not exist.")),
        "meeting_not_in_version": ("selection", _("This meeting used another questionnaire version.")),
        "no_responses": ("selection", _("No responses to a closed survey match this selection.")),
        "survey_open": (
            "selection",
            _("This meeting's survey has not closed yet: its responses can be downloaded once it has."),
        ),
        "too_few_responses": (
            "selection",
            _(
                "Each meeting of this selection has fewer than %(k)s responses: they cannot be downloaded "
                "without singling someone out.",
                k=params.get("k"),
            ),
        ),
        "unknown_language": ("language", _("The questionnaire has no texts in this language.")),
        "unknown_format": ("format", _("Unknown format.")),
        "too_many_rows": (
            "format",
            _("%(rows)s rows do not fit in one worksheet; choose CSV or a smaller selection.", rows=params.get("rows")),
        ),
        "name_too_long": (
            "format",
            _("These variable names are too long for SPSS: %(names)s", names=params.get("names")),
        ),
    }.get(error.code, ("format", _("This export cannot be made.")))
