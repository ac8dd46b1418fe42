"""Request and response bodies of the API (pydantic), in the full-stack template's families:
``XPublic`` what is returned, ``XCreate``/``XRequest`` what is sent, ``XsPublic{data, count}``
for lists. The examples appear in the OpenAPI docs at ``/docs``."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from ml.recommend.money import RupiahError, parse_rupiah
from ml.store.records import Decision, FlagView, Status

# Text that reaches a query or the store has no NUL character: PostgreSQL refuses one in text
# (a 500), SQLite's length() stops at it, and nothing legitimate holds one.
NO_NUL = r"^[^\x00]*$"


class Message(BaseModel):
    detail: str


class Health(BaseModel):
    status: Literal["ok"]


class ReadyCheck(BaseModel):
    name: str
    ok: bool
    detail: str


class Ready(BaseModel):
    ready: bool
    checks: list[ReadyCheck]


# --- employees: the deterministic profile ---------------------------------------------------


class PredikatPeriod(BaseModel):
    period: str = Field(examples=["2025"])
    hasil_kerja_rating: str = Field(examples=["SESUAI"])
    perilaku_rating: str = Field(examples=["DI_ATAS"])
    predikat: str = Field(description="by the PermenPAN-RB 6/2022 matrix", examples=["BAIK"])


class CompetencyLevel(BaseModel):
    competency_code: str = Field(examples=["M3"])
    name: str = Field(examples=["Komunikasi"])
    group: str = Field(examples=["MANAJERIAL"])
    required_level: int | float | None = Field(examples=[3])
    last_level: int | float | None = Field(examples=[2])
    last_assessed_on: date | None = None
    gap: int | float | None = Field(
        description="max(0, required − level); null when never assessed or stale", examples=[1]
    )
    gap_known: bool


class Jpm(BaseModel):
    percent: float | None = Field(
        description="Job-Person Match over the freshly assessed competencies", examples=[81.8]
    )
    category: str | None = Field(examples=["CUKUP_OPTIMAL"])
    competencies_known: int | None
    competencies_required: int | None
    stale_after_months: int


class Talent(BaseModel):
    box: int | None = Field(description="9-box (PermenPAN-RB 3/2020), 1–9", examples=[8])
    performance: str | None = None
    potential: str | None = None
    talent_pool: bool | None = None
    follow_up: str | None = None
    why_unknown: str | None = None


class JpYear(BaseModel):
    year: int
    jp_taken: int
    shortfall: int = Field(description="JP short of the yearly minimum")
    complete: bool = Field(description="false for the year in progress")


class Development(BaseModel):
    minimum_jp: int = Field(examples=[20])
    years: list[JpYear]


class Protected(BaseModel):
    """For the merit committee alone (UU 27/2022): read by the fairness audit, never a model
    input."""

    model_config = ConfigDict(extra="allow")
    gender: str | None = None
    birth_year: int | None = None
    age_band: str | None = None


class ProfilePublic(BaseModel):
    employee_id: str = Field(examples=["197601152003091001"])
    nip: str | None = Field(default=None, examples=["19760115 200309 1 001"])
    name: str | None = Field(default=None, examples=["Budi Santoso"])
    front_title: str | None = Field(default=None, examples=["Dr."])
    back_title: str | None = Field(default=None, examples=["S.E., M.Si."])
    full_name: str | None = Field(
        default=None,
        description="with titles; null where the source has no name",
        examples=["Dr. Budi Santoso, S.E., M.Si."],
    )
    unit_name: str | None = Field(default=None, examples=["Bidang Pengembangan Kompetensi"])
    position_name: str | None = Field(default=None, examples=["Analis SDM Aparatur Ahli Muda"])
    agency_id: str | None
    unit_id: str | None
    region: str | None
    position_id: str | None
    position_type: str | None
    grade: str | None
    education: str | None
    employment_type: str | None
    as_of: date
    predikat_history: list[PredikatPeriod]
    competencies: list[CompetencyLevel]
    jpm: Jpm
    talent: Talent
    development: Development
    protected: Protected | None = Field(
        default=None, description="present for the committee role only"
    )


class PersonPublic(BaseModel):
    """One person found: the name with titles, the spaced NIP, unit and position by name."""

    employee_id: str = Field(examples=["198503122010011002"])
    nip: str = Field(examples=["19850312 201001 1 002"])
    full_name: str | None = Field(examples=["Dr. Budi Santoso, S.E., M.Si."])
    unit_id: str | None = Field(examples=["BKN-U0001"])
    unit_name: str | None = Field(examples=["Seksi Pengembangan Kompetensi"])
    position_id: str | None
    position_name: str | None = Field(examples=["Analis SDM Aparatur Ahli Muda"])
    agency_id: str | None
    gaps: int = Field(description="required competencies known to be below the requirement")
    jp_short: int = Field(description="JP short of the yearly minimum, last complete year")


class PeoplePublic(BaseModel):
    data: list[PersonPublic]
    count: int = Field(description="everyone found, over all pages")
    page: int
    per_page: int
    pages: int


class UnitSummaryPublic(BaseModel):
    unit_id: str = Field(examples=["BKN-U0001"])
    name: str | None = Field(examples=["Seksi Pengembangan Kompetensi"])
    agency_id: str | None
    headcount: int
    with_gap: int = Field(description="employees with at least one known competency gap")
    gap_share: float = Field(description="with_gap / headcount")
    short: int = Field(description="employees short of the JP minimum, last complete year")
    jp_short: int = Field(description="the JP they lack together")


class UnitsPublic(BaseModel):
    data: list[UnitSummaryPublic]
    count: int
    page: int
    per_page: int
    pages: int


# --- employees: recommendations --------------------------------------------------------------


class ModelRef(BaseModel):
    name: str = Field(examples=["talenta-need"])
    version: str = Field(examples=["3"])
    alias: str = Field(examples=["champion"])
    run_id: str | None


class ReasonPublic(BaseModel):
    feature: str = Field(examples=["last_level"])
    label: str = Field(examples=["Last assessed level"])
    value: Any = Field(examples=[2])
    contribution: float = Field(description="log-odds added by this feature", examples=[0.84])


class CompetencyNeed(BaseModel):
    competency_code: str
    name: str
    required_level: int | float | None
    last_level: int | float | None
    gap: int | float | None = Field(description="the deterministic gap (null: unknown)")
    gap_known: bool
    need_probability: float = Field(ge=0, le=1)
    log_odds: float = Field(description="the model's raw score")
    baseline: float = Field(description="the expected log-odds over the training data")
    reasons: list[ReasonPublic]
    other: float = Field(
        description="the other features' contributions: baseline + Σ reasons + other = log_odds"
    )


class ProgramPublic(BaseModel):
    rank: int
    program_id: str
    title: str
    competency_codes: list[str]
    expected_gain: float = Field(description="expected levels of gap closed")
    cost_idr: float
    jp: float
    gain_per_million_idr: float | None = Field(description="null for a free programme")
    gain_per_jp: float | None


class RecommendationsPublic(BaseModel):
    employee_id: str
    as_of: date
    model: ModelRef
    competencies: list[CompetencyNeed]
    programs: list[ProgramPublic]


# --- units ------------------------------------------------------------------------------------


def _rupiah_text(value: object) -> object:
    """Text as planners write rupiah, read by the domain's one parser; numbers pass as they are.
    A ValueError here becomes a 422 naming ``budget_idr``."""
    if isinstance(value, str):
        if len(value) > 40:
            raise ValueError("at most 40 characters")
        try:
            return parse_rupiah(value)
        except RupiahError as error:
            raise ValueError(str(error)) from None
    return value


Ref = Annotated[str, Field(min_length=1, max_length=100)]
RUPIAH_PATTERN = r"^(Rp\.? ?)?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]{1,2})?( (ribu|juta|miliar))?$"


class PlanRequest(BaseModel):
    # strict: JSON numbers only (``true`` is not 1); no NaN or infinity (``NaN``, ``1e309``)
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        json_schema_extra={"examples": [{"budget_idr": 50_000_000, "max_jp_per_person": 80}]},
    )
    budget_idr: Annotated[
        float,
        BeforeValidator(_rupiah_text),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "minimum": 0, "maximum": 1e15},
                    {
                        "type": "string",
                        "maxLength": 40,
                        # the shape of what the parser reads (it alone decides)
                        "pattern": RUPIAH_PATTERN,
                        "examples": ["Rp 50.000.000", "50 juta"],
                    },
                ],
                "description": "rupiah the unit may spend: a number, or text as planners write "
                'it ("Rp 50.000.000", "50.000.000", "50 juta", "1,5 miliar")',
            }
        ),
    ] = Field(ge=0, le=1e15)
    max_jp_per_person: float = Field(default=80.0, gt=0, le=2000)
    minimum_jp: float = Field(default=20.0, ge=0, le=2000)
    shortfall_penalty: float = Field(default=0.02, ge=0, le=100)
    default_capacity: int = Field(default=30, ge=0, le=1_000_000, description="seats per programme")
    time_limit_s: float = Field(default=10.0, gt=0, le=60)
    pinned: list[Ref] = Field(
        default=[], max_length=1000, description="employees who must get at least one programme"
    )
    excluded_employees: list[Ref] = Field(default=[], max_length=1000)
    excluded_programs: list[Ref] = Field(default=[], max_length=1000)
    hard_minimum: bool = Field(
        default=False,
        description="everyone (but the excluded) must reach minimum_jp; a budget too small for "
        "it gives status 'infeasible' and needed_budget_idr",
    )


class PlanAssignment(BaseModel):
    employee_id: str
    program_id: str
    competency_code: str
    cost_idr: float
    jp: float
    expected_gain: float


class PlanNote(BaseModel):
    """A sentence of the explanation (or a reason) as a code and its numbers, for clients
    that word it in their own language; rupiah under names ending ``_idr``, JP under ``_jp``."""

    code: str = Field(examples=["spent", "budget", "infeasible.budget"])
    values: dict[str, Any]


class PlanPerson(BaseModel):
    employee_id: str
    full_name: str | None = Field(default=None, examples=["Sri Wahyuni, S.Kep."])
    jp_taken: float
    jp_planned: float
    jp_total: float
    short_of_minimum: float
    reason: str
    reason_note: PlanNote | None = None


class PlanPublic(BaseModel):
    unit_id: str
    unit_name: str | None = Field(default=None, examples=["Puskesmas Kabawetan"])
    as_of: date
    employees: int
    model: ModelRef
    status: str
    total_cost: float
    total_gain: float
    objective: float
    optimality_gap: float | None
    assignments: list[PlanAssignment]
    per_person: list[PlanPerson]
    explanation: list[str]
    notes: list[PlanNote] = Field(default=[], description="explanation as codes and numbers")
    needed_budget_idr: float | None = Field(
        default=None,
        description="status 'infeasible': the least budget meeting the pins and the hard "
        "minimum; null when no budget can, or when the plan is not infeasible",
    )


# --- fairness ---------------------------------------------------------------------------------


class FlagsPublic(BaseModel):
    # The store's view of a flag, as it is: one definition for the trail, the API and the pages.
    data: list[FlagView]
    count: int = Field(description="flags matching the filters, over all pages")
    limit: int
    offset: int


def visible_text(text: str) -> str:
    """``text`` when a person could read it: no lone surrogate (not Unicode text; UTF-8 cannot
    store it), no control character but tab and newlines (Python's ``strip`` counts some as
    space, so the store would see an empty reason), and something besides spaces and invisible
    format characters such as U+200B."""
    categories = [unicodedata.category(c) for c in text]
    if "Cs" in categories:
        raise ValueError("not valid Unicode text (a lone surrogate)")
    controls = sorted(
        {c for c, k in zip(text, categories, strict=True) if k == "Cc"} - set("\t\n\r")
    )
    if controls:
        shown = ", ".join(f"U+{ord(c):04X}" for c in controls[:5])
        raise ValueError(f"control characters are not allowed ({shown})")
    if all(
        c.isspace() or k in ("Cc", "Cf", "Zs", "Zl", "Zp")
        for c, k in zip(text, categories, strict=True)
    ):
        raise ValueError("nothing visible: say why in words")
    return text


class ReviewCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "CONFIRMED", "reason": "ratings far above KPI attainment, 3 years"}
            ]
        },
    )
    decision: Decision
    # something besides whitespace, and no NUL (see NO_NUL)
    reason: Annotated[str, AfterValidator(visible_text)] = Field(
        min_length=1, max_length=4000, pattern=r"^[^\x00]*[^\s\x00][^\x00]*$"
    )


class CoverageRowPublic(BaseModel):
    family: str = Field(examples=["RATER"])
    attribute: str = Field(description="the protected attribute, empty for families without one")
    ran: bool
    tested: int = Field(description="tests or units judged")
    flagged: int
    reason: str = Field(description="why the family did not run; empty where it ran")


class CoveragePublic(BaseModel):
    """What the latest audit run could and could not examine, and the design it saw."""

    run_id: str
    started_at: datetime
    started_by: str
    flags_raised: int
    design: dict[str, Any]
    coverage: list[CoverageRowPublic]
    statement: list[str] = Field(description="the coverage in plain sentences, as audit.md says")


class TrailEventPublic(BaseModel):
    event: str
    at: datetime
    by: str
    run_id: str | None = None
    effect: float | None = None
    q_value: float | None = None
    decision: str | None = None
    reason: str | None = None


class ReviewPublic(BaseModel):
    review_id: int
    flag_id: str
    decision: str
    reason: str
    reviewer: str
    reviewed_at: datetime
    status: Status
    trail: list[TrailEventPublic]


# --- models -----------------------------------------------------------------------------------


class ModelVersionPublic(BaseModel):
    version: str
    aliases: list[str]
    created: datetime
    run_id: str | None
    metrics: dict[str, float]
    tags: dict[str, str]


class RegisteredModelPublic(BaseModel):
    name: str
    versions: list[ModelVersionPublic]


class ServingPublic(BaseModel):
    model: ModelRef
    loaded_at: datetime


class ModelsPublic(BaseModel):
    serving: ServingPublic | None
    data: list[RegisteredModelPublic]
    count: int
