"""Terminal output shared by the commands: progress bars and tables (rich)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ml.contract.tables import Violation

console = Console()
err_console = Console(stderr=True)


@contextmanager
def steps(title: str, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar over ``total`` named steps; yields ``advance(step_name)``."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )
    with progress:
        task = progress.add_task(title, total=total, step="")
        done = 0

        def advance(step: str) -> None:
            nonlocal done
            if done:
                progress.advance(task)
            done += 1
            progress.update(task, step=step)

        yield advance
        progress.update(task, completed=total, step="done")


def violations_table(violations: Sequence[Violation], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for name in ("severity", "file", "row", "column", "value", "rule"):
        table.add_column(name, overflow="fold")
    for v in violations:
        table.add_row(
            v.severity, v.file, "" if v.row is None else str(v.row), v.column, v.value, v.rule
        )
    return table


def frame_table(frame: pd.DataFrame, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row))
    return table
