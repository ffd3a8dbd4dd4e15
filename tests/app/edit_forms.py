"""Posting an edit form as a browser does: open it first, send back the `seen_state` it showed."""
from __future__ import annotations

import re
from html.parser import HTMLParser

VALUE = re.compile(r'value="([^"]*)"')
CONFLICT = "Deze gegevens zijn net veranderd, misschien in een ander venster. Er is niets opgeslagen."


def seen_state(client, url: str, field: str = "seen_state") -> str:
    """The value of the hidden `field` an edit form carries when opened now (fails when it has none)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', response.get_data(as_text=True))
    assert tag, f"the edit form has no {field} field"
    value = VALUE.search(tag.group(0))
    assert value and value.group(1), f"the edit form's {field} is empty"
    return value.group(1)


def post_edit(client, url: str, data: dict, *, field: str = "seen_state", **kwargs):
    """Open the edit form at `url`, then post `data` with the seen_state (or `field`) the form showed."""
    return client.post(url, data={**data, field: seen_state(client, url, field)}, **kwargs)


def post_request_edit(client, url: str, data: dict, **kwargs):
    """post_edit for a deployment request, whose form carries `seen_version`."""
    return post_edit(client, url, data, field="seen_version", **kwargs)


class _FormValues(HTMLParser):
    """What a browser would send for the page's first POST form inside <main> as shown: text and
    hidden inputs, ticked boxes, chosen options, text areas (no submit buttons, no CSRF token)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_main = self.in_form = self.done = False
        self.values: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main and not self.done and (attrs.get("method") or "").lower() == "post":
            self.in_form = True
        elif not self.in_form:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("name") != "csrf_token":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "on"))
            elif kind not in ("submit", "button", "reset"):
                self._add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            self._add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            self._add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def form_as_shown(client, url: str) -> dict:
    """The values the edit form at `url` shows now, as a browser would post them unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    parser = _FormValues()
    parser.feed(response.get_data(as_text=True))
    assert parser.values, f"no POST form inside <main> at {url}"
    return {name: values if len(values) > 1 else values[0] for name, values in parser.values.items()}
