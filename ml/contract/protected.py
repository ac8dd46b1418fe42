"""Protected attributes: the one owner of which they are, how they are read and derived, and
who may see them.

Under UU 27/2022 (Pelindungan Data Pribadi) and the merit system (PP 11/2017), a civil servant's
gender and age may be used to *check* that appraisals and models treat groups alike, never to
*decide* about a person. So in Talenta:

- the source columns (``SOURCE_COLUMNS``) of ``employees`` and everything derived from them
  (``DERIVED``) are never model inputs (``ml.training.design`` refuses them);
- the fairness audit and the models' group metrics read them through ``read`` and ``derive``
  alone, after the models have done their work;
- only roles holding the ``read protected attributes`` permission (the merit committee, see
  ``ml.serving.roles``) see them in the API and the pages; ``VISIBLE_TO`` names those roles here so
  that the serving layer can check itself against it.

``ATTRIBUTES`` are the group attributes audited by default: gender (``L``/``P``) and the age band
at the time of the rating (``AGE_BANDS``).

Other attributes an agency records (region of origin, religion, disability status) live in a
table of their own, ``protected_attributes`` (``employee_id`` and one column per attribute), not
as columns of ``employees``: the feature pipeline reads only the contract's tables, so such a
file can never become a model input by accident, and an agency can hand it to the audit alone
(or withhold it) without touching the rest of the export. ``read_extra`` is its one reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.contract.tables import TABLES, find_table, read_table
from ml.errors import InputError

# Columns of the employees table that are protected.
SOURCE_COLUMNS: tuple[str, ...] = ("gender", "birth_year")
# Attributes computed from them; just as protected.
DERIVED: tuple[str, ...] = ("age", "age_band")
# What the audit and the models' group metrics compare by default.
ATTRIBUTES: tuple[str, ...] = ("gender", "age_band")
# Never a model input, whatever a frame calls itself.
NEVER_MODEL_INPUTS: frozenset[str] = frozenset(SOURCE_COLUMNS + DERIVED)
# The roles that may see protected attributes (the serving layer's grants must agree).
VISIBLE_TO: frozenset[str] = frozenset({"committee"})

AGE_BANDS = ((0, "<30"), (30, "30-39"), (40, "40-49"), (50, "50+"))
# Further protected attributes an agency records (region of origin, religion, disability status)
# live in a table of their own, apart from employees and so from every model input.
EXTRA_TABLE = "protected_attributes"


class ProtectedAttributeError(InputError):
    """A data directory whose protected attributes cannot be read; the message names it."""


def age_band(age: np.ndarray) -> np.ndarray:
    """Age bands of the fairness audit: <30, 30-39, 40-49, 50+ (NaN age: "")."""
    age = np.asarray(age, dtype=np.float64)
    bounds = np.array([lo for lo, _ in AGE_BANDS[1:]])
    labels = np.array([label for _, label in AGE_BANDS], dtype=object)
    bands = labels[np.searchsorted(bounds, np.nan_to_num(age, nan=-1), side="right")]
    return np.where(np.isnan(age), "", bands)


def age_band_in(birth_year: pd.Series | np.ndarray, year: int | np.ndarray) -> np.ndarray:
    """The age band of people born in ``birth_year`` during ``year`` (missing birth year: "")."""
    birth = (
        birth_year.to_numpy(np.float64, na_value=np.nan)
        if isinstance(birth_year, pd.Series)
        else np.asarray(birth_year, dtype=np.float64)
    )
    return age_band(np.asarray(year, dtype=np.float64) - birth)


def read(data_dir: Path, extra: Sequence[str] = ()) -> pd.DataFrame:
    """``employee_id`` and the protected columns of ``data_dir``'s employees (and any ``extra``
    columns of that table, e.g. the unit a group comparison is made within)."""
    path = find_table(data_dir, "employees")
    if path is None:
        raise ProtectedAttributeError(f"{data_dir}: no employees table")
    columns = tuple(dict.fromkeys(("employee_id", *SOURCE_COLUMNS, *extra)))
    table, _ = read_table(path, TABLES["employees"], columns)
    return table.frame


def derive(people: pd.DataFrame, year: int | np.ndarray) -> pd.DataFrame:
    """The audited attributes of ``people`` (rows of ``read``) in ``year`` (one year, or one per
    row): ``gender`` with missing as "" and ``age_band``; one row per input row."""
    gender = (
        people["gender"].astype("object").fillna("").to_numpy()
        if "gender" in people
        else np.full(len(people), "", dtype=object)
    )
    bands = (
        age_band_in(people["birth_year"], year)
        if "birth_year" in people
        else np.full(len(people), "", dtype=object)
    )
    return pd.DataFrame({"gender": gender, "age_band": bands}, index=people.index)


def records(employees: pd.DataFrame, year: int) -> dict[str, dict[str, Any]]:
    """Per employee id, the protected attributes as JSON values for the committee's view:
    the source columns present in ``employees`` and, where ``birth_year`` is, the age band in
    ``year`` (missing values as None)."""
    present = [c for c in SOURCE_COLUMNS if c in employees.columns]
    out: dict[str, dict[str, Any]] = {}
    for row in employees[["employee_id", *present]].itertuples(index=False):
        out[str(row[0])] = {c: _json(v) for c, v in zip(present, row[1:], strict=True)}
    if "birth_year" in employees.columns:
        bands = age_band_in(employees["birth_year"], year)
        for employee_id, band in zip(employees["employee_id"], bands, strict=True):
            out[str(employee_id)]["age_band"] = str(band) or None
    return out


def _json(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_extra(data_dir: Path, names: Sequence[str]) -> pd.DataFrame:
    """``employee_id`` and the columns ``names`` of ``data_dir``'s ``protected_attributes``
    table (values as text, missing as ""); an empty frame when ``names`` is empty."""
    if not names:
        return pd.DataFrame({"employee_id": pd.Series(dtype="str")})
    path = next(
        (p for p in (data_dir / f"{EXTRA_TABLE}.csv", data_dir / f"{EXTRA_TABLE}.parquet")
         if p.is_file()),
        None,
    )  # fmt: skip
    if path is None:
        raise ProtectedAttributeError(
            f"{data_dir}: attributes {', '.join(names)} need a {EXTRA_TABLE}.csv (or .parquet) "
            "table with employee_id and one column per attribute"
        )
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype="str")
    missing = [c for c in ("employee_id", *names) if c not in frame]
    if missing:
        raise ProtectedAttributeError(f"{path}: no column {', '.join(missing)}")
    out = frame[["employee_id", *names]].astype("object").fillna("").astype("str")
    duplicated = out["employee_id"].duplicated()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0]) + 2  # header is line 1
        raise ProtectedAttributeError(f"{path}: row {row}: employee_id repeated")
    return out
