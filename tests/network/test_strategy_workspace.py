"""The strategy in the workspace: admins upload and edit it (drafts, versions,
differences); the strategy overview and the report read the version in force.
A new network with its own strategy sees its own targets, and no Freiburg word."""

from __future__ import annotations

import io
import re
import textwrap

import pytest
from sqlalchemy import func, select

from app.models import Meeting, MeetingTopic, QuestionnaireVersion, StrategyDraft, StrategyVersion
from app.network.actor_groups import services as actor_groups
from app.network.strategy import store
from tests.conftest import IV1, csrf_of, login, store_response, token
from tests.network.conftest import STRATEGY

VERSIONS = "/workspace/strategy/versions"


def new_draft(client, source: str) -> str:
    response = client.post("/workspace/strategy/drafts", data={"csrf_token": token(client, VERSIONS), "source": source})
    assert response.status_code == 302
    return response.headers["Location"]


def draft_id(url: str) -> int:
    return int(url.rstrip("/").rsplit("/", 1)[1])


def publish(client, url: str, **follow):
    return client.post(f"{url}/publish?lang=en", data={"csrf_token": token(client, url)}, **follow)


def published(db) -> list[StrategyVersion]:
    db.rollback()
    try:
        return list(db.scalars(select(StrategyVersion).order_by(StrategyVersion.number)))
    finally:
        db.rollback()


def test_a_draft_with_errors_is_kept_and_never_published(admin, db):
    broken = STRATEGY.replace("target: 0.4", "target: 40")
    url = new_draft(admin, broken)
    response = admin.get(url + "?lang=en")
    html = response.get_data(as_text=True)
    line = broken.splitlines().index("            target: 40") + 1
    assert response.status_code == 422
    assert (
        f"line {line}</a>: <code>leitzielbereiche[0].mittlerziele[0].indicators[2].target</code>: "
        "the target of attendance is a share" in html
    )
    assert "target: 40" in html and "Publish" not in html
    refused = publish(admin, url, follow_redirects=True)
    assert "The strategy still has errors; it was not published." in refused.get_data(as_text=True)
    assert published(db) == []
    db.rollback()
    assert db.get(StrategyDraft, draft_id(url)).source == broken  # nothing lost
    # Fixed in the editor, then published: version 1 is in force.
    fixed = admin.post(url + "?lang=en", data={"csrf_token": csrf_of(html), "source": STRATEGY})
    assert fixed.status_code == 200 and "The strategy is valid: IV.1, IV.2." in fixed.get_data(as_text=True)
    assert "Publish as version 1" in fixed.get_data(as_text=True)
    assert publish(admin, url).status_code == 302
    (version,) = published(db)
    assert version.number == 1 and version.source == STRATEGY
    db.rollback()
    assert db.get(StrategyDraft, draft_id(url)) is None


def test_yaml_syntax_errors_and_a_missing_file_are_clear_answers(admin):
    html = admin.get(new_draft(admin, "languages: [de\n") + "?lang=en").get_data(as_text=True)
    assert "YAML syntax error" in html
    wrong = admin.post(
        "/workspace/strategy/drafts?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token(admin, VERSIONS), "file": (io.BytesIO(b"x"), "strategy.xlsx")},
    )
    assert wrong.status_code == 422 and "Please choose a .yaml file." in wrong.get_data(as_text=True)
    empty = admin.post(
        "/workspace/strategy/drafts?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token(admin, VERSIONS), "file": (io.BytesIO(b""), "")},
    )
    assert empty.status_code == 422


def test_upload_edit_publish_and_compare_versions(admin, db):
    upload = admin.post(
        "/workspace/strategy/drafts",
        content_type="multipart/form-data",
        data={"csrf_token": token(admin, VERSIONS), "file": (io.BytesIO(STRATEGY.encode()), "strategy.yaml")},
    )
    assert upload.status_code == 302 and publish(admin, upload.headers["Location"]).status_code == 302
    (first,) = published(db)
    # The same content again changes nothing.
    same = publish(admin, new_draft(admin, STRATEGY), follow_redirects=True)
    assert "is the same as version 1, which stays in force" in same.get_data(as_text=True)
    assert len(published(db)) == 1
    # Editing the version in force starts a draft with its text; publishing it adds version 2.
    edit = admin.post(f"/workspace/strategy/versions/{first.id}/edit", data={"csrf_token": token(admin, VERSIONS)})
    html = admin.get(edit.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Publish as version 2" in html and "target: 100" in html
    changed = STRATEGY.replace("target: 100", "target: 120")
    admin.post(edit.headers["Location"], data={"csrf_token": csrf_of(html), "source": changed})
    assert publish(admin, edit.headers["Location"]).status_code == 302
    first, second = published(db)
    assert second.number == 2 and "target: 120" in second.source and "target: 100" in first.source
    db.rollback()
    assert store.strategy_in_force(db).mittlerziele[0].indicators[0].target == 120
    listing = admin.get(VERSIONS + "?lang=en").get_data(as_text=True)
    assert "(in force)" in listing and "Changes since version 1" in listing and "IV.1, IV.2" in listing
    diff = admin.get(f"/workspace/strategy/diff?old={first.id}&new={second.id}&lang=en").get_data(as_text=True)
    assert '<span class="visually-hidden">removed: </span>−             target: 100' in diff
    assert '<span class="visually-hidden">added: </span>+             target: 120' in diff
    assert admin.get("/workspace/strategy/diff?old=x&new=1").status_code == 404
    assert admin.get(f"/workspace/strategy/diff?old={first.id}&new=999999").status_code == 404


def test_a_strategy_without_a_questionnaires_mittlerziel_is_flagged_in_its_draft(admin, db, demo_actor_groups):
    from app.questionnaires import versions

    versions.store_questionnaire(db, IV1.read_text("utf-8"))
    db.commit()
    other = STRATEGY.replace("code: IV.1", "code: IV.3")
    html = admin.get(new_draft(admin, other) + "?lang=en").get_data(as_text=True)
    assert "These published questionnaires name Mittlerziele this strategy does not have" in html
    assert "<li>iv-1: IV.1</li>" in html


def test_a_questionnaire_must_name_a_mittlerziel_of_the_strategy(admin, db, demo_actor_groups, runner, tmp_path):
    store.store_strategy(db, STRATEGY)
    db.commit()
    unknown = IV1.read_text("utf-8").replace("goal: IV.1", "goal: IV.7", 1)
    response = admin.post(
        "/workspace/questionnaires/drafts",
        data={"csrf_token": token(admin, "/workspace/questionnaires/"), "source": unknown},
    )
    html = admin.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "unknown Mittlerziel &#39;IV.7&#39;: the network&#39;s strategy has IV.1, IV.2" in html
    assert "Publish" not in html
    path = tmp_path / "iv-1.yaml"
    path.write_text(unknown, "utf-8")
    loaded = runner.invoke(args=["questionnaires", "load", str(path)])
    assert loaded.exit_code == 1 and "indicators[0].goal: unknown Mittlerziel 'IV.7'" in loaded.output
    db.rollback()
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0


def test_check_reads_the_strategy_and_checks_the_questionnaires_against_it(runner, tmp_path):
    strategy = tmp_path / "strategy.yaml"
    strategy.write_text(STRATEGY.replace("code: IV.1", "code: IV.3"), "utf-8")
    questionnaire = tmp_path / "iv-1.yaml"
    questionnaire.write_text(IV1.read_text("utf-8"), "utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(strategy), str(questionnaire)])
    assert result.exit_code == 1
    assert f"{strategy}: strategy, Mittlerziele IV.3, IV.2: translations de 15/15, en 15/15" in result.output
    line = IV1.read_text("utf-8").splitlines().index("  code: IV.1") + 1
    assert (
        f"{questionnaire}:{line}: mittlerziel.code: unknown Mittlerziel 'IV.1': the network's strategy has IV.2, IV.3"
        in (result.output)
    )
    # Without a strategy among the files, or with --strategy, the Mittlerziele are checked accordingly.
    assert runner.invoke(args=["questionnaires", "check", str(questionnaire)]).exit_code == 0
    named = runner.invoke(args=["questionnaires", "check", "--strategy", str(strategy), str(questionnaire)])
    assert named.exit_code == 1 and "unknown Mittlerziel 'IV.1'" in named.output
    strategy.write_text(STRATEGY.replace("kind: attendance", "kind: attendence"), "utf-8")
    broken = runner.invoke(args=["questionnaires", "check", str(strategy)])
    line = STRATEGY.splitlines().index("            kind: attendance") + 1
    assert broken.exit_code == 1
    assert f"{strategy}:{line}: leitzielbereiche[0].mittlerziele[0].indicators[2].kind: must be one of" in broken.output


def test_load_publishes_a_strategy_file(runner, db, tmp_path):
    path = tmp_path / "strategy.yaml"
    path.write_text(STRATEGY, "utf-8")
    assert "strategy version 1 created" in runner.invoke(args=["questionnaires", "load", str(path)]).output
    assert "strategy version 1 unchanged" in runner.invoke(args=["questionnaires", "load", str(path)]).output
    path.write_text(STRATEGY.replace("target: 2\n", "target: two\n"), "utf-8")
    refused = runner.invoke(args=["questionnaires", "load", str(path)])
    assert refused.exit_code == 1 and "target: must be a number" in refused.output
    assert len(published(db)) == 1


# --- the overview -----------------------------------------------------------------


def test_the_overview_shows_every_mittlerziel_with_every_indicator(client, db, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    login(client, "evaluation", "demo-evaluation")
    html = client.get("/workspace/strategy/?lang=en").get_data(as_text=True)
    assert "Leitzielbereich IV: Diversity/integration" in html
    iv1 = html.split("Mittlerziel IV.1", 1)[1].split("Mittlerziel IV.2", 1)[0]
    rows = re.findall(r'<tr class="verdict-(\w+)">\s*<th scope="row">(.*?)</th>', iv1, re.S)
    assert len(rows) == 9  # four survey and five record indicators
    assert iv1.count("questionnaire iv-1 version 1") == 4 and iv1.count("meeting records") == 5
    assert all(verdict in ("met", "not_met", "inconclusive") for verdict, _text in rows)
    assert "2017, n = " in iv1  # the survey's latest calendar year
    assert "At least 2 network meetings take place in every full calendar year." in iv1
    assert "won: 0, informed: 0, identified: 0" in iv1  # the demo has no partner register
    assert '<li value="5">' in iv1
    iv2 = html.split("Mittlerziel IV.2", 1)[1]
    assert "No Detailziele yet." in iv2 and "No Detailziele are formulated for this Mittlerziel yet" in iv2
    assert "No indicator measures this Mittlerziel yet." in iv2


def test_the_overview_without_a_strategy_lists_the_survey_indicators(admin, db, demo_actor_groups):
    from app.questionnaires import versions

    versions.store_questionnaire(db, IV1.read_text("utf-8"))
    db.commit()
    html = admin.get("/workspace/strategy/?lang=en").get_data(as_text=True)
    assert "The network has not published its strategy yet" in html and "Publish the strategy" in html
    elsewhere = html.split('id="elsewhere"', 1)[1]
    assert elsewhere.count("no results yet") == 4


# --- a network of its own -------------------------------------------------------------

OWN_STRATEGY = textwrap.dedent("""\
    languages: [en, de]
    leitzielbereiche:
      - code: L
        title: {en: Languages, de: Sprachen}
        mittlerziele:
          - code: L.1
            text: {en: Schools and libraries work together, de: Schulen und Bibliotheken arbeiten zusammen}
            detailziele_deferred: {en: To be agreed in spring, de: Im Frühjahr zu vereinbaren}
            indicators:
              - id: meetings
                kind: meetings_per_year
                target: 4
                text: {en: Four meetings in every full year, de: Vier Treffen in jedem vollen Jahr}
              - id: attendance
                kind: attendance
                target: 0.75
                text: {en: Three in four of those invited come, de: Drei von vier Eingeladenen kommen}
              - id: topics
                kind: member_topics
                target: 0.5
                comparison: at_most
                text: {en: Half the meetings at most on members' topics, de: Höchstens die Hälfte}
""")
OWN_QUESTIONNAIRE = textwrap.dedent("""\
    id: reading
    version: 1
    mittlerziel: {code: L.1, text: {en: Schools and libraries work together}}
    languages: [en]
    title: {en: Your view of the reading network}
    questions:
      - id: sector
        type: single_choice
        options_from: actor_groups
        required: true
        quasi_identifier: true
        breakdown: true
        text: {en: "Where do you work?"}
      - id: useful
        type: yes_no_dont_know
        required: true
        text: {en: "Was the meeting useful?"}
    indicators:
      - id: useful
        question: useful
        success: ["yes"]
        denominator: answered
        target: 0.7
        goal: L.1
        text: {en: Seven in ten find the meetings useful}
""")


def test_a_new_network_sees_its_own_targets_and_no_freiburg_word(admin, client, db):
    # The admin keeps the actor groups and publishes the strategy; the questionnaire names its Mittlerziel.
    actor_groups.add_groups(db, [("library", {"en": "Library"}), ("school", {"en": "School"})])
    db.commit()
    assert publish(admin, new_draft(admin, OWN_STRATEGY)).status_code == 302
    response = admin.post(
        "/workspace/questionnaires/drafts",
        data={"csrf_token": token(admin, "/workspace/questionnaires/"), "source": OWN_QUESTIONNAIRE},
    )
    draft = response.headers["Location"]
    assert "The questionnaire is valid" in admin.get(draft + "?lang=en").get_data(as_text=True)
    draft_number = draft_id(draft)
    assert (
        admin.post(
            f"/workspace/questionnaires/drafts/{draft_number}/publish", data={"csrf_token": token(admin, draft)}
        ).status_code
        == 302
    )
    db.rollback()
    version = db.scalars(select(QuestionnaireVersion)).one()
    import datetime as dt

    meeting = Meeting(
        public_code="own-000001",
        title="Reading network",
        date=dt.date(2026, 3, 1),
        place="Leipzig",
        questionnaire_version=version,
        invited=40,
        attended=20,
        topics=[MeetingTopic(title="Reading aloud", brought_in_by_members=True)],
    )
    db.add(meeting)
    db.commit()
    for sector, useful in (("library", "yes"), ("school", "yes"), ("school", "no")):
        store_response(db, meeting, {"sector": [sector], "useful": [useful]}, language="en")
    db.commit()
    html = admin.get(f"/workspace/reports/{version.id}?lang=en").get_data(as_text=True)
    assert "Freiburg" not in html and "Bildung" not in html
    records = html.split('id="records"', 1)[1].split('id="likert"', 1)[0]
    assert "Four meetings in every full year" in records and "at least 4" in records
    assert "Three in four of those invited come" in records and "at least 75 %" in records
    assert "at most 50 %" in records and "1 of 1 meetings" in records
    assert "partner" not in records.lower()  # no record indicator this network did not declare
    assert "100" not in records
    assert 'id="breakdown-sector"' in html
    overview = admin.get("/workspace/strategy/?lang=en").get_data(as_text=True)
    assert "Freiburg" not in overview and "Mittlerziel L.1" in overview
    assert "Seven in ten find the meetings useful" in overview and "To be agreed in spring" in overview


@pytest.mark.parametrize("page", ["/workspace/strategy/", "/workspace/reports/"])
def test_a_fresh_database_has_no_freiburg_word(admin, page):
    assert "Freiburg" not in admin.get(page + "?lang=en").get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/workspace/strategy/diff?old=99999999999999999999&new=1",
        "/workspace/strategy/drafts/99999999999999999999",
        "/workspace/actor-groups/99999999999999999999",
        "/workspace/questionnaires/diff?old=-1&new=1",
    ],
)
def test_ids_beyond_any_row_are_404_on_every_engine(admin, url):
    assert admin.get(url).status_code == 404
