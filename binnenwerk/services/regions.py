"""Regions: teams work only at locations whose region they spell exactly the same way."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from ..extensions import db
from ..models import Location, Team


def _spellings(*, location_id: int | None = None, team_id: int | None = None) -> Counter:
    """How often each spelling of a region is used, leaving out the location or team being edited
    (its own old spelling must not decide what the new one becomes)."""
    counts: Counter = Counter()
    for model, own_id in ((Location, location_id), (Team, team_id)):
        query = select(model.region, func.count(model.id)).group_by(model.region)
        if own_id is not None:
            query = query.where(model.id != own_id)
        for region, n in db.session.execute(query):
            if region:
                counts[region] += n
    return counts


def known_region(typed: str, *, keep: str | None = None, location_id: int | None = None,
                 team_id: int | None = None) -> str:
    """The region as stored: spaces tidied, and written like the region a location or team already
    has when it only differs in case ("den haag " is "Den Haag"), so a typo in case never makes a
    second region without teams. `keep` (the stored region of what is edited) stays as it is;
    a region nobody has yet is new, as a new province starts with its first location."""
    text = " ".join((typed or "").split())
    if not text or text == keep:
        return text
    counts = _spellings(location_id=location_id, team_id=team_id)
    if text in counts:
        return text
    same = [spelling for spelling in counts if " ".join(spelling.split()).casefold() == text.casefold()]
    if not same:
        return text
    return max(same, key=lambda spelling: (counts[spelling], spelling))  # the most used spelling


def has_team(region: str) -> bool:
    """Whether a team (not archived) works in the region."""
    return db.session.scalar(
        select(Team.id).where(Team.region == region, Team.archived.is_(False)).limit(1)) is not None


def has_location(region: str) -> bool:
    """Whether the region has a location (not archived)."""
    return db.session.scalar(
        select(Location.id).where(Location.region == region, Location.archived.is_(False)).limit(1)) is not None
