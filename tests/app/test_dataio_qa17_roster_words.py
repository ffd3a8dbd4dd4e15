"""QA pass 17: a requests import says what the planner's forms say of the rosters it leaves behind
(a cancel or decline with people told, an accept into weeks already planned, a change of what a
running request asks with people told), in the check and after the import."""
from __future__ import annotations

import datetime as dt

import pytest

from binnenwerk import models as m
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db

from .test_dataio_refusals import world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("before_work_on_7_december")


def _file_changing(found: m.DeploymentRequest, **cells) -> bytes:
    """The export's row of `found`, with some cells changed: the file a planner edits."""
    kind = get_kind("requests")
    names = [c.name for c in kind.columns]
    row = dict(zip(names, (kind.export_row(found))))
    row.update(cells)
    text = lambda value: "" if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))
    lines = [";".join(names), ";".join(text(row[name]) for name in names)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _told(make, world, found: m.DeploymentRequest) -> None:
    make.published_shift(employee=make.employee(team=world["team"]), date=dt.date(2026, 12, 9),
                         location=found.location, work_type=found.work_type, request_id=found.id)
    db.session.commit()


@pytest.mark.parametrize("cells", [
    {"status": "geannuleerd", "reden_annulering": "Budget op"},
    {"status": "afgewezen", "reden_afwijzing": "Geen plek"},
])
def test_cancelling_or_declining_by_import_with_people_told_says_which_roster_to_publish(world, make, cells):
    found = make.request(location=world["location"], work_type=world["keyboards"])
    _told(make, world, found)
    expected = ("Er staan nog mensen ingepland op deze aanvraag in week 2026-W50. Publiceer dat rooster opnieuw: "
                "dan gaan die diensten niet door.")

    checked = import_file(get_kind("requests"), "r.csv", _file_changing(found, **cells), commit=False)
    assert checked.ok, [str(p) for p in checked.problems]
    assert checked.warnings == [f"Rij 2, na het importeren: {expected}"]

    done = import_file(get_kind("requests"), "r.csv", _file_changing(found, **cells), commit=True)
    assert done.committed
    assert done.warnings == [f"Rij 2: {expected}"]


def test_accepting_by_import_into_weeks_already_planned_says_which_weeks_to_plan_again(world, make):
    found = make.request(location=world["location"], work_type=world["keyboards"],
                         status=m.RequestStatus.SUBMITTED.value, end_date=dt.date(2026, 12, 18))
    for week in ("2026-W50", "2026-W51"):
        db.session.add(m.Roster(team_id=world["team"].id, week=week))
    db.session.commit()

    checked = import_file(get_kind("requests"), "r.csv", _file_changing(found, status="geaccepteerd"), commit=False)

    assert checked.ok, [str(p) for p in checked.problems]
    assert checked.warnings == ["Rij 2, na het importeren: Weken 50 en 51 van regio Den Haag zijn al gepland. "
                                "Plan die regio opnieuw om deze aanvraag in te plannen."]


def test_changing_the_times_of_a_running_request_with_people_told_says_to_check_that_roster(world, make):
    found = make.request(location=world["location"], work_type=world["keyboards"])
    _told(make, world, found)

    checked = import_file(get_kind("requests"), "r.csv",
                          _file_changing(found, begintijd="10:00", aantal_medewerkers="2"), commit=False)

    assert checked.ok, [str(p) for p in checked.problems]
    assert checked.warnings == ["Rij 2, na het importeren: Er staan mensen ingepland op deze aanvraag in week "
                                "2026-W50. Kijk of dat rooster nog klopt en publiceer het opnieuw."]


def test_a_change_of_only_the_contact_with_people_told_says_nothing_of_rosters(world, make):
    found = make.request(location=world["location"], work_type=world["keyboards"])
    _told(make, world, found)

    checked = import_file(get_kind("requests"), "r.csv", _file_changing(found, contactpersoon="Fleur"),
                          commit=False)

    assert checked.ok and checked.warnings == []
