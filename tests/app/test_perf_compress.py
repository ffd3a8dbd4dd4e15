"""Answers go gzip-compressed to clients that take it: pages, CSV, the iCal feed, JSON; files and 304s as they were."""
from __future__ import annotations

import gzip
import re

import pytest

from binnenwerk.models import FeedKind
from tests.app.test_calendar_feeds import check_rfc5545, get_feed, issue, world  # noqa: F401 - a fixture

GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture
def planner(make, login):
    for n in range(3):
        team = make.team("Utrecht", name=f"Team Utrecht {n}")
        for _ in range(4):
            make.employee(team)
    user = make.user("planner")
    login(user)
    return user


def _without_seconds_left(page: bytes) -> bytes:
    return re.sub(rb'data-left="\d+"', b'data-left=""', page)


def _unzipped(response) -> bytes:
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(response.data)
    return gzip.decompress(response.data)


@pytest.mark.parametrize("url", ["/rooster/?week=2026-W50", "/teams/medewerkers", "/aanvragen/alle"])
def test_a_page_goes_gzipped_to_a_browser_that_takes_it_and_reads_the_same(client, planner, url):
    plain = client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    packed = client.get(url, headers=GZIP)
    assert packed.status_code == 200 and packed.mimetype == "text/html"
    body = _unzipped(packed)
    # The logout warning's seconds left may tick between the two requests (seen once in a full run).
    assert _without_seconds_left(body) == _without_seconds_left(plain.data) and b"</html>" in body
    assert len(packed.data) < len(body) / 2
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["Cache-Control"] == "no-store" and packed.headers["X-Frame-Options"] == "DENY"


def test_a_page_another_site_asked_for_goes_uncompressed(client, planner):
    # BREACH: the size of a compressed page with a secret in it must not answer a request another site made.
    for site in ("cross-site", "same-site"):
        response = client.get("/teams/medewerkers", headers={**GZIP, "Sec-Fetch-Site": site})
        assert response.status_code == 200 and "Content-Encoding" not in response.headers, site
        assert "Accept-Encoding" in response.headers["Vary"]
        assert b"Team Utrecht 2" in response.data
    ours = client.get("/teams/medewerkers", headers={**GZIP, "Sec-Fetch-Site": "same-origin"})
    assert ours.headers["Content-Encoding"] == "gzip"


def test_a_csv_download_is_gzipped_and_still_a_download_and_an_xlsx_is_left_as_it_is(client, planner):
    plain = client.get("/gegevens/employees/export.csv")
    packed = client.get("/gegevens/employees/export.csv", headers=GZIP)
    assert packed.status_code == 200 and packed.mimetype == "text/csv"
    assert _unzipped(packed) == plain.data
    assert packed.headers["Content-Disposition"] == plain.headers["Content-Disposition"]
    assert packed.headers["Content-Disposition"].startswith("attachment;")
    xlsx = client.get("/gegevens/employees/export.xlsx", headers=GZIP)
    assert xlsx.status_code == 200 and "Content-Encoding" not in xlsx.headers
    assert xlsx.data[:2] == b"PK"


def test_the_feed_goes_gzipped_and_a_phone_that_sends_its_etag_back_gets_304(client, world):  # noqa: F811
    token = issue(FeedKind.EMPLOYEE, world.anna)
    plain = get_feed(client, token)
    first = get_feed(client, token, **GZIP)
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    body = _unzipped(first)
    assert body == plain.data
    check_rfc5545(body)
    # The same feed with or without gzip: one validator, weak, which the feed's own check accepts.
    etag = first.headers["ETag"]
    assert etag == "W/" + plain.headers["ETag"]
    again = get_feed(client, token, **GZIP, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert "Content-Encoding" not in again.headers
    # The date alone still does not decide, gzip or not.
    by_date = get_feed(client, token, **GZIP, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 200 and _unzipped(by_date) == plain.data
    # A phone that took it plain before and gzip now (or the other way round) gets its 304 too.
    assert get_feed(client, token, **GZIP, **{"If-None-Match": plain.headers["ETag"]}).status_code == 304
    assert get_feed(client, token, **{"If-None-Match": etag}).status_code == 304


def test_the_feed_goes_plain_to_a_calendar_app_that_does_not_ask_for_gzip(client, world):  # noqa: F811
    token = issue(FeedKind.EMPLOYEE, world.anna)
    plain = get_feed(client, token)
    assert "Content-Encoding" not in plain.headers and not plain.headers["ETag"].startswith("W/")
    check_rfc5545(plain.data)
