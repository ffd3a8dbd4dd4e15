"""The audit page names actions and objects in words; every action the code can record has its words."""
from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

from flask_babel import refresh

from binnenwerk import audit, models
from binnenwerk.admin.audit_routes import ACTION_WORDS, OBJECT_WORDS
from binnenwerk.dataio.kinds import KIND_BY_NAME
from binnenwerk.extensions import db
from binnenwerk.models import AuditEvent
from binnenwerk.services.requests import TRANSITIONS
from tests.conftest import TEST_PASSWORD, compile_english_catalog

PACKAGE = Path(__file__).resolve().parents[2] / "binnenwerk"


def table_of(page: str) -> str:
    return re.search(r"<tbody>(.*)</tbody>", page, re.S).group(1)


def options_of(page: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select)


def record_some_events(make) -> dict:
    team = make.team()
    employee = make.employee(team=team)
    db.session.flush()
    audit.record("team.archive", team)
    audit.record("employee.update", employee, detail="changed=phone")
    audit.record("export_requests", None, detail="format=csv")
    audit.record("login_failed", None, result="refused", detail="unknown account")
    # What an older or newer version may have stored: shown as it is.
    db.session.add(AuditEvent(action="legacy_thing_done", object_type="Gadget", object_id="7", origin="cli"))
    return {"team": team, "employee": employee}


def test_audit_page_shows_actions_and_objects_in_dutch_words(client, make, login):
    made = record_some_events(make)
    login(make.user(role="admin"))
    page = client.get("/beheer/audit").get_data(as_text=True)
    rows = table_of(page)
    for label in ("Team gearchiveerd", "Medewerker gewijzigd", "Inzetaanvragen geëxporteerd", "Inloggen mislukt"):
        assert f'<th scope="row">{label}</th>' in rows, label
    assert f"Team {made['team'].id}" in rows and f"Medewerker {made['employee'].id}" in rows
    for code in ("team.archive", "employee.update", "export_requests", "login_failed", "Employee"):
        assert f">{code}<" not in page and f">{code} " not in rows, code

    actions = options_of(page, "action")
    assert ("team.archive", "Team gearchiveerd") in actions and ("login_failed", "Inloggen mislukt") in actions
    assert ("Employee", "Medewerker") in options_of(page, "object_type")
    for name in ("action", "object_type", "result"):
        options = options_of(page, name)
        assert options[0] == ("", "Alle")
        labels = [label for _, label in options[1:]]
        assert labels == sorted(labels, key=str.casefold), name


def test_an_action_or_object_type_without_words_shows_as_stored(client, make, login):
    record_some_events(make)
    login(make.user(role="admin"))
    page = client.get("/beheer/audit").get_data(as_text=True)
    assert '<th scope="row">legacy_thing_done</th>' in page and "Gadget 7" in page
    assert ("legacy_thing_done", "legacy_thing_done") in options_of(page, "action")
    assert ("Gadget", "Gadget") in options_of(page, "object_type")


def test_filtering_by_the_stored_code_still_works(client, make, login):
    made = record_some_events(make)
    login(make.user(role="admin"))
    page = client.get("/beheer/audit?action=team.archive").get_data(as_text=True)
    assert "1 regel gevonden." in page
    rows = table_of(page)
    assert "Team gearchiveerd" in rows and "Medewerker gewijzigd" not in rows
    assert re.search(r'<option[^>]*value="team.archive"[^>]*selected|<option selected[^>]*value="team.archive"', page)

    rows = table_of(client.get("/beheer/audit?object_type=Employee").get_data(as_text=True))
    assert f"Medewerker {made['employee'].id}" in rows and "Team gearchiveerd" not in rows
    rows = table_of(client.get("/beheer/audit?action=legacy_thing_done").get_data(as_text=True))
    assert "Gadget 7" in rows and "Inloggen mislukt" not in rows


def test_audit_page_words_follow_the_readers_language(app_with, make):
    compile_english_catalog()
    refresh()  # drop catalogs Flask-Babel cached before the .mo was written
    record_some_events(make)
    db.session.add(AuditEvent(action="supervisor.archive", object_type="Supervisor", object_id="4", origin="cli"))
    db.session.add(AuditEvent(action="work_type_changed", object_type="WorkType", object_id="5", origin="cli"))
    admin = make.user(role="admin", locale="en")
    db.session.commit()
    browser = app_with().test_client()
    assert browser.post("/auth/login", data={"email": admin.email, "password": TEST_PASSWORD}).status_code == 302
    page = browser.get("/beheer/audit").get_data(as_text=True)
    rows = table_of(page)
    assert "Team leader 4" in rows and "Work type 5" in rows
    assert ("Supervisor", "Team leader") in options_of(page, "object_type")
    assert ("WorkType", "Work type") in options_of(page, "object_type")
    assert "Teamleider 4" not in rows and "Werksoort 5" not in rows
    assert '<th scope="row">Team archived</th>' in rows
    assert ("team.archive", "Team archived") in options_of(page, "action")
    assert "Team gearchiveerd" not in page


# --- every action the code base can record has words -------------------------------------------


class RecordedActions:
    """The action strings audit.record can be called with, worked out from binnenwerk's source.

    A literal is taken as it is; a conditional, an f-string, a local variable, a parameter (from
    the calls of its function) or a helper's returned dict are followed. What the source alone
    cannot tell (a value from data) comes from `enumerations`, keyed by the expression's text,
    filled from the same enums and registries the code uses.
    """

    def __init__(self, enumerations: dict[str, set[str]]):
        self.enumerations = enumerations
        self.unresolved: list[str] = []
        self.trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}
        self.parent, self.module = {}, {}
        for tree in self.trees.values():
            for node in ast.walk(tree):
                self.module[node] = tree
                for child in ast.iter_child_nodes(node):
                    self.parent[child] = node

    def all(self) -> set[str]:
        codes = set()
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                    codes |= self.values(node.args[0])
        return codes

    def values(self, node: ast.AST) -> set[str]:
        text = ast.unparse(node)
        if text in self.enumerations:
            return set(self.enumerations[text])
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return self.values(node.body) | self.values(node.orelse)
        if isinstance(node, ast.JoinedStr):
            parts = [{p.value} if isinstance(p, ast.Constant) else self.values(p.value) for p in node.values]
            return {"".join(combination) for combination in itertools.product(*parts)}
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
            return set().union(*(self.values(v) for v in node.value.values))
        if isinstance(node, ast.Name):
            return self._variable(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._returned(node)
        self.unresolved.append(text)
        return set()

    def _function_of(self, node):
        while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node = self.parent.get(node)
        return node

    def _variable(self, name: ast.Name) -> set[str]:
        function = self._function_of(name)
        if function is None:
            self.unresolved.append(name.id)
            return set()
        assigned = [n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == name.id for t in n.targets)]
        if assigned:
            return set().union(*(self.values(value) for value in assigned))
        return self._argument(function, name.id)

    def _argument(self, function, parameter: str) -> set[str]:
        """What the calls of `function` pass as `parameter`, and its default."""
        args = function.args
        positional = [a.arg for a in args.posonlyargs + args.args]
        defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        if parameter not in positional and parameter not in defaults and not any(
                a.arg == parameter for a in args.kwonlyargs):
            self.unresolved.append(f"{function.name}({parameter})")
            return set()
        found = self.values(defaults[parameter]) if parameter in defaults else set()
        for call in self._calls_of(function):
            passed = [k.value for k in call.keywords if k.arg == parameter]
            if not passed and parameter in positional and positional.index(parameter) < len(call.args):
                passed = [call.args[positional.index(parameter)]]
            for value in passed:
                found |= self.values(value)
        return found

    def _calls_of(self, function):
        """`name(...)` in its own module, `module.name(...)` where that module is imported."""
        home = self.module[function]
        home_name = next(path.stem for path, tree in self.trees.items() if tree is home)
        for tree in self.trees.values():
            imported = {alias.asname or alias.name: alias.name.rpartition(".")[2] for node in ast.walk(tree)
                        if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                call = node.func
                local = tree is home and isinstance(call, ast.Name) and call.id == function.name
                qualified = (isinstance(call, ast.Attribute) and call.attr == function.name
                             and isinstance(call.value, ast.Name) and imported.get(call.value.id) == home_name)
                if local or qualified:
                    yield node

    def _returned(self, call: ast.Call) -> set[str]:
        home = self.module[call]
        functions = [n for n in home.body if isinstance(n, ast.FunctionDef) and n.name == call.func.id]
        if not functions:
            self.unresolved.append(ast.unparse(call))
            return set()
        returns = [n.value for n in ast.walk(functions[0]) if isinstance(n, ast.Return) and n.value is not None]
        return set().union(*(self.values(value) for value in returns))


def recordable_actions() -> set[str]:
    found = RecordedActions({
        "kind.name": set(KIND_BY_NAME),  # export_/import_: the registered spreadsheet kinds
        "new_status": set().union(*TRANSITIONS.values()),  # request_<status>: every status a request can move to
    })
    codes = found.all()
    assert found.unresolved == [], (
        f"cannot tell which actions {found.unresolved} can be; add how to list them to recordable_actions()"
    )
    return codes


def test_every_action_the_code_can_record_has_words_and_no_words_are_for_nothing():
    codes = recordable_actions()
    # Each way of building a code was followed: literal, conditional, parameter, f-string, helper.
    assert {"login_failed", "team.restore", "user_changed", "user_deactivated", "request_geaccepteerd",
            "location_unarchived", "work_type_created", "export_requests", "import_teams", "roster.publish",
            "roster.repair", "roster.solve", "roster.import"} <= codes
    assert sorted(codes - set(ACTION_WORDS)) == [], "give these actions words in ACTION_WORDS"
    assert sorted(set(ACTION_WORDS) - codes) == [], "ACTION_WORDS has words for actions nothing records"


def test_every_object_type_with_words_is_a_model():
    for name in OBJECT_WORDS:
        assert isinstance(getattr(models, name, None), type) and hasattr(getattr(models, name), "__table__"), name
