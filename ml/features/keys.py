"""Integer keys for employees and (employee, competency) pairs, and the integer-array tools the
builders share (one-to-many expansion, per-group mean and slope, calendar windows).

Grouping and joining on 18-character NIP strings is what makes naive feature code slow; every
builder maps them once to positions in the employee roster and works on integers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray

DAYS_PER_MONTH = 365.25 / 12  # for ages reported in months


@dataclass(frozen=True)
class Keys:
    employees: pa.Array  # employee_id, in roster order
    codes: pa.Array  # competency_code, sorted

    @classmethod
    def of(cls, employee_ids: pd.Series, codes: pd.Series) -> Keys:
        return cls(_text(employee_ids), _text(pd.Series(sorted(codes.dropna().unique()))))

    @property
    def n_codes(self) -> int:
        return len(self.codes)

    def employee(self, employee_ids: pd.Series) -> np.ndarray:
        """Roster position of each id; −1 for an id not on the roster."""
        return _positions(employee_ids, self.employees)

    def code(self, codes: pd.Series) -> np.ndarray:
        """Position of each competency code; −1 for an unknown code."""
        return _positions(codes, self.codes)

    def pair(self, emp: np.ndarray, code: np.ndarray) -> np.ndarray:
        """One int64 per (roster position, code position); −1 where either is unknown."""
        return np.where((emp >= 0) & (code >= 0), emp * self.n_codes + code, -1)

    def with_positions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with each row's roster position as ``emp`` in place of ``employee_id``.

        Rows of employees not on the roster get −1.
        """
        return frame.drop(columns="employee_id").assign(emp=self.employee(frame["employee_id"]))


def _text(values: pd.Series) -> pa.Array:
    return pa.array(values.astype("str").to_numpy(dtype=object), type=pa.string())


def _positions(values: pd.Series, value_set: pa.Array) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        # look up each category once, then broadcast through the integer codes
        per_category = np.append(_positions(pd.Series(values.cat.categories), value_set), -1)
        return per_category[values.cat.codes.to_numpy()]  # code −1 (empty) lands on the −1
    # Arrow's hash lookup on the string buffers: about 4× pandas' Index.get_indexer on NIPs.
    found = pc.index_in(pa.array(values.astype("str"), type=pa.string()), value_set=value_set)
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def expand(group: np.ndarray, link_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-to-many expansion on integers: each row of group ``g`` once per link of ``g``.

    ``link_group`` must be sorted. Returns (row, link) positions; rows with ``group`` −1 or a
    group without links yield nothing.
    """
    if len(link_group) == 0 or len(group) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    size = int(max(group.max(), link_group.max())) + 1
    per_group = np.bincount(link_group, minlength=size)
    first = np.searchsorted(link_group, np.arange(size))
    counts = np.where(group >= 0, per_group[np.maximum(group, 0)], 0)
    row = np.repeat(np.arange(len(group)), counts)
    within = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
    return row, np.repeat(first[np.maximum(group, 0)], counts) + within


def code_of(values: pd.Series, vocabulary: list[str]) -> np.ndarray:
    """Position of each value in ``vocabulary``; −1 for empty or unknown values."""
    return _positions(values, pa.array(vocabulary, type=pa.string()))


def text_of(vocabulary: pa.Array | list[str], codes: np.ndarray) -> ExtensionArray:
    """The text of each code in ``vocabulary`` as a ``str`` array; code −1 is missing.

    Taken inside Arrow: building millions of strings from a NumPy object array costs about
    six times as much."""
    words = vocabulary if isinstance(vocabulary, pa.Array) else pa.array(vocabulary, pa.string())
    codes = np.asarray(codes, dtype=np.int64)
    return pd.array(words.take(pa.array(codes, mask=codes < 0)), dtype="str")


def months_before(as_of: pd.Timestamp, months: int) -> np.datetime64:
    """The calendar date ``months`` before ``as_of``: "within the last 12 months" means after it."""
    return (as_of - pd.DateOffset(months=months)).to_datetime64()


def group_mean(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Mean of the known ``values`` of each group 0 … size − 1 (NaN for none)."""
    known = ~np.isnan(values)
    total = np.bincount(group[known], weights=values[known], minlength=size)
    count = np.bincount(group[known], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def group_slope(group: np.ndarray, x: np.ndarray, y: np.ndarray, size: int) -> np.ndarray:
    """Least-squares slope of y on x in each group 0 … size − 1; NaN below two distinct x."""
    known = ~(np.isnan(x) | np.isnan(y))
    g, x, y = group[known], x[known], y[known]
    n, sx, sy, sxx, sxy = (
        np.bincount(g, weights=w, minlength=size) for w in (np.ones_like(x), x, y, x * x, x * y)
    )
    denominator = n * sxx - sx**2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 1e-9 * n**2, (n * sxy - sx * sy) / denominator, np.nan)
