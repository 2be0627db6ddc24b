"""Forms for meetings and the partner register.  Labels are lazy so they follow the
request's language."""

from __future__ import annotations

import datetime as dt

import flask_babel
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.http.validators import storable
from app.meetings.codes import MAX_ACCESS_CODES_AT_ONCE
from app.meetings.services import MeetingData
from app.meetings.topics.forms import TOPIC_NOT_LISTED, id_or_none, on_the_list
from app.models import Meeting

TOPIC_ROWS = 5
NEW_TOPIC_ROWS = 2

PARTNER_STATUSES = {"identified": _l("identified"), "informed": _l("informed"), "won": _l("won")}
SURVEY_ACCESS = {
    Meeting.OPEN_LINK: _l("Open link: anyone with the link can answer, once per browser"),
    Meeting.ACCESS_CODES: _l("With access codes: each attendee gets a card with a single-use code"),
}


def choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


# Times are typed and shown in the network's zone (BABEL_DEFAULT_TIMEZONE) and
# stored in UTC, converted as Flask-Babel converts every time it formats.
def to_utc(local: dt.datetime | None) -> dt.datetime | None:
    return None if local is None else flask_babel.to_utc(local)


def to_local(utc: dt.datetime | None) -> dt.datetime | None:
    return None if utc is None else flask_babel.to_user_timezone(utc).replace(tzinfo=None)


TOPIC_ON_THE_LIST_OR_NONE = on_the_list(TOPIC_NOT_LISTED, optional=True)


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    date = DateField(_l("Date"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    questionnaire_version_id = SelectField(_l("Questionnaire"), coerce=int, validators=[InputRequired()])
    opens_at = DateTimeLocalField(_l("Survey opens"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Survey closes"), validators=[Optional()])
    invited = IntegerField(_l("Number invited"), validators=[Optional(), NumberRange(min=0, max=100_000)])
    attended = IntegerField(_l("Number attended"), validators=[Optional(), NumberRange(min=0, max=100_000)])
    good_practice_presentations = IntegerField(
        _l("Good-practice presentations held"), default=0, validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    # Not sent at all (an older page): the open link, as before.
    survey_access = RadioField(_l("Who may answer"), choices=choices(SURVEY_ACCESS), default=Meeting.OPEN_LINK)
    # A meeting's topics come from the topic list (the view sets the choices),
    # or are entered anew here and so join the list.
    topic_ids = FieldList(
        SelectField(_l("Topic"), coerce=id_or_none, validate_choice=False, validators=[TOPIC_ON_THE_LIST_OR_NONE]),
        min_entries=TOPIC_ROWS,
        max_entries=TOPIC_ROWS,
    )
    new_topics = FieldList(
        StringField(_l("New topic"), validators=[Optional(), Length(max=300), storable]),
        min_entries=NEW_TOPIC_ROWS,
        max_entries=NEW_TOPIC_ROWS,
    )
    # Asked only of a meeting with responses whose questionnaire version changes.
    split_confirmed = BooleanField(_l("Yes, switch the questionnaire and split the results"))

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The survey must close after it opens."))

    def set_topic_choices(self, choices: list[SelectChoice]) -> None:
        for row in self.topic_ids:
            row.choices = [SelectChoice("", _l("– no topic –")), *choices]

    def data_for_service(self, default_language: str) -> MeetingData:
        return MeetingData(
            title=self.title.data.strip(),
            date=self.date.data,
            place=(self.place.data or "").strip(),
            questionnaire_version_id=self.questionnaire_version_id.data,
            opens_at=to_utc(self.opens_at.data),
            closes_at=to_utc(self.closes_at.data),
            invited=self.invited.data,
            attended=self.attended.data,
            good_practice_presentations=self.good_practice_presentations.data,
            survey_access=self.survey_access.data,
            split_confirmed=bool(self.split_confirmed.data),
            default_language=default_language,
            topic_ids=tuple(topic_id for topic_id in self.topic_ids.data if topic_id is not None),
            new_topics=tuple(
                {default_language: " ".join(title.split())} for title in self.new_topics.data if title and title.strip()
            ),
        )

    def fill_from(self, meeting) -> None:
        for name in (
            "title",
            "date",
            "place",
            "questionnaire_version_id",
            "invited",
            "attended",
            "good_practice_presentations",
            "survey_access",
        ):
            getattr(self, name).data = getattr(meeting, name)
        self.opens_at.data, self.closes_at.data = to_local(meeting.opens_at), to_local(meeting.closes_at)
        linked = [link.topic_id for link in meeting.topics if link.topic_id is not None]
        for row, topic_id in zip(self.topic_ids, linked):
            row.data = topic_id


class PartnerForm(FlaskForm):
    name = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    # Its choices are the network's actor groups (the view sets them).
    actor_group = SelectField(_l("Actor group"), validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=choices(PARTNER_STATUSES), validators=[InputRequired()])


class AccessCodesForm(FlaskForm):
    count = IntegerField(
        _l("Number of codes"),
        validators=[
            InputRequired(_l("Please enter how many codes to make.")),
            NumberRange(min=1, max=MAX_ACCESS_CODES_AT_ONCE),
        ],
    )
