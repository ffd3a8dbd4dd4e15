"""Each scrolling table box is a region named after its table, so the landmarks list tells them apart."""
from __future__ import annotations

import datetime as dt
import io
from html.parser import HTMLParser

import pytest
from flask import current_app
from sqlalchemy import select

from binnenwerk import models as m
from binnenwerk import roster_history
from binnenwerk.extensions import db

WEEK, QUARTER, MONDAY = "2026-W50", "2026-K4", dt.date(2026, 12, 7)  # the demo is seeded for that Monday
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Regions(HTMLParser):
    """The role=region elements of a page, the caption of the table each holds, and the text of every id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.regions: list[dict] = []
        self.texts: dict[str, list[str]] = {}
        self.ids: list[str] = []
        self._open: list[tuple[str, str | None, dict | None]] = []  # (tag, id, region it opens)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
            self.texts.setdefault(attrs["id"], [])
        if tag == "caption":
            inside = next((r for _, _, r in reversed(self._open) if r is not None), None)
            if inside is not None and inside["caption"] is None:
                inside["caption"] = attrs.get("id", "")
        if tag in VOID:
            return
        region = None
        if attrs.get("role") == "region":
            region = {"attrs": attrs, "caption": None}
            self.regions.append(region)
        self._open.append((tag, attrs.get("id"), region))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        for _, element_id, _ in self._open:
            if element_id:
                self.texts[element_id].append(data)

    def text_of(self, element_id: str) -> str:
        return " ".join("".join(self.texts.get(element_id, [])).split())

    def name_of(self, region: dict) -> str:
        """The accessible name: the text of what aria-labelledby points at, else the aria-label."""
        attrs = region["attrs"]
        if attrs.get("aria-labelledby"):
            return " ".join(self.text_of(i) for i in attrs["aria-labelledby"].split()).strip()
        return " ".join((attrs.get("aria-label") or "").split())


def region_problems(html: str) -> list[str]:
    page = Regions(html)
    problems, names = [], {}
    for n, region in enumerate(page.regions, 1):
        attrs = region["attrs"]
        for target in (attrs.get("aria-labelledby") or "").split():
            if page.ids.count(target) != 1:
                problems.append(f"region {n}: aria-labelledby {target!r} is on {page.ids.count(target)} elements")
        name = page.name_of(region)
        if not name:
            problems.append(f"region {n} has no name")
            continue
        if region["caption"] is not None and attrs.get("aria-labelledby") != region["caption"]:
            problems.append(f"region {n} ({name!r}) is not labelled by its table's caption")
        if attrs.get("tabindex") != "0":
            problems.append(f"region {n} ({name!r}) cannot be scrolled with the keyboard: no tabindex=0")
        if name in names:
            problems.append(f"regions {names[name]} and {n} are both called {name!r}")
        names.setdefault(name, n)
    return problems


def test_the_checker_finds_nameless_shared_and_dangling_names():
    html = """
      <div role="region" tabindex="0" aria-label="Tabel"><table><caption id="a">A</caption></table></div>
      <div role="region" tabindex="0" aria-label="Tabel"></div>
      <div role="region" tabindex="0" aria-labelledby="b"><table><caption id="b">B <span>b</span></caption></table></div>
      <div role="region" tabindex="0" aria-labelledby="gone"><table><caption>C</caption></table></div>
      <div role="region" tabindex="0"></div>"""
    assert region_problems(html) == [
        "region 1 ('Tabel') is not labelled by its table's caption",
        "regions 1 and 2 are both called 'Tabel'",
        "region 4: aria-labelledby 'gone' is on 0 elements",
        "region 4 has no name",
        "region 5 has no name",
    ]
    assert Regions(html).name_of(Regions(html).regions[2]) == "B b"


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def world(demo, make):
    """The demo, plus what makes every scroll box appear: worked hours, a roster with history, an
    ended contract, an absence, a request waiting for intake, and two requests on one location, so the plan
    page repeats its caption."""
    user = {email: db.session.scalar(select(m.User).where(m.User.email == email)) for email in (
        "admin@binnenwerk.example", "planner@binnenwerk.example", "contact@bzk.example")}
    bzk = user["contact@bzk.example"].ministry
    location = make.location("Den Haag", ministry=bzk, name="Gebouw Twee Aanvragen")
    for work_type in db.session.scalars(select(m.WorkType).order_by(m.WorkType.id).limit(2)):
        make.request(location=location, work_type=work_type, start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=4))
    make.request(location=location, status=m.RequestStatus.SUBMITTED.value)  # the intake list
    team = db.session.scalar(select(m.Team).order_by(m.Team.id))
    employee = make.employee(team=team, contract_start=dt.date(2019, 1, 1), contract_end=dt.date(2020, 12, 31))
    make.absence(employee=employee, start=dt.date(2020, 6, 1))
    make.published_shift(employee=make.employee(team=team), date=MONDAY)
    roster = m.Roster(week=WEEK, team_id=team.id)
    db.session.add(roster)
    db.session.flush()
    with current_app.test_request_context():
        roster_history.record(roster, user["planner@binnenwerk.example"], "copy", "copy", n=3, s=0)
    db.session.commit()
    return {"users": user, "employee": employee, "roster": roster, "password": demo.password}


PAGES = {
    "admin@binnenwerk.example": ["/beheer/ministeries", "/beheer/audit"],
    "planner@binnenwerk.example": [
        "/aanvragen/alle", "/aanvragen/intake", f"/rapportages/banenafspraak?kwartaal={QUARTER}",
        "/rapportages/capaciteit", f"/rooster/?week={WEEK}", "/rooster/{roster}/geschiedenis",
        "/privacy/", "/privacy/medewerkers/{employee}", "/gegevens/employees/",
    ],
    "contact@bzk.example": ["/home", "/aanvragen/", f"/aanvragen/planning?week={WEEK}"],
}


@pytest.mark.parametrize("email", sorted(PAGES))
def test_every_scroll_region_has_a_name_of_its_own(client, world, email):
    client.post("/auth/login", data={"email": email, "password": world["password"]})
    problems, regions = [], {}
    for path in PAGES[email]:
        path = path.format(roster=world["roster"].id, employee=world["employee"].id)
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        regions[path] = len(Regions(html).regions)
        problems += [f"{path}: {problem}" for problem in region_problems(html)]
    assert all(regions.values()), f"a page shows no scroll region, so this test checks nothing there: {regions}"
    assert problems == [], "\n".join(problems)


def test_the_import_preview_names_its_scroll_region(app, client, world, tmp_path):
    app.config["DATAIO_UPLOAD_FOLDER"] = str(tmp_path)
    client.post("/auth/login", data={"email": "planner@binnenwerk.example", "password": world["password"]})
    team = db.session.scalar(select(m.Team).order_by(m.Team.id))
    work_type = db.session.scalar(select(m.WorkType).order_by(m.WorkType.id))
    body = ("voornaam;achternaam;team;contracturen_per_week;max_uren_per_dag;werksoorten;ma;contract_start\r\n"
            f"Sanne;de Vries;{team.name};25,5;6;{work_type.code};08:30-14:30;7-12-2026\r\n").encode()
    response = client.post("/gegevens/employees/voorbeeld", data={"file": (io.BytesIO(body), "medewerkers.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    # The demo team is full, so the row is refused: a refused preview is 422 ("Fout:") and still
    # names its scroll region.
    assert response.status_code == 422 and "is vol" in html and len(Regions(html).regions) == 1
    assert region_problems(html) == []
