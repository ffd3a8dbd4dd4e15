"""A CPython 3.11 crash in the garbage collector, and what keeps the app clear of it.

binnenwerk/extensions.py explains the crash; these tests check the remedy and the page it hit.
"""
from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from binnenwerk.extensions import MATERIALIZE_STATE_DICTS, db
from binnenwerk.models import Team
from binnenwerk.planning import demo_weeks

ROOT = Path(__file__).resolve().parents[2]


def _has_real_dict(obj) -> bool:
    """Whether the object's attributes already sit in a dict of their own (read before asking).

    Reading `__dict__` would make the dict; so look at what the object refers to first, then
    check the dict it hands out is one of those.
    """
    state = inspect(obj)
    before = [r for r in gc.get_referents(state) if isinstance(r, dict)]
    return any(r is state.__dict__ for r in before)


needs_311 = pytest.mark.skipif(not MATERIALIZE_STATE_DICTS, reason="only Python 3.11 needs (and gets) the remedy")


@needs_311
def test_a_loaded_object_has_its_state_in_a_real_dict(make):
    make.team("Den Haag", name="Team A")
    db.session.commit()
    db.session.expunge_all()
    team = db.session.scalar(select(Team).where(Team.name == "Team A"))
    assert _has_real_dict(team)


@needs_311
def test_a_new_object_has_its_state_in_a_real_dict(app):
    team = Team(name="Team B", region="Utrecht")
    assert _has_real_dict(team)


@pytest.mark.slow
def test_the_all_teams_roster_of_the_large_demo_survives_the_garbage_collector(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'large.sqlite'}", "PYTHONFAULTHANDLER": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "binnenwerk"]
    for command in (["init-db"], ["seed-demo", "--size", "large"]):
        done = subprocess.run(flask + command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
    result = subprocess.run(
        [sys.executable, "-m", "tests.app.gc_crash_probe", demo_weeks()[0]],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**env, "PYTHONMALLOC": "debug"},
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-3000:])
    assert "probe: survived" in result.stdout
