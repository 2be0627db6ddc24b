"""What a browser without JavaScript sends from a page's form: every field as
the page fills it in (text, hidden and number inputs, ticked boxes, chosen
options, text areas)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, number: int):
        super().__init__(convert_charrefs=True)
        self.wanted, self.seen, self.inside = number, -1, False
        self.fields: list[tuple[str, str]] = []
        self.action = None
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post":
            self.seen += 1
            self.inside = self.seen == self.wanted
            if self.inside:
                self.action = a.get("action")
        if not self.inside:
            return
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = [a.get("name"), None, None]  # name, first value, selected value
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, first, selected = self._select
            self.fields.append((name, selected if selected is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # The HTML parser drops the one line break that opens a text area's content.
            self.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None


def form_fields(page: str, number: int = 0) -> tuple[str | None, list[tuple[str, str]]]:
    """The action and the fields of the page's ``number``-th form that posts."""
    parser = _Form(number)
    parser.feed(page)
    return parser.action, parser.fields


def main_form(page: str) -> list[tuple[str, str]]:
    """The fields of the page's form with class "stacked" (the builder's own)."""
    start = page.index('class="stacked"')
    begin = page.rindex("<form", 0, start)
    _action, fields = form_fields(page[begin:])
    return fields
