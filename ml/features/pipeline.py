"""The feature pipeline: wires the builders into the per-competency table, the per-employee view,
and labelled training examples. Pure functions over DataFrames; I/O lives in ``ml.features.io``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.contract.codes import competency_group_of
from ml.contract.schemas import TABLES
from ml.contract.tables import empty_table
from ml.errors import InputError
from ml.features.appraisals import appraisal_features
from ml.features.assessments import ability_estimate, assessment_features, deterministic_gap
from ml.features.employees import employee_features
from ml.features.keys import Keys, code_of, expand, months_before, text_of
from ml.features.point_in_time import DATED, Tables, known_rows, period_end
from ml.features.trainings import competency_training_features, employee_training_features
from ml.scoring import BRIN_3_2023, PP_17_2020

# Per-competency features are stored as float32: levels, JP, months and scores need no more
# than 7 significant digits, and at national scale (tens of millions of rows) it halves memory.
FLOAT = np.float32
STALE_MONTHS = 36  # an assessment older than this no longer tells today's level (design §2.3)
MINIMUM_JP = PP_17_2020.minimum_jp  # the 20 JP a year, from the rule core
LABEL_HORIZON_MONTHS = 24
Progress = Callable[[str], None]

# The columns features read; nothing else is loaded (protected attributes least of all).
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "employees": (
        "employee_id", "agency_id", "position_id", "position_type", "grade", "education",
        "employment_type", "hire_date",
    ),
    "competencies": ("competency_code", "name", "group"),
    "position_requirements": ("position_id", "competency_code", "required_level"),
    "competency_assessments": ("employee_id", "competency_code", "assessed_on", "level", "method"),
    "appraisals": (
        "employee_id", "period", "rater_role", "hasil_kerja_rating", "perilaku_rating",
        "predikat", "kpi_attainment", "community_feedback", "score",
    ),
    "trainings": ("employee_id", "program_id", "end_date", "jp", "status", "post_score"),
    "training_catalog": ("program_id", "competency_codes"),
}  # fmt: skip


class FeatureInputError(InputError):
    """Input the pipeline cannot use; the message says what to fix."""


@dataclass(frozen=True)
class FeatureSet:
    """Features on one date.

    ``competencies`` has one row per (employee, required competency) with the competency's own
    features; ``employees`` one row per employee: the employee's features (``employee_columns``)
    followed by each competency's requirement, level and gap and the JPM. Employee features are
    not repeated on every competency row (that would multiply memory by the competency count):
    :meth:`model_rows` joins them where a model needs them.
    """

    competencies: pd.DataFrame
    employees: pd.DataFrame
    employee_columns: tuple[str, ...]

    def model_rows(self, competencies: pd.DataFrame | None = None) -> pd.DataFrame:
        """Competency rows (all, or the given subset) with their employee's features."""
        rows = self.competencies if competencies is None else competencies
        people = self.employees[["employee_id", *self.employee_columns]]
        return rows.merge(people, on="employee_id", how="left", sort=False)


def build_features(
    tables: Tables,
    as_of: pd.Timestamp | str,
    *,
    stale_months: int = STALE_MONTHS,
    progress: Progress | None = None,
) -> FeatureSet:
    """Features of every employee on the roster on ``as_of``, from what was known then.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Typed contract tables (see ``ml.contract.tables``); ``employees`` is required, the others
        are used when present.
    as_of : Timestamp or ISO date
        Nothing dated after it is read (see :mod:`ml.features.point_in_time`).
    """
    as_of = pd.Timestamp(as_of)
    step = progress or (lambda _: None)
    step("point in time")
    if "employees" not in tables:
        raise FeatureInputError("the employees table is required")
    # An absent table is an empty one: every run yields the same columns, whatever the source.
    tables = {name: tables.get(name, empty_table(name)) for name in TABLES}
    employees = tables["employees"]
    roster = employees[known_rows("employees", employees, as_of)].reset_index(drop=True)
    repeated = roster["employee_id"][roster["employee_id"].duplicated()]
    if len(repeated):
        raise FeatureInputError(
            f"employees: employee_id {repeated.iloc[0]} appears more than once "
            f"({len(repeated):,} repeats); run `talenta validate`"
        )
    keys = Keys.of(roster["employee_id"], _all_codes(tables))
    known = {name: t for name, t in tables.items() if name not in (*DATED, "employees")}
    known["employees"] = roster
    for name in DATED:
        known[name] = _known_compact(name, tables[name], keys, as_of)

    step("employees")
    people = _employee_view(known, roster, as_of)
    step("competencies")
    per_competency = _competency_rows(known, roster, keys, as_of, stale_months)
    emp = per_competency.pop("emp").to_numpy()
    step("wide view")
    wide = _wide(people, per_competency, emp, roster).assign(as_of=as_of)
    return FeatureSet(per_competency.assign(as_of=as_of), wide, tuple(people.columns))


# Code columns of the dated tables: dictionary-encoded, so that row filters move integers.
CODE_COLUMNS = {
    "competency_assessments": ("competency_code", "method"),
    "appraisals": ("period", "rater_role", "hasil_kerja_rating", "perilaku_rating", "predikat"),
    "trainings": ("program_id", "status"),
}


def _known_compact(name: str, frame: pd.DataFrame, keys: Keys, as_of: pd.Timestamp) -> pd.DataFrame:
    """The rows of a dated table known on ``as_of`` of rostered employees, compact: roster
    positions (``emp``) in place of NIP strings and categorical codes, filtered once."""
    compact = keys.with_positions(frame).astype({c: "category" for c in CODE_COLUMNS[name]})
    if name == "appraisals":
        compact["period_end"] = period_end(compact["period"])
    known = known_rows(name, frame, as_of, compact.get("period_end"))
    return compact[known & (compact["emp"].to_numpy() >= 0)]


def _all_codes(tables: Tables) -> pd.Series:
    return pd.concat(
        [tables[t]["competency_code"] for t in ("competencies", "position_requirements",
                                                "competency_assessments")]
    )  # fmt: skip


def _employee_view(known: Tables, roster: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    n = len(roster)
    people = employee_features(roster, as_of)
    people = people.join(appraisal_features(known["appraisals"], n, as_of))
    training = employee_training_features(known["trainings"], as_of, MINIMUM_JP)
    people = people.join(training.reindex(range(n)))
    jp = ["jp_this_year", "jp_last_12m"]
    people[jp] = people[jp].astype("float64").fillna(0.0)
    people["jp_shortfall"] = (MINIMUM_JP - people["jp_this_year"]).clip(lower=0)
    return people


def _competency_rows(
    known: Tables, roster: pd.DataFrame, keys: Keys, as_of: pd.Timestamp, stale_months: int
) -> pd.DataFrame:
    # Roster × requirements on integers: each employee once per competency of the position,
    # in roster order and by competency code within an employee.
    requirements = known["position_requirements"]
    positions = list(requirements["position_id"].unique())
    code = keys.code(requirements["competency_code"])
    link_position = code_of(requirements["position_id"], positions)
    order = np.lexsort((code, link_position))
    emp, link = expand(code_of(roster["position_id"], positions), link_position[order])
    code = code[order][link]
    groups = [competency_group_of(c).value for c in keys.codes.to_pylist()]
    out = pd.DataFrame(
        {
            "employee_id": roster["employee_id"].take(emp).reset_index(drop=True),
            "competency_code": text_of(keys.codes, code),
            "competency_group": text_of(groups, code),
            "required_level": requirements["required_level"].to_numpy(FLOAT)[order][link],
            "emp": emp,
        }
    )
    pair = keys.pair(emp, code)
    _attach(out, assessment_features(known["competency_assessments"], keys, as_of), pair)
    out["n_assessments"] = out["n_assessments"].fillna(0).astype("int64")
    out["gap"] = deterministic_gap(
        out["required_level"], out["last_level"], out["last_assessed_on"],
        months_before(as_of, stale_months),
    )  # fmt: skip
    out["ability_estimate"] = ability_estimate(
        emp, out["required_level"].to_numpy(float), out["level_estimate"].to_numpy(float),
        out["level_estimate_weight"].to_numpy(float), len(roster),
    )[emp].astype(FLOAT)  # fmt: skip
    trained = competency_training_features(
        known["trainings"], known["training_catalog"], keys, as_of
    )
    _attach(out, trained, pair)
    counted = ["jp_12m", "jp_24m", "jp_36m", "programs_completed", "dropped_count"]
    out[counted] = out[counted].fillna(0).astype(FLOAT)
    return out


def _attach(rows: pd.DataFrame, features: pd.DataFrame, pair: np.ndarray) -> None:
    """Add ``features`` (indexed by pair key) to ``rows`` in place, one column at a time.

    Column by column, so that joining features onto millions of rows never copies the whole
    table (a concat or join would, twice over).
    """
    features = features.sort_index()
    if features.empty:
        for name in features.columns:
            filler = features[name].reset_index(drop=True).reindex(rows.index)  # all missing
            rows[name] = filler.astype(FLOAT) if pd.api.types.is_numeric_dtype(filler) else filler
        return
    keys = features.index.to_numpy()
    at = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
    found = keys[at] == pair
    for name in features.columns:
        values = features[name]
        if pd.api.types.is_numeric_dtype(values):
            rows[name] = np.where(found, values.to_numpy(FLOAT)[at], np.nan).astype(FLOAT)
        else:
            rows[name] = values.iloc[at].reset_index(drop=True).where(found)


def _wide(
    people: pd.DataFrame, per_competency: pd.DataFrame, emp: np.ndarray, roster: pd.DataFrame
) -> pd.DataFrame:
    """Per employee: the employee features, each competency's level, gap and requirement, and
    JPM over the competencies with a known (fresh) level."""
    values = per_competency[["competency_code", "required_level", "last_level", "gap"]].assign(
        emp=emp
    )
    pivot = values.pivot(index="emp", columns="competency_code")
    pivot.columns = ["_".join(map(str, pair)) for pair in pivot.columns.tolist()]
    known = values[values["gap"].notna()]
    met = np.minimum(known["last_level"], known["required_level"])
    sums = pd.DataFrame({"met": met, "req": known["required_level"], "emp": known["emp"]})
    sums = sums.groupby("emp").sum()
    jpm = 100 * sums["met"] / sums["req"]
    summary = pd.DataFrame(
        {
            "n_competencies": values.groupby("emp").size(),
            "n_gaps_known": known.groupby("emp").size(),
            "n_gaps_positive": (known["gap"] > 0).groupby(known["emp"]).sum(),
            # JPM over the competencies with a fresh level, and the share of the position's
            # competencies that is: a category from 1 of 11 competencies is weak evidence
            "jpm_known_percent": jpm,
            "jpm_known_category": pd.Series(
                BRIN_3_2023.categorize_many(jpm.to_numpy()), index=jpm.index
            ),
            "jpm_coverage": known.groupby("emp").size() / values.groupby("emp").size(),
        }
    )
    n = len(roster)
    order: list[str] = sorted((str(c) for c in pivot.columns), key=_pivot_order)
    pivot = pivot[order]
    wide = people.join(summary.reindex(range(n))).join(pivot.reindex(range(n)))
    wide[["n_competencies", "n_gaps_known", "n_gaps_positive"]] = (
        wide[["n_competencies", "n_gaps_known", "n_gaps_positive"]].fillna(0).astype("int64")
    )
    wide.insert(0, "employee_id", roster["employee_id"].to_numpy())
    return wide.reset_index(drop=True)


PIVOTED = ("required_level", "last_level", "gap")


def _pivot_order(column: str) -> tuple[str, int]:
    """Competency columns of the wide view by code, then requirement, level, gap."""
    for i, name in enumerate(PIVOTED):
        if column.startswith(f"{name}_"):
            return column.removeprefix(f"{name}_"), i
    raise ValueError(column)


def wide_column_order(columns: Sequence[str], employee_columns: Sequence[str]) -> list[str]:
    """The canonical column order of the wide view, whatever subset of codes it holds."""
    pivoted = sorted(
        (c for c in columns if c.startswith(tuple(f"{p}_" for p in PIVOTED))), key=_pivot_order
    )
    rest = [
        c for c in columns if c not in pivoted and c not in employee_columns and c != "employee_id"
    ]
    return ["employee_id", *employee_columns, *[c for c in rest if c != "as_of"], *pivoted, "as_of"]


def build_training_examples(
    tables: Tables,
    as_of_dates: Sequence[pd.Timestamp | str],
    *,
    horizon_months: int = LABEL_HORIZON_MONTHS,
    stale_months: int = STALE_MONTHS,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Per-competency features at each date, labelled by the first assessment after it.

    The label (``label_level``, ``need`` = label level below the requirement) comes from the first
    assessment of that employee and competency strictly after ``as_of`` and within
    ``horizon_months``; rows without one are dropped. Features see only data up to ``as_of``.
    """
    assessments = tables["competency_assessments"]
    frames = []
    for date in as_of_dates:
        as_of = pd.Timestamp(date)
        features = build_features(tables, as_of, stale_months=stale_months, progress=progress)
        later = assessments[
            (assessments["assessed_on"] > as_of)
            & (assessments["assessed_on"] <= as_of + pd.DateOffset(months=horizon_months))
        ]
        first = later.sort_values("assessed_on", kind="stable").drop_duplicates(
            ["employee_id", "competency_code"], keep="first"
        )
        labels = first.rename(columns={"level": "label_level", "assessed_on": "label_date"})
        labelled = features.model_rows(
            features.competencies.merge(
                labels[["employee_id", "competency_code", "label_level", "label_date"]],
                on=["employee_id", "competency_code"],
                how="inner",
            )
        )
        need = labelled["label_level"].to_numpy(float) < labelled["required_level"].to_numpy(float)
        frames.append(labelled.assign(need=need))
    return pd.concat(frames, ignore_index=True)
