"""The report in plain words and the printed impact report: each sentence and
each printed figure checked against the numbers the report service computes,
formatted by babel (not by our code) in the reader's language."""

import datetime as dt
import html
import re
from fractions import Fraction

import pytest
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from app.evaluation.report import plain, reporting
from app.evaluation.report.plain import Period, PeriodError, period_of, simple_fraction
from app.models import NetworkSettings, QuestionnaireVersion
from tests.conftest import PASSWORDS, PROJECT, add_meeting, login, now
from tests.evaluation.report.test_report import demo, store  # noqa: F401  (the demo fixture)
from tests.printed import is_a4, scan

YEAR = 2016


def pct(value: float, locale: str = "en") -> str:
    return format_percent(value, "#,##0 %", locale=locale)


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces, as a reader takes it in."""
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def ui_text(language: str, message: str) -> str:
    return Translations.load(str(PROJECT / "translations"), [language]).gettext(message)


def build(db, version, period=None):
    options = reporting.ReportOptions()
    return reporting.build_report(db, version, options, today=dt.date.today(), now=now(), period=period)


def expected_sentence(result, locale="en") -> str:
    """The sentence an English reader should read for ``result``, from its numbers."""
    a = result.assessment
    whom = {
        "knows_more_offers": "of the {n} who answered the question said",
        "new_contacts": "of the {n} who answered the question said",
        "new_partners": "of {n} respondents answered",
        "central_topics": "of the {n} who answered other than “don't know” said",
    }[result.indicator.id].format(n=format_decimal(a.n, locale=locale))
    verdict = {"met": "Reached.", "not_met": "Not reached.", "inconclusive": "Not determinable."}[a.verdict]
    return (
        f"{pct(a.estimate)} {whom} “Yes” (with 95 % confidence between {pct(a.low)} and {pct(a.high)}). "
        f"Target: at least {pct(result.indicator.target)}. {verdict}"
    )


# --- the pure part ----------------------------------------------------------


@pytest.mark.parametrize(
    "share, fraction",
    [
        (0.68, Fraction(2, 3)),
        (0.5, Fraction(1, 2)),
        (0.48, Fraction(1, 2)),
        (0.27, Fraction(1, 4)),
        (0.71, Fraction(7, 10)),
        (0.79, Fraction(4, 5)),
        (0.85, None),  # 4/5 and 9/10 are both 5 points away
        (0.97, None),
        (0.01, None),
    ],
)
def test_simple_fractions(share, fraction):
    assert simple_fraction(share) == fraction


def test_exact_fraction_only_to_the_whole_percent():
    assert plain.is_exact(0.5, Fraction(1, 2)) and plain.is_exact(0.667, Fraction(2, 3))
    assert not plain.is_exact(0.68, Fraction(2, 3))


def test_periods():
    assert period_of(2016, None, None) == Period(dt.date(2016, 1, 1), dt.date(2016, 12, 31))
    assert period_of(2016, None, None).year == 2016
    assert period_of(None, dt.date(2016, 3, 1), dt.date(2016, 3, 1)).year is None
    assert period_of(None, None, None) is None
    for asked, code in (
        ((None, dt.date(2017, 1, 2), dt.date(2017, 1, 1)), "inverted"),
        ((None, dt.date(2017, 1, 1), None), "incomplete"),
        ((2017, dt.date(2017, 1, 1), dt.date(2017, 2, 1)), "both"),
    ):
        with pytest.raises(PeriodError) as raised:
            period_of(*asked)
        assert raised.value.code == code


# --- the report page ----------------------------------------------------------


def test_every_figure_of_the_page_is_also_a_sentence(client, db, demo):  # noqa: F811
    login(client, "evaluation", "demo-evaluation")
    page = client.get(f"/workspace/reports/{demo.id}?lang=en").get_data(as_text=True)
    text = flat(page)
    report = build(db, demo)
    for result in report.overall.results:
        assert expected_sentence(result) in text, expected_sentence(result)
    for scope in report.years:
        for result in scope.results:
            assert expected_sentence(result) in text
    # Answers by their labels, columns by the indicators' texts: no code on the page.
    assert "Counted: “Yes” to “Since the network began, I know more or new education offers in Freiburg.”" in text
    assert not re.search(r"Counted: (yes|no|dont_know)\b", text)
    breakdown = page.split('id="breakdown-actor_group"', 1)[1].split('id="impact"', 1)[0]
    breakdown = breakdown.split('<section class="priorities"', 1)[0]  # the demo's ranking follows
    headers = re.findall(r'<th scope="col">([^<]*)</th>', breakdown)
    assert headers[2:] == [r.indicator.text["en"] for r in report.overall.results]
    assert "knows_more_offers" not in breakdown and "new_contacts" not in breakdown


def test_charts_have_a_legend_and_their_figures_in_words(client, db, demo):  # noqa: F811
    login(client, "evaluation", "demo-evaluation")
    page = client.get(f"/workspace/reports/{demo.id}?lang=en").get_data(as_text=True)
    report = build(db, demo)
    charts = re.findall(r'<svg class="chart"[^>]*aria-label="([^"]*)"', page)
    assert len(charts) == len(report.questionnaire.indicators)
    first = report.overall.results[0].assessment
    assert f"2014–2017 together: {pct(first.estimate)}, between {pct(first.low)} and {pct(first.high)}" in flat(
        charts[0]
    )
    for scope in report.years:
        a = scope.results[0].assessment
        assert f"{scope.label}: {pct(a.estimate)}, between {pct(a.low)} and {pct(a.high)}" in flat(charts[0])
    legends = re.findall(r'<ul class="chart-legend">(.*?)</ul>', page, re.S)
    assert len(legends) == len(charts)
    assert [flat(re.sub("<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", legends[0], re.S)] == [
        "dot: the share found",
        "bar: the 95 % confidence interval",
        "dashed line: the target, at least 60 %",
    ]


def test_how_to_read_and_the_advanced_choices(client, demo):  # noqa: F811
    login(client, "evaluation", "demo-evaluation")
    page = client.get(f"/workspace/reports/{demo.id}?lang=en").get_data(as_text=True)
    box = flat(re.sub("<[^>]+>", " ", page.split('class="how-to-read"', 1)[1].split(">", 1)[1].split("</aside>", 1)[0]))
    for verdict in ("Reached:", "Not reached:", "Not determinable:"):
        assert verdict in box
    assert "interval" in box and not re.search(r"[=√±]", box)  # words, no formula
    advanced = page.split('<details class="advanced"', 1)[1].split("</details>", 1)[0]
    assert not advanced.startswith(' id="advanced" open')
    assert 'name="method"' in advanced and 'name="confidence"' in advanced
    assert "By default the report gives 95 % confidence intervals by Wilson" in flat(advanced)
    assert page.count('name="method"') == 1  # nowhere else
    chosen = client.get(f"/workspace/reports/{demo.id}?lang=en&method=jeffreys").get_data(as_text=True)
    assert '<details class="advanced" id="advanced" open>' in chosen


def test_german_reader_gets_german_numbers_and_sentences(client, db, demo):  # noqa: F811
    login(client, "evaluation", "demo-evaluation", lang="de")
    text = flat(client.get(f"/workspace/reports/{demo.id}?lang=de").get_data(as_text=True))
    result = build(db, demo).overall.results[0]
    a = result.assessment
    share = pct(a.estimate, "de").replace("\xa0", " ")
    assert format_decimal(a.n, locale="de") == "1.292"
    assert f"{share} der 1.292, die die Frage beantwortet haben, sagten „Ja“" in text
    assert ui_text("de", "Reached.") == "Erreicht." and "Erreicht." in text
    assert "Gezählt: „Ja“" in text and "Gezählt: yes" not in text


# --- the printed impact report -----------------------------------------------------


def download(client, demo, query):  # noqa: F811
    return client.get(f"/workspace/reports/{demo.id}/impact.pdf?{query}")


def test_the_impact_pdf_prints_the_reports_own_figures(client, db, demo):  # noqa: F811
    db.query(NetworkSettings).one().name = "Bildungsnetzwerk Freiburg"
    db.commit()
    login(client, "evaluation", "demo-evaluation")
    page = client.get(f"/workspace/reports/{demo.id}?lang=en").get_data(as_text=True)
    assert f'action="/workspace/reports/{demo.id}/impact.pdf"' in page
    response = download(client, demo, f"year={YEAR}&language=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"wirkungsbericht-iv-1-v1-{YEAR}-en.pdf" in response.headers["Content-Disposition"]
    pages = scan(response.data)
    assert all(is_a4(p) for p in pages)
    text = flat(" ".join(p.text for p in pages))
    report = build(db, demo, Period.of_year(YEAR))
    assert "Bildungsnetzwerk Freiburg" in text and "Impact report" in text and f"Calendar year {YEAR}" in text
    assert "Mittlerziel IV.1" in text
    for result in report.overall.results:
        assert expected_sentence(result) in text, expected_sentence(result)
    # The seed-style lines, from the shares: 68 % -> about 2 in 3, 25 % -> 1 in 4.
    shares = {r.indicator.id: r.assessment.estimate for r in report.overall.results}
    assert simple_fraction(shares["knows_more_offers"]) == Fraction(2, 3)
    assert "About 2 in 3 respondents answered “Yes” to “Since the network began" in text
    # Responses and the response rate, from the meetings of the year.
    responses = sum(scope.respondents for scope in report.meetings)
    attended = sum(scope.meeting.attended for scope in report.meetings)
    assert {scope.meeting.date.year for scope in report.meetings} == {YEAR}
    assert f"{responses} responses from {len(report.meetings)} meetings." in text
    assert f"{responses} responses from {attended} attendees, a response rate of {pct(responses / attended)}" in text
    for scope in report.meetings:
        assert f"{scope.respondents} {scope.meeting.attended} {pct(scope.respondents / scope.meeting.attended)}" in text
    assert "A note on method" in text and "Not determinable: the interval includes the target" in text
    # The record indicators of the year: four meetings held in 2016.
    assert "at least 2 2016: 4 reached" in text


def test_the_impact_pdf_of_a_period_pools_only_its_meetings(client, db, demo):  # noqa: F811
    login(client, "evaluation", "demo-evaluation")
    response = download(client, demo, "from=2015-01-01&to=2016-06-30&language=en")
    assert response.status_code == 200
    text = flat(" ".join(p.text for p in scan(response.data)))
    report = build(db, demo, Period(dt.date(2015, 1, 1), dt.date(2016, 6, 30)))
    assert {scope.meeting.date.year for scope in report.meetings} == {2015, 2016}
    assert "From January 1, 2015 to June 30, 2016" in text
    for result in report.overall.results:
        assert expected_sentence(result) in text


def arabic_words(text: str) -> list[str]:
    """The words of an Arabic text that come out of a PDF as they went in (a lam-alef ligature does not)."""
    return [w for w in re.findall(r"\w+", text) if "لا" not in w and re.search(r"[\u0600-\u06ff]", w)]


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_the_impact_pdf_in_arabic_and_persian_is_right_to_left(app, client, db, demo, language):  # noqa: F811
    from app.evaluation.report import impact

    login(client, "evaluation", "demo-evaluation")
    response = download(client, demo, f"year={YEAR}&language={language}")
    assert response.status_code == 200
    text = " ".join(p.text for p in scan(response.data))
    indicator = build(db, demo).questionnaire.indicators[0]
    for word in arabic_words(indicator.text[language]):
        assert word in text, word
    for word in arabic_words(ui_text(language, "A note on method")):
        assert word in text
    assert ui_text(language, "A note on method") != "A note on method"
    with app.test_request_context():
        made = impact.impact_report(db, demo, Period.of_year(YEAR), today=dt.date.today(), now=now())
        document = impact.document(made, language)
    assert f'<html lang="{language}" dir="rtl">' in document


def test_a_meeting_under_k_shows_no_figure_in_the_pdf(client, db, staff):
    small = add_meeting(db, title="Kleines Treffen", opens=-48, closes=-1, attended=12)
    for _ in range(4):
        store(db, small)
    db.commit()
    login(client, "evaluator", PASSWORDS["evaluator"])
    version = db.get(QuestionnaireVersion, small.questionnaire_version_id)
    response = download(client, version, f"year={small.date.year}&language=en")
    assert response.status_code == 200
    text = flat(" ".join(p.text for p in scan(response.data)))
    assert "Kleines Treffen 4 12 33 % no: fewer than 5 responses" in text
    assert "respondents answered" not in text and "who answered the question said" not in text
    assert "has no figures" in text and "no results yet" in text
    assert "Mittlerziel IV.1: " in text  # without a strategy, the questionnaire's own words for it
    assert "100 %" not in text.split("Responses and response rates")[0].replace("at least 100 %", "")


@pytest.mark.parametrize(
    "query, status, says",
    [
        ("year=abc", 400, "Please give a year such as 2017"),
        ("year=99999", 400, "Please give a year such as 2017"),
        ("from=2017-02-30&to=2017-03-01", 400, "Please give a year such as 2017"),
        ("from=2017-03-01&to=2017-01-01", 400, "The period ends before it begins"),
        ("from=2017-03-01", 400, "Please give both the first and the last day"),
        ("year=2017&from=2017-03-01&to=2017-04-01", 400, "Please choose a year or a period, not both"),
        ("year=1990", 404, "No meeting of this questionnaire version with responses lies in this period"),
        ("year=2017&language=xx", 400, "printed in one of the languages offered"),
    ],
)
def test_bad_periods_get_a_clear_answer(client, demo, query, status, says):  # noqa: F811
    login(client, "evaluation", "demo-evaluation")
    response = download(client, demo, f"{query}&lang=en")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    # The report comes back with the reason at its form, and the form as it was sent.
    error = page.split('<div class="error-summary" role="alert"', 1)[1].split("</div>", 1)[0]
    assert says in flat(error)
    form = page.split('action="/workspace/reports/', 1)[1].split("</form>", 1)[0]
    for name, value in (pair.split("=") for pair in query.split("&")):
        if name == "year":
            assert f'<option value="{value}" selected>' in form
        elif name in ("from", "to"):
            assert f'name="{name}" value="{value}" aria-describedby="impact-error"' in form


def test_flask_report_writes_the_pdf(runner, db, demo, tmp_path):  # noqa: F811
    out = tmp_path / "bericht.pdf"
    result = runner.invoke(
        args=[
            "report",
            "--questionnaire",
            "iv-1",
            "--year",
            str(YEAR),
            "--format",
            "pdf",
            "--out",
            str(out),
            "--language",
            "en",
        ]
    )
    assert result.exit_code == 0, result.output
    text = flat(" ".join(p.text for p in scan(out.read_bytes())))
    for result in build(db, demo, Period.of_year(YEAR)).overall.results:
        assert expected_sentence(result) in text
    german = tmp_path / "de.pdf"
    assert (
        runner.invoke(
            args=[
                "report",
                "--questionnaire",
                "iv-1",
                "--from",
                "2017-01-01",
                "--to",
                "2017-12-31",
                "--out",
                str(german),
            ]
        ).exit_code
        == 0
    )
    assert "Wirkungsbericht" in flat(" ".join(p.text for p in scan(german.read_bytes())))
    for args, says in (
        (["--year", "1990"], "no meeting of iv-1 version 1 with responses lies in this period"),
        (["--from", "2017-02-01", "--to", "2017-01-01"], "--to is before --from"),
        (["--year", "2017", "--from", "2017-01-01", "--to", "2017-02-01"], "choose --year or --from/--to"),
        (["--year", "2017", "--version", "7"], "there is no questionnaire 'iv-1' version 7"),
    ):
        failed = runner.invoke(args=["report", "--questionnaire", "iv-1", "--out", str(tmp_path / "x.pdf"), *args])
        assert failed.exit_code != 0 and says in failed.output, failed.output


def test_answers_are_named_by_their_labels_in_the_readers_language(app, db):
    from flask_babel import force_locale

    from app.evaluation.report import wording
    from app.questionnaires.versions import questionnaire_of
    from tests.conftest import store_questionnaire

    version, _ = store_questionnaire(db)
    questionnaire = questionnaire_of(version)
    satisfied = questionnaire.indicators[0].model_copy(update={"question": "satisfaction", "success": ("4", "5")})
    with app.test_request_context(), force_locale("de"):
        assert wording.counted_answers(questionnaire, satisfied) == "„eher zufrieden“ oder „sehr zufrieden“"
        assert wording.counted_answers(questionnaire, questionnaire.indicators[3]) == "„Ja“"
        school = wording.answer_label(questionnaire, "actor_group", "school")
    with app.test_request_context(), force_locale("fr"):
        assert wording.counted_answers(questionnaire, satisfied) == "« plutôt satisfaisante » ou « très satisfaisante »"
    assert school and school != "school"
    assert wording.answer_label(questionnaire, "no_such_question", "x") == "x"
