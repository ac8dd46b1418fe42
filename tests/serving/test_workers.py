"""``talenta serve --workers N``: several processes on one port, each following the registry, so
that a promotion reaches every worker without a reload asked of each; and the stores that allow
it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import pytest
from typer.testing import CliRunner

from ml.cli import app as cli
from ml.config import Settings
from ml.serving.state import Loaded, ModelSlot
from ml.serving.workers import store_refuses_workers
from ml.training.registry import NEED_MODEL
from tests.serving.conftest import Home, mlflow_environment_kept

RECOMMENDATIONS = "/api/v1/employees/{}/recommendations"
ALIAS = "workers-test"


def _loaded(version: str) -> Loaded:
    explainer: Any = None  # the slot never looks inside
    return Loaded(explainer, NEED_MODEL, version, "champion", None, datetime.now(UTC))


def test_a_following_slot_loads_what_the_registry_names_and_stops_when_told() -> None:
    registry = {"version": "1"}
    calls = []

    def load() -> Loaded:
        calls.append(registry["version"])
        if registry["version"] == "broken":
            raise RuntimeError("registry unreachable")
        return _loaded(registry["version"])

    slot = ModelSlot(load)
    slot.reload()
    stop = slot.follow(0.01)
    try:
        registry["version"] = "2"  # promoted elsewhere: no reload asked of this slot
        _wait(lambda: slot.current is not None and slot.current.version == "2")
        registry["version"] = "broken"  # a failed look-up keeps the model serving
        _wait(lambda: slot.error is not None and "unreachable" in slot.error)
        assert slot.current is not None and slot.current.version == "2"
    finally:
        stop()
    time.sleep(0.05)  # a look-up in flight when stopped may finish
    seen = len(calls)
    time.sleep(0.1)
    assert len(calls) == seen  # stopped


def _wait(condition: Any, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("sqlite://", True),
        ("sqlite:///:memory:", True),
        ("sqlite:////srv/talenta/data/talenta.db", False),
        ("postgresql+psycopg://talenta@db/talenta", False),
    ],
)
def test_which_stores_allow_workers(url: str, refused: bool) -> None:
    assert (store_refuses_workers(url) is not None) == refused


def test_workers_on_an_in_memory_store_are_refused_naming_why(tmp_path: Path) -> None:
    env = {"TALENTA_HOME": str(tmp_path), "TALENTA_DATABASE_URL": "sqlite://"}
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"], env=env)
    assert result.exit_code == 2
    assert "--workers 2" in result.output and "in-memory" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, key: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def copied_home(home: Home, tmp_path: Path) -> Iterator[Settings]:
    """A copy of the session's home (store and registry) that this test may promote in."""
    root = tmp_path / "home"
    shutil.copytree(home.settings.home, root, ignore=shutil.ignore_patterns("audit"))
    with mlflow_environment_kept():
        yield Settings(home=root)


def test_two_workers_answer_and_a_promotion_reaches_both(
    copied_home: Settings, home: Home, employee_id: str
) -> None:
    settings = copied_home
    client = home.client.__class__(settings.tracking_uri, settings.registry_uri)
    client.set_registered_model_alias(NEED_MODEL, ALIAS, home.need_version)
    port = _free_port()
    env = {**os.environ, "TALENTA_HOME": str(settings.home), "OMP_NUM_THREADS": "1"}
    for name in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI"):
        env.pop(name, None)
    command = [sys.executable, "-m", "ml.cli", "serve", "--workers", "2", "--port", str(port)]
    command += ["--alias", ALIAS, "--no-access-log"]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    key = home.keys["planner"]
    try:
        _wait(lambda: _reachable(f"{base}/ready"), timeout_s=120)
        children = psutil.Process(server.pid).children()
        workers = [p for p in children if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2

        def versions(n: int) -> set[str]:
            seen = set()
            for _ in range(n):
                status, body = _get(base + RECOMMENDATIONS.format(employee_id), key)
                assert status == 200, body
                seen.add(body["model"]["version"])
            return seen

        assert versions(20) == {home.need_version}
        # a new version (the same artifacts) promoted by another process: no reload is asked
        source = client.get_model_version(NEED_MODEL, home.need_version)
        new = client.create_model_version(NEED_MODEL, source.source, source.run_id)
        client.set_registered_model_alias(NEED_MODEL, ALIAS, new.version)
        _wait(lambda: versions(20) == {str(new.version)}, timeout_s=60)
        # and every worker has it: forty requests more, spread over both, all by the new one
        assert versions(40) == {str(new.version)}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _reachable(url: str) -> bool:
    try:
        return _get(url)[0] == 200
    except OSError:
        return False
