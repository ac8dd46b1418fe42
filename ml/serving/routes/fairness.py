"""The fairness audit's flags and the committee's reviews: the merit committee alone."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from ml.serving import service
from ml.serving.access import reads
from ml.serving.deps import StateDep
from ml.serving.roles import Permission
from ml.serving.routes.employees import ERRORS
from ml.serving.schemas import (
    NO_NUL,
    CoveragePublic,
    FlagsPublic,
    ReviewCreate,
    ReviewPublic,
    Status,
)
from ml.store.keys import KeyInfo
from ml.store.records import FAMILIES

router = APIRouter(prefix="/api/v1/fairness", tags=["fairness"])

FlagId = Annotated[
    str, Path(min_length=1, max_length=40, pattern=NO_NUL, examples=["RATER-LENIENT-3f2a9c"])
]
Family = Annotated[
    str | None,
    Query(max_length=40, pattern=NO_NUL, description=f"one of {', '.join(FAMILIES)}"),
]
Committee = Annotated[KeyInfo, Depends(reads(Permission.FAIRNESS, "flags"))]
Auditors = Annotated[KeyInfo, Depends(reads(Permission.FAIRNESS, "coverage"))]
Reviewer = Annotated[KeyInfo, Depends(reads(Permission.FAIRNESS, "flag", "flag_id"))]
FLAG_ERRORS = {**ERRORS, 404: {**ERRORS[404], "description": "no such flag"}}


@router.get("/flags", response_model=FlagsPublic, responses=FLAG_ERRORS)
def get_flags(
    key: Committee,
    state: StateDep,
    kind: Annotated[str | None, Query(max_length=40, pattern=NO_NUL, examples=["LENIENT"])] = None,
    family: Family = None,
    agency: Annotated[str | None, Query(max_length=100, pattern=NO_NUL, examples=["BKN"])] = None,
    region: Annotated[
        str | None, Query(max_length=100, pattern=NO_NUL, examples=["JAKARTA"])
    ] = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Flags matching every filter, most significant first, one page at a time."""
    return service.flags(
        state, kind=kind, family=family, agency=agency, region=region, status=status,
        limit=limit, offset=offset,
    )  # fmt: skip


@router.get("/coverage", response_model=CoveragePublic, responses=ERRORS)
def get_coverage(key: Auditors, state: StateDep) -> dict[str, Any]:
    """What the latest audit run could and could not examine (families that ran, those that
    could not and why: no rater ids, an attribute empty, too few per group) and the design it
    saw (appraisals, raters, raters per person and period, roles)."""
    return service.coverage(state)


@router.post(
    "/flags/{flag_id}/reviews", response_model=ReviewPublic, status_code=201, responses=FLAG_ERRORS
)
def post_review(
    flag_id: FlagId, body: ReviewCreate, key: Reviewer, state: StateDep
) -> dict[str, Any]:
    """Record the committee's decision on a flag, with its reason; returns the flag's whole
    trail. Reviews are append-only: a later review supersedes, nothing is edited."""
    return service.review(state, flag_id, body.decision, body.reason, key)
