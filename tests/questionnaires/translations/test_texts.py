"""Text keys that hold across moves and versions, and what makes a translation stale."""

import copy
import io
import zipfile

import pytest

from app.questionnaires.builder import document
from app.questionnaires.translations import texts, xlsx
from tests.conftest import IV1


@pytest.fixture
def iv1():
    return document.load(IV1.read_text("utf-8"))


def test_every_text_has_a_key_built_from_ids_and_codes(iv1):
    listed = texts.entries(iv1)
    keys = [entry.key for entry in listed]
    assert len(keys) == len(set(keys))
    assert keys[:3] == ["mittlerziel", "title", "intro"]
    assert "question.new_contacts.text" in keys and "question.satisfaction.point.5" in keys
    assert "indicator.central_topics.text" in keys
    assert not any(key.startswith("question.actor_group.option") for key in keys)  # the network's list
    moved = document.move_question(iv1, 1, 1)
    assert sorted(entry.key for entry in texts.entries(moved)) == sorted(keys)


def test_a_translation_is_stale_once_its_source_changed(iv1):
    bases = texts.made_from(iv1, texts.present_translations(iv1))
    assert texts.stale(iv1, bases) == set()
    changed = copy.deepcopy(iv1)
    changed["questions"][2]["text"]["de"] = "Über das Netzwerk habe ich neue Kontakte geknüpft."
    stale = texts.stale(changed, bases)
    assert stale == {
        ("question.new_contacts.text", language) for language in ("en", "tr", "ar", "ru", "uk", "fa", "fr")
    }
    coverage = texts.coverage(changed, bases)
    expected = len(texts.entries(iv1))
    assert coverage["en"] == (expected - 1, 1, expected)
    # A translation written after the change is made from the new source.
    edited = copy.deepcopy(changed)
    edited["questions"][2]["text"]["en"] = "Through the network I have made new contacts."
    fresh = texts.made_from(edited, texts.changed_translations(changed, edited))
    assert ("question.new_contacts.text", "en") not in texts.stale(edited, {**bases, **fresh})


def zipped(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"not a zip", "not_xlsx"),
        (zipped({"xl/a.xml": b"x" * 10}, zipfile.ZIP_BZIP2), "not_xlsx"),
        (zipped({"xl/sharedStrings.xml": b"\0" * 30_000_000}), "too_big_inside"),
        (b"PK" + b"\0" * xlsx.MAX_BYTES, "too_large"),
    ],
)
def test_a_file_that_is_no_text_workbook_is_refused_before_parsing(data, reason):
    with pytest.raises(xlsx.UnreadableTexts) as refused:
        xlsx.read_texts(data)
    assert refused.value.reason == reason


def test_headers_are_read_as_xlsform_names_them():
    assert [xlsx._language_of(h) for h in ("label::English (en)", "LABEL::de", "label:Français", "label::Turkish")] == [
        "en",
        "de",
        "fr",
        "tr",
    ]
    assert xlsx._language_of("hint::English (en)") is None
