"""QA round 16, WCAG 2.1 AA details an automated run misses: a single required box refused by a
form is marked invalid like every other field (3.3.1), and a table that may scroll sideways on a
phone can be scrolled with the keyboard: its box takes the focus and is named by its caption
(2.1.1), as the app's other 28 such tables already were."""
from __future__ import annotations

import re

from tests.app.test_security_privacy import former  # noqa: F401 (a fixture)

SCROLL_BOX = re.compile(r'<div class="table-scroll"([^>]*)>')


def test_an_unticked_required_box_is_marked_invalid(client, make, login, former):  # noqa: F811
    login(make.user(role="planner"))
    page = client.post(f"/privacy/medewerkers/{former.id}/anonimiseren", data={}).get_data(as_text=True)
    box = re.search(r'<input[^>]*id="confirm"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in box and 'aria-describedby="confirm-error"' in box
    # Not before a refusal.
    fresh = client.get(f"/privacy/medewerkers/{former.id}").get_data(as_text=True)
    assert 'aria-invalid' not in re.search(r'<input[^>]*id="confirm"[^>]*>', fresh).group(0)


def _scroll_boxes_named(client, urls) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        boxes = SCROLL_BOX.findall(page)
        assert boxes, url
        for attributes in boxes:
            assert 'tabindex="0"' in attributes and 'role="region"' in attributes, (url, attributes)
            named = re.search(r'aria-labelledby="([^"]+)"', attributes).group(1)
            assert f'id="{named}"' in page, (url, named)


def test_a_teams_and_the_calendar_links_tables_take_the_focus_and_are_named(client, make, login):
    team = make.team()
    make.employee(team=team)
    make.location()
    login(make.user(role="planner"))
    _scroll_boxes_named(client, (f"/teams/{team.id}", f"/kalender/team/{team.id}", "/kalender/locaties"))


def test_the_admins_tables_take_the_focus_and_are_named(client, make, login):
    make.location()
    make.work_type()
    login(make.user(role="admin"))
    _scroll_boxes_named(client, ("/beheer/gebruikers", "/beheer/locaties", "/beheer/werksoorten"))


def test_an_editable_grid_without_people_takes_the_focus_itself(client, make, login):
    """A new team's grid has no edit links to tab to: the scroll box must take the focus."""
    team = make.team()
    login(make.user(role="planner"))
    page = client.get(f"/rooster/?week=2026-W51&team={team.id}").get_data(as_text=True)
    assert (f'<div class="table-scroll" tabindex="0" role="region" aria-labelledby="grid-{team.id}">'
            in page)
