"""Forms for questionnaire drafts and uploads.  Labels are lazy so they follow the request's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import TextAreaField
from wtforms.validators import Length

from app.http.validators import storable

DRAFT_LIMIT = 200_000  # characters of a draft, typed or imported


class DraftForm(FlaskForm):
    source = TextAreaField(_l("Questionnaire (YAML)"), validators=[Length(max=DRAFT_LIMIT), storable])


class UploadForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[FileRequired(), FileAllowed(["yaml", "yml", "xlsx"], _l("Please choose a .yaml or .xlsx file."))],
    )
