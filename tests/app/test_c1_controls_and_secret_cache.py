"""Input hygiene beyond ASCII's controls, and the secret pages kept out of every cache."""
from __future__ import annotations

import pytest

from binnenwerk.dataio import values
from binnenwerk.extensions import db
from binnenwerk.formatting import without_controls
from binnenwerk.models import EmployeeSensitive, FeedKind
from binnenwerk.services import tokens

from .edit_forms import post_edit


@pytest.mark.parametrize("typed,expected", [
    ("Fleur\x9b31mRood", "FleurRood"),  # the 8-bit CSI starts an escape sequence as ESC [ does
    ("Jan\x90Doe\x9f", "Jan Doe"),  # other C1 controls are controls: one space between words
    ("Balie\x85Lift", "Balie\nLift"),  # NEL is a line break
    ("Balie\u2028Lift\u2029Kamer 3", "Balie\nLift\nKamer 3"),  # so are Unicode's separators
    ("Café Noël", "Café Noël"),  # letters beyond ASCII are no controls
])
def test_c1_controls_and_other_line_breaks(typed, expected):
    assert without_controls(typed) == expected


def test_a_form_keeps_no_c1_control_and_reads_other_line_breaks_as_lines(client, make, login):
    """U+009B and U+2028 were stored as typed and written raw into the employee's calendar."""
    team = make.team(name="Team A")
    employee = make.employee(team=team)
    login(make.user(role="team_leader", teams=[team]))
    response = post_edit(client, f"/teams/medewerkers/{employee.id}/persoonlijk", {
        "indication": "Banen\x85afspraak\x9b31m", "indication_until": "",
        "health_notes": "Regel 1\u2028Regel 2\u2029Regel\x853", "accommodations": "Kop\x90telefoon",
    })
    assert response.status_code == 302
    stored = db.session.get(EmployeeSensitive, employee.id)
    assert stored.indication == "Banen afspraak"
    assert stored.health_notes == "Regel 1\nRegel 2\nRegel\n3"
    assert stored.accommodations == "Kop telefoon"


def test_an_import_keeps_no_c1_control():
    assert values.text("Fleur\x9b31mRood\x85Mulder") == "FleurRood Mulder"
    assert values.text("Bel aan\u2028bij de deur\x9c", multiline=True, max_length=2000) == "Bel aan\nbij de deur"


def test_week_page_statement_and_qr_code_are_kept_in_no_cache(client, make):
    """The week page's copy stayed on a shared computer's disk, its QR code five minutes after a
    link was renewed."""
    employee = make.employee(team=make.team())
    token = tokens.issue(FeedKind.EMPLOYEE, employee)
    db.session.commit()
    for url in (f"/week/{token}", f"/week/{token}/toegankelijkheid", f"/calendar/{token}/qr.svg",
                f"/calendar/{token}/qr.svg?voor=agenda"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url
        assert response.headers["Referrer-Policy"] == "no-referrer", url


def test_a_feed_writes_no_c1_control_and_breaks_lines_at_other_line_breaks():
    """Text stored before the forms cleaned it reached the calendar with U+2028 and U+009B raw."""
    from binnenwerk.services.feeds import escape_text

    assert escape_text("Balie\u2028Lift\x85Kamer 3\u2029Bel\x9baan") == "Balie\\nLift\\nKamer 3\\nBelaan"
    assert escape_text("Café; Noël, 3\\4") == "Café\\; Noël\\, 3\\\\4"
