"""The requests and supervisors imports load the file's records up front: a row costs no statement of its own."""
from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk.bench import count_queries
from binnenwerk.dataio import writing
from binnenwerk.dataio.api import get_kind, import_file
from binnenwerk.extensions import db
from tests.app.test_dataio_refusals import world  # noqa: F401 - a fixture


def _export_with_one_change(app, kind: str, column: str, value: str) -> bytes:
    with app.test_request_context():
        rows = list(csv.reader(io.StringIO(writing.export(get_kind(kind), "csv").decode("utf-8-sig")),
                               delimiter=";"))
    rows[1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _statements_of_import(app, kind: str, data: bytes, commit: bool = False) -> tuple[int, object]:
    db.session.expire_all()
    with app.test_request_context(), count_queries(db.engine) as counter:
        outcome = import_file(get_kind(kind), "f.csv", data, commit=commit)
    return counter["n"], outcome


def _add_requests(make, world, count: int) -> None:  # noqa: F811
    already = db.session.query(m.DeploymentRequest).count()
    for n in range(already, already + count):
        start = dt.date(2027, 1, 4) + dt.timedelta(weeks=n)
        request = make.request(location=world["location"], work_type=world["keyboards"], start_date=start,
                               end_date=start + dt.timedelta(days=4), notes=f"Aanvraag {n}")
        if n % 2:
            request.dates_off.append(m.RequestDateOff(date=start + dt.timedelta(days=1)))
    db.session.commit()


def test_checking_requests_costs_the_same_for_twenty_rows_and_for_sixty(app, make, world):  # noqa: F811
    _add_requests(make, world, 20)
    few, outcome = _statements_of_import(app, "requests", _export_with_one_change(app, "requests", "opmerkingen",
                                                                                  "Anders"))
    assert outcome.ok and outcome.counts == {"create": 0, "update": 1, "unchanged": 19}, outcome.problems

    _add_requests(make, world, 40)
    data = _export_with_one_change(app, "requests", "opmerkingen", "Anders")
    many, outcome = _statements_of_import(app, "requests", data)
    assert outcome.ok and outcome.counts == {"create": 0, "update": 1, "unchanged": 59}, outcome.problems
    assert many == few, (few, many)

    # Saving costs the same too, and saves what the row says.
    saved, outcome = _statements_of_import(app, "requests", data, commit=True)
    assert outcome.committed and saved <= few + 3, (few, saved)
    db.session.expire_all()
    changed = db.session.scalars(select(m.DeploymentRequest).order_by(m.DeploymentRequest.id)).first()
    assert changed.notes == "Anders"
    assert sum(len(r.dates_off) for r in db.session.scalars(select(m.DeploymentRequest))) == 30


def _add_supervisors(make, world, count: int) -> None:  # noqa: F811
    for _ in range(count):
        make.supervisor(team=None, region="Den Haag", work_types=[world["keyboards"]])
    db.session.commit()


def test_checking_supervisors_costs_the_same_for_five_rows_and_for_fifteen(app, make, world):  # noqa: F811
    first, then = 5, 10
    _add_supervisors(make, world, first)
    few, outcome = _statements_of_import(app, "supervisors",
                                         _export_with_one_change(app, "supervisors", "telefoon", "06-99999999"))
    assert outcome.ok and outcome.counts["unchanged"] == first - 1, outcome.problems

    _add_supervisors(make, world, then)
    many, outcome = _statements_of_import(app, "supervisors",
                                          _export_with_one_change(app, "supervisors", "telefoon", "06-99999999"))
    assert outcome.ok and outcome.counts["unchanged"] == first + then - 1, outcome.problems
    assert many == few, (few, many)
