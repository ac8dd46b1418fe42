"""The directory behind search and the unit list, on hand-made profiles: ranking, paging,
NIP forms, unit filters and summaries (property tests where the inputs vary)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ml.contract.names import format_nip, full_name, nip_query
from ml.pipelines.directory import Directory, Person


def profile(
    nip: str, name: str | None, unit: str, unit_name: str | None = None, *,
    gaps: tuple[int | None, ...] = (), short_last: int = 0, front: str | None = None,
) -> tuple[str, str, dict[str, Any]]:  # fmt: skip
    return (
        nip,
        unit,
        {
            "employee_id": nip,
            "name": name,
            "full_name": full_name(name, front),
            "nip": format_nip(nip),
            "unit_id": unit,
            "unit_name": unit_name,
            "agency_id": unit.split("-")[0],
            "position_id": "P1",
            "position_name": "Analis SDM Aparatur Ahli Muda",
            "competencies": [{"gap": g} for g in gaps],
            "development": {
                "years": [
                    {"year": 2025, "shortfall": short_last, "complete": True},
                    {"year": 2026, "shortfall": 20, "complete": False},
                ]
            },
        },
    )


PEOPLE = Directory.from_profiles(
    [
        profile("198503122010011002", "Budi Santoso", "BKN-U1", "Seksi Mutasi", gaps=(1, None)),
        profile("198503122010011003", "Siti Budiarti", "BKN-U1", "Seksi Mutasi", short_last=8),
        profile("199001012015032001", "Agus Budi", "BKN-U2", "Bidang Pengembangan Kompetensi",
                front="Dr.", gaps=(0, 2), short_last=20),
        profile("197001011990031001", None, "BKN-U2", "Bidang Pengembangan Kompetensi"),
    ]
)  # fmt: skip


def ids(found: Any) -> list[str]:
    return [p.employee_id for p in found.items]


def test_whole_words_before_beginnings_before_insides() -> None:
    # "budi": whole first name (and the start of the name) > whole later word > inside a word
    assert ids(PEOPLE.search("budi")) == [
        "198503122010011002", "199001012015032001", "198503122010011003"
    ]  # fmt: skip
    assert ids(PEOPLE.search("budi san")) == ["198503122010011002"]  # every word must match
    assert ids(PEOPLE.search("dr.")) == ["199001012015032001"]  # titles are words too
    assert ids(PEOPLE.search("BUDI", unit="mutasi")) == ["198503122010011002", "198503122010011003"]


def test_a_nip_in_any_form_finds_the_exact_one_first() -> None:
    for query in ("198503122010011003", "19850312 201001 1 003", "1985-0312"):
        assert ids(PEOPLE.search(query))[0].startswith(query.replace(" ", "").replace("-", ""))
    assert ids(PEOPLE.search("19850312 201001 1 003"))[0] == "198503122010011003"
    assert ids(PEOPLE.search("2010011")) == ["198503122010011002", "198503122010011003"]
    assert ids(PEOPLE.search("19700101")) == ["197001011990031001"]  # found without a name


def test_a_unit_is_matched_by_its_id_or_part_of_its_name() -> None:
    assert PEOPLE.search(unit="BKN-U2").total == 2
    assert PEOPLE.search(unit="pengembangan").total == 2
    assert PEOPLE.search(unit="nowhere").total == 0


def test_unit_summaries() -> None:
    units = {u.unit_id: u for u in PEOPLE.units}
    u1, u2 = units["BKN-U1"], units["BKN-U2"]
    assert (u1.name, u1.headcount, u1.with_gap, u1.short, u1.jp_short) == (
        "Seksi Mutasi", 2, 1, 1, 8
    )  # fmt: skip
    assert (u2.headcount, u2.with_gap, u2.gap_share, u2.jp_short) == (2, 1, 0.5, 20)
    assert [u.unit_id for u in PEOPLE.unit_list(sort="shortfall").items] == ["BKN-U2", "BKN-U1"]
    assert [u.unit_id for u in PEOPLE.unit_list(sort="name").items] == ["BKN-U2", "BKN-U1"]
    assert [u.unit_id for u in PEOPLE.unit_list("mutasi").items] == ["BKN-U1"]


names = st.lists(
    st.tuples(
        st.text(st.sampled_from("0123456789"), min_size=18, max_size=18),
        st.sampled_from(["Budi", "Siti", "Agus", "Dewi", "Sri"]),
        st.sampled_from(["Santoso", "Rahayu", "Siregar"]),
        st.sampled_from(["U1", "U2", "U3"]),
    ),
    max_size=40,
    unique_by=lambda t: t[0],
)


@given(names, st.integers(1, 7), st.sampled_from(["", "budi", "sa", "u2"]))
def test_pages_cover_every_match_once(
    people: list[tuple[str, str, str, str]], per_page: int, query: str
) -> None:
    directory = Directory.from_profiles(
        [profile(nip, f"{a} {b}", f"X-{u}") for nip, a, b, u in people]
    )
    unit = "X-U2" if query == "u2" else ""
    text = "" if query == "u2" else query
    first = directory.search(text, unit, 1, per_page)
    seen = [
        p.employee_id
        for page in range(1, first.pages + 1)
        for p in directory.search(text, unit, page, per_page).items
    ]
    assert len(seen) == len(set(seen)) == first.total
    expected = {
        nip for nip, a, b, u in people
        if (not unit or f"X-{u}" == unit)
        and all(any(w in x.lower() for x in (a, b)) for w in text.split())
    }  # fmt: skip
    assert set(seen) == expected
    units = directory.unit_list(per_page=per_page)
    assert sum(u.headcount for u in units.items) <= len(people)
    assert units.total == len({u for *_, u in people})


def _brute_force(people: list[Person], query: str) -> list[tuple[float, Person]]:
    """The ranking rule written the plain way: every person scored in turn."""
    from ml.pipelines.directory import MIN_NIP_DIGITS, _fold

    text = query.strip()
    digits = nip_query(text) if text else None

    def score(p: Person) -> float:
        if not text:
            return 1.0
        if digits is not None and len(digits) >= MIN_NIP_DIGITS:
            if p.employee_id == digits:
                return 100.0
            if p.employee_id.startswith(digits):
                return 50.0
            return 10.0 if digits in p.employee_id else 0.0
        words = _fold(text).split()
        total = 0.5 if p._sort.startswith(words[0]) else 0.0
        for word in words:
            best = max(
                (3.0 if c == word else 2.0 if c.startswith(word) else 0.5 if word in c else 0.0
                 for c in p._words),
                default=0.0,
            )  # fmt: skip
            if best == 0:
                return 0.0
            total += best
        return total

    ranked = [(s, p) for p in people if (s := score(p)) > 0]
    ranked.sort(key=lambda sp: (-sp[0], sp[1]._sort or "~", sp[1].employee_id))
    return ranked


ids_ = st.text(st.sampled_from("01"), min_size=4, max_size=7)
words_ = st.sampled_from(["Budi", "Budiarti", "Sri", "Asri", "Siti", "dr.", "Ir.", "S.E.", "Agus"])


@given(
    st.lists(st.tuples(ids_, st.lists(words_, max_size=3), st.sampled_from(["A-U1", "B-U2"])),
             max_size=30, unique_by=lambda t: t[0]),
    st.sampled_from(["", "budi", "sri", "s", "budi sri", "dr. bu", "0123", "012", "1", "20",
                     "ri ag", "  ", "0101", "1 0 1 0"]),
    st.sampled_from([None, frozenset({"A"}), frozenset()]),
)  # fmt: skip
def test_search_equals_scoring_everyone_in_turn(
    people: list[tuple[str, list[str], str]], query: str, agencies: frozenset[str] | None
) -> None:
    """The word index and the columns give the ranking of the plain rule, in the same order,
    whatever the names, NIPs, query and agency scope."""
    from ml.pipelines.directory import _person

    rows = [profile(nip, " ".join(words) or None, unit) for nip, words, unit in people]
    directory = Directory.from_profiles(rows)
    persons = [_person(e, u, p) for e, u, p in rows]
    if agencies is not None:
        persons = [p for p in persons if p.agency_id in agencies]
    expected = [p.employee_id for _, p in _brute_force(persons, query)]
    found = directory.search(query, per_page=1_000, agencies=agencies)
    assert [p.employee_id for p in found.items] == expected
    assert found.total == len(expected)
    for p in found.items:
        assert p == replace(next(q for q in persons if q.employee_id == p.employee_id), _words=())
    assert dict(directory.names) == {p.employee_id: p.full_name for p in
                                     map(lambda r: _person(*r), rows) if p.full_name}  # fmt: skip


@given(
    st.lists(st.tuples(ids_, st.lists(words_, max_size=3), st.sampled_from(["A-U1", "B-U2"])),
             max_size=30, unique_by=lambda t: t[0]),
    st.sampled_from(["", "budi", "sri rah", "0101", "dr."]),
)  # fmt: skip
def test_the_stored_body_gives_the_same_directory(
    people: list[tuple[str, list[str], str]], query: str
) -> None:
    """What `talenta score` stores with the snapshot reads back as the directory the profiles
    give: the same people, order, units and names."""
    from ml.pipelines.directory import DirectoryColumns

    rows = [profile(nip, " ".join(words) or None, unit, "Seksi " + unit)
            for nip, words, unit in people]  # fmt: skip
    columns = DirectoryColumns()
    for row in rows:
        columns.add(*row)
    stored = Directory.from_body(columns.body())
    direct = Directory.from_profiles(rows)
    assert stored.search(query, per_page=100) == direct.search(query, per_page=100)
    assert stored.units == direct.units
    assert dict(stored.names) == dict(direct.names)
    assert stored.unit_list("seksi", sort="name") == direct.unit_list("seksi", sort="name")


def test_a_body_is_small() -> None:
    """About a hundred bytes a person or less: 4.3 million fit in a few hundred MB."""
    from ml.pipelines.directory import DirectoryColumns

    columns = DirectoryColumns()
    for i in range(2_000):
        columns.add(*profile(f"19850312201001{i:04d}", f"Nama Pegawai {i}", f"BKN-U{i % 40}",
                             f"Seksi {i % 40}", gaps=(1, 0)))  # fmt: skip
    assert len(columns.body()) < 2_000 * 100


def test_a_flag_subject_is_named_by_person_or_unit() -> None:
    assert PEOPLE.subject_name("198503122010011003/2025") == "Siti Budiarti"
    assert PEOPLE.subject_name("198503122010011002") == "Budi Santoso"
    assert PEOPLE.subject_name("BKN-U2/2025") == "Bidang Pengembangan Kompetensi"
    assert PEOPLE.subject_name("197001011990031001") is None  # no name in the export
    assert PEOPLE.subject_name("R-unknown") is None
