"""A fitted model and its design on disk: the directory MLflow stores as the model's artifact.

LightGBM's text format and JSON only (no pickles): a bundle opens with any compatible version
of the libraries, and a reviewer can read what it holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ml.training.appraisal import ExpectedAppraisalRegressor
from ml.training.design import Design
from ml.training.need import TrainingNeedClassifier

NEED, APPRAISAL = "need", "appraisal"


@dataclass(frozen=True)
class Bundle:
    """A model with the design that turns contract-shaped rows into its input."""

    kind: str  # NEED or APPRAISAL
    model: TrainingNeedClassifier | ExpectedAppraisalRegressor
    design: Design

    def predict(self, rows: pd.DataFrame) -> pd.Series:
        """Need probability (need model) or expected rating value (appraisal model) per row."""
        X = self.design.matrix(rows)
        if isinstance(self.model, TrainingNeedClassifier):
            values = self.model.predict_proba(X)[:, 1]
        else:
            values = self.model.predict(X)
        return pd.Series(values, index=rows.index, name=self.output_name)

    @property
    def output_name(self) -> str:
        return "need_probability" if self.kind == NEED else "expected_rating"

    def save(self, directory: Path) -> Path:
        self.model.save(directory)
        meta = {"kind": self.kind, "design": self.design.to_dict()}
        (directory / "design.json").write_text(json.dumps(meta, indent=2))
        return directory


def load_bundle(directory: Path) -> Bundle:
    meta = json.loads((directory / "design.json").read_text())
    kind = meta["kind"]
    model = (TrainingNeedClassifier if kind == NEED else ExpectedAppraisalRegressor).load(directory)
    return Bundle(kind, model, Design.from_dict(meta["design"]))
