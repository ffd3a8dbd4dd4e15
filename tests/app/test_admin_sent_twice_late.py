"""The same new-item form sent twice, the first copy committing just after the second looked for it
and before the second was validated (three copies at once under load on PostgreSQL showed it): the
second copy says the item was saved, not "Er is al een ...", and makes nothing."""
from __future__ import annotations

import pytest

from binnenwerk.admin import routes as admin_routes
from binnenwerk.extensions import db

from .test_admin_qa_round import NEW_FORMS, _made, _text


@pytest.mark.parametrize("kind", NEW_FORMS)
def test_a_copy_that_meets_its_first_copys_item_at_validation_is_told_it_was_saved(client, login, make,
                                                                                   monkeypatch, kind):
    admin = make.user(role="admin")
    ministry = make.ministry(code="OTH", name="Ministerie van Overig")
    db.session.commit()
    login(admin)
    url, form, model, said = NEW_FORMS[kind]
    data = form(ministry)
    before = _made(model)
    first = client.post(url, data=data)
    assert first.status_code == 302 and _made(model) == before + 1

    real = admin_routes.ops.made_by_form
    calls = []

    def not_yet_committed_at_first_look(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(admin_routes.ops, "made_by_form", not_yet_committed_at_first_look)
    second = client.post(url, data=data, follow_redirects=True)

    assert second.status_code == 200, _text(second)[:600]
    assert said in _text(second)
    assert "Er is al een" not in _text(second)
    assert _made(model) == before + 1
