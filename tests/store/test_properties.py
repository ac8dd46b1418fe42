"""Whatever sequence of runs and reviews happens, a flag's status is its last review's decision,
or OPEN, and its trail holds every event in order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml.store import OPEN, STATUSES, Decision, ReviewTrail, UnknownFlagError
from tests.store.factories import rater_flag

FLAGS = 4


@dataclass(frozen=True)
class Run:
    """An audit run that raises these flags (by index)."""

    flags: frozenset[int]


@dataclass(frozen=True)
class Decide:
    """A review of one flag (which may not have been raised yet)."""

    flag: int
    decision: Decision


index = st.integers(0, FLAGS - 1)
operations = st.lists(
    st.one_of(
        st.builds(Run, st.frozensets(index, max_size=FLAGS)),
        st.builds(Decide, index, st.sampled_from(list(Decision))),
    ),
    max_size=8,
)


# One database per test, not per example: each example works in an agency of its own.
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=operations)
def test_status_is_the_last_decision(trail: ReviewTrail, operations: list[Run | Decide]) -> None:
    agency = uuid.uuid4().hex[:12]

    def flag(i: int) -> str:
        return rater_flag(f"{agency}-R{i}", agency_id=agency).flag_id

    raised: set[int] = set()
    observations: dict[int, int] = {}
    decisions: dict[int, list[str]] = {}
    for operation in operations:
        if isinstance(operation, Run):
            run_id = trail.start_run("audit-bot", "data/raw", {})
            result = trail.record_flags(
                run_id,
                [rater_flag(f"{agency}-R{i}", agency_id=agency) for i in sorted(operation.flags)],
            )
            assert (result.new, result.seen_again) == (
                len(operation.flags - raised),
                len(operation.flags & raised),
            )
            raised |= operation.flags
            for i in operation.flags:
                observations[i] = observations.get(i, 0) + 1
        elif operation.flag in raised:
            trail.review(flag(operation.flag), operation.decision, "a reason", "member")
            decisions.setdefault(operation.flag, []).append(operation.decision.value)
        else:
            with pytest.raises(UnknownFlagError):
                trail.review(flag(operation.flag), operation.decision, "a reason", "member")

    expected = {i: decisions.get(i, [OPEN])[-1] for i in raised}
    for i, status in expected.items():
        assert trail.status(flag(i)) == status
        events = trail.trail(flag(i))
        assert [e.event for e in events].count("REVIEWED") == len(decisions.get(i, []))
        assert [e.decision for e in events if e.event == "REVIEWED"] == decisions.get(i, [])
        assert len(events) - len(decisions.get(i, [])) == observations[i]
        assert events[0].event == "RAISED"
        assert [e.at for e in events] == sorted(e.at for e in events)
    for status in STATUSES:
        page = trail.flags(agency_id=agency, status=status, limit=FLAGS)
        assert sorted(v.flag_id for v in page.items) == sorted(
            flag(i) for i, s in expected.items() if s == status
        )
        assert page.total == len(page.items)
