"""Terminal output shared by the commands: progress bars and tables (rich).

On a terminal, tables are drawn and long lines wrap to its width. Anywhere else (a pipe, a file,
a CI log) nothing wraps and tables are tab-separated lines, so that a grep for an identifier or
a column name finds it whole (rich's 80-column default cut ``hasil_kerja_rating`` in two).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
from rich.console import Console, ConsoleOptions, RenderResult
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.segment import Segment
from rich.table import Table

from ml.contract.tables import Violation


class _Console(Console):
    """A console that does not wrap when it does not write to a terminal. Decided per call:
    the stream can change after import (tests capture it, a command's output is piped)."""

    def print(self, *objects: Any, soft_wrap: bool | None = None, **kwargs: Any) -> None:
        if soft_wrap is None and not self.is_terminal:
            soft_wrap = True
        super().print(*objects, soft_wrap=soft_wrap, **kwargs)


console: Console = _Console()
err_console: Console = _Console(stderr=True)


class PlainWhenPiped:
    """A table drawn on a terminal, and as its title then tab-separated header and rows
    elsewhere (tabs and newlines inside a cell become spaces, so every row stays one line)."""

    def __init__(
        self,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        right_aligned: Sequence[bool] | None = None,
    ) -> None:
        self.title, self.header, self.rows = title, list(header), [list(r) for r in rows]
        self.right_aligned = list(right_aligned or [False] * len(self.header))

    def table(self) -> Table:
        table = Table(title=self.title, title_justify="left")
        for name, right in zip(self.header, self.right_aligned, strict=True):
            table.add_column(name, justify="right" if right else "left", overflow="fold")
        for row in self.rows:
            table.add_row(*row)
        return table

    def plain_lines(self) -> list[str]:
        def clean(cell: str) -> str:
            return " ".join(cell.split())

        lines = [self.title] if self.title else []
        lines += ["\t".join(clean(c) for c in line) for line in [self.header, *self.rows]]
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if console.is_terminal:
            yield self.table()
            return
        # raw segments: the console does not crop or wrap them to its width
        for line in self.plain_lines():
            yield Segment(line)
            yield Segment.line()


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


def violations_table(violations: Sequence[Violation], title: str) -> PlainWhenPiped:
    rows = [
        [v.severity, v.file, "" if v.row is None else str(v.row), v.column, v.value, v.rule]
        for v in violations
    ]
    return PlainWhenPiped(title, ["severity", "file", "row", "column", "value", "rule"], rows)


def frame_table(frame: pd.DataFrame, title: str) -> PlainWhenPiped:
    numeric = [pd.api.types.is_numeric_dtype(frame[column]) for column in frame.columns]
    rows = [
        [f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row]
        for row in frame.itertuples(index=False)
    ]
    return PlainWhenPiped(title, [str(c) for c in frame.columns], rows, numeric)
