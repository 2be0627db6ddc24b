"""A questionnaire through every form of the builder, sent back as shown."""

from __future__ import annotations

from app.questionnaires.builder import document, entries


def through_builder(source: str) -> str:
    """The source after the settings, each question and each indicator were
    shown in the builder's forms and sent back unchanged."""
    data = document.load(source)
    read = entries.read_settings(entries.settings_entries(data), data)
    assert not read.errors, read.errors
    data, dropped = document.set_settings(data, read.value)
    assert dropped == []
    languages = document.languages(data)
    for i, question in enumerate(document.questions(data)):
        read = entries.read_question(entries.question_entries(question, languages), data, i)
        assert not read.errors, (i, read.errors)
        data = document.put_question(data, read.value.question, i, renamed_codes=read.value.renamed_codes)
    for i, indicator in enumerate(document.indicators(data)):
        read = entries.read_indicator(entries.indicator_entries(indicator, languages), data, i)
        assert not read.errors, (i, read.errors)
        data = document.put_indicator(data, read.value, i)
    return document.dump(data, document.header_of(source))
