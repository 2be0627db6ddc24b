"""The participant form class, built from a questionnaire version.

Field names are the questions' stable ids.  The fields carry no validators of
their own: what counts as a valid answer is decided once, in
``app.questionnaires.answers``; the form only keeps what was sent so a rejected form
comes back filled in.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField

from app.questionnaires.model import FreeText, MultipleChoice, Number, Questionnaire, Ranking

# A signed id (signed.new_submission_id) has this shape; anything else is not looked at.
SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_.-]{40,200}$")
# The button that shows the form in another language, answers kept, instead of sending it.
SWITCH_LANGUAGE = "switch_language"
# Form fields that are not answers.
CONTROL_FIELDS = frozenset({"submission_id", "language", "access_code", "page", "step", SWITCH_LANGUAGE})


# Every field has a label (an empty one: the template writes the question
# texts), since a field without one asks WTForms' translations for a default
# label, and those are read from disk anew on every request.
class ParticipantForm(FlaskForm):
    class Meta:
        csrf = False  # participants have no session to keep a token in (see origin.py)


def _field_for(question):
    # A ranking's places share its name: the values arrive in the places' order, empty ones included.
    if isinstance(question, MultipleChoice | Ranking):
        return SelectMultipleField(label="", choices=list(question.codes), validate_choice=False)
    if isinstance(question, Number):
        return StringField(label="")
    if isinstance(question, FreeText):
        return TextAreaField(label="")
    return RadioField(label="", choices=list(question.codes), validate_choice=False)


_form_classes: dict[str, type[ParticipantForm]] = {}


def _form_class(questionnaire: Questionnaire) -> type[ParticipantForm]:
    cached = _form_classes.get(questionnaire.fingerprint)
    if cached is not None:
        return cached
    attributes = {question.id: _field_for(question) for question in questionnaire.questions}
    attributes["questionnaire"] = questionnaire
    form_class = type(f"Form_{questionnaire.id}_{questionnaire.version}", (ParticipantForm,), attributes)
    _form_classes[questionnaire.fingerprint] = form_class
    return form_class


def form_for(questionnaire: Questionnaire, **kwargs) -> ParticipantForm:
    return _form_class(questionnaire)(**kwargs)
