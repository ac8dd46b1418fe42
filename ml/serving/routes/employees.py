"""An employee's deterministic profile and the model's recommendations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from ml.serving import scope, service
from ml.serving.access import reads
from ml.serving.deps import ChampionDep, SnapshotDep, StateDep
from ml.serving.roles import Permission
from ml.serving.schemas import (
    NO_NUL,
    Message,
    PeoplePublic,
    ProfilePublic,
    RecommendationsPublic,
)
from ml.store.keys import KeyInfo

router = APIRouter(prefix="/api/v1/employees", tags=["employees"])

EmployeeId = Annotated[
    str, Path(min_length=1, max_length=100, pattern=NO_NUL, examples=["197601152003091001"])
]
Reader = Annotated[KeyInfo, Depends(reads(Permission.READ_EMPLOYEES, "employee", "employee_id"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Message, "description": "missing or invalid API key"},
    403: {"model": Message, "description": "the key's role may not read employees"},
    404: {"model": Message, "description": "no such employee in the served snapshot"},
    503: {"model": Message, "description": "no snapshot or model yet"},
}


Searcher = Annotated[
    KeyInfo,
    Depends(reads(Permission.READ_EMPLOYEES, "employee-search", query_params=("q", "unit"))),
]
SearchText = Annotated[str, Query(max_length=100, pattern=NO_NUL)]


@router.get("", response_model=PeoplePublic, responses=ERRORS)
def search_employees(
    key: Searcher,
    state: StateDep,
    served: SnapshotDep,
    q: Annotated[
        str, Query(max_length=100, pattern=NO_NUL, description="name or (partial) NIP")
    ] = "",
    unit: Annotated[
        str, Query(max_length=100, pattern=NO_NUL, description="unit id or part of its name")
    ] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """People by name (every word must match the start of a word of the name, titles
    included), by NIP (whole or in part, with or without the spaces of ``19850312 201001 1
    002``) and by unit; best match first, then by name. The search is logged."""
    found = state.directory(served).search(q, unit, page, per_page, scope.agencies(key))
    return service.page_of(found, [p.public() for p in found.items])


@router.get("/{employee_id}/profile", response_model=ProfilePublic, responses=ERRORS)
def get_profile(
    employee_id: EmployeeId, key: Reader, state: StateDep, served: SnapshotDep
) -> dict[str, Any]:
    """The deterministic core only: predikat history, competency levels and gaps, JPM and its
    category, 9-box, JP this year and last with the shortfall. Protected attributes are added
    for the committee role alone."""
    return service.profile(service.employee(state, served, employee_id, key), key)


@router.get(
    "/{employee_id}/recommendations", response_model=RecommendationsPublic, responses=ERRORS
)
def get_recommendations(
    employee_id: EmployeeId,
    key: Reader,
    state: StateDep,
    served: SnapshotDep,
    loaded: ChampionDep,
    programs: Annotated[int, Query(ge=0, le=50, description="programmes to rank")] = 5,
    reasons: Annotated[int, Query(ge=1, le=20, description="reasons per competency")] = 3,
) -> dict[str, Any] | Response:
    """Per competency the need probability beside the deterministic gap, with its top reasons
    (exact TreeSHAP, in log-odds: baseline + reasons + other = log_odds), the ranked programmes,
    and which model answered (name, version, alias)."""
    if scope.agencies(key) is not None:  # a bound key: the agency is checked on the record first
        service.employee(state, served, employee_id, key)
    # computed by `talenta score` for the model serving now: sent as stored, not recomputed
    stored = service.stored_recommendations(state, served, loaded, employee_id, programs, reasons)
    if stored is not None:
        return Response(stored, media_type="application/json")
    record = service.employee(state, served, employee_id, key)
    return service.recommendations(record, served, loaded, programs=programs, reasons=reasons)
