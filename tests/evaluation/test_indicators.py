"""Denominator rules on a worked example (counts written out by hand)."""

from app.evaluation.indicators import Counts, indicator_share
from app.questionnaires.model import parse_questionnaire
from tests.conftest import IV1 as IV1_FILE

IV1 = parse_questionnaire(IV1_FILE.read_text("utf-8"))
BY_ID = {indicator.id: indicator for indicator in IV1.indicators}

# 20 respondents. central_topics: 9 yes, 4 no, 3 don't know, 4 left it out.
# new_partners: shown only to the 8 with new contacts; 5 yes, 2 no, 1 don't know.
COUNTS = Counts(
    20,
    {
        ("central_topics", "yes"): 9,
        ("central_topics", "no"): 4,
        ("central_topics", "dont_know"): 3,
        ("new_contacts", "yes"): 8,
        ("new_contacts", "no"): 12,
        ("new_partners", "yes"): 5,
        ("new_partners", "no"): 2,
        ("new_partners", "dont_know"): 1,
    },
)


def test_answered_excluding_dont_know():
    share = indicator_share(IV1, BY_ID["central_topics"], COUNTS)
    assert (share.k, share.n, share.answered, share.dont_know) == (9, 13, 16, 3)


def test_answered():
    share = indicator_share(IV1, BY_ID["new_contacts"], COUNTS)
    assert (share.k, share.n) == (8, 20)


def test_all_respondents_counts_those_never_asked():
    share = indicator_share(IV1, BY_ID["new_partners"], COUNTS)
    assert (share.k, share.n) == (5, 20)


def test_merge_adds_meetings_into_a_period():
    merged = Counts.merge([COUNTS, Counts(5, {("new_contacts", "yes"): 5})])
    assert merged.respondents == 25 and merged.count("new_contacts", "yes") == 13
    assert indicator_share(IV1, BY_ID["new_contacts"], merged).n == 25
