"""A unit's optimised training plan under a budget of money and JP."""

from __future__ import annotations

from functools import cache, partial
from typing import Annotated, Any, Literal

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Depends, Path, Query

from ml.recommend.plan import PlanLimits
from ml.serving import scope, service
from ml.serving.access import reads
from ml.serving.deps import ChampionDep, SnapshotDep, StateDep
from ml.serving.roles import Permission
from ml.serving.routes.employees import ERRORS
from ml.serving.schemas import NO_NUL, PlanPublic, PlanRequest, UnitsPublic
from ml.store.keys import KeyInfo

router = APIRouter(prefix="/api/v1/units", tags=["units"])

Planner = Annotated[KeyInfo, Depends(reads(Permission.PLAN_UNITS, "unit", "unit_id"))]


# Solves may take seconds (up to ``time_limit_s``): at most this many at once, in threads of
# their own, so that they never hold the threads the fast routes share (app.WORKER_THREADS).
CONCURRENT_PLANS = 2


@cache
def _plan_threads() -> CapacityLimiter:
    return CapacityLimiter(CONCURRENT_PLANS)  # made on first use, inside the event loop


UnitLister = Annotated[
    KeyInfo, Depends(reads(Permission.PLAN_UNITS, "unit-list", query_params=("q", "sort")))
]


@router.get("", response_model=UnitsPublic, responses=ERRORS)
def list_units(
    key: UnitLister,
    state: StateDep,
    served: SnapshotDep,
    q: Annotated[
        str, Query(max_length=100, pattern=NO_NUL, description="part of the id, name or agency")
    ] = "",
    sort: Annotated[
        Literal["need", "shortfall", "headcount", "name"],
        Query(description="need: employees with a known gap; shortfall: JP lacking"),
    ] = "need",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 25,
) -> dict[str, Any]:
    """The units with their names, head-count, how many have a known competency gap and how
    many ended the last complete year short of the JP minimum (and by how much), sorted and
    paged."""
    found = state.directory(served).unit_list(q, sort, page, per_page, scope.agencies(key))
    return service.page_of(found, [u.__dict__ for u in found.items])


@router.post("/{unit_id}/training-plan", response_model=PlanPublic, responses=ERRORS)
async def post_training_plan(
    unit_id: Annotated[
        str, Path(min_length=1, max_length=100, pattern=NO_NUL, examples=["BKN-U0001"])
    ],
    body: PlanRequest,
    key: Planner,
    state: StateDep,
    served: SnapshotDep,
    loaded: ChampionDep,
) -> dict[str, Any]:
    """The plan that closes the most expected competency gap within the budget and the JP
    limits (an integer programme solved by HiGHS), with who stays short of the yearly minimum
    and why."""
    limits = PlanLimits(**body.model_dump())
    solve = partial(service.unit_plan, state, served, loaded, unit_id, limits, key)
    return await to_thread.run_sync(solve, limiter=_plan_threads())
