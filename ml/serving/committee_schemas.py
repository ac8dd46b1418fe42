"""Bodies of the committee's API (``routes/committee.py``): sessions, decisions with adjusted
predikat and follow-ups. Same families as ``ml.serving.schemas``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ml.serving.schemas import visible_text
from ml.store.records import Decision

VISIBLE = r"^[^\x00]*[^\s\x00][^\x00]*$"  # something besides whitespace, and no NUL
Name = Annotated[
    str, AfterValidator(visible_text), Field(min_length=1, max_length=200, pattern=VISIBLE)
]
Code = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:/-]+$")]
Period = Annotated[str, Field(pattern=r"^[0-9]{4}(-[0-9]{2})?$", examples=["2025"])]
SessionId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
FlagId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")]
Predikat = Literal["SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"]


class SessionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"held_on": "2026-12-01", "members": ["Ani Wijaya", "Budi Santoso"],
                 "agency_id": "A01", "period": "2025"}
            ]
        },
    )  # fmt: skip
    held_on: date
    members: list[Name] = Field(min_length=1, max_length=50)
    agency_id: Code | None = None
    unit_id: Code | None = None
    period: Period | None = None


class SessionPublic(BaseModel):
    session_id: str
    held_on: date
    members: list[str]
    agency_id: str | None
    unit_id: str | None
    period: str | None
    created_by: str
    created_at: datetime
    decided: int = Field(description="reviews decided in the session")


class SessionsPublic(BaseModel):
    data: list[SessionPublic]
    count: int


class AdjustmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    employee_id: Code
    period: Period
    adjusted_predikat: Predikat
    original_predikat: Predikat | None = None


class FollowUpCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee: Name
    due_on: date
    note: Annotated[str, Field(max_length=4000, pattern=r"^[^\x00]*$")] | None = None


class DecisionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"flag_ids": ["3f2a9c"], "decision": "CONFIRMED",
                 "reason": "ratings far above KPI attainment, 3 years",
                 "adjustments": [{"employee_id": "198001012000011001", "period": "2025",
                                  "original_predikat": "SANGAT_BAIK",
                                  "adjusted_predikat": "BAIK"}],
                 "follow_up": {"assignee": "Sekretariat BKPSDM", "due_on": "2027-01-15"}}
            ]
        },
    )  # fmt: skip
    flag_ids: list[FlagId] = Field(min_length=1, max_length=500)
    decision: Decision
    reason: Annotated[str, AfterValidator(visible_text)] = Field(
        min_length=1, max_length=4000, pattern=VISIBLE
    )
    session_id: SessionId | None = None
    adjustments: list[AdjustmentCreate] = Field(default_factory=list, max_length=50)
    follow_up: FollowUpCreate | None = None


class DecisionPublic(BaseModel):
    review_id: int
    flag_id: str
    family: str
    kind: str
    subject: str
    group_label: str | None
    decision: str
    reason: str
    reviewer: str
    reviewed_at: datetime
    session_id: str | None


class DecisionsPublic(BaseModel):
    data: list[DecisionPublic]
    count: int


class AdjustmentPublic(BaseModel):
    id: int
    employee_id: str
    period: str
    original_predikat: str | None
    adjusted_predikat: str
    reason: str
    adjusted_by: str
    adjusted_at: datetime
    flag_id: str | None
    review_id: int | None
    session_id: str | None
    current: bool = Field(
        description="false once a later adjustment of the appraisal supersedes it"
    )


class FollowUpPublic(BaseModel):
    id: int
    flag_id: str
    assignee: str
    due_on: date
    note: str | None
    created_by: str
    created_at: datetime
    review_id: int | None
    session_id: str | None


class FollowUpsPublic(BaseModel):
    data: list[FollowUpPublic]
    count: int


class SessionDetail(SessionPublic):
    decisions: list[DecisionPublic]
    adjustments: list[AdjustmentPublic]
    follow_ups: list[FollowUpPublic]
