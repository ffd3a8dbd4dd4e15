"""The WSGI entry point gunicorn loads (binnenwerk.wsgi): the app, with the modules that pages
would otherwise import on their first request already loaded as the worker starts."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from flask import Flask
import binnenwerk.wsgi as w
assert isinstance(w.app, Flask)
for name in ("ortools.sat.python.cp_model", "scheduling.model", "scheduling.explain", "openpyxl"):
    assert name in sys.modules, name
assert "rosters.week" in {rule.endpoint for rule in w.app.url_map.iter_rules()}
print("ok")
"""


def test_the_wsgi_module_builds_the_app_with_the_heavy_modules_loaded(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite'}", "SECRET_KEY": "test"}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")
