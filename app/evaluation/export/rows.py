"""Export rows and codebook, independent of the file format.

One row per response, one column per question named by its stable id (a
multiple-choice question gives one 0/1 column per option, ``<question>__<code>``,
a ranking one column per place, ``<question>__1`` for the first, holding the
item's code),
answer codes as values and their labels in the codebook.  Besides the answers a
row has only a fresh random ``row_id``, the meeting's date and the language:
never the stored response id, never a time.

The caller streams answer rows grouped by response (see :func:`shape_rows`);
this module pivots them, scrubs free text and publishes the quasi-identifiers
as :func:`app.evaluation.anonymise.k_anonymous` decided from the counts of
their combinations.  Everything here is plain Python: the words of the UI
(labels of built-in scales, descriptions of the meta columns) come in as
arguments, already translated.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from app.evaluation.anonymise import SUPPRESSED, k_anonymous, scrub
from app.languages import pick
from app.questionnaires.model import (
    YES_NO_DONT_KNOW_CODES,
    FreeText,
    Likert,
    MultipleChoice,
    Number,
    Questionnaire,
    Ranking,
    SingleChoice,
    YesNoDontKnow,
)

ROW_ID, MEETING_DATE, LANGUAGE = "row_id", "meeting_date", "language"
OPTION_SEPARATOR = "__"


@dataclass(frozen=True)
class Variable:
    """One export column."""

    name: str
    kind: str  # meta | single_choice | multiple_choice | yes_no_dont_know | likert | number | free_text | ranking
    data_type: str  # string | integer | date
    measure: str  # nominal | ordinal | scale (SPSS measurement levels)
    label: str
    question_id: str | None = None
    option: str | None = None  # multiple choice: the option's code; ranking: the place, "1" for the first
    values: tuple[tuple[object, str], ...] = ()  # (exported value, label)
    quasi_identifier: bool = False
    minimum: int | None = None  # a number question's least answer

    @property
    def is_text(self) -> bool:
        return self.kind == "free_text"

    def value_of(self, code: str):
        """The exported value of a stored answer code."""
        return int(code) if self.kind == "likert" else code


def is_quasi_identifier(question) -> bool:
    """As the questionnaire declares it (``quasi_identifier: true``).  Free text is
    scrubbed and never counted in combinations: its values are all different;
    nor is a ranking, which says what someone needs, not who they are."""
    return not isinstance(question, FreeText | Ranking) and question.quasi_identifier


def variables(
    questionnaire: Questionnaire,
    *,
    language: str,
    labels: Mapping[str, str],
    language_names: Mapping[str, str],
    free_text: bool,
) -> tuple[Variable, ...]:
    """The export's columns; texts in ``language`` (falling back to the questionnaire's default)."""
    default = questionnaire.default_language

    def text(value) -> str:
        return pick(value, language, default).text if value else ""

    out = [
        Variable(ROW_ID, "meta", "string", "nominal", labels[ROW_ID]),
        Variable(MEETING_DATE, "meta", "date", "scale", labels[MEETING_DATE]),
        Variable(
            LANGUAGE,
            "meta",
            "string",
            "nominal",
            labels[LANGUAGE],
            values=tuple((code, language_names.get(code, code)) for code in questionnaire.languages),
            quasi_identifier=True,
        ),
    ]
    for q in questionnaire.questions:
        quasi = is_quasi_identifier(q)
        if isinstance(q, SingleChoice):
            out.append(
                Variable(
                    q.id,
                    q.type,
                    "string",
                    "nominal",
                    text(q.text),
                    q.id,
                    values=tuple((o.code, text(o.label)) for o in q.options),
                    quasi_identifier=quasi,
                )
            )
        elif isinstance(q, YesNoDontKnow):
            out.append(
                Variable(
                    q.id,
                    q.type,
                    "string",
                    "nominal",
                    text(q.text),
                    q.id,
                    values=tuple((c, labels[c]) for c in YES_NO_DONT_KNOW_CODES),
                    quasi_identifier=quasi,
                )
            )
        elif isinstance(q, Likert):
            out.append(
                Variable(
                    q.id,
                    q.type,
                    "integer",
                    "ordinal",
                    text(q.text),
                    q.id,
                    values=tuple((int(c), text(label)) for c, label in zip(q.codes, q.labels)),
                    quasi_identifier=quasi,
                )
            )
        elif isinstance(q, MultipleChoice):
            for o in q.options:
                out.append(
                    Variable(
                        f"{q.id}{OPTION_SEPARATOR}{o.code}",
                        q.type,
                        "integer",
                        "nominal",
                        f"{text(q.text)} – {text(o.label)}",
                        q.id,
                        o.code,
                        values=((0, labels["not_chosen"]), (1, labels["chosen"])),
                        quasi_identifier=quasi,
                    )
                )
        elif isinstance(q, Ranking):
            for place in range(1, q.rank + 1):
                out.append(
                    Variable(
                        f"{q.id}{OPTION_SEPARATOR}{place}",
                        q.type,
                        "string",
                        "nominal",
                        f"{text(q.text)} – {labels['place'] % {'place': place}}",
                        q.id,
                        str(place),
                        values=tuple((o.code, text(o.label)) for o in q.options),
                    )
                )
        elif isinstance(q, Number):
            out.append(
                Variable(q.id, q.type, "integer", "scale", text(q.text), q.id, quasi_identifier=quasi, minimum=q.min)
            )
        elif isinstance(q, FreeText) and free_text:
            out.append(Variable(q.id, q.type, "string", "nominal", text(q.text), q.id))
    return tuple(out)


# --------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class Suppression:
    """How an export publishes the quasi-identifiers of its rows.

    ``published`` maps each key ``(meeting id, quasi values...)`` to the key
    shown instead (:data:`SUPPRESSED` in place of some values) or to ``None``:
    left out, its meeting had fewer than k responses.  A key missing from it
    is left out too (fail closed)."""

    published: Mapping[tuple, tuple | None] = field(default_factory=dict)
    total: int = 0  # rows in the export
    suppressed: tuple[tuple[str, int], ...] = ()  # (quasi-identifier, values shown as SUPPRESSED)
    meetings_left_out: int = 0  # meetings with fewer than k responses

    @classmethod
    def of(cls, counts: Mapping[tuple, int], names: Sequence[str], k: int) -> Suppression:
        """From the counts of ``(meeting id, quasi values...)``; ``names`` of the quasi-identifiers."""
        published = k_anonymous(counts, k)
        per_column: Counter = Counter()
        kept_meetings, all_meetings = set(), set()
        total = 0
        for key, size in counts.items():
            all_meetings.add(key[0])
            shown = published.get(key)
            if shown is None:
                continue
            kept_meetings.add(key[0])
            total += size
            for name, value in zip(names, shown[1:]):
                if value == SUPPRESSED:
                    per_column[name] += size
        return cls(
            published,
            total,
            tuple((name, per_column[name]) for name in names),
            len(all_meetings - kept_meetings),
        )


class RowShaper:
    """Pivots one response's answer rows into an export row."""

    def __init__(self, columns: Sequence[Variable]):
        self.columns = tuple(columns)
        index = {v.name: i for i, v in enumerate(self.columns)}
        self.date_index, self.language_index = index[MEETING_DATE], index[LANGUAGE]
        self.quasi = tuple(i for i, v in enumerate(self.columns) if v.quasi_identifier)
        # (question, code) -> (column, value, sibling columns to fill with 0)
        self.choices: dict[tuple[str, str], tuple[int, object, tuple[int, ...]]] = {}
        self.values: dict[str, tuple[int, bool]] = {}  # question -> (column, is text)
        self.places: dict[tuple[str, int], int] = {}  # (ranking, place) -> column
        siblings: dict[str, list[int]] = {}
        for i, v in enumerate(self.columns):
            if v.kind == "multiple_choice":
                siblings.setdefault(v.question_id, []).append(i)
        for i, v in enumerate(self.columns):
            if v.kind == "multiple_choice":
                self.choices[(v.question_id, v.option)] = (i, 1, tuple(siblings[v.question_id]))
            elif v.kind == "ranking":
                self.places[(v.question_id, int(v.option))] = i
            elif v.kind in ("number", "free_text"):
                self.values[v.question_id] = (i, v.is_text)
            elif v.question_id is not None:
                for value, _label in v.values:
                    self.choices[(v.question_id, str(value))] = (i, value, ())


def new_row_id() -> str:
    # 64 random bits: unique within any export we will make, and unrelated to
    # the stored id and to the row ids of every other export.
    return secrets.token_hex(8)


def shape_rows(
    answer_rows: Iterable[Sequence],
    shaper: RowShaper,
    suppression: Suppression,
    *,
    dates: Mapping[int, object],
    row_id: Callable[[], str] | None = new_row_id,
    scrub_text: Callable[[str], str] = scrub,
) -> Iterator[list]:
    """Export rows from answer rows ``(position, meeting id, language, question, code, number, text)``.

    The rows of one response must arrive together, in the export's order;
    ``position`` only tells responses apart and never leaves this function.
    ``dates`` gives each meeting's date.  Memory stays constant: one row at a time.
    """
    width = len(shaper.columns)
    choices, values, places = shaper.choices, shaper.values, shaper.places
    date_index, language_index = shaper.date_index, shaper.language_index
    quasi, published = shaper.quasi, suppression.published
    current = object()
    row = meeting_id = None
    for position, meeting, language, question, code, number, text in answer_rows:
        if position != current:
            if row is not None and _publish(row, meeting_id, quasi, published):
                row[0] = row_id() if row_id else None
                yield row
            current, meeting_id = position, meeting
            row = [None] * width
            row[date_index], row[language_index] = dates[meeting], language
        if question is None:  # a response without (exported) answers
            continue
        if number is not None and (question, number) in places:
            row[places[(question, number)]] = code
            continue
        slot = choices.get((question, code))
        if slot is not None:
            index, value, siblings = slot
            if siblings and row[index] is None:
                for sibling in siblings:
                    row[sibling] = 0
            row[index] = value
            continue
        slot = values.get(question)
        if slot is not None:
            index, is_text = slot
            row[index] = scrub_text(text) if is_text else number
    if row is not None and _publish(row, meeting_id, quasi, published):
        row[0] = row_id() if row_id else None  # variables() puts row_id first
        yield row


def _publish(row: list, meeting_id, quasi: tuple[int, ...], published: Mapping[tuple, tuple | None]) -> bool:
    """Put the published quasi-identifiers into ``row``; False: the row is left out."""
    shown = published.get((meeting_id, *(row[i] for i in quasi)))
    if shown is None:
        return False
    for i, value in zip(quasi, shown[1:]):
        row[i] = value
    return True


# --------------------------------------------------------------------------
# Codebook


@dataclass(frozen=True)
class IndicatorEntry:
    id: str
    text: str
    question: str
    success: tuple[tuple[str, str], ...]  # (code, label)
    denominator: str  # all_respondents | answered | answered_excluding_dont_know
    target: float
    comparison: str


@dataclass(frozen=True)
class Codebook:
    questionnaire_id: str
    version: int
    title: str
    mittlerziel: str
    language: str
    variables: tuple[Variable, ...]
    indicators: tuple[IndicatorEntry, ...]
    k: int
    free_text: bool
    suppression: Suppression | None = None  # known once an export has counted its combinations

    @property
    def quasi_identifiers(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables if v.quasi_identifier)


def codebook(
    questionnaire: Questionnaire,
    columns: Sequence[Variable],
    *,
    language: str,
    k: int,
    free_text: bool,
    suppression: Suppression | None = None,
) -> Codebook:
    default = questionnaire.default_language
    labels = {
        v.question_id: dict((str(value), label) for value, label in v.values)
        for v in columns
        if v.question_id and v.kind not in ("multiple_choice", "ranking")
    }
    indicators = tuple(
        IndicatorEntry(
            i.id,
            pick(i.text, language, default).text,
            i.question,
            tuple((code, labels.get(i.question, {}).get(code, code)) for code in i.success),
            i.denominator,
            i.target,
            i.comparison,
        )
        for i in questionnaire.indicators
    )
    return Codebook(
        questionnaire.id,
        questionnaire.version,
        pick(questionnaire.title, language, default).text,
        questionnaire.mittlerziel.code,
        language,
        tuple(columns),
        indicators,
        k,
        free_text,
        suppression,
    )
