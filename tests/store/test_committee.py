"""The committee's sessions, decisions, adjustments and follow-ups: recorded on the trail's own
reviews, atomic in bulk, append-only on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from ml.store import ReviewTrail, UnknownFlagError, session_factory
from ml.store.committee import (
    AdjustmentInput,
    CommitteeError,
    CommitteeStore,
    FollowUpInput,
    UnknownSessionError,
)
from ml.store.models import Review
from tests.store.factories import Clock, rater_flag


@pytest.fixture
def committee(engine: Engine, clock: Clock) -> CommitteeStore:
    return CommitteeStore(session_factory(engine), now=clock)


def _flags(trail: ReviewTrail, *raters: str) -> list[str]:
    run_id = trail.start_run("audit-bot", "data/raw", {})
    records = [rater_flag(r) for r in raters]
    trail.record_flags(run_id, records)
    return [r.flag_id for r in records]


def test_a_session_groups_its_decisions_and_the_trail_shows_them(
    trail: ReviewTrail, committee: CommitteeStore
) -> None:
    first, second = _flags(trail, "R1", "R2")
    held = committee.create_session(
        date(2026, 12, 1), ["Ani", "Budi"], "ketua", agency_id="A01", period="2025"
    )
    decided = committee.decide(
        [first, second],
        "DISMISSED",
        "dijelaskan oleh bukti kinerja",
        "Ani",
        session_id=held.session_id,
    )
    assert [d.flag_id for d in decided] == [first, second]
    assert committee.session(held.session_id).decided == 2
    assert committee.session(held.session_id).members == ["Ani", "Budi"]
    assert [d.decision for d in committee.decisions(held.session_id)] == ["DISMISSED"] * 2
    # the decision is the review trail's own review: status and trail follow it
    assert trail.status(first) == "DISMISSED"
    assert trail.trail(first)[-1].reason == "dijelaskan oleh bukti kinerja"
    listed, total = committee.sessions()
    assert total == 1 and listed[0].decided == 2


def test_a_bulk_decision_is_all_or_nothing(
    trail: ReviewTrail, committee: CommitteeStore, engine: Engine
) -> None:
    (first,) = _flags(trail, "R1")
    with engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(Review))
    with pytest.raises(UnknownFlagError):
        committee.decide([first, "no-such-flag"], "CONFIRMED", "alasan", "Ani")
    with pytest.raises(UnknownSessionError):
        committee.decide([first], "CONFIRMED", "alasan", "Ani", session_id="nope")
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Review)) == before
    assert trail.status(first) == "OPEN"


@pytest.mark.parametrize(
    ("decision", "reason", "reviewer", "field"),
    [("MAYBE", "alasan", "Ani", "decision"), ("CONFIRMED", " ", "Ani", "reason"),
     ("CONFIRMED", "alasan", "", "reviewer")],
)  # fmt: skip
def test_bad_decisions_name_their_field(
    trail: ReviewTrail, committee: CommitteeStore, decision: str, reason: str, reviewer: str,
    field: str,
) -> None:  # fmt: skip
    (flag,) = _flags(trail, "R1")
    with pytest.raises(CommitteeError, match=field):
        committee.decide([flag], decision, reason, reviewer)
    assert trail.status(flag) == "OPEN"


def test_a_later_adjustment_supersedes_an_earlier_one_and_history_is_kept(
    trail: ReviewTrail, committee: CommitteeStore
) -> None:
    (flag,) = _flags(trail, "R1")
    appraisal = {"employee_id": "198001012000011001", "period": "2025"}
    committee.decide(
        [flag], "CONFIRMED", "terlalu tinggi", "Ani",
        adjustments=[AdjustmentInput(**appraisal, adjusted_predikat="BAIK",
                                     original_predikat="SANGAT_BAIK")],
    )  # fmt: skip
    committee.decide(
        [flag], "CONFIRMED", "dikoreksi lagi", "Budi",
        adjustments=[AdjustmentInput(**appraisal, adjusted_predikat="BUTUH_PERBAIKAN",
                                     original_predikat="SANGAT_BAIK")],
    )  # fmt: skip
    history = committee.adjustments()
    assert [(a.adjusted_predikat, a.current) for a in history] == [
        ("BAIK", False),
        ("BUTUH_PERBAIKAN", True),
    ]
    assert history[0].adjusted_by == "Ani" and history[1].reason == "dikoreksi lagi"
    current = committee.adjustments(current_only=True)
    assert [a.adjusted_predikat for a in current] == ["BUTUH_PERBAIKAN"]


def test_adjustments_and_follow_ups_are_checked(
    trail: ReviewTrail, committee: CommitteeStore
) -> None:
    first, second = _flags(trail, "R1", "R2")
    bad = AdjustmentInput("E1", "2025", "LUAR_BIASA")
    with pytest.raises(CommitteeError, match="adjusted_predikat"):
        committee.decide([first], "CONFIRMED", "alasan", "Ani", adjustments=[bad])
    good = AdjustmentInput("E1", "2025", "BAIK")
    with pytest.raises(CommitteeError, match="adjustments"):
        committee.decide([first, second], "CONFIRMED", "alasan", "Ani", adjustments=[good])
    with pytest.raises(CommitteeError, match="assignee"):
        committee.decide(
            [first], "NEEDS_INFO", "alasan", "Ani", follow_up=FollowUpInput(" ", date(2027, 1, 1))
        )
    assert committee.adjustments() == [] and trail.status(first) == "OPEN"
    committee.decide(
        [first], "NEEDS_INFO", "minta data KPI", "Ani",
        follow_up=FollowUpInput("Sekretariat BKPSDM", date(2027, 1, 15), "data KPI triwulan"),
    )  # fmt: skip
    (follow,) = committee.follow_ups(flag_id=first)
    assert (follow.assignee, follow.due_on, follow.created_by) == (
        "Sekretariat BKPSDM",
        date(2027, 1, 15),
        "Ani",
    )


def test_a_session_needs_members(committee: CommitteeStore) -> None:
    with pytest.raises(CommitteeError, match="members"):
        committee.create_session(date(2026, 12, 1), [], "ketua")
    with pytest.raises(CommitteeError, match="members"):
        committee.create_session(date(2026, 12, 1), ["Ani", "Ani"], "ketua")
    with pytest.raises(UnknownSessionError):
        committee.session("nope")


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("committee_sessions", "UPDATE committee_sessions SET created_by = 'x'"),
        ("committee_sessions", "DELETE FROM committee_sessions"),
        ("session_reviews", "UPDATE session_reviews SET session_id = session_id"),
        ("session_reviews", "DELETE FROM session_reviews"),
        ("adjustments", "UPDATE adjustments SET adjusted_predikat = 'SANGAT_BAIK'"),
        ("adjustments", "DELETE FROM adjustments"),
        ("follow_ups", "UPDATE follow_ups SET assignee = 'x'"),
        ("follow_ups", "DELETE FROM follow_ups"),
    ],
)
def test_triggers_refuse_changes_to_the_committee_tables(
    trail: ReviewTrail, committee: CommitteeStore, engine: Engine, table: str, statement: str
) -> None:
    (flag,) = _flags(trail, "R1")
    held = committee.create_session(date(2026, 12, 1), ["Ani"], "ketua")
    committee.decide(
        [flag], "CONFIRMED", "alasan", "Ani", session_id=held.session_id,
        adjustments=[AdjustmentInput("E1", "2025", "BAIK")],
        follow_up=FollowUpInput("Budi", date(2027, 1, 1)),
    )  # fmt: skip
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert committee.session(held.session_id).decided == 1
    assert len(committee.adjustments()) == len(committee.follow_ups()) == 1
