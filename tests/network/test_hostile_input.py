"""Hostile input, generated, to the strategy editor and the actor-group form
(see tests/http/test_hostile_input.py for the participant form): never a 5xx,
nothing sent comes back unescaped, and what is stored is exactly what the
rules accept."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from app.languages import SUPPORTED_LANGUAGES
from app.models import ActorGroup, StrategyDraft, StrategyVersion
from app.questionnaires.model import CODE
from tests.conftest import csrf_of
from tests.http.test_hostile_input import FORM, FUZZ, MARKUP, adversarial, names
from tests.network.conftest import STRATEGY

LABELS = [f"label_{language}" for language in SUPPORTED_LANGUAGES]
FIELDS = ["code", "position", *LABELS]


def _assert_nothing_came_back_raw(body: str, sent: list[str]) -> None:
    for value in sent:
        for marker in MARKUP:
            if marker in value:
                assert marker not in body


@st.composite
def group_forms(draw):
    """A valid new group, then mutated: values replaced, fields dropped or added."""
    pairs = [("code", draw(st.sampled_from(["school", "kita_2", "x"]))), ("label_de", "Schule")]
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "add" or not pairs:
            pairs.append((draw(st.one_of(st.sampled_from(FIELDS), names)), draw(adversarial)))
        elif action == "replace":
            index = draw(st.integers(0, len(pairs) - 1))
            pairs[index] = (pairs[index][0], draw(adversarial))
        else:
            del pairs[draw(st.integers(0, len(pairs) - 1))]
    return pairs


def _accepted(pairs, taken: set[str]) -> bool:
    """The rules, independently: a free code of a-z, 0-9 and _, and at least
    one label, each at most 200 characters, none with a NUL."""
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)  # a repeated field counts once, the first
    code = fields.get("code", "").strip()
    labels = [fields[name] for name in LABELS if fields.get(name)]
    return (
        bool(re.fullmatch(CODE, code))
        and code not in taken
        and any(label.strip() for label in labels)
        and all(len(label) <= 200 and "\x00" not in label for label in labels)
    )


@FUZZ
@given(pairs=group_forms())
def test_the_actor_group_form_survives_anything(app, db, admin, pairs):
    db.rollback()
    before = {code: labels for code, labels in db.execute(select(ActorGroup.code, ActorGroup.labels))}
    db.rollback()
    page = admin.get("/workspace/actor-groups/").get_data(as_text=True)
    body = urlencode([("csrf_token", csrf_of(page)), *pairs]).encode()
    response = admin.post("/workspace/actor-groups/", data=body, content_type=FORM)
    event(f"actor groups: {response.status_code}")
    assert response.status_code < 500
    _assert_nothing_came_back_raw(response.get_data(as_text=True), [v for pair in pairs for v in pair])
    db.rollback()
    after = {code: labels for code, labels in db.execute(select(ActorGroup.code, ActorGroup.labels))}
    db.rollback()
    added = set(after) - set(before)
    if response.status_code == 413:
        assert after == before
        return
    assert (response.status_code == 302) == _accepted(pairs, set(before))
    assert len(added) == (1 if response.status_code == 302 else 0)
    assert all(after[code] == labels for code, labels in before.items())  # nothing else changes


@st.composite
def strategy_sources(draw):
    """The demo strategy with lines replaced, dropped or added; or anything at all."""
    if draw(st.booleans()):
        return draw(adversarial)
    lines = STRATEGY.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["replace", "drop", "add", "indent"]))
        if action == "replace":
            lines[index] = draw(adversarial)
        elif action == "drop":
            del lines[index]
        elif action == "add":
            lines.insert(index, draw(adversarial))
        else:
            lines[index] = " " + lines[index]
    return "\n".join(lines)


@FUZZ
@given(source=strategy_sources())
def test_the_strategy_editor_survives_anything_and_never_publishes_an_error(app, db, admin, source):
    page = admin.get("/workspace/strategy/versions").get_data(as_text=True)
    created = admin.post("/workspace/strategy/drafts", data={"csrf_token": csrf_of(page), "source": "x: 1"})
    assert created.status_code == 302
    url = created.headers["Location"]
    saved = admin.post(url, data={"csrf_token": csrf_of(page), "source": source})
    event(f"strategy draft: {saved.status_code}")
    assert saved.status_code in (200, 413, 422)
    _assert_nothing_came_back_raw(saved.get_data(as_text=True), [source])
    db.rollback()
    draft = db.get(StrategyDraft, int(url.rsplit("/", 1)[1]))
    kept = draft.source
    db.rollback()
    if saved.status_code != 413:  # 413: too large to read at all
        storable = len(source) <= 200_000 and "\x00" not in source
        assert kept == (source if storable else "x: 1")  # kept as sent, or the draft as it was
    versions_before = db.scalars(select(StrategyVersion.id)).all()
    db.rollback()
    published = admin.post(f"{url}/publish", data={"csrf_token": csrf_of(page)})
    assert published.status_code == 302
    db.rollback()
    versions_after = db.scalars(select(StrategyVersion)).all()
    from app.network.strategy.model import check_strategy

    if len(versions_after) > len(versions_before):
        assert not check_strategy(kept).errors  # only a valid draft becomes a version
    elif check_strategy(kept).errors:
        assert db.get(StrategyDraft, draft.id) is not None  # refused and kept
    db.rollback()
