"""The oracle (generated data only): how well a model could do if it knew each employee's true
latent competency level on the date of the prediction, read from ``ground_truth/``.

No model can know more than the truth at the time it predicts; what still separates the oracle
from perfect is what happens after (drift, training) and the noise of the assessment that gives
the label. Its score is ``required − latent`` (more need the further below); calibrated on the
validation rows like the model, so its Brier score and ECE are comparable too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

LATENT_LEVELS = Path("ground_truth") / "latent_levels.parquet"
KEY = ["employee_id", "competency_code", "as_of"]


def load_latent_levels(data_dir: Path) -> pd.DataFrame | None:
    """``ground_truth/latent_levels.parquet`` of a generated workforce, or None for real data."""
    path = data_dir / LATENT_LEVELS
    if not path.is_file():
        return None
    frame = pd.read_parquet(path, columns=[*KEY, "latent_level"])
    return frame.astype({"employee_id": "str", "competency_code": "str"}).assign(
        as_of=pd.to_datetime(frame["as_of"]).astype("datetime64[us]")
    )


def oracle_score(examples: pd.DataFrame, latent: pd.DataFrame) -> np.ndarray:
    """``required_level − latent_level`` per example (NaN where the truth has no row)."""
    keys = examples[KEY].astype({"as_of": "datetime64[us]"})
    joined = keys.merge(latent, on=KEY, how="left", validate="many_to_one")
    return examples["required_level"].to_numpy(np.float64) - joined["latent_level"].to_numpy(
        np.float64
    )
