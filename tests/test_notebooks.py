"""The evaluation notebook runs top to bottom against a registry trained and promoted here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import mlflow
import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from nbclient import NotebookClient
from nbformat import NotebookNode
from threadpoolctl import threadpool_limits

from ml.config import get_settings
from ml.pipelines.train import read_training_data
from ml.synth import SynthConfig, generate_workforce, write_workforce
from ml.training.gates import Gates
from ml.training.registry import connect, log_training, promote
from ml.training.train import train

pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "1.0-model-evaluation.ipynb"
# Every gate off: this checks that the notebook reads a champion, not that a small one is good.
NO_GATES = Gates(
    max_oracle_gap=None,
    max_achievable_gap=None,
    max_equalized_odds_difference=None,
    min_appraisal_r2=None,
    min_test_roc_auc=None,
    max_test_ece=None,
    must_beat_baseline=False,
)
MLFLOW_ENV = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI", "TALENTA_MLFLOW_TRACKING_URI")


def _unset(mp: pytest.MonkeyPatch, name: str) -> None:
    # mlflow.set_tracking_uri and set_registry_uri export these variables; setting before
    # deleting records the original state, so the context restores it whatever mlflow wrote.
    mp.setenv(name, "")
    mp.delenv(name)


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NotebookNode]:
    """The notebook after a run against a fresh TALENTA_HOME holding a promoted champion."""
    home = tmp_path_factory.mktemp("talenta_home")
    data_dir = home / "data" / "raw"
    write_workforce(generate_workforce(SynthConfig(employees=600, seed=5)), data_dir)
    # A kernelspec of this interpreter, found first: a user-wide "python3" may be another Python.
    jupyter = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(jupyter / "kernels" / "python3")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TALENTA_HOME", str(home))
        mp.setenv("JUPYTER_PATH", str(jupyter))
        for name in MLFLOW_ENV:
            _unset(mp, name)
        get_settings.cache_clear()
        try:
            client = connect(get_settings())
            # One thread: a few thousand rows gain nothing from more, and on a busy machine
            # OpenMP's spinning threads make this training ten times slower or worse.
            with threadpool_limits(limits=1):
                result = train(read_training_data(data_dir))
            registered = log_training(client, result, card="# card", figures={})
            assert promote(client, registered.need_version, NO_GATES).promoted
            # connect() exported the store's URI; the kernel must find it from TALENTA_HOME alone
            for name in MLFLOW_ENV:
                _unset(mp, name)
            notebook = nbformat.read(NOTEBOOK, as_version=4)
            NotebookClient(
                notebook,
                timeout=300,
                kernel_name="python3",
                resources={"metadata": {"path": str(home)}},
            ).execute()
            yield notebook
        finally:
            mlflow.set_tracking_uri(None)
            mlflow.set_registry_uri(None)
            get_settings.cache_clear()


def _outputs(notebook: NotebookNode) -> list[NotebookNode]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def _text(notebook: NotebookNode) -> str:
    """Everything the cells printed or displayed as text."""
    parts = []
    for output in _outputs(notebook):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def test_committed_notebook_has_parameters_and_no_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert "SAMPLE_ROWS" in code[0].source
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


def test_every_cell_runs(executed: NotebookNode) -> None:
    errors = [o for o in _outputs(executed) if o.output_type == "error"]
    assert not errors, errors


def test_shows_the_champion(executed: NotebookNode) -> None:
    text = _text(executed)
    assert "talenta-need version 1" in text
    assert "champion" in text
    for metric in ("test_roc_auc", "baseline_roc_auc", "oracle_roc_auc"):
        assert metric in text


def test_draws_calibration_and_shap_figures(executed: NotebookNode) -> None:
    drawn = [
        cell.source
        for cell in executed.cells
        if cell.cell_type == "code" and any("image/png" in o.get("data", {}) for o in cell.outputs)
    ]
    # each figure named by a phrase of the code that draws it
    for phrase in ("Reliability diagram", "mean |contribution|", "Contributions per row"):
        assert any(phrase in source for source in drawn), f"no figure drawn by {phrase!r}"
    assert "ECE from the table" in _text(executed)


def test_contributions_add_up_to_the_raw_score(executed: NotebookNode) -> None:
    assert "additivity check passed" in _text(executed)


def test_fairness_table_covers_both_attributes(executed: NotebookNode) -> None:
    html = [
        o.data["text/html"]
        for o in _outputs(executed)
        if "text/html" in o.get("data", {}) and "selection_rate" in o.data["text/html"]
    ]
    assert html, "no fairness table displayed"
    assert "gender" in html[0] and "age_band" in html[0]
    text = _text(executed)
    assert "equalized-odds difference by gender" in text
    assert "equalized-odds difference by age_band" in text
