"""The design matrix: protected attributes refused, categories fixed at fit time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.training.design import Design, DesignError


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "employee_id": ["1", "2", "3"],
            "level": [1.0, np.nan, 3.0],
            "count": [1, 2, 3],
            "position_type": ["PELAKSANA", "FUNGSIONAL", None],
            "as_of": pd.to_datetime(["2024-01-01"] * 3),
            "need": [True, False, True],
        }
    )


def test_columns_numbers_categories_and_no_keys() -> None:
    design = Design.from_frame(_frame())
    assert design.numeric == ("level", "count")
    assert design.categorical == {"position_type": ("FUNGSIONAL", "PELAKSANA")}


@pytest.mark.parametrize("column", ["gender", "birth_year", "age_band"])
def test_protected_attributes_are_refused(column: str) -> None:
    with pytest.raises(DesignError, match="protected"):
        Design.from_frame(_frame().assign(**{column: "P"}))


def test_unseen_category_becomes_missing_and_codes_stay_fixed() -> None:
    design = Design.from_frame(_frame())
    X = design.matrix(_frame().assign(position_type=["FUNGSIONAL", "JPT_MADYA", "PELAKSANA"]))
    assert X["position_type"].cat.codes.tolist() == [0, -1, 1]
    assert X["level"].dtype == np.float32


def test_a_missing_column_is_named() -> None:
    design = Design.from_frame(_frame())
    with pytest.raises(DesignError, match="level"):
        design.matrix(_frame().drop(columns="level"))


def test_round_trip() -> None:
    design = Design.from_frame(_frame())
    assert Design.from_dict(design.to_dict()) == design
