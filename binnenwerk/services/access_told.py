"""A request's access instructions or a location's address changed: its published shifts to come
tell it as a change."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import PublishedShift, utcnow
from . import feeds
from .rosters import minute_now, tell_change


def instructions_differ(before: str | None, after: str | None) -> bool:
    """Whether a person would read other instructions: spaces around the text are no change."""
    return (before or "").strip() != (after or "").strip()


def address_differs(before: tuple[str | None, ...], after: tuple[str | None, ...]) -> bool:
    """Whether a person would go to another door: (address, postcode, city) read otherwise. Spaces
    and capitals are no change ("rijnstraat  8" is where "Rijnstraat 8" is)."""
    def read(parts):
        return tuple(" ".join((part or "").split()).casefold() for part in parts)
    return read(before) != read(after)


def tell_access_changed(request_id: int) -> int:
    """Mark every published shift of this request still to come (today included) as changed, as a
    publication that changed it now would: the week page says "Dit is veranderd", the calendar
    event's SEQUENCE rises with its new text, and a day within two working days goes on the team
    leader's call list. The week page and the feed read the instructions from the request, so no
    copy is kept on the shift; without this the new text reached people unmarked and uncalled.
    A shift as first told apart from its way in says only that (access_only).

    Days gone by and shifts of today already over stay as told; work called off stays called off.
    The caller commits (in the same transaction as the request's change). Returns how many shifts
    were marked."""
    return _tell_changed(PublishedShift.request_id == request_id, way_in_only=True)


def tell_place_changed(location_id: int) -> int:
    """A location's address, postcode or city changed: the people told to come there from today on
    go to another door, which is a change of place as a publication would tell it ("Kijk goed hoe
    laat en waar je werkt", a higher SEQUENCE, the call list for days near). The week page and the
    feed read the address from the location, so, as for a new way in, nothing else would mark it.
    A new name alone is a rename (feeds._stamp): the caller does not call this for it. The caller
    commits, with the location's change. Returns how many shifts were marked."""
    return _tell_changed(PublishedShift.location_id == location_id, way_in_only=False)


def _tell_changed(which, *, way_in_only: bool) -> int:
    """Tell the shifts `which` selects from today on (not called off, not over) as changed; `way_in_only`:
    the change is of the way in alone (see _as_first_told_but_the_way_in)."""
    today = feeds.local_today()
    minute = minute_now(today)
    shifts = [shift for shift in db.session.scalars(select(PublishedShift).where(
        which, PublishedShift.cancelled.is_(False), PublishedShift.date >= today))
        # A shift of today already over was worked at the old door: nobody is told of it or called.
        if not (shift.date == today and shift.end_minute <= minute)]
    now = utcnow()
    for shift in shifts:
        access_only = way_in_only and _as_first_told_but_the_way_in(shift)
        # As _publish tells a change of today and later: at short notice when the day is near,
        # also for a shift of today that has begun (someone is there and must hear of it).
        tell_change(shift, now)
        shift.access_only = access_only
    return len(shifts)


def _as_first_told_but_the_way_in(shift: PublishedShift) -> bool:
    """Whether the shift is still as the person was first told it apart from how to get in: never
    changed (sequence 0), or changed in its way in only each time since (access_only). Then the
    week page, the calendar and the call list say that the way in changed, not "look how late and
    where you work". Any other change told before (time, place, team leader: leader_only too)
    keeps the general words: saying only "another way in" would hide it."""
    return shift.sequence == 0 or shift.access_only
