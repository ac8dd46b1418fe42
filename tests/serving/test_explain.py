"""NeedExplainer, the per-request path, against the batch path it replaces: the same matrix as
``Design.matrix``, the same probabilities as ``Bundle.predict``, the same TreeSHAP reasons as
``ml.training.explain``, for the rows the snapshot serves and for rows with unseen categories and
missing values; and the same answers as ``talenta score`` on the tables themselves."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from ml.contract.schemas import ALL_COLUMNS
from ml.features.io import load_tables
from ml.recommend.explain import NeedExplainer
from ml.serving.state import ServingState
from ml.training.bundle import Bundle
from ml.training.explain import contributions, top_reasons
from ml.training.registry import NEED_MODEL, load_model
from ml.training.score import score_workforce
from tests.serving.conftest import Home

TOL = 1e-9


@pytest.fixture(scope="module")
def bundle(home: Home) -> Bundle:
    loaded, _ = load_model(home.client, NEED_MODEL, "champion")
    return loaded


@pytest.fixture(scope="module")
def explainer(bundle: Bundle) -> NeedExplainer:
    return NeedExplainer(bundle)


def _rows(home: Home, employees: int = 150) -> list[dict[str, Any]]:
    """The need model's input rows as the API builds them from the snapshot (service._rows)."""
    rows = []
    for record in list(home.records.values())[:employees]:
        person = record.features["employee"]
        rows.extend({**person, **row} for row in record.features["competencies"])
    return rows


def _codes(design_matrix: pd.DataFrame) -> np.ndarray:
    """Design.matrix as plain numbers: categories as their codes, missing as NaN."""
    columns = []
    for name in design_matrix.columns:
        column = design_matrix[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy(np.float64)
            columns.append(np.where(codes < 0, np.nan, codes))
        else:
            columns.append(column.to_numpy(np.float64))
    return np.column_stack(columns)


def _unusual(rows: list[dict[str, Any]], bundle: Bundle) -> list[dict[str, Any]]:
    """Copies of some rows with a category the model never saw, with missing numbers (None and
    absent keys), and with nothing at all."""
    design = bundle.design
    categorical = list(design.categorical)
    numeric = list(design.numeric)
    assert categorical and numeric
    out = []
    for i, row in enumerate(rows[:40]):
        changed = dict(row)
        changed[categorical[i % len(categorical)]] = "NEVER-SEEN-IN-TRAINING"
        changed[numeric[i % len(numeric)]] = None
        changed.pop(numeric[(i + 1) % len(numeric)], None)  # absent, not just None
        out.append(changed)
    out.append({name: None for name in design.columns})
    out.append({})
    return out


def _frame(rows: list[dict[str, Any]], bundle: Bundle) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for name in bundle.design.columns:  # a key absent from every row is a missing column
        if name not in frame.columns:
            frame[name] = None
    return frame


@pytest.mark.parametrize("kind", ["served", "unusual"])
def test_the_matrix_is_design_matrix(
    home: Home, bundle: Bundle, explainer: NeedExplainer, kind: str
) -> None:
    rows = _rows(home) if kind == "served" else _unusual(_rows(home), bundle)
    mine = explainer.matrix(rows)
    theirs = _codes(bundle.design.matrix(_frame(rows, bundle)))
    assert mine.shape == theirs.shape
    # Design.matrix holds numbers as float32: compare at that precision
    np.testing.assert_array_equal(mine.astype(np.float32), theirs.astype(np.float32))
    if kind == "unusual":
        categorical = list(bundle.design.categorical)
        column = bundle.design.columns.index(categorical[0])
        assert np.isnan(mine[0, column])  # the unseen category is missing, as in Design.matrix
        assert np.isnan(mine[-1]).all() and np.isnan(mine[-2]).all()


@pytest.mark.parametrize("kind", ["served", "unusual"])
def test_probabilities_are_bundle_predict(
    home: Home, bundle: Bundle, explainer: NeedExplainer, kind: str
) -> None:
    rows = _rows(home) if kind == "served" else _unusual(_rows(home), bundle)
    expected = bundle.predict(_frame(rows, bundle)).to_numpy()
    np.testing.assert_allclose(explainer.need_probability(rows), expected, rtol=0, atol=TOL)
    explained = explainer.explain(rows, k=3)
    np.testing.assert_allclose([e.need_probability for e in explained], expected, rtol=0, atol=TOL)
    assert ((expected >= 0) & (expected <= 1)).all()


@pytest.mark.parametrize("kind", ["served", "unusual"])
def test_the_reasons_are_the_batch_path_s(
    home: Home, bundle: Bundle, explainer: NeedExplainer, kind: str
) -> None:
    rows = _rows(home, 40) if kind == "served" else _unusual(_rows(home), bundle)
    k = 4
    explained = explainer.explain(rows, k=k)
    X = bundle.design.matrix(_frame(rows, bundle))
    contribs = contributions(bundle.model.booster_, X)
    batch = top_reasons(contribs, X, k=k)
    raw = bundle.model.decision_function(X)
    for e, reasons, log_odds, bias in zip(explained, batch, raw, contribs["bias"], strict=True):
        assert e.log_odds == pytest.approx(log_odds, abs=TOL)
        assert e.baseline == pytest.approx(bias, abs=TOL)
        total = e.baseline + sum(r.contribution for r in e.reasons) + e.other
        assert total == pytest.approx(e.log_odds, abs=TOL)
        assert [r.feature for r in e.reasons] == [r.feature for r in reasons]
        np.testing.assert_allclose(
            [r.contribution for r in e.reasons], [r.contribution for r in reasons], atol=TOL
        )
        assert [r.label for r in e.reasons] == [r.label for r in reasons]


def test_no_rows_no_answers(explainer: NeedExplainer) -> None:
    assert explainer.need_probability([]).shape == (0,)
    assert explainer.explain([]) == []


def test_the_snapshot_answers_as_talenta_score_does(
    home: Home, bundle: Bundle, explainer: NeedExplainer, state: ServingState
) -> None:
    """What the API serves from the materialised rows is what batch scoring gives from the
    tables: materialising (JSON values, rounding) changes no probability."""
    tables = load_tables(home.raw, ALL_COLUMNS)
    scores = score_workforce(tables, bundle, home.as_of, explain_top=0)
    expected = scores.set_index(["employee_id", "competency_code"])["need_probability"]
    keys, rows = [], []
    for record in home.records.values():
        person = record.features["employee"]
        for row in record.features["competencies"]:
            keys.append((record.employee_id, row["competency_code"]))
            rows.append({**person, **row})
    assert len(rows) == len(expected)
    served = explainer.need_probability(rows)
    np.testing.assert_allclose(served, expected.loc[keys].to_numpy(), rtol=0, atol=TOL)
    assert state.models.current is not None
    assert state.models.current.explainer.bundle.design == bundle.design
