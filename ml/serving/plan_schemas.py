"""The API's schema family for saved plans: ``PlanCreate`` in, ``SavedPlanPublic`` and
``SavedPlansPublic{data, count}`` out, a status step, a comparison."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ml.serving.schemas import NO_NUL, PlanRequest

PlanId = Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]


class PlanCreate(PlanRequest):
    """A plan to make and save as a draft: the unit, the plan's inputs, and (for a new version
    of a saved plan) the plan it is made from."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"unit_id": "BKN-U0001", "budget_idr": "50 juta", "pinned": []}]
        }
    )
    unit_id: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    parent_id: PlanId | None = Field(
        default=None, description="the saved plan this is the next version of"
    )


class PlanEventPublic(BaseModel):
    status: Literal["draft", "proposed", "approved", "returned"]
    actor: str
    actor_key: str
    note: str | None
    at: datetime


class SavedPlanPublic(BaseModel):
    plan_id: str
    lineage_id: str = Field(description="the first version's plan_id: the plan's versions share it")
    version: int
    parent_id: str | None
    agency_id: str | None
    unit_id: str
    unit_name: str | None
    status: Literal["draft", "proposed", "approved", "returned"]
    created_by: str
    created_at: datetime
    inputs: dict[str, Any]
    total_cost: float | None
    total_gain: float | None
    places: int
    result: dict[str, Any] = Field(description="the optimiser's answer as saved (a PlanPublic)")
    events: list[PlanEventPublic]


class SavedPlansPublic(BaseModel):
    data: list[SavedPlanPublic]
    count: int = Field(description="plans matching, over all pages")


class PlanStep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["proposed", "approved", "returned"]
    note: str | None = Field(
        default=None, max_length=2000, pattern=NO_NUL, description="why; required to return"
    )


class TotalsPublic(BaseModel):
    cost_idr: float
    jp: float
    expected_gain: float
    places: int
    people: int


class PersonChangePublic(BaseModel):
    employee_id: str
    change: Literal["gains", "loses", "changes"]
    programs_a: list[str]
    programs_b: list[str]
    jp_a: float
    jp_b: float


class ComparisonPublic(BaseModel):
    a: str
    b: str
    totals_a: TotalsPublic
    totals_b: TotalsPublic
    difference: TotalsPublic = Field(description="b minus a")
    people: list[PersonChangePublic]
