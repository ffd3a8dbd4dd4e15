"""Posting an edit form as a browser does: open it first, send back the `seen_state` it showed."""
from __future__ import annotations

import re

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
