"""IV.1 with a ranking question, for the tests of the ranking type."""

from tests.conftest import IV1, parse_iv1

# Where with_ranking puts the ranking: after IV.1's last question.
RANKED_AT = f"questions[{len(parse_iv1().questions)}]"

NEEDS = ("language", "staff", "transitions", "refugees")

RANKING = """\
  - id: needs
    type: ranking
    rank: 3
    text:
      de: Welche drei dieser Bedarfe sind für Ihre Arbeit am dringendsten?
      en: Which three of these needs are most urgent for your work?
      tr: Bu ihtiyaçlardan hangi üçü işiniz için en acildir?
      ar: ما هي الاحتياجات الثلاثة الأكثر إلحاحًا لعملكم؟
      ru: Какие три из этих потребностей наиболее срочны для вашей работы?
      uk: Які три з цих потреб найнагальніші для вашої роботи?
      fa: کدام سه نیاز از این نیازها برای کار شما فوری‌تر است؟
      fr: Quels sont les trois besoins les plus urgents pour votre travail ?
    options:
      - code: language
        label: {de: Sprachbildung, en: Language education, ar: التعليم اللغوي}
      - code: staff
        label: {de: Fachpersonal, en: Professional staff, ar: الكوادر المتخصصة}
      - code: transitions
        label: {de: Übergänge, en: Transitions, ar: الانتقالات}
      - code: refugees
        label: {de: Fluchtgeschichte, en: Refugee background, ar: تجربة اللجوء}
"""


def with_ranking(extra: str = RANKING) -> str:
    """IV.1's source with ``extra`` (a ranking question) after its last question."""
    source = IV1.read_text("utf-8")
    return source.replace("\nindicators:\n", "\n" + extra + "indicators:\n", 1)
