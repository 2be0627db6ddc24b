"""Small cells: rare combinations of quasi-identifiers are blanked in exports;
reports hide small groups and never leave a single hidden figure that the
totals would give away (the subtraction attack)."""

import datetime as dt
import re
from collections import Counter

import pytest

from app.accounts import users as accounts
from app.evaluation.anonymise import MIN_K, CellSizeTooSmall, suppressed_cells
from app.evaluation.report import reporting
from app.models import QuestionnaireVersion
from app.questionnaires.versions import questionnaire_of
from tests.conftest import IV1, add_meeting, login, now
from tests.evaluation.export.conftest import CLOSED, RARE, answer, export
from tests.evaluation.export.readers import read_csv, read_datapackage, read_xlsx


def test_a_rare_combination_is_blanked_with_complementary_suppression(app, db, survey):
    version, *_ = survey
    rows = read_csv(export(app, db, version, k=5)[1])
    blanked = [row for row in rows if row["actor_group"] == "*"]
    # Spring: kita in English (3) and politics in Turkish (2) together make five.
    # Autumn: the three English-speaking education providers alone would be a
    # rare "*", so the smallest other combination (migrant organisations, 6) joins them.
    assert len(blanked) == RARE + 6 and {int(row["meetings_attended"]) for row in blanked} >= {39, 40}
    assert all(row["language"] == "*" for row in blanked)
    classes = Counter((row["meeting_date"], row["actor_group"], row["language"]) for row in rows)
    assert min(classes.values()) >= 5
    # Nothing but the quasi-identifiers is touched.
    assert all(row["satisfaction"] and row["knows_more_offers"] for row in blanked)
    assert not {row["actor_group"] for row in rows} & {"politics", "education_provider", "migrant_organisation"}
    assert {row["language"] for row in rows} == {"de", "*"}


def test_the_combination_is_counted_within_each_meeting(app, db, survey):
    """Five school respondents answering in French overall, but three at one
    meeting and two at the other: each meeting's rows are rare."""
    version, spring, autumn = survey
    for meeting in (spring, spring, spring, autumn, autumn):
        answer(db, meeting, language="fr", actor_group="school", meetings_attended="50")
    db.commit()
    rows = read_csv(export(app, db, version, k=5)[1])
    french = [row for row in rows if row["meetings_attended"] == "50"]
    assert len(french) == 5 and all(row["actor_group"] == row["language"] == "*" for row in french)
    assert all(
        row["actor_group"] != "*"
        for row in read_csv(export(app, db, version, k=3)[1])
        if row["meetings_attended"] == "50" and row["meeting_date"] == "2016-03-16"
    )


def test_larger_k_blanks_more_and_the_codebook_says_so(app, db, survey):
    version, *_ = survey
    counts = {}
    for k in (3, 5, 12):
        rows = read_csv(export(app, db, version, k=k)[1])
        counts[k] = sum(row["actor_group"] == "*" for row in rows)
    assert (counts[3], counts[5], counts[12]) == (5, 14, 40)
    rows, sheets = read_xlsx(export(app, db, version, "xlsx", k=5, language="en")[1])
    codebook = " ".join(str(c) for row in sheets["codebook"] for c in row if c is not None)
    blanked = sum(row["actor_group"] == "*" for row in rows)
    # What anyone counts in the file, no more: never "n of N rows".
    counted = f"Values shown as “*” in this export: language {blanked}, actor_group {blanked}."
    assert counted in codebook and "rows are affected" not in codebook
    assert "at least 5 times" in codebook and "actor_group" in codebook
    assert ["Marker of a value not shown", "*"] in [row[:2] for row in sheets["codebook"]]
    _rows, descriptor, members = read_datapackage(export(app, db, version, "datapackage", k=5, language="en")[1])
    assert "*" in descriptor["resources"][0]["schema"]["missingValues"]
    assert counted in members["codebook.md"].decode()
    assert "- **Marker of a value not shown:** *" in members["codebook.md"].decode()


def test_quasi_identifiers_flagged_in_the_questionnaire_count_too(app, db):
    """A questionnaire whose number question is flagged: the number is blanked with the rest."""
    source = (
        IV1.read_text("utf-8")
        .replace("version: 1", "version: 2", 1)
        .replace(
            "  - id: meetings_attended\n    type: number\n",
            "  - id: meetings_attended\n    type: number\n    quasi_identifier: true\n",
        )
    )
    meeting = add_meeting(db, source, closes=CLOSED)
    for attended in ("1", "1", "1", "1", "1", "1", "7"):
        answer(db, meeting, meetings_attended=attended)
    db.commit()
    version = db.get(QuestionnaireVersion, meeting.questionnaire_version_id)
    rows = read_csv(export(app, db, version, k=5)[1])
    # The lone 7 would stand out, and so would a lone "*": all seven are blanked.
    assert [row["meetings_attended"] for row in rows] == ["*"] * 7
    for attended in ("7", "7", "7", "7"):
        answer(db, meeting, meetings_attended=attended)
    db.commit()
    rows = read_csv(export(app, db, version, k=5)[1])
    assert sorted(row["meetings_attended"] for row in rows) == ["1"] * 6 + ["7"] * 5


@pytest.mark.parametrize("k", [2, 1, 0, -5])
def test_k_below_three_is_refused(app, db, survey, runner, k):
    version, *_ = survey
    with pytest.raises(CellSizeTooSmall, match="at least 3"):
        export(app, db, version, k=k)
    result = runner.invoke(
        args=["export", "--questionnaire", "iv-1", "--format", "csv", "--out", "/dev/null", "--k", str(k)]
    )
    # The command line's floor is the network's k (5 unless set), never below 3.
    assert result.exit_code == 1 and "k must be at least 5" in result.output


def test_suppressed_cells_rule():
    assert suppressed_cells({"a": 10, "b": 8, "c": 9}, 5) == frozenset()
    assert suppressed_cells({"a": 10, "b": 4, "c": 9, "d": 6}, 5) == {"b", "d"}  # the next smallest too
    assert suppressed_cells({"a": 10, "b": 4, "c": 2}, 5) == {"b", "c"}  # two hidden: enough
    assert suppressed_cells({"a": 10, "b": 7}, 5, hidden=frozenset({"a"})) == {"a", "b"}
    assert MIN_K == 3


# --- the report --------------------------------------------------------------


@pytest.fixture
def groups(db):
    """school 8, kita 3, education_provider 6, migrant_organisation 9 respondents, at a meeting whose survey closed."""
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    for code, size in (("school", 8), ("kita", 3), ("education_provider", 6), ("migrant_organisation", 9)):
        for i in range(size):
            answer(db, meeting, actor_group=code, knows_more_offers="yes" if i % 2 else "no")
    db.commit()
    return db.query(QuestionnaireVersion).one()


def test_subtraction_attack_on_the_report_fails(db, groups):
    report = reporting.build_report(db, groups, reporting.ReportOptions(min_cell=5), today=dt.date.today(), now=now())
    questionnaire = questionnaire_of(groups)
    (breakdown,) = report.breakdowns
    assert breakdown.question.id == "actor_group"
    by_code = {row.code: row for row in breakdown.rows}
    shown = [row for row in breakdown.rows if row.respondents is not None]
    hidden = [row for row in breakdown.rows if row.respondents is None]
    assert {row.code for row in shown} == {"school", "migrant_organisation"}  # every other option is not shown
    # The attack: total minus every shown group.  What remains mixes two groups.
    remainder = report.overall.respondents - sum(row.respondents for row in shown)
    assert remainder == 3 + 6  # kita and education_provider together, neither alone
    # Per indicator too: the overall k minus the shown groups' k is not one group's k.
    position = [i.id for i in questionnaire.indicators].index("knows_more_offers")
    overall = report.overall.results[position]
    shown_k = sum(round(row.shares[position] * row.respondents) for row in shown)
    assert overall.k - shown_k == 1 + 3  # kita and education_provider together
    assert all(row.shares == (None,) * len(questionnaire.indicators) for row in hidden)
    assert by_code["school"].respondents == 8


def test_one_small_share_hides_a_second_in_its_column(db):
    """No group is small, but kita's central_topics denominator (answers
    without "don't know") is 3: that share and the next smallest in the column
    are hidden, the other columns stay."""
    meeting = add_meeting(db, opens=-48, closes=-1, attended=None)
    for code, size, dont_know in (("school", 9, 0), ("kita", 7, 4), ("education_provider", 8, 2)):
        for i in range(size):
            answer(db, meeting, actor_group=code, central_topics="dont_know" if i < dont_know else "yes")
    db.commit()
    version = db.query(QuestionnaireVersion).one()
    ids = [i.id for i in questionnaire_of(version).indicators]
    report = reporting.build_report(db, version, reporting.ReportOptions(min_cell=5), today=dt.date.today(), now=now())
    rows = [row for row in report.breakdowns[0].rows if row.code in ("school", "kita", "education_provider")]
    shares = {row.code: dict(zip(ids, row.shares)) for row in rows}
    assert all(row.respondents is not None for row in rows)
    assert {code for code, s in shares.items() if s["central_topics"] is None} == {"kita", "education_provider"}
    assert all(s["knows_more_offers"] is not None for s in shares.values())


def test_report_page_shows_no_hidden_figure(client, db, groups):
    accounts.create_user(db, "eva", "eval-password-1", "evaluator")
    db.commit()
    login(client, "eva", "eval-password-1")
    html = client.get(f"/workspace/reports/{groups.id}?lang=en").get_data(as_text=True)
    section = html[html.index('id="breakdown-actor_group"') : html.index('id="meetings"')]
    hidden = re.findall(r'<th scope="row">([^<]*)</th>\s*<td colspan="\d+">not shown</td>', section)
    assert len(hidden) == section.count("not shown")  # whole rows, no cell alone
    shown = re.findall(r'<th scope="row">([^<]*)</th>\s*<td>', section)
    assert len(shown) == 2 and len(hidden) > 2  # school and migrant organisations; kita and education providers not
    assert not re.search(r"<td>\s*[36]\s*</td>", section)  # neither 3 nor 6 respondents appear
