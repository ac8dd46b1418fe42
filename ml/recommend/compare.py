"""Two unit plans side by side: what each costs, how many JP and how much expected gap closure it
buys, and who gains or loses places from the first to the second.

Pure: it reads the plans' assignments (one row per person × programme: ``employee_id``,
``program_id``, ``cost_idr``, ``jp``, ``expected_gain``) and returns numbers; the pages and the
API word them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Change = Literal["gains", "loses", "changes", "same"]


@dataclass(frozen=True)
class Totals:
    cost_idr: float
    jp: float
    expected_gain: float
    places: int
    people: int


@dataclass(frozen=True)
class PersonChange:
    employee_id: str
    programs_a: tuple[str, ...]
    programs_b: tuple[str, ...]
    jp_a: float
    jp_b: float
    gain_a: float
    gain_b: float

    @property
    def change(self) -> Change:
        """``gains``: more places in b; ``loses``: fewer; ``changes``: as many, other ones."""
        if len(self.programs_b) > len(self.programs_a):
            return "gains"
        if len(self.programs_b) < len(self.programs_a):
            return "loses"
        return "same" if set(self.programs_a) == set(self.programs_b) else "changes"


@dataclass(frozen=True)
class Comparison:
    a: Totals
    b: Totals
    people: tuple[PersonChange, ...]  # everyone in either plan whose places differ

    @property
    def delta(self) -> Totals:
        return Totals(
            cost_idr=self.b.cost_idr - self.a.cost_idr,
            jp=self.b.jp - self.a.jp,
            expected_gain=self.b.expected_gain - self.a.expected_gain,
            places=self.b.places - self.a.places,
            people=self.b.people - self.a.people,
        )

    def count(self, change: Change) -> int:
        return sum(1 for p in self.people if p.change == change)


def totals(assignments: Iterable[Mapping[str, Any]]) -> Totals:
    """The cost, JP, expected gain, places and people of one plan's assignments."""
    rows = list(assignments)
    return Totals(
        cost_idr=float(sum(float(r["cost_idr"]) for r in rows)),
        jp=float(sum(float(r["jp"]) for r in rows)),
        expected_gain=float(sum(float(r["expected_gain"]) for r in rows)),
        places=len(rows),
        people=len({str(r["employee_id"]) for r in rows}),
    )


def compare(a: Iterable[Mapping[str, Any]], b: Iterable[Mapping[str, Any]]) -> Comparison:
    """Plan ``a`` beside plan ``b`` (each its assignments). People whose places are the same in
    both are left out of ``people``; the rest are ordered gains, loses, changes, then by id."""
    rows_a, rows_b = list(a), list(b)
    own_a, own_b = _by_person(rows_a), _by_person(rows_b)
    people = []
    for employee in sorted(set(own_a) | set(own_b)):
        pa, pb = own_a.get(employee, []), own_b.get(employee, [])
        person = PersonChange(
            employee_id=employee,
            programs_a=tuple(sorted(str(r["program_id"]) for r in pa)),
            programs_b=tuple(sorted(str(r["program_id"]) for r in pb)),
            jp_a=float(sum(float(r["jp"]) for r in pa)),
            jp_b=float(sum(float(r["jp"]) for r in pb)),
            gain_a=float(sum(float(r["expected_gain"]) for r in pa)),
            gain_b=float(sum(float(r["expected_gain"]) for r in pb)),
        )
        if person.change != "same":
            people.append(person)
    order = {"gains": 0, "loses": 1, "changes": 2}
    people.sort(key=lambda p: (order[p.change], p.employee_id))
    return Comparison(totals(rows_a), totals(rows_b), tuple(people))


def _by_person(rows: list[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        out.setdefault(str(r["employee_id"]), []).append(r)
    return out
