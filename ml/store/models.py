"""The store's tables. The review trail (design §1, the merit committee): audit runs, the flags
they raise, every observation of a flag, and every review decision. The service: API keys, the
access log, and the snapshots ``talenta score`` materialises for serving.

Only ``audit_runs`` (its ``flags_raised`` count, which triggers hold to the flags the run
observed) and ``api_keys`` (``revoked_at``) are ever updated; ``flags`` holds identities that
never change, ``flag_observations``, ``reviews`` and ``access_log`` are append-only logs, old
snapshots are deleted whole, and ``ended_sessions`` forgets a session once it has expired. The
schema itself is created by the Alembic migration in ``ml/store/migrations``, which is hand-written
and must stay in step with these classes (a test compares them).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from ml.store.packing import pack, unpack, unpack_text

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend: PostgreSQL keeps ``timestamptz``, SQLite
    (which has no time zones) keeps naive UTC text; naive datetimes are refused on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def json_default(value: object) -> object:
    # NumPy scalars and arrays (an audit's evidence is often built from them), dates, paths.
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class JSONText(TypeDecorator[dict[str, Any]]):
    """A JSON object kept as text (the same on every backend), keys sorted."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, sort_keys=True, default=json_default)

    def process_result_value(self, value: str | None, dialect: Dialect) -> dict[str, Any] | None:
        return None if value is None else json.loads(value)


class PackedJSONText(JSONText):
    """A snapshot's JSON column: plain text on PostgreSQL (which compresses it with lz4), a
    zstd-packed BLOB on SQLite (``ml/store/packing.py``: a national snapshot would not fit a
    small disk as text); either kind is read back."""

    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> Any:
        text = super().process_bind_param(value, dialect)
        if text is None or dialect.name != "sqlite":
            return text
        return pack(text.encode())

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[str, Any] | None:
        return None if value is None else json.loads(unpack_text(value))


class PackedBytes(TypeDecorator[bytes]):
    """Stored bytes (a precomputed answer's JSON) packed on SQLite, as :class:`PackedJSONText`."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        if value is None or dialect.name != "sqlite":
            return value
        return pack(value)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else unpack(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AuditRun(Base):
    """One run of the fairness audit: who started it, on which data, with which parameters."""

    __tablename__ = "audit_runs"

    run_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(String(200))
    data_dir: Mapped[str] = mapped_column(Text)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONText)
    flags_raised: Mapped[int] = mapped_column(Integer, default=0)


class Flag(Base):
    """A flag's identity, given a stable id by the audit so that later runs find it again."""

    __tablename__ = "flags"
    __table_args__ = (
        Index("ix_flags_family_kind", "family", "kind"),
        Index("ix_flags_agency_id", "agency_id"),
    )

    flag_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    family: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    group_label: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    first_run_id: Mapped[str] = mapped_column(ForeignKey("audit_runs.run_id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FlagObservation(Base):
    """What one audit run measured for a flag it raised."""

    __tablename__ = "flag_observations"
    __table_args__ = (Index("ix_flag_observations_flag_id_run_id", "flag_id", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flag_id: Mapped[str] = mapped_column(ForeignKey("flags.flag_id"))
    run_id: Mapped[str] = mapped_column(ForeignKey("audit_runs.run_id"))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    n: Mapped[int | None] = mapped_column(Integer)
    effect: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    q_value: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONText)


class Review(Base):
    """A committee member's decision on a flag, with the reason; the latest one is its status."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("decision IN ('CONFIRMED', 'DISMISSED', 'NEEDS_INFO')", name="decision"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        CheckConstraint("length(trim(reviewer)) > 0", name="reviewer_given"),
        Index("ix_reviews_flag_id_reviewed_at", "flag_id", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flag_id: Mapped[str] = mapped_column(ForeignKey("flags.flag_id"))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKey(Base):
    """A key for the API: its public id, the SHA-256 of the whole key (never the key), a role."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("role IN ('planner', 'committee', 'data-scientist', 'admin')", name="role"),
    )

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a JSON list of agency ids the key is bound to (ml/serving/scope.py); null: every agency
    agencies: Mapped[str | None] = mapped_column(Text)


class AccessEntry(Base):
    """Who read which personal data, and when (UU 27/2022): one row per request, append-only."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_subject_kind_subject_id", "subject_kind", "subject_id"),
        Index("ix_access_log_key_id_at", "key_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.key_id"))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(200))
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str | None] = mapped_column(String(200))


class Snapshot(Base):
    """What ``talenta score`` materialised for serving: profiles and features on one date."""

    __tablename__ = "snapshots"

    snapshot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data_dir: Mapped[str] = mapped_column(Text)
    employees: Mapped[int] = mapped_column(Integer)
    # the need model whose answers are stored with the employees (None: none stored)
    model_name: Mapped[str | None] = mapped_column(String(100))
    model_version: Mapped[str | None] = mapped_column(String(40))


class SnapshotEmployee(Base):
    """One employee in a snapshot: the deterministic profile, the protected attributes (for the
    committee alone) and the model-ready feature rows, one per required competency."""

    __tablename__ = "snapshot_employees"
    __table_args__ = (Index("ix_snapshot_employees_snapshot_id_unit_id", "snapshot_id", "unit_id"),)

    snapshot_id: Mapped[str] = mapped_column(
        ForeignKey("snapshots.snapshot_id", ondelete="CASCADE"), primary_key=True
    )
    employee_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    unit_id: Mapped[str | None] = mapped_column(String(100))
    profile: Mapped[dict[str, Any]] = mapped_column(PackedJSONText)
    protected: Mapped[dict[str, Any]] = mapped_column(JSONText)  # some 50 bytes: kept as text
    features: Mapped[dict[str, Any]] = mapped_column(PackedJSONText)
    # the recommendation answer precomputed by the snapshot's model, as the JSON bytes served
    answer: Mapped[bytes | None] = mapped_column(PackedBytes)


class SnapshotProgram(Base):
    """A catalogue programme in a snapshot, with its estimated effect on each competency."""

    __tablename__ = "snapshot_programs"

    snapshot_id: Mapped[str] = mapped_column(
        ForeignKey("snapshots.snapshot_id", ondelete="CASCADE"), primary_key=True
    )
    program_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    program: Mapped[dict[str, Any]] = mapped_column(JSONText)


class SnapshotDirectory(Base):
    """What a search and the unit list read about every employee of a snapshot, as one
    compressed Arrow table (``ml.pipelines.directory.DirectoryColumns``; revision 0007)."""

    __tablename__ = "snapshot_directories"

    snapshot_id: Mapped[str] = mapped_column(
        ForeignKey("snapshots.snapshot_id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[bytes] = mapped_column(LargeBinary)


class EndedSession(Base):
    """A page session that logged out: its cookie opens nothing any more, even a copy taken
    before. Kept until the session would have expired anyway (``SESSION_HOURS``)."""

    __tablename__ = "ended_sessions"
    __table_args__ = (Index("ix_ended_sessions_expires_at", "expires_at"),)

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.key_id"))
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- the merit committee's sessions, adjustments and follow-ups (revision 0004_committee) -------
# All four tables are append-only (triggers); decisions themselves are rows of ``reviews``.

PREDIKAT_CODES = "('SANGAT_BAIK', 'BAIK', 'BUTUH_PERBAIKAN', 'KURANG', 'SANGAT_KURANG')"


class CommitteeSession(Base):
    """A review session of the committee: when, who was present, what it covered."""

    __tablename__ = "committee_sessions"
    __table_args__ = (
        CheckConstraint("length(trim(created_by)) > 0", name="created_by_given"),
        Index("ix_committee_sessions_held_on", "held_on"),
    )

    session_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    held_on: Mapped[date] = mapped_column(Date)
    members: Mapped[dict[str, Any]] = mapped_column(JSONText)  # {"present": [names]}
    agency_id: Mapped[str | None] = mapped_column(String(100))
    unit_id: Mapped[str | None] = mapped_column(String(100))
    period: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionReview(Base):
    """A review (a row of ``reviews``) decided within a session."""

    __tablename__ = "session_reviews"
    __table_args__ = (Index("ix_session_reviews_session_id", "session_id"),)

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("committee_sessions.session_id"))


class Adjustment(Base):
    """An adjusted predikat for one appraisal (employee and period); a later one supersedes an
    earlier one, which stays in the table as history."""

    __tablename__ = "adjustments"
    __table_args__ = (
        CheckConstraint(f"adjusted_predikat IN {PREDIKAT_CODES}", name="adjusted_predikat"),
        CheckConstraint(
            f"original_predikat IS NULL OR original_predikat IN {PREDIKAT_CODES}",
            name="original_predikat",
        ),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        CheckConstraint("length(trim(adjusted_by)) > 0", name="adjusted_by_given"),
        Index("ix_adjustments_employee_id_period", "employee_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    employee_id: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(20))
    original_predikat: Mapped[str | None] = mapped_column(String(20))
    adjusted_predikat: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    adjusted_by: Mapped[str] = mapped_column(String(200))
    adjusted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    flag_id: Mapped[str | None] = mapped_column(ForeignKey("flags.flag_id"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("committee_sessions.session_id"))


class FollowUp(Base):
    """Who follows a flag up, and by when."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        CheckConstraint("length(trim(assignee)) > 0", name="assignee_given"),
        Index("ix_follow_ups_flag_id", "flag_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flag_id: Mapped[str] = mapped_column(ForeignKey("flags.flag_id"))
    assignee: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("committee_sessions.session_id"))


class PlanDocument(Base):
    """A saved unit plan: what the planner asked (budget, JP, pins, exclusions, hard minimum)
    and what the optimiser answered. Never changed once saved: a change is a new version, whose
    ``parent_id`` is the plan it was made from and whose ``lineage_id`` is the first version's."""

    __tablename__ = "plans"
    __table_args__ = (
        Index("ix_plans_unit_id_created_at", "unit_id", "created_at"),
        Index("ix_plans_agency_id", "agency_id"),
        Index("uq_plans_lineage_id_version", "lineage_id", "version", unique=True),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("length(trim(created_by)) > 0", name="author_given"),
    )

    plan_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    lineage_id: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("plans.plan_id"))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    unit_id: Mapped[str] = mapped_column(String(100))
    unit_name: Mapped[str | None] = mapped_column(String(300))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONText)
    result: Mapped[dict[str, Any]] = mapped_column(JSONText)
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_key: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlanEvent(Base):
    """One step of a plan's status trail (draft, proposed, approved, returned): who, when, and
    a note. Append-only; a plan's status is its latest event."""

    __tablename__ = "plan_events"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'proposed', 'approved', 'returned')", name="status_known"
        ),
        CheckConstraint("length(trim(actor)) > 0", name="actor_given"),
        Index("ix_plan_events_plan_id_id", "plan_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.plan_id"))
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    actor_key: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
