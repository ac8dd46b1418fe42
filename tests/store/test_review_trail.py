"""The review trail: flags keep their identity across runs, decisions are appended with who and
when, the status follows the latest decision, and nothing is ever updated or deleted."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, event

from ml.store import (
    OPEN,
    FlagRecord,
    ReviewError,
    ReviewTrail,
    UnknownFlagError,
    UnknownRunError,
    session_factory,
    stable_flag_id,
)
from ml.store.models import AuditRun
from tests.store.factories import START, Clock, rater_flag

Counts = Callable[[], dict[str, int]]


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement sent through ``engine`` while the test runs."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_recording_the_same_flags_twice_keeps_one_identity_and_two_observations(
    trail: ReviewTrail, counts: Counts
) -> None:
    flags = [rater_flag("R1"), rater_flag("R2", kind="SEVERE", effect=-0.5)]
    first = trail.start_run("audit-bot", "data/raw", {"alpha": 0.05})
    assert trail.record_flags(first, flags).new == 2
    second = trail.start_run("audit-bot", "data/raw", {"alpha": 0.05})
    again = [rater_flag("R1", q_value=0.002), rater_flag("R3")]
    result = trail.record_flags(second, again)
    assert (result.new, result.seen_again) == (1, 1)
    assert counts() == {"audit_runs": 2, "flags": 3, "flag_observations": 4, "reviews": 0}
    view = trail.flag(rater_flag("R1").flag_id)
    assert (view.first_run_id, view.run_id, view.observations) == (first, second, 2)
    assert view.q_value == 0.002
    assert view.evidence == {"mean_residual": 0.5, "ratees": 24}


def test_a_run_counts_the_flags_it_raised(trail: ReviewTrail, engine: Engine) -> None:
    run_id = trail.start_run("audit-bot", "data/raw", {"alpha": 0.05, "min_effect": 0.2})
    trail.record_flags(run_id, [rater_flag("R1"), rater_flag("R2")])
    trail.record_flags(run_id, [rater_flag("R2"), rater_flag("R3")])
    with session_factory(engine)() as session:
        run = session.get(AuditRun, run_id)
    assert run is not None
    assert run.flags_raised == 3
    assert run.parameters == {"alpha": 0.05, "min_effect": 0.2}
    assert run.started_at.tzinfo is not None


def test_review_flow_status_follows_the_latest_decision(trail: ReviewTrail) -> None:
    flag_id = rater_flag("R1").flag_id
    first = trail.start_run("audit-bot", "data/raw", {})
    trail.record_flags(first, [rater_flag("R1")])
    second = trail.start_run("ani", "data/raw", {})
    trail.record_flags(second, [rater_flag("R1", q_value=0.03)])
    assert trail.status(flag_id) == OPEN

    confirmed = trail.review(flag_id, "CONFIRMED", "  ratings far above KPI attainment ", "budi")
    assert confirmed.reason == "ratings far above KPI attainment"
    assert trail.status(flag_id) == "CONFIRMED"
    trail.review(flag_id, "NEEDS_INFO", "rater rotated units mid-year; ask BKD", "citra")
    assert trail.status(flag_id) == "NEEDS_INFO"
    assert trail.flag(flag_id).reviews == 2

    events = trail.trail(flag_id)
    assert [e.event for e in events] == ["RAISED", "OBSERVED", "REVIEWED", "REVIEWED"]
    assert [e.by for e in events] == ["audit-bot", "ani", "budi", "citra"]
    assert [e.run_id for e in events] == [first, second, None, None]
    assert [e.decision for e in events] == [None, None, "CONFIRMED", "NEEDS_INFO"]
    assert events[3].reason == "rater rotated units mid-year; ask BKD"
    assert [e.q_value for e in events[:2]] == [0.01, 0.03]
    # the clock ticks once per run start, per record and per review
    assert [e.at for e in events] == [START + timedelta(minutes=m) for m in (2, 4, 5, 6)]
    assert all(e.at.tzinfo == UTC for e in events)


def test_times_are_kept_as_utc_whatever_the_clock_zone(engine: Engine) -> None:
    wib = timezone(timedelta(hours=7))  # Waktu Indonesia Barat
    trail = ReviewTrail(session_factory(engine), now=Clock(datetime(2025, 3, 1, 9, tzinfo=wib)))
    trail.record_flags(trail.start_run("audit-bot", "d", {}), [rater_flag("R1")])
    event = trail.review(rater_flag("R1").flag_id, "DISMISSED", "rotation explains it", "ani")
    assert event.reviewed_at == datetime(2025, 3, 1, 2, 3, tzinfo=UTC)
    assert event.reviewed_at.tzinfo == UTC
    assert trail.trail(event.flag_id)[-1].at == event.reviewed_at


def test_a_naive_clock_is_refused(engine: Engine) -> None:
    trail = ReviewTrail(session_factory(engine), now=lambda: datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        trail.start_run("audit-bot", "d", {})


@pytest.mark.parametrize(
    ("decision", "reason", "reviewer", "field"),
    [
        ("MAYBE", "a reason", "ani", "decision"),
        ("confirmed", "a reason", "ani", "decision"),
        ("OPEN", "a reason", "ani", "decision"),
        ("CONFIRMED", "", "ani", "reason"),
        ("CONFIRMED", "   ", "ani", "reason"),
        ("CONFIRMED", "a reason", "", "reviewer"),
    ],
)
def test_a_bad_review_names_the_field_and_writes_nothing(
    trail: ReviewTrail, counts: Counts, decision: str, reason: str, reviewer: str, field: str
) -> None:
    trail.record_flags(trail.start_run("audit-bot", "d", {}), [rater_flag("R1")])
    before = counts()
    with pytest.raises(ReviewError, match=f"^{field} "):
        trail.review(rater_flag("R1").flag_id, decision, reason, reviewer)
    assert counts() == before
    assert trail.status(rater_flag("R1").flag_id) == OPEN


def test_an_unknown_flag_is_named_and_nothing_is_written(
    trail: ReviewTrail, counts: Counts
) -> None:
    trail.record_flags(trail.start_run("audit-bot", "d", {}), [rater_flag("R1")])
    before = counts()
    with pytest.raises(UnknownFlagError, match="no-such-flag") as raised:
        trail.review("no-such-flag", "CONFIRMED", "a reason", "ani")
    assert isinstance(raised.value, KeyError)
    assert raised.value.flag_id == "no-such-flag"
    assert counts() == before
    for read in (trail.status, trail.trail, trail.flag):
        with pytest.raises(UnknownFlagError):
            read("no-such-flag")


def test_recording_refuses_bad_batches_and_writes_nothing(
    trail: ReviewTrail, counts: Counts
) -> None:
    run_id = trail.start_run("audit-bot", "d", {})
    trail.record_flags(run_id, [rater_flag("R1")])
    before = counts()
    with pytest.raises(UnknownRunError, match="nope"):
        trail.record_flags("nope", [rater_flag("R2")])
    with pytest.raises(ValueError, match="twice"):
        trail.record_flags(run_id, [rater_flag("R2"), rater_flag("R2")])
    clash = rater_flag("R9", flag_id=rater_flag("R1").flag_id)  # same id, other subject
    with pytest.raises(ValueError, match="stable id names one identity"):
        trail.record_flags(run_id, [rater_flag("R2"), clash])
    assert counts() == before


def test_a_flag_record_checks_itself() -> None:
    with pytest.raises(ValueError, match="family"):
        rater_flag("R1", family="RATERS")
    with pytest.raises(ValueError, match="flag_id"):
        rater_flag("R1", flag_id="x" * 41)
    with pytest.raises(ValueError, match="subject"):
        rater_flag(" ")
    record = rater_flag("R1", q_value=math.nan, n=7.0)
    assert record.q_value is None
    assert record.n == 7
    assert stable_flag_id("RATER", "LENIENT", "R1", None) == record.flag_id
    assert re.fullmatch(r"[0-9a-f]{40}", record.flag_id)


@pytest.fixture
def reviewed(trail: ReviewTrail) -> ReviewTrail:
    """Seven flags over two agencies and regions; R1 and G1 reviewed."""
    run_id = trail.start_run("audit-bot", "data/raw", {})
    flags = [
        rater_flag("R1", q_value=0.04),
        rater_flag("R2", q_value=0.001),
        rater_flag("R3", kind="SEVERE", q_value=0.02, agency_id="A02"),
        rater_flag("R4", kind="SEVERE", q_value=0.02, agency_id="A02", region="BALI"),
        rater_flag("R5", q_value=None, region="BALI"),
        rater_flag(
            "R1", family="DIFFERENTIAL", kind="DIFFERENTIAL", group_label="gender=P", q_value=0.03
        ),
        FlagRecord(
            flag_id="G1", family="GROUP", kind="DISPARITY", subject="gender", group_label="gender=P"
        ),
    ]
    trail.record_flags(run_id, flags)
    trail.review(rater_flag("R1").flag_id, "NEEDS_INFO", "ask for the KPI sheets", "ani")
    trail.review(rater_flag("R1").flag_id, "CONFIRMED", "KPI sheets came back low", "ani")
    trail.review("G1", "DISMISSED", "explained by position mix", "budi")
    return trail


def subjects(trail: ReviewTrail, **filters: str) -> list[str]:
    return [f"{v.family}:{v.subject}" for v in trail.flags(limit=100, **filters).items]


def test_flags_are_ordered_by_q_value_then_id(reviewed: ReviewTrail) -> None:
    page = reviewed.flags()
    assert page.total == 7
    q_values = [v.q_value for v in page.items]
    assert q_values == [0.001, 0.02, 0.02, 0.03, 0.04, None, None]
    ties = [v.flag_id for v in page.items if v.q_value == 0.02]
    assert ties == sorted(ties)
    assert [v.flag_id for v in page.items[-2:]] == sorted(v.flag_id for v in page.items[-2:])


def test_filters(reviewed: ReviewTrail) -> None:
    assert subjects(reviewed, kind="SEVERE") == ["RATER:R3", "RATER:R4"]
    assert subjects(reviewed, agency_id="A02", region="BALI") == ["RATER:R4"]
    assert subjects(reviewed, family="DIFFERENTIAL") == ["DIFFERENTIAL:R1"]
    assert subjects(reviewed, family="GROUP", kind="DISPARITY") == ["GROUP:gender"]
    assert subjects(reviewed, status="CONFIRMED") == ["RATER:R1"]
    assert subjects(reviewed, status="DISMISSED") == ["GROUP:gender"]
    assert subjects(reviewed, status="NEEDS_INFO") == []
    assert len(subjects(reviewed, status=OPEN)) == 5
    assert subjects(reviewed, status=OPEN, region="BALI") == ["RATER:R4", "RATER:R5"]
    assert reviewed.flags(family="PREDIKAT").total == 0


def test_a_flag_view_carries_status_and_counts(reviewed: ReviewTrail) -> None:
    (view,) = reviewed.flags(status="CONFIRMED").items
    assert (view.status, view.reviews, view.observations) == ("CONFIRMED", 2, 1)
    assert (view.n, view.effect, view.ci_low, view.ci_high) == (24, 0.45, 0.2, 0.7)
    assert view.created_at.tzinfo == UTC
    assert view.observed_at == view.created_at


def test_pagination_is_stable_and_counts_every_match(reviewed: ReviewTrail) -> None:
    everything = [v.flag_id for v in reviewed.flags(limit=100).items]
    pages = [reviewed.flags(limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert [p.total for p in pages] == [7, 7, 7, 7]
    assert [len(p.items) for p in pages] == [3, 3, 1, 0]
    assert [v.flag_id for p in pages for v in p.items] == everything
    open_page = reviewed.flags(status=OPEN, limit=2, offset=4)
    assert (open_page.total, len(open_page.items)) == (5, 1)


def test_bad_page_arguments(reviewed: ReviewTrail) -> None:
    with pytest.raises(ValueError, match="status"):
        reviewed.flags(status="CLOSED")
    with pytest.raises(ValueError, match="limit"):
        reviewed.flags(limit=0)
    with pytest.raises(ValueError, match="offset"):
        reviewed.flags(offset=-1)


def test_the_trail_is_append_only(
    trail: ReviewTrail, counts: Counts, statements: list[str]
) -> None:
    seen = [counts()]
    for run in range(3):
        run_id = trail.start_run("audit-bot", "data/raw", {"run": run})
        seen.append(counts())
        trail.record_flags(run_id, [rater_flag(f"R{i}") for i in range(run, run + 3)])
        seen.append(counts())
        trail.review(rater_flag(f"R{run}").flag_id, "NEEDS_INFO", "ask the unit", "ani")
        seen.append(counts())
        trail.review(rater_flag(f"R{run}").flag_id, "DISMISSED", "the unit explained", "budi")
        seen.append(counts())
    for before, after in itertools.pairwise(seen):
        assert all(after[table] >= before[table] for table in before)
    assert seen[-1] == {"audit_runs": 3, "flags": 5, "flag_observations": 9, "reviews": 6}
    changes = [s for s in statements if re.match(r"\s*(UPDATE|DELETE)\b", s, re.IGNORECASE)]
    assert changes, "the runs' flags_raised is updated"
    assert all(re.match(r"\s*UPDATE audit_runs\b", s, re.IGNORECASE) for s in changes)


def test_thousands_of_flags_are_recorded_in_a_few_statements(
    trail: ReviewTrail, statements: list[str]
) -> None:
    """3,000 flags in two runs go in as batches, not one statement per flag (which made a
    national audit take minutes); the speed itself is in bench/, not asserted here."""
    flags = [rater_flag(f"R{i:05d}", q_value=i / 5000) for i in range(3000)]
    for _ in range(2):
        run_id = trail.start_run("audit-bot", "data/raw", {})
        trail.record_flags(run_id, flags)
    written = [s for s in statements if re.match(r"\s*(INSERT|UPDATE)\b", s, re.IGNORECASE)]
    assert 0 < len(written) < 100, len(written)
    page = trail.flags(limit=10, offset=2990)
    assert page.total == 3000
    assert all(v.observations == 2 for v in page.items)


def test_the_latest_run_is_the_last_started_with_its_parameters(trail: ReviewTrail) -> None:
    assert trail.latest_run() is None
    trail.start_run("audit-bot", "data/raw", {"coverage": [], "design": {"raters": 0}})
    last = trail.start_run("committee", "data/raw", {"coverage": [{"family": "RATER"}]})
    trail.record_flags(last, [rater_flag("R1")])
    run = trail.latest_run()
    assert run is not None
    assert (run.run_id, run.started_by, run.flags_raised) == (last, "committee", 1)
    assert run.parameters == {"coverage": [{"family": "RATER"}]}
