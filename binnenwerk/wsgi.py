"""The app for a WSGI server: `gunicorn 'binnenwerk.wsgi:app'` (README, Production).

Each gunicorn worker loads this module as it starts, before it takes a request. The modules the
pages load on first use (the optimiser's model and its explanations, which bring in OR-Tools,
and openpyxl for the Excel files) are imported here, so the first person on each worker after a
deploy or restart does not wait for them (1-2 s on the large demo's first roster page).
"""
from __future__ import annotations

import openpyxl  # noqa: F401  (see above)
import scheduling.explain  # noqa: F401
import scheduling.model  # noqa: F401

from . import create_app

app = create_app()
