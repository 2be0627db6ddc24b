"""The codebook in words: one description of an export's variables,
indicators and anonymity rules, rendered as a web page, as Markdown and as
the codebook sheet of a workbook.

The words come from the UI catalogues in the export's language (answer
labels of the built-in scales exist in every participant language; the other
words fall back to English where a catalogue lacks them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import force_locale, format_date, format_percent
from flask_babel import gettext as _

from app.evaluation.anonymise import REMOVED
from app.evaluation.export.rows import LANGUAGE, MEETING_DATE, ROW_ID, SUPPRESSED, Codebook, Variable
from app.languages import NATIVE_NAMES


def export_labels(language: str) -> dict[str, str]:
    """The UI words an export's variables need, keyed by what they name."""
    with force_locale(language):
        return {
            "yes": _("Yes"),
            "no": _("No"),
            "dont_know": _("Don't know"),
            "chosen": _("chosen"),
            "not_chosen": _("not chosen"),
            # Formatted per column (rows.variables): the place of a ranking's column.
            "place": _("place %(place)s"),
            ROW_ID: _("Random row number of this export only"),
            MEETING_DATE: _("Date of the meeting (the day, never a time)"),
            LANGUAGE: _("Language in which the questionnaire was answered"),
            SUPPRESSED: _("not shown, so that no row stands out"),
        }


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class CodebookText:
    title: str
    facts: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]
    notes_title: str
    notes: tuple[str, ...]


def selection_label(meeting, year: int | None) -> str:
    if meeting is not None:
        return _("meeting of %(date)s: %(title)s", date=format_date(meeting.date, "medium"), title=meeting.title)
    if year is not None:
        return _("calendar year %(year)s", year=year)
    return _("all meetings")


def _kind(variable: Variable) -> str:
    return {
        "meta": _("export"),
        "single_choice": _("single choice"),
        "multiple_choice": _("multiple choice, one column per option"),
        "yes_no_dont_know": _("yes / no / don't know"),
        "likert": _("scale from 1 to 5"),
        "number": _("whole number"),
        "free_text": _("free text"),
        "ranking": _("ranking, one column per place, holding the code of the item put there"),
    }[variable.kind]


def _measure(variable: Variable) -> str:
    return {"nominal": _("nominal"), "ordinal": _("ordinal"), "scale": _("scale")}[variable.measure]


def denominator(rule: str) -> str:
    """Whom an indicator's share is taken of, in words."""
    return {
        "all_respondents": _("all respondents"),
        "answered": _("those who answered the question"),
        "answered_excluding_dont_know": _("those who answered, without “don't know”"),
    }[rule]


def percent(value: float) -> str:
    return format_percent(value, "#,##0 %")


def goal(comparison: str, target: float) -> str:
    """An indicator's target share in words, e.g. "at least 60 %"."""
    return goal_words(comparison, percent(target))


def goal_words(comparison: str, target: str) -> str:
    """A target, already formatted, in words: "at least 60 %", "at most 3"."""
    return (
        _("at least %(target)s", target=target) if comparison == "at_least" else _("at most %(target)s", target=target)
    )


def describe(codebook: Codebook, *, selection: tuple | None = None, created: dt.date | None = None) -> CodebookText:
    """The codebook's words, in the codebook's language; ``selection`` is
    ``(meeting, year)`` of an export."""
    with force_locale(codebook.language):
        return _describe(codebook, selection_label(*selection) if selection else None, created)


def _describe(codebook: Codebook, selection: str | None, created: dt.date | None) -> CodebookText:
    k = codebook.k
    facts = [
        (_("Questionnaire"), f"{codebook.questionnaire_id} – {codebook.title}"),
        (_("Version"), str(codebook.version)),
        (_("Mittlerziel"), codebook.mittlerziel),
        (_("Language"), NATIVE_NAMES.get(codebook.language, codebook.language)),
    ]
    if selection:
        facts.append((_("Selection"), selection))
    suppression = codebook.suppression
    if suppression is not None:
        facts.append((_("Rows"), str(suppression.total)))
    facts.append((_("Minimum cell size k"), str(k)))
    facts.append((_("Marker of a value not shown"), SUPPRESSED))
    if created is not None:
        facts.append((_("Created"), format_date(created, "medium")))

    quasi_note = _("quasi-identifier: “%(marker)s” where the value is not shown (see Anonymity)", marker=SUPPRESSED)
    variables = Table(
        _("Variables"),
        (_("Variable"), _("Question or meaning"), _("Type"), _("Measure"), _("Values"), _("Note")),
        tuple(
            (
                v.name,
                v.label,
                _kind(v),
                _measure(v),
                "; ".join(f"{value} = {label}" for value, label in v.values),
                quasi_note if v.quasi_identifier else (_("scrubbed") if v.is_text else ""),
            )
            for v in codebook.variables
        ),
    )
    indicators = Table(
        _("Indicators"),
        (_("Indicator"), _("Definition"), _("Question"), _("Counted as success"), _("Denominator"), _("Target")),
        tuple(
            (
                i.id,
                i.text,
                i.question,
                "; ".join(f"{code} = {label}" for code, label in i.success),
                denominator(i.denominator),
                goal(i.comparison, i.target),
            )
            for i in codebook.indicators
        ),
    )

    columns = ", ".join(codebook.quasi_identifiers)
    notes = [
        _(
            "One row per response, in random order. row_id is drawn afresh for every export: it links "
            "neither to stored records nor to the rows of any other export."
        ),
        _("meeting_date is the day of the meeting; no time of day is stored."),
        _(
            "Small cells: every combination of a meeting with the values of %(columns)s occurs at least %(k)s "
            "times in the export, “%(marker)s” counting as a value of its own. Where a combination would be "
            "rarer, its values are replaced by “%(marker)s”, the column with the most distinct values first, and "
            "then common values too, until no fewer than %(k)s rows share each combination: otherwise a rare "
            "combination, or a lone “%(marker)s”, could single out a person. In SPSS, “%(marker)s” is a declared "
            "user-missing value with its label.",
            columns=columns,
            k=k,
            marker=SUPPRESSED,
        ),
        _(
            "A meeting with fewer than %(k)s responses is left out. Only surveys that have closed are exported: "
            "an export taken before and another after one submission would give its answers away.",
            k=k,
        ),
    ]
    if suppression is not None:
        # As many as anyone counts in the file itself: these numbers add nothing to it.
        counts = ", ".join(f"{name} {count}" for name, count in suppression.suppressed)
        if counts:
            notes.append(
                _("Values shown as “%(marker)s” in this export: %(counts)s.", marker=SUPPRESSED, counts=counts)
            )
        if suppression.meetings_left_out:
            notes.append(
                _(
                    "Meetings of this selection left out for fewer than %(k)s responses: %(meetings)s.",
                    k=k,
                    meetings=suppression.meetings_left_out,
                )
            )
    if codebook.free_text:
        notes.append(
            _(
                "Free-text answers are scrubbed: e-mail addresses, phone numbers, web addresses and "
                "account numbers are replaced by %(marker)s. Read them before passing them on.",
                marker=REMOVED,
            )
        )
    else:
        notes.append(_("Free-text answers are left out of this export."))
    notes.append(_("Indicators count answer codes as defined above; the indicator report applies the same rules."))
    return CodebookText(_("Codebook"), tuple(facts), (variables, indicators), _("Anonymity"), tuple(notes))


def _cell(value) -> str:
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown(text: CodebookText) -> str:
    lines = [f"# {text.title}", ""]
    lines += [f"- **{_cell(label)}:** {_cell(value)}" for label, value in text.facts]
    for table in text.tables:
        lines += ["", f"## {table.title}", "", "| " + " | ".join(table.header) + " |", "|" + "---|" * len(table.header)]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    lines += ["", f"## {text.notes_title}", ""] + [f"- {note}" for note in text.notes]
    return "\n".join(lines) + "\n"


def sheet_rows(text: CodebookText) -> list[list]:
    """The codebook as rows of a spreadsheet."""
    rows: list[list] = [[text.title]]
    rows += [[label, value] for label, value in text.facts]
    for table in text.tables:
        rows += [[], [table.title], list(table.header)]
        rows += [list(row) for row in table.rows]
    rows += [[], [text.notes_title]] + [[note] for note in text.notes]
    return rows


def label_rows(codebook: Codebook) -> list[list]:
    """Every value label: variable, value, label (the labels sheet)."""
    with force_locale(codebook.language):
        rows = [[_("Variable"), _("Value"), _("Label")]]
    for v in codebook.variables:
        rows += [[v.name, value, label] for value, label in v.values]
    return rows
