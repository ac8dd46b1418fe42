"""The MLflow pyfunc flavour of a bundle: ``mlflow.pyfunc.load_model(uri)`` with a URI such as
``models:/talenta-need@champion`` answers need probabilities (or expected ratings) for
contract-shaped rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from mlflow.pyfunc import PythonModel

from ml.training.bundle import Bundle, load_bundle

ARTIFACT = "bundle"


class BundleModel(PythonModel):
    """Loads the bundle from the model's artifacts; ``bundle`` gives the full object (for
    explanations, which pyfunc's predict cannot carry)."""

    def load_context(self, context: Any) -> None:
        self.bundle: Bundle = load_bundle(Path(context.artifacts[ARTIFACT]))

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        return self.bundle.predict(model_input).to_frame()
