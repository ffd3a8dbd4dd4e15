"""The operations views and the CLI call: import a file, export a kind, make a template."""
from __future__ import annotations

from .engine import Kind, Outcome, Problem, run
from .kinds import KIND_BY_NAME
from .reading import ReadError, read


def get_kind(name: str) -> Kind | None:
    return KIND_BY_NAME.get(name)


def may_use(kind: Kind, user) -> bool:
    return user is not None and getattr(user, "role", None) in {r.value for r in kind.roles}


def import_file(kind: Kind, filename: str, data: bytes, *, commit: bool, actor=None,
                confirm_moves: bool | None = None, expect: str | None = None) -> Outcome:
    """Read and import (commit=True) or only check (commit=False); an unreadable file is a problem too.
    `confirm_moves`: the form's "Toch verplaatsen"; `expect`: the fingerprint of the check the user
    confirms (see engine.run)."""
    try:
        table = read(filename, data)
    except ReadError as error:
        outcome = Outcome(kind=kind.name, sheet=error.sheet)
        outcome.file_problems.append(Problem(0, "", "", error.message))
        return outcome
    return run(kind, table, commit=commit, actor=actor, confirm_moves=confirm_moves, expect=expect)
