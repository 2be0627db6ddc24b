"""Forms of the topic list: a title per offered language, merging, scheduling,
and taking a member proposal.  Labels are lazy so they follow the request's language."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.http.validators import storable
from app.languages import NATIVE_NAMES

TITLE_LENGTH = 300


def _stripped(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class _TitlesForm(FlaskForm):
    languages: Sequence[str] = ()

    def title_field(self, language: str):
        return self[f"title_{language}"]

    def titles(self) -> dict[str, str]:
        return {language: text for language in self.languages if (text := self.title_field(language).data)}

    def fill_from(self, topic) -> None:
        for language in self.languages:
            self.title_field(language).data = topic.titles.get(language, "")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        default = self.title_field(self.languages[0])
        if not default.data and not default.errors:
            default.errors.append(
                _l(
                    "Please give the title in %(language)s, the network's default language.",
                    language=NATIVE_NAMES[self.languages[0]],
                )
            )
            return False
        return valid


def titles_form(languages: Sequence[str], **kwargs) -> _TitlesForm:
    """A form with a title field per offered language, the default language first."""

    class TitlesForm(_TitlesForm):
        pass

    TitlesForm.languages = tuple(languages)
    for language in languages:
        setattr(
            TitlesForm,
            f"title_{language}",
            StringField(
                NATIVE_NAMES[language], filters=[_stripped], validators=[Optional(), Length(max=TITLE_LENGTH), storable]
            ),
        )
    return TitlesForm(**kwargs)


def id_or_none(value):
    """A chosen id; anything that is none (empty, typed in) is None, which no list holds."""
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None


def on_the_list(message, *, optional: bool = False):
    """A choice among the view's choices, refused in words (not WTForms' "Not a valid choice");
    with ``optional``, no choice at all is allowed too."""

    def check(form, field):
        if optional and field.raw_data in ([], [""]):
            return
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return check


TOPIC_NOT_LISTED = _l("This topic is not on the list (any more). Choose one from the list.")
_TOPIC_ON_THE_LIST = on_the_list(TOPIC_NOT_LISTED)


class MergeForm(FlaskForm):
    """Fold this topic into another one; the view sets the choices (the other topics)."""

    target = SelectField(
        _l("Merge into"), coerce=id_or_none, validate_choice=False, validators=[InputRequired(), _TOPIC_ON_THE_LIST]
    )

    def __init__(self, topic_id: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic_id = topic_id

    def validate_target(self, field):
        if field.data == self.topic_id:
            raise ValidationError(_l("A topic cannot be merged into itself. Choose another topic."))


class ScheduleForm(FlaskForm):
    """Devote a meeting to this topic; the view sets the choices (the meetings)."""

    meeting = SelectField(
        _l("Meeting"),
        coerce=id_or_none,
        validate_choice=False,
        validators=[
            InputRequired(),
            on_the_list(_l("This meeting does not exist (any more). Choose one from the list.")),
        ],
    )


class ProposalToTopicForm(FlaskForm):
    """Make a new topic of one proposal."""

    proposal = HiddenField(validators=[InputRequired()])
    title = StringField(
        _l("Title of the new topic"),
        filters=[_stripped],
        validators=[DataRequired(_l("Please give the new topic a title.")), Length(max=TITLE_LENGTH), storable],
    )


class ProposalIntoTopicForm(FlaskForm):
    """Add one proposal to a topic of the list; the view sets the choices."""

    proposal = HiddenField(validators=[InputRequired()])
    target = SelectField(
        _l("Add to topic"), coerce=id_or_none, validate_choice=False, validators=[InputRequired(), _TOPIC_ON_THE_LIST]
    )
