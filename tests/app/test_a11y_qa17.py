"""QA round 17, accessibility of recent forms: a refused "Toch laten doorgaan" puts "Fout:" in the
page's title (WCAG 2.4.2, as every refused form does), and the roster cell's hint says beforehand
what a mark in brackets after a shift means (WCAG 3.3.2)."""
from __future__ import annotations

import re

import pytest

from tests.app.test_cell_options_marked import WEEK as CELL_WEEK, TUE, _assign, world as marked_world  # noqa: F401
from tests.app.test_request_day_off import THU, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def title(response) -> str:
    return re.search(r"<title>([^<]*)</title>", response.get_data(as_text=True)).group(1)


def test_taking_back_a_date_that_is_not_off_answers_with_fout_in_the_title(client, login, world):
    login(world.contact)
    refused = client.post(f"/aanvragen/{world.req.id}/dag-terug", data={"date": THU.isoformat()})
    assert refused.status_code == 409
    assert title(refused).startswith("Fout: ")
    assert "Deze dag is niet afgezegd." in refused.get_data(as_text=True)


def test_taking_back_without_a_date_answers_with_fout_in_the_title(client, login, world):
    login(world.contact)
    refused = client.post(f"/aanvragen/{world.req.id}/dag-terug", data={"date": ""})
    assert refused.status_code == 422
    assert title(refused).startswith("Fout: ")
    assert "Kies een afgezegde dag uit de lijst." in refused.get_data(as_text=True)


def test_taking_back_a_date_that_is_off_still_goes_back_to_the_request(client, login, world):
    login(world.contact)
    assert client.post(f"/aanvragen/{world.req.id}/dag-afzeggen", data={"date": THU.isoformat()}).status_code == 302
    back = client.post(f"/aanvragen/{world.req.id}/dag-terug", data={"date": THU.isoformat()})
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/aanvragen/{world.req.id}")


HINT = "Staat er iets tussen haakjes achter een dienst, zoals (vol) of (te weinig rust)?"


def cell_page(client, marked_world) -> str:
    page = client.get(f"/rooster/cel?week={CELL_WEEK}&team={marked_world.team.id}&employee={marked_world.person.id}"
                      f"&date={TUE.isoformat()}")
    assert page.status_code == 200
    return " ".join(page.get_data(as_text=True).split())


def test_the_cell_hint_says_what_a_mark_means_when_an_option_is_marked(client, login, marked_world):
    _assign(CELL_WEEK, marked_world.other, marked_world.neighbour, TUE, marked_world.early)  # full
    login(marked_world.planner)
    page = cell_page(client, marked_world)
    assert "(vol)</option>" in page
    hint = re.search(r'<[^>]+id="request-hint"[^>]*>(.*?)</', page).group(1)
    assert HINT in hint


def test_the_cell_hint_says_nothing_of_marks_when_no_option_is_marked(client, login, marked_world):
    login(marked_world.planner)
    page = cell_page(client, marked_world)
    assert "(vol)" not in page and HINT not in page
