"""The store (design §5): SQLAlchemy models and the review trail of the fairness audit — SQLite by
default (``Settings.store_url``), PostgreSQL by URL, schema managed by Alembic migrations.

    trail = ReviewTrail.from_url(get_settings().store_url)
    run_id = trail.start_run("audit-bot", "data/raw", {"alpha": 0.05})
    trail.record_flags(run_id, [FlagRecord(stable_flag_id("RATER", "LENIENT", rater), ...)])
    trail.review(flag_id, "CONFIRMED", "ratings far above KPI attainment", "committee:ani")
"""

from ml.store.database import downgrade, make_engine, migrate, session_factory
from ml.store.records import (
    FAMILIES,
    OPEN,
    STATUSES,
    Decision,
    Family,
    FlagRecord,
    FlagView,
    Page,
    RecordResult,
    ReviewError,
    ReviewEvent,
    TrailEvent,
    UnknownFlagError,
    UnknownRunError,
    stable_flag_id,
)
from ml.store.repository import ReviewTrail

__all__ = [
    "FAMILIES",
    "OPEN",
    "STATUSES",
    "Decision",
    "Family",
    "FlagRecord",
    "FlagView",
    "Page",
    "RecordResult",
    "ReviewError",
    "ReviewEvent",
    "ReviewTrail",
    "TrailEvent",
    "UnknownFlagError",
    "UnknownRunError",
    "downgrade",
    "make_engine",
    "migrate",
    "session_factory",
    "stable_flag_id",
]
