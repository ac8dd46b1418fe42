"""The design matrix: which columns a model reads, and how strings become categories.

Fixed when a model is fitted and stored with it, so that scoring builds exactly the matrix the
model was trained on (same columns, same category codes), whatever the scoring data holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ml.contract.names import NAME_COLUMNS
from ml.contract.protected import NEVER_MODEL_INPUTS

# Protected attributes are never model inputs (UU 27/2022): read by the fairness audit alone.
from ml.errors import InputError
from ml.features.keys import code_of

# Keys, dates and labels of an example: not features.
NOT_FEATURES = frozenset(
    {"employee_id", "as_of", "label_level", "label_date", "need", "last_assessed_on"}
)


class DesignError(InputError):
    """A frame that does not fit the design; the message names the column."""


@dataclass(frozen=True)
class Design:
    """Numeric and categorical feature columns, with each category's fixed list of values."""

    numeric: tuple[str, ...]
    categorical: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, exclude: Iterable[str] = ()) -> Design:
        """Every usable column of ``frame``: numbers as numbers, text as categories (values
        seen in ``frame``), dates and the excluded, key and label columns left out."""
        skip = NOT_FEATURES | set(exclude)
        protected = sorted(NEVER_MODEL_INPUTS & set(frame.columns) - skip)
        if protected:
            raise DesignError(f"protected attributes cannot be model inputs: {protected}")
        # Names identify a person and say nothing of merit: personal data, never an input.
        names = sorted(NAME_COLUMNS & set(frame.columns) - skip)
        if names:
            raise DesignError(f"names cannot be model inputs: {names}")
        numeric, categorical = [], {}
        for name in frame.columns:
            column = frame[name]
            if name in skip or pd.api.types.is_datetime64_any_dtype(column):
                continue
            if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
                numeric.append(name)
            else:
                categorical[name] = tuple(sorted(str(v) for v in column.dropna().unique()))
        return cls(tuple(numeric), categorical)

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's input: numeric columns as float32, categories with the design's codes (a
        value the model never saw becomes missing, which the trees route by their default)."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise DesignError(f"columns the model needs are missing: {missing}")
        data: dict[str, Any] = {}
        for name in self.numeric:
            try:
                data[name] = frame[name].to_numpy(dtype=np.float32, na_value=np.nan)
            except (TypeError, ValueError) as e:
                raise DesignError(f"column {name!r} must be numeric: {e}") from None
        for name, levels in self.categorical.items():
            # each value's position among the levels (one hash lookup); unseen → missing
            codes = code_of(frame[name], list(levels))
            data[name] = pd.Categorical.from_codes(codes, categories=pd.Index(levels))
        return pd.DataFrame(data, index=frame.index)

    def to_dict(self) -> dict[str, Any]:
        return {
            "numeric": list(self.numeric),
            "categorical": {k: list(v) for k, v in self.categorical.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Design:
        return cls(tuple(data["numeric"]), {k: tuple(v) for k, v in data["categorical"].items()})
