"""Training examples and their split: by employee *and* by time, so that no employee and no label
from the test period reaches training.

Each employee falls, by a stable hash of the NIP, into one group: train, validation or test. The
test date is the last ``as_of`` with labels; training uses the train group's examples on earlier
dates whose labels were known before the test date; validation (early stopping, calibration) and
test use their own employees on the test date. The test therefore measures what matters in use:
the model's prediction for employees it never saw, about a period after everything it learnt from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.errors import InputError
from ml.features.point_in_time import Tables

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Split:
    """The three example sets and the dates they come from."""

    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame
    test_as_of: pd.Timestamp

    def sizes(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in SPLITS}


def employee_groups(
    employee_ids: pd.Series, validation_share: float = 0.15, test_share: float = 0.15
) -> np.ndarray:
    """ "train", "validation" or "test" per employee id, from a hash of the id alone.

    A hash rather than a random draw: the same employee lands in the same group in every run and
    in every dataset version, so a retrained model is never tested on its own training employees.
    """
    if not (0 < validation_share < 1 and 0 < test_share < 1 and validation_share + test_share < 1):
        raise ValueError("validation and test shares must be positive and sum to less than 1")
    unique, inverse = np.unique(employee_ids.to_numpy(dtype=str), return_inverse=True)
    u = (
        np.array(
            [int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest()) for i in unique],
            dtype=np.float64,
        )
        / 2.0**64
    )
    group = np.where(
        u < test_share, "test", np.where(u < test_share + validation_share, "validation", "train")
    )
    return group[inverse]


def label_dates(tables: Tables, min_history_years: int = 1) -> list[pd.Timestamp]:
    """The 1 January dates to build examples on: from one year after the first assessment (some
    history to learn from) to the last 1 January followed by at least one assessment (a label)."""
    assessed = tables.get("competency_assessments")
    if assessed is None or assessed.empty:
        raise InputError("competency_assessments is needed to train: it holds the labels")
    first, last = assessed["assessed_on"].min(), assessed["assessed_on"].max()
    start = first.year + min_history_years
    dates = [pd.Timestamp(year=y, month=1, day=1) for y in range(start, last.year + 1)]
    dates = [d for d in dates if d < last]
    if len(dates) < 2:
        raise InputError(
            f"assessments span {first.date()} … {last.date()}: at least two yearly dates with "
            "history before and labels after are needed (about three years of data)"
        )
    return dates


def split_examples(
    examples: pd.DataFrame,
    dates: Sequence[pd.Timestamp],
    *,
    validation_share: float = 0.15,
    test_share: float = 0.15,
) -> Split:
    """Split labelled examples (see ``build_training_examples``) by employee group and time."""
    test_as_of = max(pd.Timestamp(d) for d in dates)
    group = employee_groups(examples["employee_id"], validation_share, test_share)
    as_of = examples["as_of"]
    train = (group == "train") & (as_of < test_as_of) & (examples["label_date"] < test_as_of)
    split = Split(
        train=examples[train.to_numpy()].reset_index(drop=True),
        validation=examples[(group == "validation") & (as_of == test_as_of)].reset_index(drop=True),
        test=examples[(group == "test") & (as_of == test_as_of)].reset_index(drop=True),
        test_as_of=test_as_of,
    )
    for name, size in split.sizes().items():
        if size == 0:
            raise InputError(
                f"no {name} examples: the workforce is too small or has too few assessments "
                f"around {test_as_of.date()} to train and evaluate a model"
            )
    for name in SPLITS:
        if getattr(split, name)["need"].nunique() < 2:
            raise InputError(f"the {name} examples hold only one class of need: cannot train")
    return split
