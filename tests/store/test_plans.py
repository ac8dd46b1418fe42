"""Plans as documents on SQLite and PostgreSQL: saved as drafts, versioned, moved through the
status trail with four-eyes approval, and never changed in the database."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from ml.store import session_factory
from ml.store.keys import ApiKeyError, Keys
from ml.store.plans import (
    APPROVED,
    DRAFT,
    PROPOSED,
    RETURNED,
    TRANSITIONS,
    Actor,
    FourEyesError,
    Plans,
    PlanStoreError,
    UnknownPlanError,
)
from tests.store.factories import Clock

ANI = Actor("Ani", "k-ani")
BUDI = Actor("Budi", "k-budi")
INPUTS = {"budget_idr": 50_000_000, "minimum_jp": 20, "pinned": ["E1"], "hard_minimum": True}
RESULT = {"total_cost": 48_500_000.0, "assignments": [{"employee_id": "E1", "jp": 24}]}


@pytest.fixture
def plans(engine: Engine, clock: Clock) -> Plans:
    return Plans(session_factory(engine), now=clock)


def save(plans: Plans, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "unit_id": "U1",
        "agency_id": "BKN",
        "unit_name": "Bagian Umum",
        "inputs": INPUTS,
        "result": RESULT,
        "author": ANI,
    }
    return plans.save(**{**values, **overrides})


def test_a_saved_plan_is_a_draft_with_its_inputs_and_result(plans: Plans) -> None:
    plan = save(plans)
    again = plans.get(plan.plan_id)
    assert again.status == DRAFT and again.version == 1 and again.lineage_id == plan.plan_id
    assert again.inputs == INPUTS and again.result == RESULT
    assert again.created_by == "Ani (k-ani)" and again.events[0].actor == "Ani (k-ani)"
    assert again.created_at.tzinfo is not None


def test_a_new_version_keeps_the_lineage_and_counts_up(plans: Plans) -> None:
    first = save(plans)
    second = save(plans, parent_id=first.plan_id, inputs={**INPUTS, "budget_idr": 60e6})
    third = save(plans, parent_id=first.plan_id)  # from an older version: still the next number
    assert (second.version, third.version) == (2, 3)
    assert {second.lineage_id, third.lineage_id} == {first.plan_id}
    assert [p.version for p in plans.versions(first.plan_id)] == [1, 2, 3]
    assert plans.get(first.plan_id).inputs == INPUTS  # the first version unchanged


def test_a_version_must_stay_in_its_unit(plans: Plans) -> None:
    first = save(plans)
    with pytest.raises(PlanStoreError, match="parent_id"):
        save(plans, unit_id="U2", parent_id=first.plan_id)
    with pytest.raises(UnknownPlanError):
        save(plans, parent_id="nope")


def test_four_eyes_the_author_cannot_approve_another_planner_can(plans: Plans) -> None:
    plan = save(plans)
    plans.move(plan.plan_id, PROPOSED, ANI)
    with pytest.raises(FourEyesError, match="four-eyes"):
        plans.move(plan.plan_id, APPROVED, ANI)
    assert plans.get(plan.plan_id).status == PROPOSED
    approved = plans.move(plan.plan_id, APPROVED, BUDI, "sesuai pagu")
    assert approved.status == APPROVED
    assert approved.decided is not None and approved.decided.actor == "Budi (k-budi)"
    assert [e.status for e in approved.events] == [DRAFT, PROPOSED, APPROVED]


def test_returning_needs_a_reason_and_a_second_person(plans: Plans) -> None:
    plan = save(plans)
    plans.move(plan.plan_id, PROPOSED, ANI)
    with pytest.raises(FourEyesError):
        plans.move(plan.plan_id, RETURNED, ANI, "mine")
    with pytest.raises(PlanStoreError, match="note"):
        plans.move(plan.plan_id, RETURNED, BUDI)
    back = plans.move(plan.plan_id, RETURNED, BUDI, "anggaran terlalu besar")
    assert back.status == RETURNED and back.events[-1].note == "anggaran terlalu besar"
    assert plans.move(plan.plan_id, PROPOSED, ANI).status == PROPOSED


@pytest.mark.parametrize(
    ("path", "refused"),
    [((), APPROVED), ((), RETURNED), ((PROPOSED, APPROVED), PROPOSED), ((), DRAFT)],
)
def test_moves_outside_the_trail_are_refused(
    plans: Plans, path: tuple[str, ...], refused: str
) -> None:
    plan = save(plans)
    for status in path:
        plans.move(plan.plan_id, status, BUDI if status == APPROVED else ANI)
    with pytest.raises(PlanStoreError, match="cannot become"):
        plans.move(plan.plan_id, refused, BUDI, "x")


def test_listing_by_unit_and_agency(plans: Plans) -> None:
    mine = save(plans, unit_id="U-LIST", agency_id="BKN")
    other = save(plans, unit_id="U-OTHER", agency_id="KEMENKES")
    found, total = plans.listing(unit_id="U-LIST")
    assert [p.plan_id for p in found] == [mine.plan_id] and total == 1
    scoped, _ = plans.listing(agencies=["KEMENKES"])
    assert [p.plan_id for p in scoped] == [other.plan_id]
    assert plans.listing(agencies=[])[1] == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE plans SET inputs = '{}'",
        "DELETE FROM plans",
        "UPDATE plan_events SET status = 'approved'",
        "DELETE FROM plan_events",
    ],
)
def test_the_database_refuses_to_change_a_plan(
    plans: Plans, engine: Engine, statement: str
) -> None:
    save(plans)
    table = statement.split()[2] if statement.startswith("DELETE") else statement.split()[1]
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), engine.begin() as c:
        c.execute(text(statement))


def test_keys_bound_to_agencies(engine: Engine) -> None:
    keys = Keys(session_factory(engine))
    made = keys.create("planner", "Ani", [" bkn", "BKN", "kemenkes"])
    assert made.info.agencies == ("BKN", "KEMENKES")
    assert keys.authenticate(made.key) == made.info
    assert keys.create("planner", "Budi").info.agencies is None
    with pytest.raises(ApiKeyError, match="agency"):
        keys.create("planner", "Citra", [" "])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.sampled_from([PROPOSED, APPROVED, RETURNED, DRAFT]), max_size=6))
def test_any_sequence_of_moves_keeps_a_valid_trail(plans: Plans, steps: list[str]) -> None:
    plan = save(plans)
    for status in steps:
        actor = BUDI if status in (APPROVED, RETURNED) else ANI
        before = plans.get(plan.plan_id)
        try:
            plans.move(plan.plan_id, status, actor, "alasan")
        except PlanStoreError:
            assert status not in before.next_statuses()
            assert plans.get(plan.plan_id).events == before.events
        else:
            assert status in before.next_statuses()
    trail = plans.get(plan.plan_id).events
    assert trail[0].status == DRAFT
    assert all(b.status in TRANSITIONS[a.status] for a, b in itertools.pairwise(trail))
    assert [e.at for e in trail] == sorted(e.at for e in trail)
