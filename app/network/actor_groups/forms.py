"""The actor-group form: a code and a label per language.  Labels are lazy so
they follow the request's language."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.http.validators import storable
from app.languages import NATIVE_NAMES
from app.questionnaires.model import CODE


class _GroupForm(FlaskForm):
    code = StringField(_l("Code"), filters=[lambda value: value.strip() if isinstance(value, str) else value])
    position = IntegerField(_l("Place in the list"), validators=[Optional(), NumberRange(min=1, max=10_000)])

    languages: Sequence[str] = ()

    def validate_code(self, field):
        if not field.data:
            raise ValidationError(_l("Please give a code."))
        if not re.fullmatch(CODE, field.data):
            raise ValidationError(
                _l(
                    "Use lower-case letters a–z, digits and _ only, at most 40 characters, starting with a letter or digit."
                )
            )

    def label_field(self, language: str):
        return self[f"label_{language}"]

    def labels(self) -> dict[str, str]:
        return {language: self.label_field(language).data or "" for language in self.languages}

    def fill_from(self, group) -> None:
        for language in self.languages:
            self.label_field(language).data = group.labels.get(language, "")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any(text.strip() for text in self.labels().values()):
            self.label_field(self.languages[0]).errors.append(_l("Please give the label in at least one language."))
            return False
        return valid


def actor_group_form(languages: Sequence[str], *, new: bool):
    """A form for a group with a label field per language; a group's code is
    given once, when it is added, and the place in the list only when editing."""

    class ActorGroupForm(_GroupForm):
        pass

    ActorGroupForm.languages = tuple(languages)
    for language in languages:
        setattr(
            ActorGroupForm,
            f"label_{language}",
            StringField(NATIVE_NAMES[language], validators=[Optional(), Length(max=200), storable]),
        )
    form = ActorGroupForm()
    if new:
        del form.position
    else:
        del form.code
    return form
