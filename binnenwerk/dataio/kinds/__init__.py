"""The four kinds of data that go in and out, each with its columns, row checks and export."""
from __future__ import annotations

from .employees import EmployeesKind
from .requests import RequestsKind
from .supervisors import SupervisorsKind
from .teams import TeamsKind

KIND_BY_NAME = {k.name: k for k in (TeamsKind(), SupervisorsKind(), EmployeesKind(), RequestsKind())}
