"""Required fields say so, in words and to screen readers, without the browser's own bubble."""
from __future__ import annotations

import re

import pytest

from binnenwerk.extensions import db


def field_html(page: str, field_id: str) -> tuple[str, str]:
    """(label, control) of the field with this id."""
    label = re.search(rf'<label for="{field_id}">(.*?)</label>(.*?)(?=<(?:input|select|textarea))', page, re.S)
    control = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', page)
    assert label and control, field_id
    return label.group(1) + label.group(2), control.group(0)


@pytest.mark.parametrize("role, url, required, optional", [
    ("planner", "/teams/medewerkers/nieuw", ["first_name", "last_name", "team_id", "contract_start"], ["phone"]),
    ("planner", "/teams/afwezigheid/nieuw", ["start_date", "end_date"], []),
    ("planner", "/teams/nieuw", ["name"], []),
])
def test_staff_forms_mark_required_fields(client, login, make, role, url, required, optional):
    make.team()
    login(make.user(role))
    page = client.get(url).get_data(as_text=True)
    for field_id in required:
        label, control = field_html(page, field_id)
        assert "(verplicht)" in label, field_id
        assert 'aria-required="true"' in control, field_id
        assert not re.search(r"\srequired(?:[\s>=]|$)", control), field_id  # no browser bubble
    for field_id in optional:
        label, control = field_html(page, field_id)
        assert "(verplicht)" not in label and "aria-required" not in control, field_id


def test_the_decline_reason_is_marked_required(client, login, make):
    request = make.request()
    db.session.commit()
    login(make.user("planner"))
    page = client.get(f"/aanvragen/{request.id}/afwijzen").get_data(as_text=True)
    label, control = field_html(page, "reason")
    assert "(verplicht)" in label and 'aria-required="true"' in control


def test_each_box_of_a_refused_checkbox_group_says_it_is_invalid(client, login, make):
    make.work_type()
    team = make.team()
    login(make.user("planner"))
    page = client.post("/teams/medewerkers/nieuw", data={"first_name": "Ann", "last_name": "Aa",
                                                          "team_id": str(team.id)}).get_data(as_text=True)
    assert "Kies minstens één werksoort." in page
    boxes = re.findall(r'<input[^>]*name="work_type_ids"[^>]*>', page)
    assert boxes and all('aria-invalid="true"' in box for box in boxes)


def test_a_refused_form_says_so_in_the_page_title(client, login, make):
    make.team()
    login(make.user("planner"))
    title = re.compile(r"<title>(.*?)</title>", re.S)
    assert not title.search(client.get("/teams/medewerkers/nieuw").get_data(as_text=True)).group(1).startswith("Fout")
    refused = client.post("/teams/medewerkers/nieuw", data={"first_name": ""}).get_data(as_text=True)
    assert title.search(refused).group(1).startswith("Fout: ")
