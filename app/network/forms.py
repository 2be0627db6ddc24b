"""The admins' form for the network's settings.  Labels are lazy so they follow
the request's language."""

from __future__ import annotations

from dataclasses import fields

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.evaluation.anonymise import MIN_K
from app.languages import NATIVE_NAMES, SUPPORTED_LANGUAGES, direction
from app.network import rules
from app.network.rules import Network

TEXTS = ("name", "operator_name", "operator_address", "operator_email", "imprint", "privacy_notice", "time_zone")


def _plain_text(_form, field) -> None:
    if field.data and rules.has_control_characters(field.data):
        raise ValidationError(_l("Remove the control characters from this text."))


def _time_zone(_form, field) -> None:
    if field.data and not rules.is_time_zone(field.data.strip()):
        raise ValidationError(_l("Unknown time zone. Give its IANA name, such as Europe/Berlin."))


def _email(_form, field) -> None:
    if field.data and not rules.is_email(field.data.strip()):
        raise ValidationError(_l("Give an e-mail address such as datenschutz@example.org."))


def _some_language(_form, field) -> None:
    # Not DataRequired: that would mark every single box as required.
    if not field.data:
        raise ValidationError(_l("Choose at least one language."))


def _text(label, max_length: int, *, required: bool = False, area: bool = False):
    presence = DataRequired() if required else Optional()
    field = TextAreaField if area else StringField
    return field(label, validators=[presence, Length(max=max_length), _plain_text])


def _language_choices() -> list[SelectChoice]:
    return [
        SelectChoice(code, NATIVE_NAMES[code], render_kw={"lang": code, "dir": direction(code)})
        for code in SUPPORTED_LANGUAGES
    ]


class SettingsForm(FlaskForm):
    name = _text(_l("Name of the network"), 200, required=True)
    operator_name = _text(_l("Operator"), 200, required=True)
    operator_address = _text(_l("Operator's postal address"), 1000, area=True)
    operator_email = StringField(
        _l("Contact e-mail for privacy questions"),
        validators=[DataRequired(), Length(max=254), _plain_text, _email],
    )
    imprint = _text(_l("Imprint"), 5000, area=True)
    privacy_notice = _text(_l("Addition to the privacy notice"), 5000, area=True)
    # Ticked boxes; the template writes each label in its own language.
    languages = SelectMultipleField(
        _l("Languages offered to participants"),
        choices=[SelectChoice(code, name) for code, name in NATIVE_NAMES.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[_some_language],
    )
    default_language = SelectField(_l("Default language"), choices=_language_choices(), validators=[InputRequired()])
    time_zone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64), _time_zone])
    min_cell_size = IntegerField(
        _l("Minimum cell size k"),
        validators=[
            InputRequired(),
            NumberRange(
                min=MIN_K,
                max=rules.MAX_CELL_SIZE,
                message=_l(
                    "Choose a minimum cell size from %(min)s to %(max)s: smaller groups could single out a person."
                ),
            ),
        ],
    )
    free_text_months = IntegerField(
        _l("Free-text answers are deleted after (months)"),
        validators=[InputRequired(), NumberRange(min=1, max=rules.MAX_FREE_TEXT_MONTHS)],
    )

    def validate_default_language(self, field) -> None:
        if self.languages.data and field.data not in self.languages.data:
            raise ValidationError(_l("The default language must be one of the languages offered."))

    def fill_from(self, network: Network) -> None:
        for name in (field.name for field in fields(Network)):
            self[name].data = list(network.languages) if name == "languages" else getattr(network, name)

    def network(self) -> Network:
        """The settings as entered, once validated."""
        chosen = set(self.languages.data)
        texts = {name: (self[name].data or "").replace("\r\n", "\n").strip() for name in TEXTS}
        return Network(
            languages=tuple(code for code in SUPPORTED_LANGUAGES if code in chosen),
            default_language=self.default_language.data,
            min_cell_size=self.min_cell_size.data,
            free_text_months=self.free_text_months.data,
            **texts,
        )
