"""The report in words, in the reader's language: every figure as a sentence,
answers by their labels, verdicts, targets, the summary lines.  The report
page and the printed impact report say the same, from here.

Everything speaks the current locale (``force_locale`` for a document in
another language); the numbers are formatted as that locale writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from babel.lists import format_list
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.evaluation import stats
from app.evaluation.export import codebook
from app.evaluation.report.charts import forest_chart, legend
from app.evaluation.report.plain import is_exact, simple_fraction
from app.languages import pick
from app.questionnaires.model import DONT_KNOW, NO, YES, Likert, Questionnaire


def language() -> str:
    return get_locale().language


def text(value: Mapping[str, str] | None, default: str) -> str:
    """A questionnaire's or strategy's text in the reader's language (else its ``default``'s)."""
    return pick(value, language(), default).text if value else ""


def percent(value: float | None) -> str:
    return "–" if value is None else codebook.percent(value)


def number(value: int) -> str:
    return format_decimal(value)


def interval(low: float, high: float) -> str:
    return f"{percent(low)} – {percent(high)}"


def record_goal(indicator) -> str:
    """A record indicator's target in words: a number of meetings or organisations, or a share."""
    target = number(int(indicator.target)) if indicator.counted else percent(indicator.target)
    return codebook.goal_words(indicator.comparison, target)


def verdict_label(verdict: str | None) -> str:
    """A verdict in a word or two, for the tables; ``None``: no verdict could be made."""
    return {
        "met": _("reached"),
        "not_met": _("not reached"),
        "inconclusive": _("not determinable"),
        None: _("not determinable"),
    }[verdict]


def verdict_sentence(verdict: str | None) -> str:
    return {
        "met": _("Reached."),
        "not_met": _("Not reached."),
        "inconclusive": _("Not determinable."),
        None: _("Not determinable."),
    }[verdict]


def answer_label(questionnaire: Questionnaire, question_id: str, code: str) -> str:
    """What the participant read for the answer ``code``, not the code."""
    try:
        question = questionnaire.question(question_id)
    except KeyError:
        return code
    builtin = {YES: _("Yes"), NO: _("No"), DONT_KNOW: _("Don't know")}
    if isinstance(question, Likert):
        return text(question.labels[int(code) - 1], questionnaire.default_language)
    for option in getattr(question, "options", ()):
        if option.code == code:
            return text(option.label, questionnaire.default_language)
    return builtin.get(code, code)


def counted_answers(questionnaire: Questionnaire, indicator) -> str:
    """The answers an indicator counts, quoted and joined with "or": "“Yes”", "“agree” or “fully agree”"."""
    labels = [
        _("“%(answer)s”", answer=answer_label(questionnaire, indicator.question, code)) for code in indicator.success
    ]
    return format_list(labels, style="or", locale=get_locale())


def counted(questionnaire: Questionnaire, indicator) -> str:
    """What an indicator counts, said with the question: the line under its name."""
    question = questionnaire.question(indicator.question)
    return _(
        "Counted: %(answers)s to “%(question)s”, out of %(denominator)s.",
        answers=counted_answers(questionnaire, indicator),
        question=text(question.text, questionnaire.default_language),
        denominator=codebook.denominator(indicator.denominator),
    )


def not_shown(k: int) -> str:
    return _("Not shown: fewer than %(k)s answers.", k=number(k))


def _share_of(questionnaire: Questionnaire, indicator, assessment: stats.Assessment) -> str:
    values = {
        "share": percent(assessment.estimate),
        "n": number(assessment.n),
        "answers": counted_answers(questionnaire, indicator),
    }
    if indicator.denominator == "all_respondents":
        return _("%(share)s of %(n)s respondents answered %(answers)s", **values)
    if indicator.denominator == "answered":
        return _("%(share)s of the %(n)s who answered the question said %(answers)s", **values)
    return _("%(share)s of the %(n)s who answered other than “don't know” said %(answers)s", **values)


def figure_sentence(questionnaire: Questionnaire, result, k: int) -> str:
    """An indicator's figure as a sentence: share, interval, target and verdict.

    ``result`` is a ``reporting.IndicatorResult``; ``k`` the cell size under which nothing is shown."""
    indicator, assessment = result.indicator, result.assessment
    target = codebook.goal(indicator.comparison, indicator.target)
    if result.note == "too_few":
        return not_shown(k)
    if assessment is None:
        return _("Not determinable: this method needs the number of attendees of a meeting.")
    figure = _(
        "%(figure)s (with %(level)s confidence between %(low)s and %(high)s).",
        figure=_share_of(questionnaire, indicator, assessment),
        level=percent(assessment.confidence),
        low=percent(assessment.low),
        high=percent(assessment.high),
    )
    return " ".join((figure, _("Target: %(goal)s.", goal=target), verdict_sentence(assessment.verdict)))


def summary_line(questionnaire: Questionnaire, result) -> str | None:
    """The result in one line, as the network tells it, with a simple fraction
    where one is near: "About 2 in 3 respondents answered “Yes” to “…”"."""
    if result.assessment is None or result.assessment.estimate is None:
        return None
    share = result.assessment.estimate
    question = questionnaire.question(result.indicator.question)
    words = {
        "answers": counted_answers(questionnaire, result.indicator),
        "question": text(question.text, questionnaire.default_language),
    }
    fraction = simple_fraction(share)
    if fraction is None:
        return _("About %(share)s of respondents answered %(answers)s to “%(question)s”", share=percent(share), **words)
    exact = is_exact(share, fraction)
    if fraction == Fraction(1, 2):
        if exact:
            return _("Half of the respondents answered %(answers)s to “%(question)s”", **words)
        return _("About half of the respondents answered %(answers)s to “%(question)s”", **words)
    words |= {"numerator": number(fraction.numerator), "denominator": number(fraction.denominator)}
    if exact:
        return _("%(numerator)s in %(denominator)s respondents answered %(answers)s to “%(question)s”", **words)
    return _("About %(numerator)s in %(denominator)s respondents answered %(answers)s to “%(question)s”", **words)


def method_name(method: str) -> str:
    return {
        "auto": _("Wilson (per meeting with finite-population correction)"),
        "wilson": "Wilson",
        "wilsoncc": _("Wilson with continuity correction"),
        "clopper_pearson": _("Clopper–Pearson (exact)"),
        "jeffreys": "Jeffreys",
        "agresti_coull": "Agresti–Coull",
        "hypergeom_exact": _("Exact hypergeometric (meetings only)"),
    }[method]


def default_method() -> str:
    """The default choice in one sentence."""
    return _(
        "By default the report gives %(level)s confidence intervals by Wilson's method, which stays reliable "
        "with few answers; for a single meeting it takes into account how many attended.",
        level=percent(0.95),
    )


def indicator_chart(report, position: int) -> Markup:
    """The chart of one indicator across all meetings and per year, its legend,
    and the same figures in words as its text alternative.  The chart names
    the whole by the years it spans: numbers only, in every language."""
    indicator = report.questionnaire.indicators[position]
    years = [scope.label for scope in report.years]
    span = "–".join(dict.fromkeys((years[0], years[-1]))) if years else ""
    scopes = [report.overall, *report.years] if len(years) > 1 else [report.overall]
    rows, described = [], []
    for scope in scopes:
        result = scope.results[position]
        if result.assessment is not None and result.n:
            assessment = result.assessment
            rows.append(
                (span if scope.kind == "all" else scope.label, assessment.estimate, assessment.low, assessment.high)
            )
            described.append(
                _(
                    "%(scope)s: %(share)s, between %(low)s and %(high)s",
                    scope=_("%(years)s together", years=span) if scope.kind == "all" else scope.label,
                    share=percent(assessment.estimate),
                    low=percent(assessment.low),
                    high=percent(assessment.high),
                )
            )
    title = _(
        "Share with %(level)s confidence interval per period; the dashed line is the target %(target)s.",
        level=percent(report.options.confidence),
        target=percent(indicator.target),
    )
    description = "; ".join(described) + "." if described else _("No figure can be shown yet.")
    marks = {
        "share": _("dot: the share found"),
        "interval": _("bar: the %(level)s confidence interval", level=percent(report.options.confidence)),
        "target": _("dashed line: the target, %(goal)s", goal=codebook.goal(indicator.comparison, indicator.target)),
    }
    return forest_chart(rows, indicator.target, title, description=description) + legend(marks)
