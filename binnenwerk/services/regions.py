"""Regions: teams work only at locations whose region they spell exactly the same way; a region is
renamed everywhere at once."""
from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from .. import audit
from ..extensions import db
from ..models import JobStatus, Location, SolveJob, Supervisor, Team
from ..formatting import marked_dutch_in
from . import ServiceError

# The length of the region columns (Team, Supervisor and Location have the same): a longer one
# typed or in a URL is no region.
REGION_LENGTH = Team.__table__.c.region.type.length
_ACTIVE_JOBS = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


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
    same = [spelling for spelling in counts if region_key(spelling) == region_key(text)]
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


def closest_region(region: str, among=Team) -> str | None:
    """The region with a team (`among` Location: a location), not archived, spelled most like
    `region`, which has none: what a typo ("Oosst") was most likely meant to be; None when none is
    close."""
    known = set(db.session.scalars(select(among.region).where(among.archived.is_(False)).distinct()))
    by_key = {name.casefold(): name for name in known if name and name != region}
    found = difflib.get_close_matches(region.casefold(), list(by_key), n=1, cutoff=0.6)
    return by_key[found[0]] if found else None


def with_region_meant(warning: str, region: str, among=Team):
    """A warning about a region without a team (or location), with "Bedoel je <region>?" when
    another is spelled much like it; the regions marked lang="nl" on an English page."""
    meant = closest_region(region, among)
    return marked_dutch_in(f"{warning} {_('Bedoel je %(region)s?', region=meant)}" if meant else warning,
                           region, meant)


def region_key(region: str) -> str:
    """What two spellings of one region share: "den  haag" and "Den Haag" are one region."""
    return " ".join((region or "").split()).casefold()


def all_regions() -> list[str]:
    """Every region a team, a team leader or stand-in, or a location has (archived ones too): what
    a rename can choose from, by name."""
    names: set[str] = set()
    for model in (Team, Supervisor, Location):
        names |= set(db.session.scalars(select(model.region).distinct()))
    return sorted((name for name in names if name), key=lambda name: (name.casefold(), name))


@dataclass(frozen=True)
class Renamed:
    """What a rename changed: the names, and how many teams, leaders and locations it renamed;
    `merged`: `new` was another region's name, which they joined."""
    old: str
    new: str
    teams: int
    supervisors: int
    locations: int
    merged: bool = False


def rename(old: str, typed: str, merge: bool = False) -> Renamed:
    """Give region `old` the name `typed` on every team, team leader (stand-ins too) and location
    at once, archived ones included: one at a time is refused, as a team must share its home
    location's region and a location's region is held while work runs there. Refuses (at the
    field "new_name") the name it has now, and the name of another region unless `merge` is asked
    for: then `old` joins that region (its spelling kept; Renamed.merged), which one at a time the
    same rules refuse too. A merge waits while either region is being planned: two solves of one
    region would each plan its teams. A change of case alone is taken. The caller commits."""
    new = " ".join((typed or "").split())
    if old not in all_regions():
        raise ServiceError(_("Kies een regio uit de lijst."), field="region")
    if not new:
        raise ServiceError(_("Vul een nieuwe naam in."), field="new_name")
    if len(new) > REGION_LENGTH:
        raise ServiceError(_("Hoogstens %(max)d tekens.", max=REGION_LENGTH), field="new_name")
    if new == old:
        raise ServiceError(marked_dutch_in(_("Regio %(region)s heet al zo. Vul een andere naam in.", region=old), old),
                           field="new_name")
    # Case alone ("oost" -> "Oost") is a rename too: the way to put a region's capitals right.
    other = region_named(new, besides=old)
    if other is not None and not merge:
        raise ServiceError(marked_dutch_in(_(
            "Er is al een regio %(region)s. Wil je regio %(old)s bij regio %(region)s voegen? Kies dan "
            "hieronder \"Samenvoegen\" en klik nog een keer op Hernoemen.", region=other, old=old), other, old),
            field="new_name")
    if other is not None:
        new = other
        busy = db.session.scalar(select(SolveJob.region).where(
            SolveJob.region.in_([old, other]), SolveJob.status.in_(_ACTIVE_JOBS)).limit(1))
        if busy is not None:
            raise ServiceError(marked_dutch_in(_("Regio %(region)s wordt nu gepland. Voeg de regio's samen als dat "
                                                 "klaar is.", region=busy), busy), field="new_name")
    counts = [_rename_in(model, old, new) for model in (Team, Supervisor, Location)]
    # A queued or running solve of the region plans its teams by the region's name.
    db.session.execute(update(SolveJob).where(SolveJob.region == old, SolveJob.status.in_(_ACTIVE_JOBS))
                       .values(region=new).execution_options(synchronize_session=False))
    renamed = Renamed(old, new, *counts, merged=other is not None)
    audit.record("region.merge" if renamed.merged else "region.rename",
                 detail=f"{audit.changes({'region': old}, {'region': new}, ['region'])}; "
                        f"teams={renamed.teams} supervisors={renamed.supervisors} "
                        f"locations={renamed.locations}")
    return renamed


def region_named(typed: str, besides: str | None = None) -> str | None:
    """The region (other than `besides`) whose name `typed` is, spaces and case aside."""
    key = region_key(typed)
    return next((region for region in all_regions() if region != besides and region_key(region) == key), None) \
        if key else None


def _rename_in(model, old: str, new: str) -> int:
    """Rename the region on every row of `model` that has it; how many rows that were."""
    return db.session.execute(update(model).where(model.region == old).values(region=new)
                              .execution_options(synchronize_session="fetch")).rowcount
