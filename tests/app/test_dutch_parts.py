"""What people typed in Dutch stays Dutch on English pages, marked lang="nl" for screen readers (WCAG 3.1.2)."""
from __future__ import annotations

from flask_babel import refresh

from binnenwerk.extensions import db
from binnenwerk.models import EmployeeSensitive, RequestStatus
from tests.conftest import TEST_PASSWORD, compile_english_catalog


def english_planner(app_with, make):
    compile_english_catalog()
    refresh()
    planner = make.user("planner", locale="en")
    db.session.commit()
    client = app_with().test_client()
    assert client.post("/auth/login", data={"email": planner.email, "password": TEST_PASSWORD}).status_code == 302
    return client


def test_a_decline_reason_and_health_notes_are_marked_dutch_on_english_pages(app_with, make):
    declined = make.request(status=RequestStatus.DECLINED.value, decline_reason="Geen team vrij in maart.")
    employee = make.employee()
    db.session.add(EmployeeSensitive(employee_id=employee.id, health_notes="Rugklachten: niet tillen.",
                                     accommodations="Stoel met armleuning."))
    client = english_planner(app_with, make)

    page = client.get(f"/aanvragen/{declined.id}").get_data(as_text=True)
    assert '<span lang="nl">Geen team vrij in maart.</span>' in page
    page = client.get(f"/privacy/medewerkers/{employee.id}").get_data(as_text=True)
    assert '<span lang="nl">Rugklachten: niet tillen.</span>' in page
    assert '<span lang="nl">Stoel met armleuning.</span>' in page
