"""The layers of ``ml/`` (README, "How the code is laid out"), held by reading every module's
imports: a package may import only the packages below it.

    scoring ← contract ← features ← training ← fairness, recommend ← pipelines ← serving, cli

with the small helpers (``errors``, ``markdown``, ``config``) usable from below, ``synth``
beside ``features`` (it writes what the contract reads), and the store reached only from
pipelines, serving and the command line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ML = Path(__file__).resolve().parents[1] / "ml"

BASE = {"errors", "markdown"}
DOMAIN = {"scoring", "contract", "features", "training", "fairness", "recommend"}
# package → the packages of ml it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "markdown": set(),
    "config": {"errors"},
    "scoring": {"errors"},  # the rule core: the regulations, nothing else
    "contract": {"scoring", "errors"},
    "synth": {"contract", "scoring", "config", "errors"},
    "features": {"contract", "scoring", "errors"},
    # synth: the achievable bound reads the generator's parameters (generated data only)
    "training": {"features", "contract", "scoring", "config", "synth"} | BASE,
    "fairness": {"training", "features", "contract", "scoring"} | BASE,
    "recommend": {"training", "features", "contract", "scoring"} | BASE,
    "store": {"config"} | BASE,
    "summary": {"features", "contract", "scoring"},
    "pipelines": DOMAIN | {"synth", "store", "summary", "config"} | BASE,
    "console": {"contract"},
    "serving": DOMAIN | {"pipelines", "store", "config"} | BASE,
    "cli": DOMAIN
    | {"pipelines", "store", "config", "synth", "serving", "console", "summary"}
    | BASE,
}


def package_of(module: str) -> str:
    """``ml.features.io`` → ``features``; ``ml.cli`` → ``cli``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imports_of(source: str) -> list[tuple[int, str]]:
    """(line, module) of every ``ml`` import in ``source``, lazy ones inside functions too."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, m) for line, m in found if m == "ml" or m.startswith("ml.")]


def violations(root: Path) -> list[str]:
    """Every import in the tree under ``root`` (an ``ml`` package) that goes against ALLOWED."""
    out = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).with_suffix("")
        if relative.parts == ("ml", "__init__"):
            continue  # the package's own docstring
        importer = package_of(".".join(relative.parts))
        if importer not in ALLOWED:
            out.append(f"{relative}: package {importer!r} has no place in the layers")
            continue
        for line, module in imports_of(path.read_text(encoding="utf-8")):
            imported = package_of(module)
            if imported != importer and imported not in ALLOWED[importer]:
                out.append(f"{relative}.py:{line}: {importer} must not import {module}")
    return out


def test_every_package_of_ml_has_a_layer() -> None:
    packages = {p.stem for p in ML.glob("*.py")} | {p.name for p in ML.iterdir() if p.is_dir()}
    packages -= {"__init__", "__pycache__"}
    assert packages <= set(ALLOWED), sorted(packages - set(ALLOWED))


def test_ml_keeps_its_layers() -> None:
    assert violations(ML) == []


@pytest.mark.parametrize(
    ("package", "source", "expected"),
    [
        # the rule core reading the contract: the regulations would depend on a file format
        ("scoring", "from ml.contract.codes import NIP\n", "scoring must not import ml.contract"),
        # a domain package reaching the store (SQLAlchemy, Alembic) instead of returning frames
        ("fairness", "def f():\n    import ml.store.records\n", "fairness must not import"),
        ("features", "from ml.training.design import Design\n", "features must not import"),
        ("training", "from ml.pipelines.train import promote_models\n", "training must not"),
    ],
)
def test_a_wrong_import_is_caught(tmp_path: Path, package: str, source: str, expected: str) -> None:
    root = tmp_path / "ml"
    (root / package).mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / package / "bad.py").write_text(source)
    found = violations(root)
    assert len(found) == 1 and expected in found[0], found


def test_a_right_import_passes(tmp_path: Path) -> None:
    root = tmp_path / "ml"
    (root / "pipelines").mkdir(parents=True)
    (root / "pipelines" / "job.py").write_text("from ml.store.records import FlagRecord\n")
    assert violations(root) == []
