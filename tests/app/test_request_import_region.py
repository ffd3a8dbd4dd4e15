"""A requests import that moves a request to a place in another region flags its team's shifts
from today on, as the form's hook does (the form refuses such a move; an import by the planner
may make it): the grid says "buiten de regio" and publishing holds new or changed ones."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from binnenwerk.extensions import db
from binnenwerk.models import RosterChange

from .test_publish_past_and_flags import today, world  # noqa: F401  (fixtures)


def test_an_import_moving_a_request_out_of_the_region_flags_its_shifts(runner, make, world, tmp_path):  # noqa: F811
    far = make.location("Apeldoorn", ministry=world.home.ministry, name="Kennedylaan 10")
    db.session.commit()
    exported = tmp_path / "aanvragen.csv"
    assert runner.invoke(args=["export", "requests", str(exported)]).exit_code == 0
    text = exported.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = [h.lower() for h in rows[0]]
    place = next(i for i, h in enumerate(header) if h.startswith("locatie"))
    assert rows[1][place] == world.home.code  # Rijnstraat 8, Den Haag
    rows[1][place] = far.code  # the same ministry's place in Apeldoorn
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    changed = tmp_path / "aanvragen-2.csv"
    changed.write_text(out.getvalue(), encoding="utf-8-sig")

    result = runner.invoke(args=["import", "requests", str(changed)])

    assert result.exit_code == 0, result.output
    assert "1 gewijzigd" in result.output
    lines = db.session.scalars(select(RosterChange).where(RosterChange.message == "outside_region")).all()
    assert len(lines) == 3  # Wednesday to Friday: today on
