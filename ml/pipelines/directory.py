"""Finding people and units in the served snapshot: search by name, partial NIP and unit, ranked
and paged; the unit list with names, head-count, need and JP-shortfall summaries, sorted and
paged.

Built once per snapshot from the stored profiles (a few fields each) and held in memory: a
snapshot changes only when ``talenta score`` runs, and a search then costs no query. Held as
columns with an index of the names' words, not as one object per person: the whole civil
service is 4.3 million people, and objects cost about 2 KiB each (8 GiB in every worker) while a
search scored each of them in Python (seconds). A search now reads the word index and the
columns, and makes :class:`Person` objects for the page it returns alone.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import numpy as np
import pyarrow as pa

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


class DirectoryColumns:
    """What a search and the unit list read about each employee, collected one profile at a
    time (``talenta score`` does it as the snapshot is written, and the store keeps the
    :meth:`body`; the API otherwise collects it from the stored profiles)."""

    TEXT = ("employee_id", "nip", "full_name", "sort_name", "words", "unit_id", "unit_name",
            "position_id", "position_name", "agency_id")  # fmt: skip
    NUMBERS = ("gaps", "jp_short")

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {c: [] for c in (*self.TEXT, *self.NUMBERS)}

    def add(self, employee_id: str, unit_id: str | None, profile: Mapping[str, Any]) -> None:
        p = _person(employee_id, unit_id, profile)
        values = {
            **p.public(),
            # the official NIP form is the id's own almost always: kept only where not
            "nip": None if p.nip == format_nip(employee_id) else p.nip,
            "sort_name": p._sort,
            "words": " ".join(p._words),  # folded once, here, not by every worker
        }
        for name, column in self.columns.items():
            column.append(values[name])

    def body(self) -> bytes:
        """The columns as an Arrow IPC stream, zstd-compressed (about 60 bytes a person), in
        the order of the employee ids (the directory's own: a reader need not sort them)."""
        table = pa.table(
            {
                **{c: pa.array(self.columns[c], pa.string()) for c in self.TEXT},
                **{c: pa.array(self.columns[c], pa.int64()) for c in self.NUMBERS},
            }
        )
        table = table.sort_by("employee_id")
        sink = pa.BufferOutputStream()
        options = pa.ipc.IpcWriteOptions(compression="zstd")
        with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
            writer.write_table(table)
        return bytes(sink.getvalue().to_pybytes())

    @classmethod
    def from_body(cls, body: bytes) -> DirectoryColumns:
        table = pa.ipc.open_stream(pa.py_buffer(body)).read_all()
        columns = cls()
        columns.columns = {name: table.column(name).to_pylist() for name in columns.columns}
        return columns


class Directory:
    """The people and units of one snapshot."""

    def __init__(self, columns: DirectoryColumns) -> None:
        c = columns.columns
        n = len(c["employee_id"])
        order = sorted(range(n), key=c["employee_id"].__getitem__)  # by id: found by bisection
        if order == list(range(n)):
            c = dict(c)
        else:
            c = {name: [column[i] for i in order] for name, column in c.items()}
        ids: list[str] = c["employee_id"]
        self._ids = ids
        self._nips = {e: nip for e, nip in zip(ids, c["nip"], strict=True) if nip is not None}
        self._full: list[str | None] = c["full_name"]
        self._sort: list[str] = c["sort_name"]
        same: dict[Any, Any] = {}  # one object per distinct place: units repeat a lot
        self._place = [
            same.setdefault(place, place)
            for place in zip(c["unit_id"], c["unit_name"], c["position_id"],
                             c["position_name"], c["agency_id"], strict=True)
        ]  # fmt: skip
        self._gaps = np.array(c["gaps"], dtype=np.int64)
        self._short = np.array(c["jp_short"], dtype=np.int64)
        self._units_of = _Codes(c["unit_id"])
        self._agencies_of = _Codes(c["agency_id"])
        self._words = _WordIndex([tuple(words.split()) for words in c["words"]])
        # the order of equally good matches: the name without titles (nameless last), then id
        sort = self._sort
        by_name = sorted(range(n), key=lambda i: (sort[i] or "~", ids[i]))
        self._rank = np.empty(n, dtype=np.int64)
        self._rank[by_name] = np.arange(n)
        # every id in one text, so that a partial NIP is found inside ids by one C-level search
        self._id_text = "\n".join(ids)
        self._id_starts = np.cumsum([0] + [len(i) + 1 for i in ids[:-1]], dtype=np.int64)
        self._id_ends = self._id_starts + np.array([len(i) for i in ids], dtype=np.int64)
        self.units = self._summaries()
        self._unit_index = {u.unit_id: u for u in self.units}
        self._unit_names = {u.unit_id: _fold(u.name or "") for u in self.units}
        # employee id → full name, for pages that name the people a flag or minutes are about
        self.names: Mapping[str, str] = _Names(self)

    @classmethod
    def from_profiles(cls, rows: Iterable[tuple[str, str | None, Mapping[str, Any]]]) -> Directory:
        columns = DirectoryColumns()
        for employee_id, unit_id, profile in rows:
            columns.add(employee_id, unit_id, profile)
        return cls(columns)

    @classmethod
    def from_body(cls, body: bytes) -> Directory:
        """From what the store keeps with a snapshot (:meth:`DirectoryColumns.body`)."""
        return cls(DirectoryColumns.from_body(body))

    def __len__(self) -> int:
        return len(self._ids)

    def position(self, employee_id: str) -> int | None:
        """Where the employee is held (None: not in this snapshot)."""
        i = bisect_left(self._ids, employee_id)
        return i if i < len(self._ids) and self._ids[i] == employee_id else None

    def person(self, i: int) -> Person:
        unit_id, unit_name, position_id, position_name, agency_id = self._place[i]
        employee_id = self._ids[i]
        return Person(
            employee_id=employee_id,
            nip=self._nips.get(employee_id) or format_nip(employee_id),
            full_name=self._full[i],
            unit_id=unit_id,
            unit_name=unit_name,
            position_id=position_id,
            position_name=position_name,
            agency_id=agency_id,
            gaps=int(self._gaps[i]),
            jp_short=int(self._short[i]),
            _sort=self._sort[i],
        )

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
        score = self._scores(query)
        if agencies is not None:  # a key bound to agencies (ml/serving/scope.py)
            score[~self._agencies_of.isin(agencies)] = 0
        if unit.strip():
            score[~self._units_of.isin(self._matching_units(unit))] = 0
        found = np.flatnonzero(score > 0)
        # best first; equally good ones by name without titles, then id (the rank above)
        ranked = found[np.lexsort((self._rank[found], -score[found]))]
        start = (page - 1) * per_page
        items = [self.person(int(i)) for i in ranked[start : start + per_page]]
        return Page(items, len(ranked), page, per_page)

    def _scores(self, query: str) -> np.ndarray:
        """Each person's match for ``query``, higher is better (0: no match)."""
        n = len(self._ids)
        text = query.strip()
        if not text:
            return np.ones(n)
        digits = nip_query(text)
        if digits is not None and len(digits) >= MIN_NIP_DIGITS:
            return self._nip_scores(digits)
        words = _fold(text).split()
        total = np.zeros(n)
        for word in words:
            best = self._words.best(word, n)
            total = np.where(best > 0, total + best, -np.inf)  # every word must match
        matched = np.flatnonzero(total > 0)
        # a name that starts with the first word typed ("siti …") comes before one that
        # merely contains it
        bonus = [i for i in matched if self._sort[i].startswith(words[0])]
        total[bonus] += 0.5
        return np.maximum(total, 0.0)

    def _nip_scores(self, digits: str) -> np.ndarray:
        """100 for the id that is ``digits``, 50 for ids starting with them, 10 for ids
        containing them. Every occurrence in the joined ids is found by ``str.find`` (a C
        search; a look-ahead regular expression took 1.3 s for "1985" among 4.3 M ids), then
        placed in its id by bisection."""
        found = []
        at = self._id_text.find(digits)
        while at >= 0:
            found.append(at)
            at = self._id_text.find(digits, at + 1)
        score = np.zeros(len(self._ids))
        if not found:
            return score
        where = np.array(found, dtype=np.int64)
        owner = np.searchsorted(self._id_starts, where, side="right") - 1
        score[owner] = 10.0
        first = where == self._id_starts[owner]  # the id starts with the digits
        starting = owner[first]
        whole = self._id_ends[starting] - self._id_starts[starting] == len(digits)
        score[starting] = np.where(whole, 100.0, 50.0)
        return score

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
        return self._unit_index.get(unit_id)

    def subject_name(self, subject: str) -> str | None:
        """Whom a flag's subject (``id`` or ``id/period``) names: a person's full name, or a
        unit's name for a unit's flag (the distribution curve); None when unknown."""
        key = subject.split("/")[0]
        person = self.names.get(key)
        if person is not None:
            return person
        unit = self._unit_index.get(key)
        return None if unit is None else unit.name

    def _matching_units(self, text: str) -> set[str]:
        exact = {u.unit_id for u in self.units if u.unit_id == text.strip()}
        if exact:
            return exact
        wanted = _fold(text.strip())
        return {u for u, name in self._unit_names.items() if wanted in name}

    def _summaries(self) -> list[Unit]:
        """Each unit's head count, gaps and JP shortfall, from the columns."""
        codes = self._units_of
        n_units = len(codes.levels)
        count = np.bincount(codes.codes, minlength=n_units)
        with_gap = np.bincount(codes.codes, weights=self._gaps > 0, minlength=n_units)
        short = np.bincount(codes.codes, weights=self._short > 0, minlength=n_units)
        jp_short = np.bincount(codes.codes, weights=self._short, minlength=n_units)
        names: dict[str, str | None] = {}
        agencies: dict[str, str | None] = {}
        for unit_id, unit_name, _, _, agency_id in self._place:  # the first seen, by id
            if unit_id is None:
                continue
            agencies.setdefault(unit_id, agency_id)
            if unit_name and names.get(unit_id) is None:
                names[unit_id] = unit_name
        out = []
        for unit_id, code in codes.levels.items():
            if unit_id is None:
                continue
            out.append(
                Unit(
                    unit_id=unit_id,
                    name=names.get(unit_id),
                    agency_id=agencies[unit_id],
                    headcount=int(count[code]),
                    with_gap=int(with_gap[code]),
                    gap_share=float(with_gap[code]) / int(count[code]),
                    short=int(short[code]),
                    jp_short=int(jp_short[code]),
                )
            )
        return sorted(out, key=lambda u: u.unit_id)


class _Codes:
    """A column of repeated strings as integer codes: a filter compares integers."""

    def __init__(self, values: list[str | None]) -> None:
        self.levels: dict[str | None, int] = {}
        self.codes = np.array(
            [self.levels.setdefault(v, len(self.levels)) for v in values], dtype=np.int64
        )

    def isin(self, wanted: Iterable[str]) -> np.ndarray:
        chosen = [self.levels[w] for w in wanted if w in self.levels]
        return np.isin(self.codes, np.array(chosen, dtype=np.int64))


class _WordIndex:
    """The folded words of every name, each with the people whose name holds it."""

    def __init__(self, names: list[tuple[str, ...]]) -> None:
        vocabulary: dict[str, int] = {}
        people: list[int] = []
        words: list[int] = []
        for i, own in enumerate(names):
            for w in set(own):
                people.append(i)
                words.append(vocabulary.setdefault(w, len(vocabulary)))
        self.words = list(vocabulary)
        word = np.array(words, dtype=np.int64)
        order = np.argsort(word, kind="stable")
        self._people = np.array(people, dtype=np.int64)[order]
        self._bounds = np.searchsorted(word[order], np.arange(len(self.words) + 1))

    def best(self, typed: str, n: int) -> np.ndarray:
        """Per person, how well one typed word matches a word of their name: 3 a whole word,
        2 its beginning, 0.5 inside it, 0 none (the vocabulary is scanned, not the people)."""
        best = np.zeros(n)
        for w, word in enumerate(self.words):
            if typed in word:
                value = 3.0 if word == typed else 2.0 if word.startswith(typed) else 0.5
                holders = self._people[self._bounds[w] : self._bounds[w + 1]]
                best[holders] = np.maximum(best[holders], value)
        return best


class _Names(Mapping[str, str]):
    """Employee id → full name, for the people who have one, read from the directory's columns
    (a dict of 4.3 million names would cost another half GiB in every worker)."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def __getitem__(self, employee_id: str) -> str:
        i = self._directory.position(employee_id)
        name = None if i is None else self._directory._full[i]
        if name is None:
            raise KeyError(employee_id)
        return name

    def __iter__(self) -> Iterator[str]:
        d = self._directory
        return (e for e, name in zip(d._ids, d._full, strict=True) if name)

    def __len__(self) -> int:
        return sum(1 for name in self._directory._full if name)


def _fold(text: str) -> str:
    """Lower case without accents: ``Édi`` finds ``Edi``, ``SITI`` finds ``Siti``."""
    if text.isascii():  # most names: nothing to decompose (a few times faster)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(full_name: str | None) -> tuple[str, ...]:
    """The words a name is searched by (titles included), folded."""
    return tuple(_fold(full_name or "").replace(",", " ").split())


def _person(employee_id: str, unit_id: str | None, profile: Mapping[str, Any]) -> Person:
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
        _words=_words(full),
        _sort=_fold(profile.get("name") or ""),
    )


def _page(items: list[T], page: int, per_page: int) -> Page[T]:
    start = (page - 1) * per_page
    return Page(items[start : start + per_page], len(items), page, per_page)
