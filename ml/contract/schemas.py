"""The data contract (design §3) as pandera schemas, with the rules that span columns and tables.

Each table is declared once as a :class:`TableSpec`: its columns (kind, nullability, value
checks), its key, and the rules that relate columns of one row. From that one declaration come the
pandera schema (per-column rules), the parser's target types (see ``ml.contract.tables``) and the
cross-column rules. Rules that relate tables (a rater must be an employee) are in
:data:`REFERENCES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import pandera.pandas as pa

from ml.contract.codes import (
    COMPETENCY_CODE,
    NIP,
    PERIOD,
    PNS_GRADES,
    PPPK_GRADES,
    AssessmentMethod,
    CompetencyGroup,
    Education,
    EmploymentType,
    Gender,
    Jenjang,
    PositionType,
    ProviderType,
    RaterRole,
    TrainingMode,
    TrainingStatus,
)
from ml.scoring import Predikat, Rating, predikat_kinerja_many

Kind = Literal["str", "int", "float", "date"]
Severity = Literal["ERROR", "WARNING"]


# The pandas type each kind is read into (``ml.contract.tables``).
DTYPES = {"str": "str", "int": "Int64", "float": "float64", "date": "datetime64[ns]"}


@dataclass(frozen=True)
class Column:
    """One contract column: its kind, whether it may be empty, and its value rules."""

    kind: Kind
    nullable: bool = False
    checks: tuple[pa.Check, ...] = ()
    # A column added to the contract after sources were written (names, 2026-12): a file may
    # leave it out, and reading fills it with empty values. Optional columns are nullable.
    optional: bool = False


@dataclass(frozen=True)
class RowRule:
    """A rule over several columns of one row; ``holds`` is True where the row obeys it."""

    name: str
    columns: tuple[str, ...]
    holds: Callable[[pd.DataFrame], pd.Series]
    severity: Severity = "ERROR"


@dataclass(frozen=True)
class TableSpec:
    name: str
    key: tuple[str, ...]
    columns: dict[str, Column]
    row_rules: tuple[RowRule, ...] = field(default=())

    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema of the parsed (typed) table."""
        return pa.DataFrameSchema(
            {
                name: pa.Column(
                    DTYPES[col.kind], checks=list(col.checks), nullable=col.nullable, coerce=False
                )
                for name, col in self.columns.items()
            },
            strict=True,
            name=self.name,
        )


def _isin(values: type) -> pa.Check:
    codes = [v.value for v in values]  # type: ignore[attr-defined]
    return pa.Check.isin(codes, error=f"one of {', '.join(codes)}")


def _matches(pattern: str, what: str) -> pa.Check:
    # fullmatch: a regex ending in $ would also accept a trailing newline
    return pa.Check(lambda s: s.str.fullmatch(pattern).fillna(False).astype(bool), error=what)


def _level() -> pa.Check:
    return pa.Check.in_range(1, 5, error="a level from 1 to 5")


def _not_blank() -> pa.Check:
    return pa.Check(lambda s: s.str.strip() != "", error="not blank")


GRADE_RULE = "a PNS (I/a…IV/e) or PPPK (I…XVII) grade"
_nip = _matches(NIP.pattern, "an 18-digit NIP")
_code = _matches(COMPETENCY_CODE.pattern, "a competency code (M1…, SK1, T-…)")


def _codes_well_formed(s: pd.Series) -> pd.Series:
    parts = s.str.split(";").explode()
    ok = parts.str.fullmatch(COMPETENCY_CODE.pattern).groupby(level=0).all()
    return ok.reindex(s.index, fill_value=False).astype(bool)


def _grade_fits_employment(df: pd.DataFrame) -> pd.Series:
    unknown = df["grade"].isna() | df["employment_type"].isna()
    pns = (df["employment_type"] == EmploymentType.PNS) & df["grade"].isin(PNS_GRADES)
    pppk = (df["employment_type"] == EmploymentType.PPPK) & df["grade"].isin(PPPK_GRADES)
    return unknown | pns | pppk


def _group_fits_code(df: pd.DataFrame) -> pd.Series:
    code = df["competency_code"].astype(str)
    expected = pd.Series(CompetencyGroup.MANAJERIAL.value, index=df.index)
    expected = expected.mask(code.str.startswith("SK"), CompetencyGroup.SOSIAL_KULTURAL.value)
    expected = expected.mask(code.str.startswith("T-"), CompetencyGroup.TEKNIS.value)
    return df["group"].isna() | (df["group"] == expected)


def _predikat_follows_rule(df: pd.DataFrame) -> pd.Series:
    stored = df["predikat"]
    ratings = [v.value for v in Rating]
    known = (
        stored.notna()
        & df["hasil_kerja_rating"].isin(ratings)
        & df["perilaku_rating"].isin(ratings)
    )
    ok = pd.Series(True, index=df.index)
    if known.any():
        derived = predikat_kinerja_many(
            df.loc[known, "hasil_kerja_rating"], df.loc[known, "perilaku_rating"]
        )
        ok.loc[known] = stored.loc[known].to_numpy() == derived
    return ok


def _differs(a: str, b: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: df[b].isna() | (df[a] != df[b])


EMPLOYEES = TableSpec(
    name="employees",
    key=("employee_id",),
    columns={
        "employee_id": Column("str", checks=(_nip,)),
        "birth_year": Column(
            "int", True, (pa.Check.in_range(1930, 2015, error="a year 1930–2015"),)
        ),
        "gender": Column("str", True, (_isin(Gender),)),
        "agency_id": Column("str", checks=(_not_blank(),)),
        "unit_id": Column("str", checks=(_not_blank(),)),
        "region": Column("str", True, (_not_blank(),)),
        "position_id": Column("str", True, (_not_blank(),)),
        "position_type": Column("str", True, (_isin(PositionType),)),
        "grade": Column(
            "str",
            True,
            (pa.Check.isin([*PNS_GRADES, *PPPK_GRADES], error=GRADE_RULE),),
        ),
        "education": Column("str", True, (_isin(Education),)),
        "employment_type": Column("str", True, (_isin(EmploymentType),)),
        "hire_date": Column("date", True),
        "supervisor_id": Column("str", True, (_nip,)),
        # Names are personal data (shown to the roles that read employees) but not protected
        # attributes; they are never model inputs (ml.contract.names.NAME_COLUMNS).
        "name": Column("str", True, (_not_blank(),), optional=True),
        "front_title": Column("str", True, (_not_blank(),), optional=True),
        "back_title": Column("str", True, (_not_blank(),), optional=True),
    },
    row_rules=(
        RowRule("grade fits employment_type (PNS I/a…IV/e, PPPK I…XVII)",
                ("grade", "employment_type"), _grade_fits_employment),
        RowRule("supervisor_id differs from employee_id",
                ("supervisor_id", "employee_id"), _differs("employee_id", "supervisor_id")),
        RowRule(
            "hired at 15 or older",
            ("hire_date", "birth_year"),
            lambda df: df["hire_date"].isna()
            | df["birth_year"].isna()
            | (df["hire_date"].dt.year >= df["birth_year"] + 15).fillna(True).astype(bool),
        ),
    ),
)  # fmt: skip

COMPETENCIES = TableSpec(
    name="competencies",
    key=("competency_code",),
    columns={
        "competency_code": Column("str", checks=(_code,)),
        "name": Column("str", checks=(_not_blank(),)),
        "group": Column("str", checks=(_isin(CompetencyGroup),)),
    },
    row_rules=(
        RowRule("group fits the code (M… MANAJERIAL, SK… SOSIAL_KULTURAL, T-… TEKNIS)",
                ("group", "competency_code"), _group_fits_code),
    ),
)  # fmt: skip

POSITION_REQUIREMENTS = TableSpec(
    name="position_requirements",
    key=("position_id", "competency_code"),
    columns={
        "position_id": Column("str", checks=(_not_blank(),)),
        "competency_code": Column("str", checks=(_code,)),
        "required_level": Column("int", checks=(_level(),)),
    },
)

COMPETENCY_ASSESSMENTS = TableSpec(
    name="competency_assessments",
    key=("employee_id", "competency_code", "assessed_on"),
    columns={
        "employee_id": Column("str", checks=(_nip,)),
        "competency_code": Column("str", checks=(_code,)),
        "assessed_on": Column("date"),
        "level": Column("int", checks=(_level(),)),
        "method": Column("str", checks=(_isin(AssessmentMethod),)),
    },
)

APPRAISALS = TableSpec(
    name="appraisals",
    # rater_id may be empty: some exports (e.g. a yearly rating without its rater) do not name
    # the rater; such rows still count for group audits, never for rater audits.
    key=("employee_id", "period", "rater_id"),
    columns={
        "employee_id": Column("str", checks=(_nip,)),
        "period": Column("str", checks=(_matches(PERIOD.pattern, "YYYY or YYYY-MM"),)),
        "rater_id": Column("str", True, (_nip,)),
        "rater_role": Column("str", checks=(_isin(RaterRole),)),
        "hasil_kerja_rating": Column("str", checks=(_isin(Rating),)),
        "perilaku_rating": Column("str", checks=(_isin(Rating),)),
        "predikat": Column("str", True, (_isin(Predikat),)),
        "kpi_attainment": Column("float", True, (pa.Check.in_range(0, 2, error="a ratio 0–2"),)),
        "community_feedback": Column(
            "float", True, (pa.Check.in_range(1, 5, error="a rating 1–5"),)
        ),
        "score": Column("float", True, (pa.Check.ge(0, error="a score ≥ 0"),)),
    },
    row_rules=(
        RowRule("rater_id differs from employee_id",
                ("rater_id", "employee_id"), _differs("employee_id", "rater_id")),
        RowRule("stored predikat agrees with the PermenPAN-RB 6/2022 matrix",
                ("predikat", "hasil_kerja_rating", "perilaku_rating"),
                _predikat_follows_rule, severity="WARNING"),
    ),
)  # fmt: skip

TRAININGS = TableSpec(
    name="trainings",
    key=("employee_id", "program_id", "start_date"),
    columns={
        "employee_id": Column("str", checks=(_nip,)),
        "program_id": Column("str", checks=(_not_blank(),)),
        "start_date": Column("date"),
        "end_date": Column("date", True),
        "jp": Column("int", checks=(pa.Check.in_range(1, 2000, error="JP 1–2000"),)),
        "status": Column("str", checks=(_isin(TrainingStatus),)),
        "post_score": Column("float", True, (pa.Check.in_range(0, 100, error="a score 0–100"),)),
    },
    row_rules=(
        RowRule("end_date on or after start_date", ("end_date", "start_date"),
                lambda df: df["end_date"].isna() | (df["end_date"] >= df["start_date"])),
        RowRule("a COMPLETED training has an end_date", ("end_date", "status"),
                lambda df: (df["status"] != TrainingStatus.COMPLETED) | df["end_date"].notna()),
    ),
)  # fmt: skip

TRAINING_CATALOG = TableSpec(
    name="training_catalog",
    key=("program_id",),
    columns={
        "program_id": Column("str", checks=(_not_blank(),)),
        "title": Column("str", checks=(_not_blank(),)),
        "provider": Column("str", checks=(_not_blank(),)),
        "provider_type": Column("str", checks=(_isin(ProviderType),)),
        "competency_codes": Column(
            "str", checks=(pa.Check(_codes_well_formed, error="codes separated by ';'"),)
        ),
        "max_level": Column("int", checks=(_level(),)),
        "jp": Column("int", checks=(pa.Check.in_range(1, 2000, error="JP 1–2000"),)),
        "cost_idr": Column("int", checks=(pa.Check.ge(0, error="rupiah ≥ 0"),)),
        "mode": Column("str", checks=(_isin(TrainingMode),)),
    },
)

UNITS = TableSpec(
    name="units",
    key=("unit_id",),
    columns={
        "unit_id": Column("str", checks=(_not_blank(),)),
        "name": Column("str", checks=(_not_blank(),)),
        "parent_unit_id": Column("str", True, (_not_blank(),)),
        "agency_id": Column("str", True, (_not_blank(),)),
    },
    row_rules=(
        RowRule("parent_unit_id differs from unit_id",
                ("parent_unit_id", "unit_id"), _differs("unit_id", "parent_unit_id")),
    ),
)  # fmt: skip

POSITIONS = TableSpec(
    name="positions",
    key=("position_id",),
    columns={
        "position_id": Column("str", checks=(_not_blank(),)),
        "name": Column("str", checks=(_not_blank(),)),
        "position_type": Column("str", True, (_isin(PositionType),)),
        "jenjang": Column("str", True, (_isin(Jenjang),)),
    },
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        EMPLOYEES,
        COMPETENCIES,
        POSITION_REQUIREMENTS,
        COMPETENCY_ASSESSMENTS,
        APPRAISALS,
        TRAININGS,
        TRAINING_CATALOG,
        UNITS,
        POSITIONS,
    )
}


@dataclass(frozen=True)
class Reference:
    """``table.column`` must name an existing ``target.target_column`` (empty values excepted)."""

    table: str
    column: str
    target: str
    target_column: str
    multi: bool = False  # the column holds ';'-separated codes

    @property
    def rule(self) -> str:
        return f"exists in {self.target}.{self.target_column}"


REFERENCES: tuple[Reference, ...] = (
    Reference("employees", "supervisor_id", "employees", "employee_id"),
    Reference("employees", "unit_id", "units", "unit_id"),
    Reference("employees", "position_id", "positions", "position_id"),
    Reference("units", "parent_unit_id", "units", "unit_id"),
    Reference("position_requirements", "position_id", "positions", "position_id"),
    Reference("appraisals", "employee_id", "employees", "employee_id"),
    Reference("appraisals", "rater_id", "employees", "employee_id"),
    Reference("competency_assessments", "employee_id", "employees", "employee_id"),
    Reference("competency_assessments", "competency_code", "competencies", "competency_code"),
    Reference("position_requirements", "competency_code", "competencies", "competency_code"),
    Reference("trainings", "employee_id", "employees", "employee_id"),
    Reference("trainings", "program_id", "training_catalog", "program_id"),
    Reference(
        "training_catalog", "competency_codes", "competencies", "competency_code", multi=True
    ),
)

# Every column of every table: what a job reads when it needs a data directory whole.
ALL_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(spec.columns) for name, spec in TABLES.items()
}
