"""Two plans side by side: totals, and who gains or loses places."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ml.recommend.compare import compare, totals


def row(employee: str, program: str, cost: float = 1e6, jp: float = 20, gain: float = 0.5) -> Any:
    return {
        "employee_id": employee,
        "program_id": program,
        "cost_idr": cost,
        "jp": jp,
        "expected_gain": gain,
    }


def test_totals_add_up() -> None:
    t = totals([row("E1", "P1", 2e6, 24, 0.4), row("E1", "P2", 1e6, 16, 0.1), row("E2", "P1")])
    assert (t.cost_idr, t.jp, t.places, t.people) == (4e6, 60, 3, 2)
    assert abs(t.expected_gain - 1.0) < 1e-12


def test_who_gains_loses_and_changes() -> None:
    a = [row("E1", "P1"), row("E2", "P1"), row("E2", "P2"), row("E3", "P1"), row("E5", "P9")]
    b = [row("E1", "P1"), row("E2", "P1"), row("E3", "P2"), row("E4", "P1"), row("E5", "P9")]
    c = compare(a, b)
    assert [(p.employee_id, p.change) for p in c.people] == [
        ("E4", "gains"),
        ("E2", "loses"),
        ("E3", "changes"),
    ]
    assert (c.count("gains"), c.count("loses"), c.count("changes")) == (1, 1, 1)
    assert c.delta.places == 0 and c.delta.people == 1


def test_a_plan_beside_itself_changes_nothing() -> None:
    a = [row("E1", "P1"), row("E2", "P2", 3e6, 40, 0.9)]
    c = compare(a, a)
    assert c.people == () and c.delta.cost_idr == 0 and c.a == c.b


people = st.sampled_from(["E1", "E2", "E3", "E4"])
programs = st.sampled_from(["P1", "P2", "P3"])
plans = st.lists(
    st.builds(row, people, programs, st.integers(0, 10**8).map(float), st.sampled_from([8, 24])),
    max_size=8,
    unique_by=lambda r: (r["employee_id"], r["program_id"]),
)


@given(plans, plans)
def test_the_difference_is_b_minus_a_and_swapping_mirrors_it(a: list[Any], b: list[Any]) -> None:
    ab, ba = compare(a, b), compare(b, a)
    assert ab.delta.cost_idr == -ba.delta.cost_idr
    assert ab.delta.places == totals(b).places - totals(a).places
    assert ab.count("gains") == ba.count("loses") and ab.count("changes") == ba.count("changes")
    # everyone whose places differ is listed, and nobody else
    differ = {
        e
        for e in {r["employee_id"] for r in a + b}
        if {r["program_id"] for r in a if r["employee_id"] == e}
        != {r["program_id"] for r in b if r["employee_id"] == e}
    }
    assert {p.employee_id for p in ab.people} == differ
