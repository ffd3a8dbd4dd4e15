"""The solve job's page says how far it is in words: seconds, and how much better the roster could
still get, never the optimiser's raw score."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from binnenwerk.models import JobStatus
from binnenwerk.rosters.routes import _job_detail


def job(status=JobStatus.RUNNING.value, objective=None, bound=None, elapsed=12.4, limit=30.0):
    return SimpleNamespace(status=status, best_objective=objective, best_bound=bound, elapsed_seconds=elapsed,
                           time_limit=limit)


@pytest.mark.parametrize("state, done, expected", [
    (job(), False, "12 van 30 seconden."),
    (job(objective=63540.0), False,
     "12 van 30 seconden. Er is een rooster gevonden; de planner zoekt een beter rooster."),
    (job(objective=63540.0, bound=57186.0), False,
     "12 van 30 seconden. Er is een rooster gevonden. Het kan hoogstens 10% beter; de planner zoekt verder."),
    # Within a percent but not proven: never "cannot be better" while the search may still improve it.
    (job(objective=63540.0, bound=63500.0), False,
     "12 van 30 seconden. Er is een rooster gevonden. Het kan hoogstens een klein beetje beter; de planner zoekt "
     "verder."),
    (job(objective=63540.0, bound=63540.0), False, "12 van 30 seconden. Er is een rooster gevonden dat niet beter kan."),
    (job(JobStatus.FINISHED.value, 63540.0, 57186.0, 29.6), True, "Dat duurde 30 seconden."),
    (job(JobStatus.FINISHED.value, 63540.0, 57186.0, 0.8), True, "Dat duurde 1 seconde."),
    (job(JobStatus.FAILED.value, elapsed=3.0), True, ""),
])
def test_the_progress_line_in_words(app, state, done, expected):
    with app.test_request_context():
        text = _job_detail(state, done)
    assert text == expected
    assert "63540" not in text and "score" not in text
