"""CLI output off a terminal: nothing wraps, tables are tab-separated lines (a CI log greps)."""

from __future__ import annotations

import io

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from ml.console import _Console, frame_table

LONG = "hasil_kerja_rating_" + "x" * 120


def _render(renderable: object, terminal: bool) -> str:
    out = io.StringIO()
    console = _Console(file=out, force_terminal=terminal, width=80)
    console.print(renderable)
    return out.getvalue()


def test_off_a_terminal_a_table_is_tab_separated_and_unwrapped() -> None:
    frame = pd.DataFrame({"column": [LONG, "short"], "value": [0.5, 12.25]})
    text = _render(frame_table(frame, "features"), terminal=False)
    assert text.splitlines() == ["features", "column\tvalue", f"{LONG}\t0.5", "short\t12.2"]


def test_on_a_terminal_the_table_is_drawn() -> None:
    frame = pd.DataFrame({"column": ["a"], "value": [1.0]})
    text = _render(frame_table(frame, "features"), terminal=True)
    assert "┃" in text or "│" in text
    assert "\t" not in text


def test_off_a_terminal_long_messages_stay_on_one_line() -> None:
    message = "not promoted: " + " ".join(["hasil_kerja_rating"] * 20)
    assert _render(message, terminal=False) == message + "\n"
    wrapped = _render(message, terminal=True)
    assert wrapped.count("\n") > 1  # a terminal still wraps to its width


@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
        min_size=1,
        max_size=5,
    )
)
def test_every_row_is_one_line_whatever_the_cells_hold(cells: list[str]) -> None:
    frame = pd.DataFrame([cells], columns=[f"c{i}" for i in range(len(cells))])
    lines = _render(frame_table(frame, "t"), terminal=False).split("\n")
    assert len(lines) == 4 and lines[-1] == ""  # title, header, the row, end
    assert lines[2].count("\t") == len(cells) - 1
