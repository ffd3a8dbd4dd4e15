"""On PostgreSQL, the same new-item form of the admin (ministry, location, work type, account)
sent three times at the same instant: real concurrent requests, each with a connection of its
own. The form's key, held until commit, serialises them: one item, every copy told it went
through, no "already exists" and no error page.

SQLite runs this race staged instead (tests/app/test_admin_qa_round.py)."""
from __future__ import annotations

import re

import pytest

from binnenwerk.extensions import db

from .test_admin_last_admin_pg import _at_once, _browser
from .test_admin_qa_round import NEW_FORMS, _made, _text


@pytest.fixture(autouse=True)
def on_postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's locks: the SQLite run stages this race instead")


@pytest.mark.parametrize("kind", NEW_FORMS)
def test_the_same_new_item_form_sent_three_times_at_once_makes_one(app_with, make, kind):
    admin = make.user(role="admin")
    ministry = make.ministry(code="OTH", name="Ministerie van Overig")
    db.session.commit()
    url, form, model, said = NEW_FORMS[kind]
    before = _made(model)
    browsers = [_browser(app_with, admin) for _n in range(3)]
    data = form(ministry)  # built here: the threads have no app context to read the ministry in
    answers = _at_once([lambda b=b: b.post(url, data=data, follow_redirects=True) for b in browsers])
    # What a refused copy said, where the status alone would not tell (such as "Er is al een ..."):
    refused = [re.sub(r".*Controleer het formulier", "", _text(answer))[:300]
               for answer in answers if answer.status_code != 200]
    assert [answer.status_code for answer in answers] == [200, 200, 200], refused
    assert sum(said in _text(answer) for answer in answers) == 2  # the first says it saved, the others: already
    assert not any("Er is al een" in _text(answer) for answer in answers)
    assert _made(model) == before + 1
