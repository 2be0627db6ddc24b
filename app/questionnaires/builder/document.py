"""The questionnaire builder's edits on a questionnaire document.

The builder works on the document as YAML reads it (plain dicts and lists),
not on the validated model: a draft may be unfinished or invalid, and every
key the builder does not show (or does not know) must survive its edits.  An
edit takes the document and returns a new one, or raises :class:`Refused`
with a reason the coordinator can act on; it never leaves a half-made change.
YAML stays the file format: :func:`load` reads a draft's source and
:func:`dump` writes it back, readable (the keys in the format's order, block
style, short lists on one line, the opening comment kept).

Plain Python: no framework.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import yaml

from app.languages import SUPPORTED_LANGUAGES
from app.yaml_documents import Problem, read_mapping

QUESTION_TYPES = ("single_choice", "multiple_choice", "yes_no_dont_know", "likert", "number", "free_text", "ranking")
CHOICE_TYPES = ("single_choice", "multiple_choice")
OPTION_TYPES = (*CHOICE_TYPES, "ranking")  # the types whose options the document lists
# Where ``options_from`` takes each type's options from.
OPTIONS_FROM = {"single_choice": "actor_groups", "multiple_choice": "actor_groups", "ranking": "topics"}
# Answer codes of the built-in scales (app/questionnaires/model.py).
SCALE_CODES = {"yes_no_dont_know": ("yes", "no", "dont_know"), "likert": ("1", "2", "3", "4", "5")}
DONT_KNOW = "dont_know"
# What each type has beyond the common keys; changing the type drops the rest.
TYPE_KEYS = {
    "single_choice": ("options_from", "options"),
    "multiple_choice": ("options_from", "options"),
    "yes_no_dont_know": (),
    "likert": ("labels",),
    "number": ("min", "max"),
    "free_text": ("max_length",),
    "ranking": ("options_from", "options", "rank"),
}
DOCUMENT_ORDER = ("id", "version", "mittlerziel", "languages", "title", "intro", "questions", "indicators")
QUESTION_ORDER = (
    "id",
    "type",
    "required",
    "quasi_identifier",
    "breakdown",
    "show_if",
    "text",
    "help",
    "options_from",
    "options",
    "rank",
    "labels",
    "min",
    "max",
    "max_length",
)
INDICATOR_ORDER = ("id", "question", "success", "denominator", "target", "comparison", "goal", "text")
ID_LENGTH = 40


class Refused(Exception):
    """An edit that cannot be made as asked; ``reason`` names why (the views
    word it in the coordinator's language), ``details`` fill it in."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


class Unbuildable(Exception):
    """A draft the builder cannot show: unreadable YAML, or a shape it cannot
    edit (the YAML editor can)."""

    def __init__(self, problem: Problem | None = None, shape: str | None = None):
        super().__init__(problem.message if problem else shape)
        self.problem = problem  # YAML could not read it
        self.shape = shape  # or the path of the part the builder cannot edit


# --------------------------------------------------------------------------
# Reading and writing YAML


def load(source: str) -> dict:
    """The document of a draft's source; raises :class:`Unbuildable`."""
    read = read_mapping(source)
    if isinstance(read, Problem):
        raise Unbuildable(read)
    data, _lines = read
    shape = shape_problem(data)
    if shape:
        raise Unbuildable(shape=shape)
    return data


def shape_problem(data: dict) -> str | None:
    """The path of the first part the builder could not read safely, if any:
    it shows lists of questions and indicators, and texts as maps of strings."""

    def is_text(value) -> bool:
        return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())

    for key in ("questions", "indicators"):
        if key in data and not isinstance(data[key], list):
            return key
    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(code, str) for code in languages):
        return "languages"
    for key in ("title", "intro"):
        if data.get(key) is not None and not is_text(data[key]):
            return key
    if "mittlerziel" in data and not (
        isinstance(data["mittlerziel"], dict) and is_text(data["mittlerziel"].get("text", {}))
    ):
        return "mittlerziel"
    for i, question in enumerate(data.get("questions", [])):
        where = f"questions[{i}]"
        if not isinstance(question, dict) or not isinstance(question.get("id", ""), str):
            return where
        for key in ("text", "help"):
            if question.get(key) is not None and not is_text(question[key]):
                return f"{where}.{key}"
        options = question.get("options", [])
        if not isinstance(options, list) or not all(
            isinstance(o, dict) and isinstance(o.get("code", ""), str) and is_text(o.get("label", {})) for o in options
        ):
            return f"{where}.options"
        labels = question.get("labels", [])
        if not isinstance(labels, list) or not all(is_text(label) for label in labels):
            return f"{where}.labels"
        show_if = question.get("show_if")
        if show_if is not None and not (
            isinstance(show_if, dict)
            and isinstance(show_if.get("question", ""), str)
            and isinstance(show_if.get("any_of", []), list)
        ):
            return f"{where}.show_if"
    for i, indicator in enumerate(data.get("indicators", [])):
        if not (
            isinstance(indicator, dict)
            and isinstance(indicator.get("question", ""), str)
            and isinstance(indicator.get("success", []), list)
            and is_text(indicator.get("text", {}))
        ):
            return f"indicators[{i}]"
    return None


class _Dumper(yaml.SafeDumper):
    """Block style, except lists of plain values (languages, codes), which
    stay on one line; text with line breaks as a literal block."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # list items indented under their key


def _represent_list(dumper: yaml.SafeDumper, value: list):
    flat = all(isinstance(item, (str, int, float, bool)) and "\n" not in str(item) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat and len(value) > 0)


def _represent_str(dumper: yaml.SafeDumper, value: str):
    if "\n" in value.strip("\n") and not value.endswith((" ", "\t")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)
_Dumper.add_representer(str, _represent_str)

_ITEM = re.compile(r"^  - ")


def dump(data: dict, header: str = "") -> str:
    """The document as readable YAML (one line per text), ``header`` (comment lines) first; a blank
    line between questions and between indicators."""
    ordered = _ordered(data, DOCUMENT_ORDER)
    for key, order in (("questions", QUESTION_ORDER), ("indicators", INDICATOR_ORDER)):
        if isinstance(ordered.get(key), list):
            ordered[key] = [_ordered(item, order) if isinstance(item, dict) else item for item in ordered[key]]
    plain = yaml.dump(
        ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False
    )
    lines = plain.splitlines()
    spaced = []
    for number, line in enumerate(lines):
        if _ITEM.match(line) and number and not lines[number - 1].endswith(":"):
            spaced.append("")
        if re.match(r"^(questions|indicators):", line) and spaced:
            spaced.append("")
        spaced.append(line)
    pretty = "\n".join(spaced) + "\n"
    if yaml.safe_load(pretty) != yaml.safe_load(plain):  # a blank line inside a block scalar would change it
        pretty = plain
    return header + pretty


def header_of(source: str) -> str:
    """The comment lines that open a source, kept when the builder writes it."""
    kept = []
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        kept.append(line + "\n")
    return "".join(kept)


def _ordered(item: dict, order: Iterable[str]) -> dict:
    known = {key: item[key] for key in order if key in item}
    return {**known, **{key: value for key, value in item.items() if key not in known}}


# --------------------------------------------------------------------------
# Codes from labels


_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slug(text: str) -> str:
    """A code from a label: lower-case ASCII letters, digits and ``_``, at most
    40 characters, cut at a word's end (``Schule und Kita`` → ``schule_und_kita``)."""
    spelled = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    letters = "".join(c for c in spelled if not unicodedata.combining(c))  # é → e
    words = re.findall(r"[a-z0-9]+", "".join(c if c.isascii() else " " for c in letters).lower())
    code = ""
    for word in words:
        longer = f"{code}_{word}" if code else word
        if len(longer) > ID_LENGTH:
            break
        code = longer
    return code or (words[0][:ID_LENGTH] if words else "")


def unique_code(wanted: str, taken: Iterable[str], *, fallback: str, identifier: bool = False) -> str:
    """``wanted``, or with ``_2``, ``_3`` … when taken; ``fallback`` when empty.
    An ``identifier`` (a question's or indicator's id) starts with a letter."""
    code = wanted or fallback
    if identifier and not code[0].isalpha():
        code = f"{fallback}_{code}"[:ID_LENGTH]
    taken = set(taken)
    if code not in taken:
        return code
    number = 2
    while True:
        suffix = f"_{number}"
        candidate = code[: ID_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


# --------------------------------------------------------------------------
# Reading the document


def languages(data: dict) -> list[str]:
    listed = [code for code in data.get("languages", []) if code in SUPPORTED_LANGUAGES]
    return listed or ["de"]


def default_language(data: dict) -> str:
    return languages(data)[0]


def questions(data: dict) -> list[dict]:
    return data.get("questions", [])


def indicators(data: dict) -> list[dict]:
    return data.get("indicators", [])


def codes_of(question: dict) -> tuple[str, ...]:
    """The answer codes a question offers (empty for open questions and for
    options still to come from the network's list)."""
    kind = question.get("type")
    if kind in SCALE_CODES:
        return SCALE_CODES[kind]
    if kind in OPTION_TYPES:
        return tuple(o.get("code", "") for o in question.get("options", []))
    return ()


def has_answers(question: dict) -> bool:
    """Whether a condition or an indicator may name the question's answers:
    it has codes, or takes them from the network's list."""
    return bool(codes_of(question)) or (question.get("type") in CHOICE_TYPES and bool(question.get("options_from")))


def counts_one_answer(question: dict) -> bool:
    """Whether an indicator can count this question: one answer per person, with codes."""
    return question.get("type") in ("single_choice", "yes_no_dont_know", "likert")


def sections(data: dict) -> list[dict]:
    listed = data.get("sections")
    return [section for section in listed if isinstance(section, dict)] if isinstance(listed, list) else []


def section_beginning(data: dict, question_id: str) -> dict | None:
    """The section that begins with this question, if one does."""
    return next((section for section in sections(data) if section.get("first_question") == question_id), None)


def set_section(data: dict, question_id: str, title: Mapping[str, str] | None) -> dict:
    """The document where a section with ``title`` begins with the question
    (``title`` None: none begins there); sections stay in question order."""
    made = copy.deepcopy(data)
    kept = [section for section in sections(made) if section.get("first_question") != question_id]
    if title:
        old = section_beginning(data, question_id) or {}
        kept.append({"first_question": question_id, "title": _merged_text(old.get("title"), title, title.keys())})
    order = {question.get("id"): i for i, question in enumerate(questions(made))}
    kept.sort(key=lambda section: order.get(section.get("first_question"), len(order)))
    if kept:
        made["sections"] = kept
    else:
        made.pop("sections", None)
        made.pop("section_pages", None)
    return made


def position_of(data: dict, question_id: str) -> int | None:
    for i, question in enumerate(questions(data)):
        if question.get("id") == question_id:
            return i
    return None


@dataclass(frozen=True)
class Use:
    """Something that refers to a question or to one of its answers."""

    kind: str  # "condition" (a later question's show_if) or "indicator"
    number: int  # 1-based: the question's or the indicator's position
    name: str  # the question's or the indicator's id


def uses_of(data: dict, question_id: str, codes: Iterable[str] | None = None) -> list[Use]:
    """The conditions and indicators that refer to a question (to any of
    ``codes`` of it, when given)."""
    codes = None if codes is None else set(codes)
    found = []
    for i, question in enumerate(questions(data)):
        condition = question.get("show_if") or {}
        if condition.get("question") == question_id and (codes is None or codes & set(condition.get("any_of", []))):
            found.append(Use("condition", i + 1, question.get("id", "")))
    for i, indicator in enumerate(indicators(data)):
        if indicator.get("question") == question_id and (codes is None or codes & set(indicator.get("success", []))):
            found.append(Use("indicator", i + 1, indicator.get("id", "")))
    return found


# --------------------------------------------------------------------------
# Templates


def blank(*, questionnaire_id: str, title: str, languages: list[str], mittlerziel: Mapping) -> dict:
    """A new questionnaire with no question yet."""
    return {
        "id": questionnaire_id,
        "version": 1,
        "mittlerziel": {"code": mittlerziel["code"], "text": dict(mittlerziel["text"])},
        "languages": list(languages),
        "title": {languages[0]: title},
        "questions": [],
    }


def copy_of(data: dict, *, questionnaire_id: str, title: str | None = None) -> dict:
    """Another questionnaire made from ``data``: its own id, version 1, and the
    title in the default language replaced when one is given."""
    made = copy.deepcopy(data)
    made["id"] = questionnaire_id
    made["version"] = 1
    if title:
        made["title"] = {**(made.get("title") or {}), default_language(made): title}
    return made


# --------------------------------------------------------------------------
# Edits


@dataclass
class Settings:
    """What the settings form gives: identity, Mittlerziel, languages, title, intro."""

    questionnaire_id: str
    version: int
    mittlerziel_code: str
    mittlerziel_text: dict[str, str]
    languages: list[str]
    title: dict[str, str]
    intro: dict[str, str] = field(default_factory=dict)
    section_pages: bool = False


def set_settings(data: dict, settings: Settings) -> tuple[dict, list[str]]:
    """The document with new settings, and the languages dropped (their texts
    go with them, so the document lists only the languages it has)."""
    made = copy.deepcopy(data)
    dropped = [code for code in languages(data) if code not in settings.languages]
    made["id"] = settings.questionnaire_id
    made["version"] = settings.version
    mittlerziel = made.get("mittlerziel") if isinstance(made.get("mittlerziel"), dict) else {}
    made["mittlerziel"] = {
        **mittlerziel,
        "code": settings.mittlerziel_code,
        "text": _merged_text(mittlerziel.get("text"), settings.mittlerziel_text, settings.languages),
    }
    made["languages"] = list(settings.languages)
    made["title"] = _merged_text(made.get("title"), settings.title, settings.languages)
    intro = _merged_text(made.get("intro"), settings.intro, settings.languages)
    if intro:
        made["intro"] = intro
    else:
        made.pop("intro", None)
    if settings.section_pages:
        made["section_pages"] = True
    else:
        made.pop("section_pages", None)
    if dropped:
        _drop_languages(made, set(dropped))
    return made, dropped


def _merged_text(old, new: Mapping[str, str], shown: Iterable[str]) -> dict:
    """``new`` for the languages the form showed; texts in other languages kept."""
    shown = set(shown)
    kept = {code: text for code, text in (old or {}).items() if code not in shown}
    return {**{code: text for code, text in new.items() if text}, **kept}


def _drop_languages(node, dropped: set[str]) -> None:
    """Remove the dropped languages' texts everywhere in the document."""
    if isinstance(node, dict):
        for key in list(node):
            value = node[key]
            if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
                if set(value) <= set(SUPPORTED_LANGUAGES) and all(isinstance(v, str) for v in value.values()):
                    for code in dropped & set(value):
                        del value[code]
                    continue
            _drop_languages(value, dropped)
    elif isinstance(node, list):
        for item in node:
            _drop_languages(item, dropped)


def new_question_id(data: dict, text: str, *, ignore: int | None = None) -> str:
    taken = [q.get("id") for i, q in enumerate(questions(data)) if i != ignore]
    return unique_code(slug(text), taken, fallback=f"question_{len(questions(data)) + 1}", identifier=True)


def put_question(
    data: dict, question: dict, index: int | None = None, *, renamed_codes: Mapping[str, str] = ()
) -> dict:
    """The document with ``question`` added at the end (``index`` None) or in
    place of the one at ``index``.

    A changed id or answer code is changed where conditions and indicators
    refer to it (``renamed_codes``: old code → new); an answer removed while
    a condition or an indicator counts it, a condition on a question that
    does not come earlier, or an id twice are refused."""
    made = copy.deepcopy(data)
    listed = made.setdefault("questions", [])
    if index is not None and not 0 <= index < len(listed):
        raise Refused("no_such_question")
    position = len(listed) if index is None else index
    new_id = question["id"]
    if any(other.get("id") == new_id for i, other in enumerate(listed) if i != position):
        raise Refused("duplicate_question_id", id=new_id)
    condition = question.get("show_if")
    if condition:
        source = position_of(made, condition["question"])
        if source is None or source >= position or not has_answers(listed[source]):
            raise Refused("condition_not_earlier", id=condition["question"])
        offered = set(codes_of(listed[source]))
        missing = [code for code in condition["any_of"] if offered and code not in offered]
        if missing:
            raise Refused("condition_unknown_answer", id=condition["question"], code=missing[0])
    if index is None:
        listed.append(question)
        return made
    old = listed[index]
    old_id = old.get("id", "")
    renamed_codes = dict(renamed_codes)
    remaining = set(codes_of(question))
    removed = [code for code in codes_of(old) if code not in remaining and code not in renamed_codes]
    in_use = uses_of(made, old_id, removed) if removed else []
    in_use = [use for use in in_use if not (use.kind == "condition" and use.number == index + 1)]
    if in_use and question.get("type") in CHOICE_TYPES and question.get("options_from"):
        in_use = []  # the network's list decides the codes; the check tells when one is gone
    if in_use:
        raise Refused("answer_in_use", uses=in_use)
    listed[index] = question
    if old_id != new_id or renamed_codes:
        _rename(made, old_id, new_id, renamed_codes)
    return made


def _rename(data: dict, old_id: str, new_id: str, codes: Mapping[str, str]) -> None:
    for question in questions(data):
        condition = question.get("show_if")
        if isinstance(condition, dict) and condition.get("question") == old_id:
            condition["question"] = new_id
            condition["any_of"] = [codes.get(code, code) for code in condition.get("any_of", [])]
    for indicator in indicators(data):
        if indicator.get("question") == old_id:
            indicator["question"] = new_id
            indicator["success"] = [codes.get(code, code) for code in indicator.get("success", [])]
    for section in sections(data):
        if section.get("first_question") == old_id:
            section["first_question"] = new_id


def move_question(data: dict, index: int, step: int) -> dict:
    """The question at ``index`` one place up (``step`` -1) or down (+1).
    Refused when a condition would then name a later question."""
    listed = questions(data)
    target = index + step
    if not (0 <= index < len(listed)) or step not in (-1, 1):
        raise Refused("no_such_question")
    if not 0 <= target < len(listed):
        return copy.deepcopy(data)  # already first or last
    upper, lower = sorted((index, target))
    above, below = listed[upper], listed[lower]
    condition = below.get("show_if") or {}
    if condition.get("question") == above.get("id"):
        raise Refused("move_above_condition", number=lower + 1, source=upper + 1)
    made = copy.deepcopy(data)
    made["questions"][upper], made["questions"][lower] = made["questions"][lower], made["questions"][upper]
    return made


def delete_question(data: dict, index: int) -> dict:
    """The document without the question at ``index``; refused while a
    condition or an indicator refers to it."""
    listed = questions(data)
    if not 0 <= index < len(listed):
        raise Refused("no_such_question")
    in_use = uses_of(data, listed[index].get("id", ""))
    if in_use:
        raise Refused("question_in_use", uses=in_use)
    made = copy.deepcopy(data)
    gone = made["questions"].pop(index).get("id")
    # A section it began begins with the next question, unless that one begins its own.
    following = made["questions"][index].get("id") if index < len(made["questions"]) else None
    begun = section_beginning(made, gone)
    if begun is not None:
        if following is None or section_beginning(made, following) is not None:
            made = set_section(made, gone, None)
        else:
            begun["first_question"] = following
    return made


def new_indicator_id(data: dict, wanted: str, *, ignore: int | None = None) -> str:
    taken = [ind.get("id") for i, ind in enumerate(indicators(data)) if i != ignore]
    return unique_code(wanted, taken, fallback=f"indicator_{len(indicators(data)) + 1}", identifier=True)


def put_indicator(data: dict, indicator: dict, index: int | None = None) -> dict:
    """The document with ``indicator`` added (``index`` None) or in place of the one at ``index``."""
    made = copy.deepcopy(data)
    listed = made.setdefault("indicators", [])
    if index is not None and not 0 <= index < len(listed):
        raise Refused("no_such_indicator")
    position = len(listed) if index is None else index
    if any(other.get("id") == indicator["id"] for i, other in enumerate(listed) if i != position):
        raise Refused("duplicate_indicator_id", id=indicator["id"])
    source = position_of(made, indicator["question"])
    if source is None or not counts_one_answer(questions(made)[source]):
        raise Refused("indicator_question", id=indicator["question"])
    question = questions(made)[source]
    offered = codes_of(question)
    if not question.get("options_from"):
        missing = [code for code in indicator["success"] if code not in offered]
        if missing:
            raise Refused("condition_unknown_answer", id=indicator["question"], code=missing[0])
        if indicator["denominator"] == "answered_excluding_dont_know" and DONT_KNOW not in offered:
            raise Refused("no_dont_know", id=indicator["question"])
    if index is None:
        listed.append(indicator)
    else:
        listed[index] = indicator
    return made


def delete_indicator(data: dict, index: int) -> dict:
    if not 0 <= index < len(indicators(data)):
        raise Refused("no_such_indicator")
    made = copy.deepcopy(data)
    del made["indicators"][index]
    if not made["indicators"]:
        del made["indicators"]
    return made


# --------------------------------------------------------------------------
# Shares as percentages


def percent(share) -> str:
    """A share (0.6) as the percentage a person types (``60``), exactly."""
    if isinstance(share, bool) or not isinstance(share, (int, float)):
        return ""
    value = (Decimal(repr(share)) * 100).normalize()
    return format(value, "f")


def share(percentage: str) -> float:
    """A typed percentage (``62,5``) as a share (0.625); raises ValueError."""
    cleaned = percentage.strip().replace(",", ".").removesuffix("%").strip()
    value = Decimal(cleaned)
    if not value.is_finite():
        raise ValueError(percentage)
    return float(value / 100)
