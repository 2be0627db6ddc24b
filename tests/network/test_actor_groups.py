"""The network's actor groups: edited by admins, offered by questionnaires
(resolved into each version), chosen in the partner register."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import ActorGroup, PartnerOrganisation, QuestionnaireVersion
from app.network.actor_groups import services
from app.questionnaires import versions
from tests.conftest import IV1, csrf_of, token

URL = "/workspace/actor-groups/"


def add(client, **fields):
    data = {"csrf_token": token(client), "code": "school", "label_de": "Schule", "label_en": "School", **fields}
    return client.post(URL + "?lang=en", data={k: v for k, v in data.items() if v is not None})


def groups(db) -> list[tuple[str, dict]]:
    db.rollback()
    try:
        return [(g.code, g.labels) for g in services.actor_groups(db)]
    finally:
        db.rollback()


def field_block(html: str, field: str) -> str:
    return html.split(f'for="{field}"', 1)[1].split('<div class="q', 1)[0]


def test_an_admin_adds_groups_in_order(admin, db):
    assert add(admin).status_code == 302
    assert add(admin, code=" kita ", label_de="Kita", label_en="", label_tr="Kreş").status_code == 302
    assert groups(db) == [
        ("school", {"de": "Schule", "en": "School"}),
        ("kita", {"de": "Kita", "tr": "Kreş"}),  # empty labels are not stored
    ]
    page = admin.get(URL + "?lang=en").get_data(as_text=True)
    assert "<code>kita</code>" in page and "School" in page
    row = page.split("<code>kita</code>", 1)[1].split("</tr>", 1)[0]
    assert 'lang="en" dir="ltr">English</span>' in row and "Türkçe" not in row  # the languages it lacks


@pytest.mark.parametrize(
    "changes, field, message, kept",
    [
        ({"code": ""}, "code", "Please give a code.", 'value="Schule"'),
        ({"code": "   "}, "code", "Please give a code.", 'value="Schule"'),
        ({"code": "Schule!"}, "code", "Use lower-case letters a–z, digits and _ only", 'value="Schule!"'),
        ({"code": "x" * 41}, "code", "Use lower-case letters a–z, digits and _ only", 'value="School"'),
        (
            {"label_de": "", "label_en": " "},
            "label_de",
            "Please give the label in at least one language.",
            'value="school"',
        ),
        ({"label_fr": "é" * 201}, "label_fr", "Field cannot be longer than 200 characters.", 'value="Schule"'),
    ],
)
def test_bad_input_is_refused_beside_its_field_with_every_entry_kept(admin, db, changes, field, message, kept):
    response = add(admin, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_block(html, field)
    assert kept in html  # what was typed stays
    assert groups(db) == []


def test_a_duplicate_code_is_refused_with_a_clear_message(admin, db):
    assert add(admin).status_code == 302
    again = add(admin, label_de="Grundschule")
    html = again.get_data(as_text=True)
    assert again.status_code == 422
    assert "The code school is already used by another actor group." in field_block(html, "code")
    assert 'value="Grundschule"' in html
    assert groups(db) == [("school", {"de": "Schule", "en": "School"})]


def test_edit_labels_and_place_keeps_the_code(admin, db):
    for code in ("school", "kita", "club"):
        assert add(admin, code=code, label_de=code.title()).status_code == 302
    club = db.scalars(select(ActorGroup).filter_by(code="club")).one()
    url = f"{URL}{club.id}"
    page = admin.get(url + "?lang=en").get_data(as_text=True)
    assert 'name="code"' not in page and 'value="3"' in page  # third in the list
    bad = admin.post(url + "?lang=en", data={"csrf_token": csrf_of(page), "label_de": "Verein", "position": "null"})
    assert bad.status_code == 422 and 'value="Verein"' in bad.get_data(as_text=True)
    saved = admin.post(
        url, data={"csrf_token": csrf_of(page), "label_de": "Verein", "label_fr": "Club", "position": "1"}
    )
    assert saved.status_code == 302
    assert groups(db) == [
        ("club", {"de": "Verein", "fr": "Club"}),
        ("school", {"de": "School", "en": "School"}),
        ("kita", {"de": "Kita", "en": "School"}),
    ]


def test_a_group_of_the_partner_register_is_not_removed(admin, db):
    assert add(admin).status_code == 302
    assert add(admin, code="kita", label_de="Kita").status_code == 302
    db.add(PartnerOrganisation(name="Grundschule Weingarten", actor_group="school", status="won"))
    db.commit()
    school, kita = (db.scalars(select(ActorGroup.id).filter_by(code=c)).one() for c in ("school", "kita"))
    refused = admin.post(f"{URL}{school}/remove?lang=en", data={"csrf_token": token(admin, URL)}, follow_redirects=True)
    assert "was not removed: 1 organisations of the partner register belong to it" in refused.get_data(as_text=True)
    assert admin.post(f"{URL}{kita}/remove", data={"csrf_token": token(admin, URL)}).status_code == 302
    assert [code for code, _labels in groups(db)] == ["school"]
    assert admin.get(f"{URL}{kita}").status_code == 404


def test_coordinators_may_not_edit_the_list(coordinator, db):
    assert coordinator.get(URL).status_code == 403
    assert add(coordinator).status_code == 403
    assert groups(db) == []


def test_a_version_keeps_the_groups_it_was_stored_with(admin, db):
    """options_from is resolved when the version is stored; a later change of
    the list shows in the next version only."""
    assert add(admin).status_code == 302
    assert add(admin, code="kita", label_de="Kita", label_en="Day care").status_code == 302
    version, _ = versions.store_questionnaire(db, IV1.read_text("utf-8"))
    db.commit()
    assert versions.questionnaire_of(version).question("actor_group").codes == ("school", "kita")
    assert add(admin, code="club", label_de="Verein").status_code == 302
    db.rollback()
    stored = db.get(QuestionnaireVersion, version.id)
    assert versions.questionnaire_of(stored).question("actor_group").codes == ("school", "kita")
    second, _ = versions.store_questionnaire(db, IV1.read_text("utf-8").replace("version: 1", "version: 2", 1))
    assert versions.questionnaire_of(second).question("actor_group").codes == ("school", "kita", "club")


def test_without_actor_groups_the_questionnaire_cannot_be_stored(db):
    from app.questionnaires.model import QuestionnaireError

    with pytest.raises(QuestionnaireError, match="the network has 0 actor groups"):
        versions.store_questionnaire(db, IV1.read_text("utf-8"))
    db.rollback()
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0


def test_the_partner_register_offers_the_list_in_the_pages_language(coordinator, db):
    services.add_groups(db, [("library", {"de": "Bibliothek", "en": "Library"}), ("club", {"de": "Verein"})])
    db.commit()
    url = "/workspace/partners/"
    page = coordinator.get(url + "?lang=en").get_data(as_text=True)
    assert '<option value="library">Library</option>' in page
    assert '<option value="club">Verein</option>' in page  # no English label: another one
    assert '<option value="school">' not in page  # nothing hard-coded
    response = coordinator.post(
        url, data={"csrf_token": csrf_of(page), "name": "Stadtbibliothek", "actor_group": "library", "status": "won"}
    )
    assert response.status_code == 302
    listing = coordinator.get(url + "?lang=de").get_data(as_text=True)
    assert "<td>Bibliothek</td>" in listing
    refused = coordinator.post(
        url + "?lang=en", data={"csrf_token": csrf_of(page), "name": "Kita", "actor_group": "school", "status": "won"}
    )
    assert refused.status_code == 422 and "Not a valid choice" in refused.get_data(as_text=True)


def test_an_empty_list_is_explained_in_the_partner_register(coordinator):
    page = coordinator.get("/workspace/partners/?lang=en").get_data(as_text=True)
    assert "The network has no actor groups yet; an admin adds them under Actor groups." in page
