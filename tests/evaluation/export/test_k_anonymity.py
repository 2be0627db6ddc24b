"""Nobody stands out: in every export format and every selection, each
combination of meeting and published quasi-identifier values ("*" counting
as a value) occurs at least k times, read back from the real files.  The
suppression rule itself is checked as a property with hypothesis."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from app import clock
from app.evaluation.anonymise import SUPPRESSED, k_anonymous
from app.evaluation.export import exporting
from app.models import Meeting
from app.network import settings as network
from tests.conftest import add_meeting
from tests.evaluation.export.conftest import CLOSED, answer, export
from tests.evaluation.export.readers import read_any, read_datapackage

FORMATS = tuple(exporting.FORMATS)  # every format there is
SEVEN_DAY = dt.date(2026, 6, 17)


# --- the rule, as a property ------------------------------------------------

VALUES = st.sampled_from(["a", "b", "c", None, 1, 2])


@st.composite
def histograms(draw):
    width = draw(st.integers(0, 3))
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(["m1", "m2", "m3"]), *[VALUES] * width),
            min_size=1,
            max_size=25,
            unique=True,
        )
    )
    return {key: draw(st.integers(1, 15)) for key in keys}


@settings(max_examples=400, deadline=None)
@given(histograms(), st.integers(3, 9))
def test_every_published_combination_occurs_at_least_k_times(counts, k):
    published = k_anonymous(counts, k)
    assert set(published) == set(counts)
    per_group = Counter()
    for key, size in counts.items():
        per_group[key[0]] += size
    classes = Counter()
    for key, shown in published.items():
        if shown is None:
            # Left out only when the whole meeting is smaller than k.
            assert per_group[key[0]] < k
            continue
        assert per_group[key[0]] >= k
        # The published key is the original with some values suppressed.
        assert shown[0] == key[0] and len(shown) == len(key)
        assert all(s in (v, SUPPRESSED) for v, s in zip(key[1:], shown[1:]))
        classes[shown] += counts[key]
    assert all(size >= k for size in classes.values())
    # Combinations common enough already are left alone when nothing is rare.
    if all(size >= k for size in counts.values()):
        assert all(published[key] == key for key in counts)


@settings(max_examples=100, deadline=None)
@given(histograms(), st.integers(3, 9), st.randoms())
def test_the_outcome_depends_on_the_counts_alone(counts, k, rng):
    """Not on the order the database returns them: two exports of the same rows publish them alike."""
    items = list(counts.items())
    rng.shuffle(items)
    assert k_anonymous(dict(items), k) == k_anonymous(counts, k)


def test_the_seven_response_case_in_the_rule():
    counts = {("m", "de", "school"): 6, ("m", "fa", "politics"): 1}
    published = k_anonymous(counts, 5)
    # The rare row alone under "*" would stand out by its "*": the others join it.
    assert set(published.values()) == {("m", SUPPRESSED, SUPPRESSED)}
    counts = {("m", "de", "school"): 12, ("m", "de", "kita"): 5, ("m", "fa", "politics"): 1}
    published = k_anonymous(counts, 5)
    assert published[("m", "de", "school")] == ("m", "de", "school")  # the smallest other joins, not all
    assert published[("m", "de", "kita")] == published[("m", "fa", "politics")] == ("m", SUPPRESSED, SUPPRESSED)


# --- every format, every selection ---------------------------------------------


@pytest.fixture
def network_of_meetings(db, survey):
    """The survey's two meetings and three more of the same version: the
    seven-response case (six ordinary responses, one of a rare actor group in
    Persian), a closed meeting of three responses, and an open one."""
    version, spring, autumn = survey
    seven = add_meeting(db, title="Sieben", closes=CLOSED)
    small = add_meeting(db, title="Klein", closes=CLOSED)
    still_open = add_meeting(db, title="Offen")
    for meeting, day in ((seven, SEVEN_DAY), (small, dt.date(2026, 7, 1)), (still_open, dt.date(2026, 11, 1))):
        db.execute(update(Meeting).where(Meeting.id == meeting.id).values(date=day))
        meeting.date = day
    db.commit()
    for i in range(6):
        answer(db, seven, actor_group="school", satisfaction=str(1 + i % 5), meetings_attended=str(41 + i))
    answer(db, seven, language="fa", actor_group="politics", satisfaction="1", impulses="5", meetings_attended="47")
    for i in range(3):
        answer(db, small, meetings_attended=str(48 + i))
    for i in range(8):
        answer(db, still_open, meetings_attended=str(1 + i))
    db.commit()
    return version, {"spring": spring, "autumn": autumn, "seven": seven, "small": small, "open": still_open}


def selections(meetings) -> list[dict]:
    return [
        {},
        {"year": 2016},
        {"year": 2017},
        {"year": 2026},
        *({"meeting_id": meetings[name].id} for name in ("spring", "autumn", "seven")),
    ]


def quasi_classes(plan, rows) -> Counter:
    quasi = [v.name for v in plan.columns if v.quasi_identifier]
    return Counter((row["meeting_date"], *(row[name] for name in quasi)) for row in rows)


def without_row_id(rows) -> Counter:
    return Counter(tuple(sorted((name, value) for name, value in row.items() if name != "row_id")) for row in rows)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_and_selection_is_k_anonymous(app, db, network_of_meetings, tmp_path, fmt):
    version, meetings = network_of_meetings
    with app.app_context():
        k = network.min_cell_size()
    by_meeting = defaultdict(list)
    options = [dict(selection, k=k) for selection in selections(meetings)]
    options += [{"k": k + 2}, {"k": k, "free_text": True}, {"k": k, "language": "fa"}]
    for option in options:
        plan, data = export(app, db, version, fmt, **option)
        rows = read_any(fmt, data, tmp_path, plan.columns)
        classes = quasi_classes(plan, rows)
        assert classes and min(classes.values()) >= option["k"], (option, classes)
        dates = {row["meeting_date"] for row in rows}
        # Neither the meeting of three nor the open survey is ever exported.
        assert not dates & {"2026-07-01", "2026-11-01"}, option
        assert len(rows) == plan.responses
        if option.get("k") == k and "free_text" not in option and "language" not in option:
            for row in rows:
                by_meeting[row["meeting_date"]].append(row)
            by_meeting["selections"].append(option)
    # A meeting's rows read the same in every selection that holds it: no
    # difference between two selections singles anyone out.
    spring = by_meeting["2016-03-16"]
    assert len(spring) == 22 * 3  # all, 2016, the meeting itself
    assert without_row_id(spring[:22]) == without_row_id(spring[22:44]) == without_row_id(spring[44:])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_rare_respondent_does_not_stand_out(app, db, network_of_meetings, tmp_path, fmt):
    """Six ordinary responses and one of a politician answering in Persian:
    all seven are exported, with their answers, and their quasi-identifiers
    are all "*", so no row differs from the others in what would identify it."""
    version, meetings = network_of_meetings
    plan, data = export(app, db, version, fmt, meeting_id=meetings["seven"].id, k=5)
    rows = read_any(fmt, data, tmp_path, plan.columns)
    assert len(rows) == 7
    assert {(row["language"], row["actor_group"]) for row in rows} == {(SUPPRESSED, SUPPRESSED)}
    assert sorted(int(row["meetings_attended"]) for row in rows) == [41, 42, 43, 44, 45, 46, 47]
    text = data.decode("utf-8", errors="replace") if fmt not in ("xlsx", "sav", "datapackage") else ""
    assert "politics" not in text and ",fa," not in text


def test_a_meeting_of_fewer_than_k_responses_is_refused(app, db, network_of_meetings):
    version, meetings = network_of_meetings
    with pytest.raises(exporting.ExportError) as refused:
        export(app, db, version, meeting_id=meetings["small"].id, k=5)
    assert refused.value.code == "too_few_responses" and refused.value.params == {"k": 5}
    # In a larger selection it is left out, and the codebook says that one meeting was.
    plan, data = export(app, db, version, "datapackage", k=7, year=2026, language="en")
    rows, _descriptor, members = read_datapackage(data)
    assert len(rows) == plan.responses == 7 and {row["meeting_date"] for row in rows} == {"2026-06-17"}
    assert "Meetings of this selection left out for fewer than 7 responses: 1." in members["codebook.md"].decode()


def test_open_surveys_are_not_exported(app, db, network_of_meetings):
    """An export before and one after a submission to an open survey are the same."""
    version, meetings = network_of_meetings
    with pytest.raises(exporting.ExportError) as refused:
        export(app, db, version, meeting_id=meetings["open"].id)
    assert refused.value.code == "survey_open"
    before = read_any("csv", export(app, db, version, year=2026)[1], None)
    answer(db, meetings["open"], language="fa", actor_group="politics", meetings_attended="9")
    db.commit()
    after = read_any("csv", export(app, db, version, year=2026)[1], None)
    assert without_row_id(before) == without_row_id(after) and len(after) == 7
    # Once closed (and its grace period over), the survey is exported.
    db.execute(
        update(Meeting)
        .where(Meeting.id == meetings["open"].id)
        .values(closes_at=clock.utcnow() - dt.timedelta(hours=1))
    )
    db.commit()
    closed = read_any("csv", export(app, db, version, year=2026)[1], None)
    assert len(closed) == 7 + 9


def test_the_rows_chosen_do_not_depend_on_the_draw(app, db, network_of_meetings):
    """Two exports of the same rows suppress the same rows (every row of a
    combination alike): comparing them tells nothing."""
    version, _meetings = network_of_meetings
    first = read_any("csv", export(app, db, version)[1], None)
    second = read_any("csv", export(app, db, version)[1], None)
    assert without_row_id(first) == without_row_id(second)
    # The row ids alone differ.
    assert {row["row_id"] for row in first}.isdisjoint({row["row_id"] for row in second})
