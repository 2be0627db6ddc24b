"""Scrubbing free text, neutralising formulas, the minimum cell size: the
rules of app/domain/anonymise.py on realistic comments in all eight languages."""

import pytest

from app.evaluation.anonymise import (
    MIN_K,
    REMOVED,
    CellSizeTooSmall,
    check_k,
    neutralise,
    scrub,
    suppressed_cells,
)

X = REMOVED

# (comment as typed, what an export shows)
CORPUS = [
    # German
    ("Bitte rufen Sie mich an: 0761 201-2372, Frau Weber", f"Bitte rufen Sie mich an: {X}, Frau Weber"),
    ("Tel. (0761) 20123 72 oder mobil 0176/12345678", f"Tel. {X} oder mobil {X}"),
    ("Kontakt: +49 761 2012372 bzw. 0049 761 2012372", f"Kontakt: {X} bzw. {X}"),
    ("Schreiben Sie an anna.weber@kita-sonnenschein.de!", f"Schreiben Sie an {X}!"),
    ("Mail an info (at) bildung-freiburg.de", f"Mail an {X}"),
    ("Unsere Seite: www.kita-sonnenschein.de/team.", f"Unsere Seite: {X}."),
    ("Spenden: IBAN DE89 3704 0044 0532 0130 00, danke", f"Spenden: IBAN {X}, danke"),
    (
        "Das Treffen am 16.03.2016 mit 240 Leuten war super, von 2014 – 2017 dabei.",
        "Das Treffen am 16.03.2016 mit 240 Leuten war super, von 2014 – 2017 dabei.",
    ),
    (
        "Mehr Zeit für Austausch, z.B. 30 Minuten, Raum 101 um 14:30 Uhr.",
        "Mehr Zeit für Austausch, z.B. 30 Minuten, Raum 101 um 14:30 Uhr.",
    ),
    ("Budget 1.000.000 € für 3 Jahre", "Budget 1.000.000 € für 3 Jahre"),
    # English
    ("Call me on +44 20 7946 0958 or email j.smith@example.org", f"Call me on {X} or email {X}"),
    ("Slides at https://example.com/slides?id=42 (thanks)", f"Slides at {X} (thanks)"),
    ("Meetings 2015 2016 2017 were all useful", "Meetings 2015 2016 2017 were all useful"),
    # Turkish
    ("Bana ulaşın: +90 532 123 45 67, ayşe.yılmaz@örnek.com.tr", f"Bana ulaşın: {X}, {X}"),
    ("Toplantı çok faydalıydı, teşekkürler!", "Toplantı çok faydalıydı, teşekkürler!"),
    # Arabic, with Arabic-Indic digits
    ("رقم هاتفي ٠١٧٦ ١٢٣٤٥٦٧ ويمكنكم مراسلتي على ahmad@mail.de", f"رقم هاتفي {X} ويمكنكم مراسلتي على {X}"),
    ("اتصلوا بي على +49 176 12345678 شكرًا", f"اتصلوا بي على {X} شكرًا"),
    ("كان الاجتماع مفيدًا جدًا", "كان الاجتماع مفيدًا جدًا"),
    # Russian
    ("Мой телефон +7 (495) 123-45-67, почта ivan.petrov@yandex.ru", f"Мой телефон {X}, почта {X}"),
    ("Спасибо за встречу 12.03.2016!", "Спасибо за встречу 12.03.2016!"),
    # Ukrainian
    ("Пишіть на olena@ukr.net або дзвоніть +380 44 123 4567", f"Пишіть на {X} або дзвоніть {X}"),
    ("Дуже корисна зустріч, дякую", "Дуже корисна зустріч, дякую"),
    # Persian, with Persian digits
    ("شماره من ۰۹۱۲ ۳۴۵ ۶۷۸۹ است", f"شماره من {X} است"),
    ("لطفاً به www.example.ir سر بزنید", f"لطفاً به {X} سر بزنید"),
    ("نشست ۱۳۹۵ بسیار خوب بود", "نشست ۱۳۹۵ بسیار خوب بود"),
    # French
    ("Appelez-moi au 06 12 34 56 78 ou au 06.12.34.56.78", f"Appelez-moi au {X} ou au {X}"),
    ("Mon courriel : marie.dupont@exemple.fr — merci !", f"Mon courriel : {X} — merci !"),
    ("International : +33 6 12 34 56 78", f"International : {X}"),
]


@pytest.mark.parametrize("typed, shown", CORPUS)
def test_scrubbing_corpus(typed, shown):
    assert scrub(typed) == shown


def test_scrubbing_keeps_empty_and_plain_text():
    assert scrub("") == ""
    assert scrub("Alles gut.") == "Alles gut."
    assert scrub(scrub(CORPUS[0][0])) == CORPUS[0][1]  # idempotent


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(1)", "\t=1", "\r=1"])
def test_formula_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["1+1", "Mehr Zeit", "", "'=already", " =x"])
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value


def test_k_has_a_floor():
    assert check_k(MIN_K) == 3 and check_k(10) == 10
    with pytest.raises(CellSizeTooSmall, match="at least 3"):
        check_k(2)


def test_secondary_suppression_hides_a_second_cell():
    assert suppressed_cells({"a": 12, "b": 2, "c": 7, "d": 9}, 5) == {"b", "c"}
    assert suppressed_cells({"a": 12, "b": 2}, 5) == {"a", "b"}
    assert suppressed_cells({"a": 12}, 5) == frozenset()
    assert suppressed_cells({"a": 3}, 5) == {"a"}  # nothing else to hide
