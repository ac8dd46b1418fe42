"""The committee's pages: a flag explained (paragraph, ratings behind it, the rater among its
peers, related flags, filters kept), a decision with an adjusted predikat and a follow-up,
sessions with bulk decisions and minutes, the curve summary; all in Bahasa Indonesia.

Each test decides flags still OPEN when it runs, taken from the end of the list (other tests
of the same home take theirs from the front), and checks its own records."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from ml.fairness.coverage import coverage, design
from ml.serving.state import ServingState
from tests.serving.pages.conftest import csrf_of
from tests.serving.pages.test_bahasa import english_in

AsRole = Callable[[str], TestClient]


@pytest.fixture(scope="module")
def state(app: FastAPI) -> ServingState:
    talenta: ServingState = app.state.talenta
    return talenta


def open_flags(state: ServingState, family: str, count: int) -> list[str]:
    total = state.trail.flags(family=family, status="OPEN", limit=1).total
    assert total >= count, f"only {total} open {family} flags left"
    page = state.trail.flags(family=family, status="OPEN", limit=count, offset=total - count)
    return [f.flag_id for f in page.items]


def rater_flag(state: ServingState) -> str:
    """A rater flag (leniency or severity, else differential); reading it changes nothing."""
    for family in ("RATER", "DIFFERENTIAL"):
        found = state.trail.flags(family=family, limit=1).items
        if found:
            return found[0].flag_id
    raise AssertionError("the home has no rater flag")


def test_a_rater_flag_is_explained_in_bahasa(as_role: AsRole, state: ServingState) -> None:
    client = as_role("committee")
    flag_id = rater_flag(state)
    page = client.get(f"/keadilan/tanda/{flag_id}?family=RATER&status=OPEN&offset=25")
    assert page.status_code == 200
    text = page.text
    paragraph = re.search(r'<p class="paragraph" id="paragraph">(.*?)</p>', text, re.S)
    assert paragraph and paragraph.group(1).startswith("Penilai ")
    assert "didukung bukti" in paragraph.group(1) and "tidak dapat disingkirkan" in text
    # the ratings behind it, given beside expected
    rows = re.findall(r"<tr><td>.*?/pegawai/", text.split('id="behind-table"')[1])
    assert rows, "no rating listed behind the flag"
    # the rater among the agency's raters: a responsive chart with a legend
    peers = text.split('id="peers"')[1]
    assert 'viewBox="0 0 640' in peers and "penilai ini" in peers and "langkah penilaian" in peers
    # "Kembali" keeps the list's filters
    back = re.search(r'id="back"', text) and re.search(r'href="([^"]+)" id="back"', text)
    assert back and "family=RATER" in back.group(1) and "status=OPEN" in back.group(1)
    assert "offset=25" in back.group(1)
    assert "Murah hati" not in text and "Keluarga" not in text and "e-" not in paragraph.group(1)
    assert english_in(text) == set()


def test_a_decision_with_an_adjusted_predikat_and_a_follow_up(
    as_role: AsRole, state: ServingState
) -> None:
    client = as_role("committee")
    (flag_id,) = open_flags(state, "DISTRIBUTION", 1)
    page = client.get(f"/keadilan/tanda/{flag_id}").text
    appraisal = re.search(r'<option value="([0-9]+\|[^|"]+\|[A-Z_]*)"', page)
    assert appraisal, "no appraisal to adjust behind the flag"
    form = {
        "decision": "CONFIRMED", "reason": "sebaran tidak dapat dijelaskan",
        "appraisal": appraisal.group(1), "adjusted_predikat": "BAIK",
        "assignee": "Sekretariat BKPSDM", "due_on": "2027-01-15",
        "back": "/keadilan?family=DISTRIBUTION#flags", "csrf_token": csrf_of(page),
    }  # fmt: skip
    saved = client.post(f"/keadilan/tanda/{flag_id}/tinjau", data=form)
    assert saved.status_code == 303, saved.text
    shown = client.get(saved.headers["location"]).text
    assert "Penyesuaian predikat tercatat" in shown and "berlaku" in shown
    assert "Sekretariat BKPSDM" in shown and "15 Januari 2027" in shown
    assert 'href="/keadilan?family=DISTRIBUTION#flags" id="back"' in shown
    assert state.trail.status(flag_id) == "CONFIRMED"
    employee, period, _ = appraisal.group(1).split("|")
    exported = client.get("/keadilan/penyesuaian.csv")
    rows = [r for r in csv.DictReader(io.StringIO(exported.text)) if r["employee_id"] == employee]
    assert rows and rows[-1]["period"] == period and rows[-1]["adjusted_predikat"] == "BAIK"
    assert english_in(shown) == set()


def test_a_bad_follow_up_says_which_field(as_role: AsRole, state: ServingState) -> None:
    client = as_role("committee")
    (flag_id,) = open_flags(state, "DISTRIBUTION", 1)
    page = client.get(f"/keadilan/tanda/{flag_id}").text
    answer = client.post(
        f"/keadilan/tanda/{flag_id}/tinjau",
        data={"decision": "CONFIRMED", "reason": "alasan", "assignee": "Budi",
              "due_on": "besok", "csrf_token": csrf_of(page)},
    )  # fmt: skip
    assert answer.status_code == 422 and "batas waktu" in answer.text
    assert state.trail.status(flag_id) == "OPEN"
    assert english_in(answer.text) == set()


def test_a_session_decides_three_flags_at_once_and_minutes_them(
    as_role: AsRole, state: ServingState
) -> None:
    client = as_role("committee")
    listing = client.get("/keadilan/sidang")
    assert listing.status_code == 200 and english_in(listing.text) == set()
    made = client.post(
        "/keadilan/sidang",
        data={"held_on": "2026-12-03", "members": "Ani Wijaya\nBudi Santoso\n",
              "period": "", "csrf_token": csrf_of(listing.text)},
    )  # fmt: skip
    assert made.status_code == 303, made.text
    session_page = client.get(made.headers["location"] + "?family=DISTRIBUTION").text
    assert "3 Desember 2026" in session_page and "Budi Santoso" in session_page
    assert english_in(session_page) == set()
    flags = open_flags(state, "DISTRIBUTION", 3)
    decided = client.post(
        made.headers["location"] + "/putuskan",
        data={"flag_id": flags, "decision": "DISMISSED", "reason": "unit kecil, sebaran wajar",
              "family": "DISTRIBUTION", "csrf_token": csrf_of(session_page)},
    )  # fmt: skip
    assert decided.status_code == 303 and "saved=3" in decided.headers["location"]
    assert {state.trail.status(f) for f in flags} == {"DISMISSED"}
    after = client.get(decided.headers["location"]).text
    assert "3 keputusan tersimpan" in after and english_in(after) == set()
    pdf = client.get(made.headers["location"] + "/berita-acara.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    for flag_id in flags:
        assert re.sub(r"\s+", "", state.trail.flag(flag_id).subject) in text
    assert text.count("Ditolak") >= 3 and "unitkecil,sebaranwajar" in text
    minutes = client.get(made.headers["location"] + "/berita-acara.csv").text
    decisions = [r for r in csv.DictReader(io.StringIO(minutes)) if r["record"] == "DECISION"]
    assert sorted(r["flag_id"] for r in decisions) == sorted(flags)


def test_the_person_a_flag_is_about_is_named(as_role: AsRole, state: ServingState) -> None:
    """A rater (a superior) or a rated employee is named where the directory knows them, on
    the flag page and in the list; never a name to a role that may not see it."""
    served = state.served()
    assert served is not None
    names = state.directory(served).names
    named = [
        f
        for family in ("RATER", "DIFFERENTIAL", "SCORE", "PREDIKAT")
        for f in state.trail.flags(family=family, limit=200).items
        if f.subject.split("/")[0] in names
    ]
    assert named, "no flag about a person in the directory"
    flag = named[0]
    page = as_role("committee").get(f"/keadilan/tanda/{flag.flag_id}").text
    name = names[flag.subject.split("/")[0]]
    assert f'<dd id="subject-name">{html.escape(name)}</dd>' in page


def test_a_session_is_scoped_to_an_agency_chosen_from_the_flags(
    as_role: AsRole, state: ServingState
) -> None:
    """The agency is chosen from those the flags belong to (no free text that matches
    nothing), and an agency's session sees its units' distribution-curve flags too."""
    client = as_role("committee")
    listing = client.get("/keadilan/sidang").text
    offered = re.findall(r'<option value="([^"]+)"', listing.split('id="agency_id"')[1])
    agencies = {f.agency_id for f in state.trail.flags(limit=10_000).items if f.agency_id}
    assert offered and set(offered) == agencies
    curve = state.trail.flags(family="DISTRIBUTION", status="OPEN", limit=1).items
    agency = curve[0].agency_id
    assert agency in offered  # a unit's curve flag carries the unit's agency
    made = client.post(
        "/keadilan/sidang",
        data={"held_on": "2026-12-04", "members": "Ani Wijaya", "agency_id": agency,
              "csrf_token": csrf_of(listing)},
    )  # fmt: skip
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"] + "?family=DISTRIBUTION").text
    assert curve[0].flag_id in page


def test_a_session_without_members_or_flags_is_refused_in_bahasa(
    as_role: AsRole, state: ServingState
) -> None:
    client = as_role("committee")
    listing = client.get("/keadilan/sidang")
    refused = client.post(
        "/keadilan/sidang",
        data={"held_on": "2026-12-03", "members": " ", "csrf_token": csrf_of(listing.text)},
    )
    assert refused.status_code == 422 and "anggota yang hadir" in refused.text
    assert english_in(refused.text) == set()
    made = client.post(
        "/keadilan/sidang",
        data={"held_on": "2026-12-04", "members": "Ani", "csrf_token": csrf_of(listing.text)},
    )
    page = client.get(made.headers["location"]).text
    nothing = client.post(
        made.headers["location"] + "/putuskan",
        data={"decision": "DISMISSED", "reason": "x", "csrf_token": csrf_of(page)},
    )
    assert nothing.status_code == 422 and "Pilih paling sedikit satu tanda" in nothing.text


def test_the_list_and_curve_pages_are_in_bahasa(as_role: AsRole) -> None:
    client = as_role("committee")
    fairness = client.get("/keadilan").text
    assert english_in(fairness) == set()
    assert "Jenis temuan" in fairness and "Sangat Baik" in fairness
    assert not re.search(r"\d\.\d+e-\d+", fairness)  # q-values in words, not 2.8e-225
    # what the audit covered, in words, above the flags (design seen, checks run or not)
    assert 'id="coverage"' in fairness and "Cakupan audit" in fairness
    assert "Audit memeriksa" in fairness and 'id="coverage-table"' in fairness
    assert "Penilai yang terlalu murah atau terlalu ketat" in fairness
    curve = client.get("/keadilan/kurva")
    assert curve.status_code == 200 and english_in(curve.text) == set()
    assert "/keadilan/tanda/" in curve.text


@pytest.mark.parametrize("role", ["planner", "data-scientist", "admin"])
def test_only_the_committee_opens_the_sessions(as_role: AsRole, role: str) -> None:
    client = as_role(role)
    for path in ("/keadilan/sidang", "/keadilan/kurva", "/keadilan/penyesuaian.csv"):
        assert client.get(path).status_code == 403, (role, path)


def test_the_flag_page_reads_in_english_too(as_role: AsRole, state: ServingState) -> None:
    page = as_role("committee").get(f"/keadilan/tanda/{rater_flag(state)}?lang=en").text
    paragraph = re.search(r'<p class="paragraph" id="paragraph">(.*?)</p>', page, re.S)
    assert paragraph and paragraph.group(1).startswith("Rater ")
    assert "The ratings behind this flag" in page and "this rater" in page


def test_a_check_that_could_not_run_is_said_so_above_the_flags(
    as_role: AsRole, state: ServingState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file without rater ids: the card warns that no rater flag means nothing here, and says
    why, in Bahasa Indonesia (a committee must not read "no flagged rater" as "fair raters")."""
    run = state.trail.latest_run()
    assert run is not None
    rows = [
        {"employee_id": f"E{i}", "period": "2025", "rater_id": None, "rater_role": "ATASAN",
         "unit_id": "U1", "gender": None}
        for i in range(12)
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    table = coverage(
        frame,
        pd.DataFrame({"group": pd.Series(dtype="str"), "kind": pd.Series(dtype="str"),
                      "flagged": pd.Series(dtype="bool")}),
        pd.DataFrame({"attribute": pd.Series(dtype="str"), "q_value": pd.Series(dtype="float"),
                      "flagged": pd.Series(dtype="bool")}),
        pd.DataFrame(), pd.DataFrame(), 0, ("gender",),
    )  # fmt: skip
    parameters = {"coverage": table.to_dict("records"), "design": design(frame, frame, "ATASAN")}
    monkeypatch.setattr(state.trail, "latest_run", lambda: replace(run, parameters=parameters))
    page = as_role("committee").get("/keadilan").text
    assert 'id="coverage-missing"' in page and "tidak dapat dijalankan" in page
    assert "data penilaian tidak mencantumkan penilai" in page
    assert "data jenis kelamin tidak ada atau kosong" in page
    assert "Tidak ada penilaian yang mencantumkan penilainya" in page
    assert english_in(page) == set()
