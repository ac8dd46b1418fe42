"""Finding people and units in the served snapshot: search by name, partial NIP and unit, ranked
and paged; the unit list with names, head-count, need and JP-shortfall summaries, sorted and
paged.

Built once per snapshot from the stored profiles (a few fields each) and held in memory: a
snapshot changes only when ``talenta score`` runs, and a search then costs no query.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from ml.contract.names import format_nip, nip_query

T = TypeVar("T")
UnitSort = Literal["need", "shortfall", "headcount", "name"]
UNIT_SORTS: tuple[str, ...] = ("need", "shortfall", "headcount", "name")
# A partial NIP shorter than this matches too many people to be a search: read as a name.
MIN_NIP_DIGITS = 4


@dataclass(frozen=True)
class Person:
    employee_id: str
    nip: str  # the official spaced form
    full_name: str | None
    unit_id: str | None
    unit_name: str | None
    position_id: str | None
    position_name: str | None
    agency_id: str | None
    gaps: int  # required competencies known to be below the requirement
    jp_short: int  # JP short of the yearly minimum in the last complete year
    _words: tuple[str, ...] = ()  # the name's words (titles included), folded
    _sort: str = ""  # the name without titles, folded: the order of equally good matches

    def public(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str | None
    agency_id: str | None
    headcount: int
    with_gap: int  # employees with at least one known gap
    gap_share: float  # with_gap / headcount
    short: int  # employees short of the JP minimum in the last complete year
    jp_short: int  # the JP they lack together


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class Directory:
    """The people and units of one snapshot."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self.units = _units(people)
        self._unit_names = {u.unit_id: _fold(u.name or "") for u in self.units}
        # employee id → full name, for pages that name the people a flag or minutes are about
        self.names = {p.employee_id: p.full_name for p in people if p.full_name}

    @classmethod
    def from_profiles(cls, rows: Iterable[tuple[str, str | None, dict[str, Any]]]) -> Directory:
        return cls([_person(employee_id, unit_id, p) for employee_id, unit_id, p in rows])

    def search(
        self,
        query: str = "",
        unit: str = "",
        page: int = 1,
        per_page: int = 20,
        agencies: frozenset[str] | None = None,
    ) -> Page[Person]:
        """People whose name or NIP matches ``query`` (every word of it), within ``unit`` (a
        unit id, or part of a unit's name) when given; best match first.

        A query of digits (spaces, dots and dashes allowed: ``19850312 201001``) is a NIP: the
        exact NIP first, then NIPs starting with it, then NIPs containing it. Otherwise each
        word must begin a word of the name (or appear inside it, ranked lower); titles count
        as words, so ``dr.`` finds the doctors."""
        people: Iterable[Person] = self.people
        if agencies is not None:  # a key bound to agencies (ml/serving/scope.py)
            people = [p for p in people if p.agency_id in agencies]
        if unit.strip():
            units = self._matching_units(unit)
            people = (p for p in people if p.unit_id in units)
        score = _scorer(query)
        ranked = [(s, p) for p in people if (s := score(p)) > 0]
        ranked.sort(key=lambda sp: (-sp[0], sp[1]._sort or "~", sp[1].employee_id))
        return _page([p for _, p in ranked], page, per_page)

    def unit_list(
        self,
        query: str = "",
        sort: UnitSort = "need",
        page: int = 1,
        per_page: int = 25,
        agencies: frozenset[str] | None = None,
    ) -> Page[Unit]:
        """Units whose id, name or agency contains ``query``, sorted by ``sort`` (need: how many
        have a known gap, then their share; shortfall: JP lacking; headcount; name)."""
        wanted = _fold(query.strip())
        units = [
            u
            for u in self.units
            if (agencies is None or u.agency_id in agencies)
            and (
                not wanted
                or wanted in _fold(u.unit_id)
                or wanted in self._unit_names[u.unit_id]
                or wanted in _fold(u.agency_id or "")
            )
        ]
        keys: dict[str, Callable[[Unit], Any]] = {
            # how many people need training first; a unit of one head is not the neediest
            "need": lambda u: (-u.with_gap, -u.gap_share, u.unit_id),
            "shortfall": lambda u: (-u.jp_short, -u.short, u.unit_id),
            "headcount": lambda u: (-u.headcount, u.unit_id),
            "name": lambda u: (_fold(u.name or u.unit_id), u.unit_id),
        }
        units.sort(key=keys[sort])
        return _page(units, page, per_page)

    def unit(self, unit_id: str) -> Unit | None:
        return next((u for u in self.units if u.unit_id == unit_id), None)

    def _matching_units(self, text: str) -> set[str]:
        exact = {u.unit_id for u in self.units if u.unit_id == text.strip()}
        if exact:
            return exact
        wanted = _fold(text.strip())
        return {u for u, name in self._unit_names.items() if wanted in name}


def _scorer(query: str) -> Callable[[Person], float]:
    text = query.strip()
    if not text:
        return lambda p: 1.0
    digits = nip_query(text)
    if digits is not None and len(digits) >= MIN_NIP_DIGITS:

        def by_nip(p: Person) -> float:
            if p.employee_id == digits:
                return 100.0
            if p.employee_id.startswith(digits):
                return 50.0
            return 10.0 if digits in p.employee_id else 0.0

        return by_nip
    words = _fold(text).split()

    def by_name(p: Person) -> float:
        # a name that starts with the first word typed ("siti …") comes before one that
        # merely contains it
        total = 0.5 if p._sort.startswith(words[0]) else 0.0
        for word in words:
            best = 0.0
            for candidate in p._words:
                if candidate == word:
                    best = 3.0
                    break
                if candidate.startswith(word):
                    best = max(best, 2.0)
                elif word in candidate:
                    best = max(best, 0.5)
            if best == 0:
                return 0.0  # every word must match
            total += best
        return total

    return by_name


def _fold(text: str) -> str:
    """Lower case without accents: ``Édi`` finds ``Edi``, ``SITI`` finds ``Siti``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _person(employee_id: str, unit_id: str | None, profile: dict[str, Any]) -> Person:
    full = profile.get("full_name")
    years = (profile.get("development") or {}).get("years") or []
    judged = next((y for y in reversed(years) if y.get("complete")), years[-1] if years else None)
    gaps = sum(1 for c in profile.get("competencies", []) if (c.get("gap") or 0) > 0)
    return Person(
        employee_id=employee_id,
        nip=profile.get("nip") or format_nip(employee_id),
        full_name=full,
        unit_id=unit_id,
        unit_name=profile.get("unit_name"),
        position_id=profile.get("position_id"),
        position_name=profile.get("position_name"),
        agency_id=profile.get("agency_id"),
        gaps=gaps,
        jp_short=int(judged["shortfall"]) if judged else 0,
        _words=tuple(_fold(full or "").replace(",", " ").split()),
        _sort=_fold(profile.get("name") or ""),
    )


def _units(people: list[Person]) -> list[Unit]:
    grouped: dict[str, list[Person]] = {}
    for p in people:
        if p.unit_id is not None:
            grouped.setdefault(p.unit_id, []).append(p)
    out = []
    for unit_id, staff in grouped.items():
        with_gap = sum(1 for p in staff if p.gaps > 0)
        out.append(
            Unit(
                unit_id=unit_id,
                name=next((p.unit_name for p in staff if p.unit_name), None),
                agency_id=staff[0].agency_id,
                headcount=len(staff),
                with_gap=with_gap,
                gap_share=with_gap / len(staff),
                short=sum(1 for p in staff if p.jp_short > 0),
                jp_short=sum(p.jp_short for p in staff),
            )
        )
    return sorted(out, key=lambda u: u.unit_id)


def _page(items: list[T], page: int, per_page: int) -> Page[T]:
    start = (page - 1) * per_page
    return Page(items[start : start + per_page], len(items), page, per_page)
