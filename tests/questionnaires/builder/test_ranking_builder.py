"""A ranking in the builder: added with its items and number of places,
edited again, or on the network's open topics."""

import yaml
from pydantic import TypeAdapter

from app.questionnaires.model import Question, Ranking
from tests.questionnaires.builder.pages import main_form
from tests.questionnaires.builder.test_views import Builder, _errors_of


def start(builder: Builder) -> None:
    builder.start(template="blank", id="needs", title="Bedarfe")


def add_ranking(builder: Builder, **fields):
    return builder.post(
        builder.url + "/questions/new",
        {
            "type": "ranking",
            "options-count": "4",
            "text-de": "Welche Bedarfe sind am dringendsten?",
            "rank": "2",
            "option-0-label-de": "Sprachbildung",
            "option-1-label-de": "Übergänge",
            "option-2-label-de": "Fachpersonal",
            **fields,
        },
    )


def first_question(builder: Builder):
    """The draft's first question as the model reads it (the blank draft as a whole is unfinished)."""
    return TypeAdapter(Question).validate_python(yaml.safe_load(builder.source())["questions"][0])


def test_a_ranking_is_added_with_its_items_and_places(coordinator, db):
    builder = Builder(coordinator, db)
    start(builder)
    assert "Ranking" in builder.page()
    response = add_ranking(builder)
    assert response.status_code == 302, _errors_of(response.get_data(as_text=True))
    question = first_question(builder)
    assert isinstance(question, Ranking) and question.rank == 2
    assert question.codes == ("sprachbildung", "uebergaenge", "fachpersonal")
    # Opened and sent back unchanged, the same document.
    before = builder.source()
    builder.resend("/questions/1")
    assert builder.source() == before
    page = builder.page("/questions/1")
    assert 'name="rank"' in page and 'value="2"' in page
    # The number of places changed.
    builder.saved(builder.url + "/questions/1", {**dict(main_form(page)), "rank": "3"})
    assert first_question(builder).rank == 3


def test_a_bad_number_of_places_comes_back_with_every_entry(coordinator, db):
    builder = Builder(coordinator, db)
    start(builder)
    before = builder.source()
    response = add_ranking(builder, rank="9")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _errors_of(html) and 'value="Sprachbildung"' in html
    assert builder.source() == before


def test_a_ranking_on_the_open_topics(coordinator, db):
    builder = Builder(coordinator, db)
    start(builder)
    response = add_ranking(builder, options_from="topics")
    assert response.status_code == 302, _errors_of(response.get_data(as_text=True))
    question = first_question(builder)
    assert question.options_from == "topics" and question.options == ()
