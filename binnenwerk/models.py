"""The whole domain as SQLAlchemy 2 typed models, with the constraints the database can hold."""
from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    JSON,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .formatting import list_name, sort_name
from .public_holidays import is_public_holiday

MAX_TEAM_SIZE = 15
MINUTES_PER_DAY = 24 * 60


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _values(enum_cls: type[enum.Enum]) -> str:
    return ", ".join(f"'{m.value}'" for m in enum_cls)


class Role(str, enum.Enum):
    ADMIN = "admin"
    PLANNER = "planner"
    TEAM_LEADER = "team_leader"
    MINISTRY_CONTACT = "ministry_contact"


class AbsenceKind(str, enum.Enum):
    SICK = "ziek"
    LEAVE = "verlof"
    APPOINTMENT = "afspraak"


class RequestStatus(str, enum.Enum):
    SUBMITTED = "ingediend"
    ACCEPTED = "geaccepteerd"
    DECLINED = "afgewezen"
    SCHEDULED = "ingepland"
    COMPLETED = "afgerond"
    CANCELLED = "geannuleerd"


class RosterStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class JobStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


class FeedKind(str, enum.Enum):
    EMPLOYEE = "employee"
    TEAM = "team"
    LOCATION = "location"


# --- association tables -------------------------------------------------------------------

user_team = Table(
    "user_team",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
)

employee_work_type = Table(
    "employee_work_type",
    db.metadata,
    Column("employee_id", ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True),
    Column("work_type_id", ForeignKey("work_type.id", ondelete="RESTRICT"), primary_key=True),
)

# An employee without rows here may work at any location of the team's region.
employee_location = Table(
    "employee_location",
    db.metadata,
    Column("employee_id", ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="RESTRICT"), primary_key=True),
)

supervisor_work_type = Table(
    "supervisor_work_type",
    db.metadata,
    Column("supervisor_id", ForeignKey("supervisor.id", ondelete="CASCADE"), primary_key=True),
    Column("work_type_id", ForeignKey("work_type.id", ondelete="RESTRICT"), primary_key=True),
)

# A ministry signs an agreement per work type: its contacts request only these.
ministry_work_type = Table(
    "ministry_work_type",
    db.metadata,
    Column("ministry_id", ForeignKey("ministry.id", ondelete="CASCADE"), primary_key=True),
    Column("work_type_id", ForeignKey("work_type.id", ondelete="RESTRICT"), primary_key=True),
)


# --- organisation ---------------------------------------------------------------------------


# Rows that people delete (a ministry, place or work type no longer used, an employee entered by
# mistake, an absence): on SQLite their ids are never given again, so the audit log's history of
# one is never read as another's (migration e4b6c8d0f2a3). PostgreSQL's sequences never reuse one.
SQLITE_NEVER_REUSED = {"sqlite_autoincrement": True}


class Ministry(db.Model):
    __table_args__ = SQLITE_NEVER_REUSED
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    locations: Mapped[list[Location]] = relationship(back_populates="ministry")
    # The work types of its agreement with Binnenwerk (what its contacts may request).
    work_types: Mapped[list[WorkType]] = relationship(secondary=ministry_work_type, order_by="WorkType.name_nl")

    def __str__(self) -> str:
        return self.name


def full_address(address: str, postcode: str | None, city: str | None) -> str:
    """Street, then postcode and city: "Binnenhof 19, 2513 AA Den Haag"."""
    return ", ".join(p for p in (address, f"{postcode or ''} {city or ''}".strip()) if p)


def name_and_address(name: str, address: str, postcode: str | None, city: str | None) -> str:
    """A place as people look for it: its name, then the address, without saying the street
    twice when the place is named after it ("Binnenhof 19, 2513 AA Den Haag")."""
    where = full_address(address, postcode, city)
    said = (name or "").strip().casefold()
    rest = where.casefold().removeprefix(said)
    if not said or (rest != where.casefold() and not rest[:1].isalnum()):
        return where
    return f"{name}, {where}" if where else name


class Location(db.Model):
    __table_args__ = SQLITE_NEVER_REUSED
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100), index=True)
    ministry_id: Mapped[int] = mapped_column(ForeignKey("ministry.id", ondelete="RESTRICT"), index=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the row was made or last edited; empty for a row from before this was kept, until its
    # first edit. Feed events naming it are stamped no earlier (services.feeds._stamp).
    updated_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    ministry: Mapped[Ministry] = relationship(back_populates="locations")

    @property
    def full_address(self) -> str:
        return full_address(self.address, self.postcode, self.city)

    @property
    def name_and_address(self) -> str:
        return name_and_address(self.name, self.address, self.postcode, self.city)

    def __str__(self) -> str:
        return self.name


class WorkType(db.Model):
    __tablename__ = "work_type"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_nl: Mapped[str] = mapped_column(String(100), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))
    # A pictogram name from binnenwerk/static/pictograms/<pictogram>.svg
    pictogram: Mapped[str] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(7))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the row was made or last edited; empty for a row from before this was kept, until its
    # first edit. Feed events naming it are stamped no earlier (services.feeds._stamp).
    updated_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("length(colour) = 7", name="colour_hex"), SQLITE_NEVER_REUSED)

    def __str__(self) -> str:
        return self.name_nl


class Team(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: a save of the same name is no rename (see _names_changed).
    name: Mapped[str] = mapped_column(String(100), unique=True, active_history=True)
    region: Mapped[str] = mapped_column(String(100), index=True)
    home_location_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("location.id", ondelete="SET NULL"), nullable=True
    )
    max_size: Mapped[int] = mapped_column(Integer, default=MAX_TEAM_SIZE)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the name last changed, set on every save that changes it (_names_changed); empty until
    # then. Feed events naming the team are stamped no earlier (services.feeds._stamp).
    name_changed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # When a leader last left the team (moved to another team or the pool; _leader_moved): the
    # events of its shifts that name nobody named them as the team's own leader, and are stamped
    # no earlier (services.feeds._team_leaders_and_edits). Empty until one does.
    leader_left_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint(f"max_size >= 1 AND max_size <= {MAX_TEAM_SIZE}", name="max_size_range"),
    )

    home_location: Mapped[Optional[Location]] = relationship()
    employees: Mapped[list[Employee]] = relationship(back_populates="team")
    supervisors: Mapped[list[Supervisor]] = relationship(back_populates="team")
    leaders: Mapped[list[User]] = relationship(secondary=user_team, back_populates="teams")

    def __str__(self) -> str:
        return self.name


class Supervisor(db.Model):
    """A team leader (team set) or a regional pool stand-in (team empty)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # active_history: the team left is known on a move (see _leader_moved).
    team_id: Mapped[Optional[int]] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True,
                                                   active_history=True)
    region: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), unique=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # The day archiving took effect (Amsterdam's date): from then on the leader counts as away
    # wherever they still lead, also once those days have gone by. Empty: not archived, or
    # archived before this was kept (then: from today on).
    archived_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    # When the row was made or last edited; empty for a row from before this was kept, until its
    # first edit. Feed events naming it are stamped no earlier (services.feeds._stamp).
    updated_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # When an absence of the leader that a feed can show was last recorded, moved or removed
    # (services.absences; not on an edit of its kind or note). Feed events with the leader's line
    # are stamped no earlier: the line says whether they are there. Kept on the leader, as a
    # removed absence leaves no row. Empty until then; not an edit of the row (updated_at stays).
    absence_changed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # When the leader came to lead their team (made in it, moved into it, taken back from the
    # archive); empty in the pool. Of a team's active leaders the one there longest is its own,
    # the employees' fixed leader (services.feeds.team_leaders): a second leader joining changes
    # nobody's. Empty for a row from before this was kept: that one counts as there first.
    team_since: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    team: Mapped[Optional[Team]] = relationship(back_populates="supervisors")
    user: Mapped[Optional[User]] = relationship(back_populates="supervisor")
    work_types: Mapped[list[WorkType]] = relationship(secondary=supervisor_work_type)
    availability: Mapped[list[AvailabilitySlot]] = relationship(
        back_populates="supervisor", cascade="all, delete-orphan", order_by="AvailabilitySlot.weekday"
    )

    @property
    def is_pool(self) -> bool:
        return self.team_id is None

    def __str__(self) -> str:
        return self.name


class Employee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: a save of the same name is no rename (see _names_changed).
    first_name: Mapped[str] = mapped_column(String(100), active_history=True)
    last_name: Mapped[str] = mapped_column(String(100), active_history=True)
    # What lists sort on: the surname after its particles ('de Groot' under G), set on every save.
    sort_name: Mapped[str] = mapped_column(String(250), default="", server_default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    contract_minutes: Mapped[int] = mapped_column(Integer)  # a week
    max_minutes_per_day: Mapped[int] = mapped_column(Integer)
    contract_start: Mapped[dt.date] = mapped_column(Date)
    contract_end: Mapped[Optional[dt.date]] = mapped_column(Date)
    job_coach_name: Mapped[str] = mapped_column(String(200), default="")
    job_coach_phone: Mapped[str] = mapped_column(String(40), default="")
    job_coach_email: Mapped[str] = mapped_column(String(200), default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymised_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # When the first or last name last changed (a form, an import, anonymising: _names_changed);
    # empty until then. The team feed's events naming the person are stamped no earlier
    # (services.feeds._stamp). Only the name: no other edit of the person (their personal data
    # least of all) shows in any feed.
    name_changed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # When an absence of the person in the feeds' weeks was last recorded, moved or removed
    # (services.absences): a location's visits count the people who come, so their stamps follow
    # it (services.feeds.load_visits). Only the moment, never the kind; a removed absence leaves
    # no row. Empty until then.
    absence_changed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("contract_minutes >= 0 AND contract_minutes <= 2400", name="contract_range"),
        CheckConstraint(
            f"max_minutes_per_day >= 0 AND max_minutes_per_day <= {12 * 60}", name="day_max_range"
        ),
        CheckConstraint("contract_end IS NULL OR contract_end >= contract_start", name="contract_dates"),
        SQLITE_NEVER_REUSED,
    )

    team: Mapped[Team] = relationship(back_populates="employees")
    work_types: Mapped[list[WorkType]] = relationship(secondary=employee_work_type)
    allowed_locations: Mapped[list[Location]] = relationship(secondary=employee_location)
    availability: Mapped[list[AvailabilitySlot]] = relationship(
        back_populates="employee", cascade="all, delete-orphan", order_by="AvailabilitySlot.weekday"
    )
    sensitive: Mapped[Optional[EmployeeSensitive]] = relationship(
        back_populates="employee", cascade="all, delete-orphan", uselist=False
    )

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def list_name(self) -> str:
        """'Groot, Bas de': surname first, as the lists sort."""
        return list_name(self.first_name, self.last_name)

    def employed_on(self, day: dt.date) -> bool:
        return self.contract_start <= day and (self.contract_end is None or day <= self.contract_end)

    def __str__(self) -> str:
        return self.name


class EmployeeSensitive(db.Model):
    """Special-category data (AVG art. 9), kept apart: only planners and the own team leader."""

    __tablename__ = "employee_sensitive"
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True)
    indication: Mapped[str] = mapped_column(String(100), default="")  # e.g. banenafspraak, Wajong
    indication_until: Mapped[Optional[dt.date]] = mapped_column(Date)
    health_notes: Mapped[str] = mapped_column(Text, default="")
    accommodations: Mapped[str] = mapped_column(Text, default="")

    employee: Mapped[Employee] = relationship(back_populates="sensitive")


class AvailabilitySlot(db.Model):
    """One window of a person's weekly pattern: on ISO weekday `weekday` from start to end."""

    __tablename__ = "availability_slot"
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("supervisor.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)  # 1 = Monday
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("(employee_id IS NULL) <> (supervisor_id IS NULL)", name="one_owner"),
        CheckConstraint("weekday >= 1 AND weekday <= 7", name="weekday_range"),
        CheckConstraint(
            f"start_minute >= 0 AND end_minute <= {MINUTES_PER_DAY} AND end_minute > start_minute",
            name="window_order",
        ),
    )

    employee: Mapped[Optional[Employee]] = relationship(back_populates="availability")
    supervisor: Mapped[Optional[Supervisor]] = relationship(back_populates="availability")


class Absence(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("supervisor.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    # Both empty: the whole day(s). Both set: only that part of each day.
    start_minute: Mapped[Optional[int]] = mapped_column(Integer)
    end_minute: Mapped[Optional[int]] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("(employee_id IS NULL) <> (supervisor_id IS NULL)", name="one_person"),
        CheckConstraint(f"kind IN ({_values(AbsenceKind)})", name="kind_known"),
        CheckConstraint("end_date >= start_date", name="date_order"),
        CheckConstraint(
            "(start_minute IS NULL AND end_minute IS NULL) OR "
            f"(start_minute >= 0 AND end_minute <= {MINUTES_PER_DAY} AND end_minute > start_minute)",
            name="part_day",
        ),
        Index("ix_absence_dates", "start_date", "end_date"),
        SQLITE_NEVER_REUSED,
    )

    employee: Mapped[Optional[Employee]] = relationship()
    supervisor: Mapped[Optional[Supervisor]] = relationship()

    @property
    def whole_day(self) -> bool:
        return self.start_minute is None


# --- requests -------------------------------------------------------------------------------


class DeploymentRequest(db.Model):
    __tablename__ = "deployment_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    ministry_id: Mapped[int] = mapped_column(ForeignKey("ministry.id", ondelete="RESTRICT"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="RESTRICT"), index=True)
    work_type_id: Mapped[int] = mapped_column(ForeignKey("work_type.id", ondelete="RESTRICT"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    weekdays: Mapped[str] = mapped_column(String(7))  # ISO weekday digits, "135" = Mon, Wed, Fri
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    headcount: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.SUBMITTED.value, index=True)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # Why Binnenwerk (the planner, or an import) cancelled it, for the ministry to read; empty when
    # the ministry cancelled it itself (it needs to give no reason) or before reasons were asked.
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    access_instructions: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # True when the ministry changed it after acceptance: the planner must look again.
    changed_since_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ministry's form it came from ("<ministry id>:<random>"): the same form sent twice, even at
    # the same instant, stores one request. Empty for imports.
    submission_key: Mapped[Optional[str]] = mapped_column(String(80))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint(f"status IN ({_values(RequestStatus)})", name="status_known"),
        CheckConstraint("end_date >= start_date", name="date_order"),
        CheckConstraint(
            f"start_minute >= 0 AND end_minute <= {MINUTES_PER_DAY} AND end_minute > start_minute",
            name="time_order",
        ),
        CheckConstraint("break_minutes >= 0 AND break_minutes < end_minute - start_minute", name="break_fits"),
        CheckConstraint("headcount >= 1 AND headcount <= 100", name="headcount_range"),
        CheckConstraint("priority >= 1 AND priority <= 3", name="priority_range"),
        CheckConstraint("length(weekdays) >= 1", name="weekdays_set"),
        Index("ix_request_period", "start_date", "end_date"),
        Index("ix_request_submission_key", "submission_key", unique=True),
    )

    ministry: Mapped[Ministry] = relationship()
    location: Mapped[Location] = relationship()
    work_type: Mapped[WorkType] = relationship()
    created_by: Mapped[Optional[User]] = relationship()
    # The single dates of its period it does not ask for after all (the building is closed that
    # day). Loaded with the request, in one query for all requests a query loads: occurs_on reads
    # them for every day of every request (planning, reports, rosters).
    dates_off: Mapped[list[RequestDateOff]] = relationship(
        lazy="selectin", order_by="RequestDateOff.date", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted(int(c) for c in self.weekdays)

    @property
    def worked_minutes(self) -> int:
        return self.end_minute - self.start_minute - self.break_minutes

    def occurs_on(self, day: dt.date) -> bool:
        """Whether the request asks for people that day: one of its weekdays within its period, not
        a public holiday (the ministries' buildings are closed; nobody works then), and not a date
        the ministry or the planner called off (`dates_off`)."""
        return (self.start_date <= day <= self.end_date and str(day.isoweekday()) in self.weekdays
                and not is_public_holiday(day) and not any(off.date == day for off in self.dates_off))


class RequestDateOff(db.Model):
    """A date within a request's period, on one of its weekdays, that it does not ask for after
    all: the building is closed that day (a move, a strike). The rest of the period stands.

    Called off for today or later only, and taken back only while the day is still to come: a day
    gone by was asked for (and worked) or not, and stays so."""

    __tablename__ = "request_date_off"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("deployment_request.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    # The unique pair's index also serves the look-up by request (DeploymentRequest.dates_off).
    __table_args__ = (UniqueConstraint("request_id", "date", name="uq_request_date_off"),)


class RequestDayAsked(db.Model):
    """What a request asked on one day that had passed when the request changed or was cancelled.

    A ministry may change a running request (more people, other days, other times). The days gone
    by keep what was asked then, so reports of them do not change with it; headcount 0 marks a
    day gone by that the request did not ask for then but does now (a weekday added). `status` is
    the request's status then: a cancelled request still counts the days it was committed for.
    `break_minutes` is the break asked then; None for entries kept before it was: not known, so
    the request's break of now stands in.
    `access_instructions` is how to get in as told that day (the week page, the calendar, the
    printed week sheet), kept when the instructions change so a day gone by still says how its
    people got in. None: not kept (an entry from before it was, or from a change of something
    else while the instructions stayed): the request's text stands in, the one told until now.
    """

    __tablename__ = "request_day_asked"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("deployment_request.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    headcount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="RESTRICT"))
    work_type_id: Mapped[int] = mapped_column(ForeignKey("work_type.id", ondelete="RESTRICT"))
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    break_minutes: Mapped[Optional[int]] = mapped_column(Integer)
    access_instructions: Mapped[Optional[str]] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("request_id", "date", name="uq_request_day_asked"),
        CheckConstraint("headcount >= 0 AND headcount <= 100", name="asked_headcount_range"),
    )


# --- rosters --------------------------------------------------------------------------------


class Roster(db.Model):
    """One team's plan for one ISO week. `version` counts publications; `lock_version` guards edits."""

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)  # "2026-W50"
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default=RosterStatus.DRAFT.value)
    version: Mapped[int] = mapped_column(Integer, default=0)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # Edits since the last publication are not yet visible to employees.
    has_unpublished_changes: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("week", "team_id", name="uq_roster_week_team"),
        CheckConstraint(f"status IN ({_values(RosterStatus)})", name="status_known"),
    )
    __mapper_args__ = {"version_id_col": lock_version}

    team: Mapped[Team] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="roster", cascade="all, delete-orphan"
    )
    supervision: Mapped[list[SupervisionAssignment]] = relationship(
        back_populates="roster", cascade="all, delete-orphan"
    )


class Assignment(db.Model):
    """An employee working a deployment request on a date (a shift, dienst)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="RESTRICT"))
    date: Mapped[dt.date] = mapped_column(Date)
    request_id: Mapped[int] = mapped_column(ForeignKey("deployment_request.id", ondelete="RESTRICT"), index=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("employee_id", "date", name="uq_assignment_employee_date"),)

    roster: Mapped[Roster] = relationship(back_populates="assignments")
    employee: Mapped[Employee] = relationship()
    request: Mapped[DeploymentRequest] = relationship()


class SupervisionAssignment(db.Model):
    __tablename__ = "supervision_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("supervisor.id", ondelete="RESTRICT"))
    date: Mapped[dt.date] = mapped_column(Date)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="RESTRICT"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"))
    # Chosen by a person (the day's team leader page): planning again keeps it while the team
    # works at this place that day (scheduling's pinned_supervision).
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (UniqueConstraint("supervisor_id", "date", name="uq_supervision_supervisor_date"),)

    roster: Mapped[Roster] = relationship(back_populates="supervision")
    supervisor: Mapped[Supervisor] = relationship()
    location: Mapped[Location] = relationship()
    team: Mapped[Team] = relationship()


class PublishedShift(db.Model):
    """What employees were told: the source of feeds and week pages.

    Updated on every publication: a changed shift keeps its uid and raises `sequence`; a shift
    taken away stays as cancelled so subscribed calendars remove it.
    """

    __tablename__ = "published_shift"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    request_id: Mapped[Optional[int]] = mapped_column(ForeignKey("deployment_request.id", ondelete="SET NULL"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="RESTRICT"), index=True)
    work_type_id: Mapped[int] = mapped_column(ForeignKey("work_type.id", ondelete="RESTRICT"))
    supervisor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("supervisor.id", ondelete="SET NULL"))
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # The sequence the team leader has told the person in person ("gebeld"): a later change is news again.
    called_sequence: Mapped[Optional[int]] = mapped_column(Integer)
    # The last change was told with less than two working days' notice: the team leader calls.
    short_notice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The last change gave the day another team leader and nothing else (time, place, work stay):
    # the week page and the call list say that, not "look how late and where you work".
    leader_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The last change was a new way in (the request's access instructions) and nothing else since
    # the person was first told (services.access_told): the week page, the calendar and the call
    # list say how to get in changed, not "look how late and where you work".
    access_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Called off because the contract ended before it, not by a publication: taking the contract's
    # end back gives the shift back (the roster still holds it) until a publication writes it.
    contract_call_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (UniqueConstraint("employee_id", "date", name="uq_published_employee_date"),)

    employee: Mapped[Employee] = relationship()
    team: Mapped[Team] = relationship()
    location: Mapped[Location] = relationship()
    work_type: Mapped[WorkType] = relationship()
    supervisor: Mapped[Optional[Supervisor]] = relationship()
    request: Mapped[Optional[DeploymentRequest]] = relationship()


class RosterChange(db.Model):
    """The history of a roster: who changed what, when and why.

    What changed is a message key with its values (binnenwerk.roster_history words it in the
    reader's language); `detail` holds the Dutch wording, the only text rows from before keys had.
    """

    __tablename__ = "roster_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    message: Mapped[Optional[str]] = mapped_column(String(40))
    params: Mapped[Optional[dict]] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[Optional[User]] = relationship()


class SolveJob(db.Model):
    """A background solve of one week (all teams, one region's teams or one team): status and
    live progress."""

    __tablename__ = "solve_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)
    team_id: Mapped[Optional[int]] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    # Without a team: the region whose teams are solved (None: every team).
    region: Mapped[Optional[str]] = mapped_column(String(100))
    repair_from: Mapped[Optional[dt.date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED.value, index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    best_objective: Mapped[Optional[float]] = mapped_column(Float)
    best_bound: Mapped[Optional[float]] = mapped_column(Float)
    elapsed_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    time_limit: Mapped[float] = mapped_column(Float, default=30.0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    # Written with every progress update: a running job whose heartbeat stops has lost its worker.
    heartbeat_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    result: Mapped[Optional[dict]] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    rq_job_id: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (CheckConstraint(f"status IN ({_values(JobStatus)})", name="status_known"),)

    team: Mapped[Optional[Team]] = relationship()


# --- people who log in ----------------------------------------------------------------------


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    ministry_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ministry.id", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    totp_secret: Mapped[Optional[str]] = mapped_column(String(64))
    mfa_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # The TOTP time step of the last accepted code: a code is accepted once (RFC 6238, 5.2).
    totp_last_step: Mapped[Optional[int]] = mapped_column(Integer)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # While an admin's temporary password is in use: the hashes (one a line) of the user's own
    # password before the reset and of every temporary one given since (each may be known to
    # someone else), so the new one cannot be any of them; cleared when they choose their own.
    previous_password_hash: Mapped[Optional[str]] = mapped_column(Text)
    # Set when an admin gave a temporary password: the user must choose their own first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_login_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(f"role IN ({_values(Role)})", name="role_known"),
        CheckConstraint("role <> 'ministry_contact' OR ministry_id IS NOT NULL", name="contact_has_ministry"),
    )

    ministry: Mapped[Optional[Ministry]] = relationship()
    teams: Mapped[list[Team]] = relationship(secondary=user_team, back_populates="leaders")
    supervisor: Mapped[Optional[Supervisor]] = relationship(back_populates="user", uselist=False)

    @property
    def is_active(self) -> bool:  # Flask-Login: an archived account cannot log in
        return self.active

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {r.value if isinstance(r, Role) else r for r in roles}

    def __str__(self) -> str:
        return self.name


class UserSession(db.Model):
    """A signed-in session: its random id lives in the session cookie, only a hash of it here.
    Logout deletes the row, so a copy of the cookie is no use afterwards."""

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class CalendarToken(db.Model):
    """A secret feed link. Only a hash is stored for lookup; the link itself is derived from
    `nonce` and the app's SECRET_KEY, so a database leak alone reveals no working link."""

    __tablename__ = "calendar_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    employee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[Optional[int]] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[Optional[int]] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint(f"kind IN ({_values(FeedKind)})", name="kind_known"),
        CheckConstraint(
            "(CASE WHEN employee_id IS NULL THEN 0 ELSE 1 END + CASE WHEN team_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN location_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
    )

    employee: Mapped[Optional[Employee]] = relationship()
    team: Mapped[Optional[Team]] = relationship()
    location: Mapped[Optional[Location]] = relationship()


class AuditEvent(db.Model):
    """Who did what to which object, from where, and how it ended. Never secrets or health data."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_email: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(40), default="")
    result: Mapped[str] = mapped_column(String(20), default="ok")
    origin: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[Optional[User]] = relationship()


__all__ = [
    "Absence", "AbsenceKind", "Assignment", "AuditEvent", "AvailabilitySlot", "CalendarToken",
    "DeploymentRequest", "Employee", "EmployeeSensitive", "FeedKind", "JobStatus", "Location",
    "MAX_TEAM_SIZE", "Ministry", "PublishedShift", "RequestStatus", "Role", "Roster",
    "RequestDayAsked", "RosterChange", "RosterStatus", "SolveJob", "SupervisionAssignment", "Supervisor", "Team",
    "User", "UserSession", "WorkType",
]


@event.listens_for(Employee, "before_insert")
@event.listens_for(Employee, "before_update")
def _employee_sort_name(_mapper, _connection, employee: Employee) -> None:
    employee.sort_name = sort_name(employee.first_name or "", employee.last_name or "")


def _changed(obj, *keys) -> bool:
    """One of these column attributes is being saved with another value than the stored one."""
    attrs = inspect(obj).attrs
    return any(attrs[key].history.added for key in keys)


@event.listens_for(Employee, "before_update")
@event.listens_for(Team, "before_update")
def _names_changed(_mapper, _connection, obj) -> None:
    # Wherever a name changes (forms, imports, anonymising): no service has to remember it.
    if _changed(obj, *(("first_name", "last_name") if isinstance(obj, Employee) else ("name",))):
        obj.name_changed_at = utcnow()


@event.listens_for(Supervisor, "before_insert")
def _leader_made(_mapper, _connection, supervisor: Supervisor) -> None:
    """A leader made in a team (a form, an import) leads it from now on (team_since)."""
    if supervisor.team_id is not None and supervisor.team_since is None:
        supervisor.team_since = utcnow()


@event.listens_for(Supervisor, "before_update")
def _leader_moved(_mapper, connection, supervisor: Supervisor) -> None:
    """A leader leaving a team: the team's leader_left_at. (The leader's own updated_at moves
    with the edit, which stamps the events of the team they joined.) A leader coming to a team
    leads it from now on (team_since), wherever the move was made: a form or an import."""
    history = inspect(supervisor).attrs.team_id.history
    if history.added and history.added[0] != (history.deleted[0] if history.deleted else None):
        supervisor.team_since = utcnow() if supervisor.team_id is not None else None
    left = history.deleted[0] if history.added and history.deleted else None
    if left is not None:
        team = Team.__table__
        connection.execute(team.update().where(team.c.id == left).values(leader_left_at=utcnow()))
