"""Where and when a team leader or pool stand-in leads a team, this week and next: their start page's list."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..formatting import week_of
from ..models import Location, PublishedShift, Supervisor, Team
from .feeds import away_times, leader_absence_times, team_leaders

WEEKS_SHOWN = 2  # this week and next


@dataclass
class LeadingDay:
    """One team the leader leads at one place on one day, as its people were told."""

    date: dt.date
    team: Team
    location: Location
    start_minute: int  # the first told shift's start there
    end_minute: int  # the last told shift's end there
    people: int  # how many people were told to work there: a number, never who
    # The team's own (first, active) leader, whom to call about the team; None when the team has
    # none or the reader is it (their own team: is_own_team).
    own_leader: Supervisor | None
    is_own_team: bool
    is_today: bool
    # The leader has an absence then, the whole time or part of it: never its kind.
    absent: bool = False
    # When absent for part of the time only: those parts (feeds.away_times); empty for all of it.
    away_times: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class LeadingWeek:
    week: str  # "2026-W50"
    monday: dt.date
    offset: int  # 0 this week, 1 next week
    days: list[LeadingDay]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


def leading_weeks(supervisor: Supervisor, today: dt.date) -> list[LeadingWeek]:
    """This week and next, each day `supervisor` leads somewhere as employees were told it.

    What is told is what the published shifts name (PublishedShift.supervisor_id, written from
    the roster's supervision rows when the roster is published), as on the employees' week pages
    and in the feeds: a draft roster, or a change not yet published, tells nobody, so the leader
    is not sent where the people do not expect them. A day can list more than one place (a shift
    held back at a publication keeps the leader it was told). Only counts of people, no names:
    the people of another team are not the reader's to see. A fixed number of queries."""
    first = today - dt.timedelta(days=today.weekday())
    last = first + dt.timedelta(weeks=WEEKS_SHOWN, days=-1)
    rows = db.session.execute(
        select(PublishedShift.date, PublishedShift.team_id, PublishedShift.location_id,
               func.min(PublishedShift.start_minute), func.max(PublishedShift.end_minute),
               func.count(func.distinct(PublishedShift.employee_id)))
        .where(PublishedShift.supervisor_id == supervisor.id, PublishedShift.cancelled.is_(False),
               PublishedShift.date.between(first, last))
        .group_by(PublishedShift.date, PublishedShift.team_id, PublishedShift.location_id)
    ).all()
    teams = _by_id(Team, {row[1] for row in rows})
    places = _by_id(Location, {row[2] for row in rows})
    leaders = team_leaders(teams.keys())
    absences = leader_absence_times([supervisor.id], first, last).get(supervisor.id, [])
    days = []
    for day, team_id, location_id, start, end, people in rows:
        own = leaders.get(team_id)
        is_own = supervisor.team_id == team_id or (own is not None and own.id == supervisor.id)
        absent = _absent(absences, day, start, end)
        days.append(LeadingDay(
            date=day, team=teams[team_id], location=places[location_id], start_minute=start, end_minute=end,
            people=people, own_leader=None if is_own else own, is_own_team=is_own, is_today=day == today,
            absent=absent, away_times=away_times(absences, day, start, end) if absent else [],
        ))
    days.sort(key=lambda d: (d.date, d.start_minute, d.team.name, d.location.name))
    weeks = []
    for offset in range(WEEKS_SHOWN):
        monday = first + dt.timedelta(weeks=offset)
        weeks.append(LeadingWeek(week_of(monday), monday, offset,
                                 [d for d in days if monday <= d.date < monday + dt.timedelta(weeks=1)]))
    return weeks


def _by_id(model, ids) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(sorted(ids))))}


def _absent(absences, day: dt.date, start_minute: int, end_minute: int) -> bool:
    """Whether one of these absences (leader_absence_times) takes the day, or part of these times:
    the rule of services.rosters.absence_overlaps."""
    return any(first <= day <= last and (start is None or (start < end_minute and start_minute < end))
               for first, last, start, end in absences)
