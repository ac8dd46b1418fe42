"""No English on the planner's pages in Indonesian mode: the rendered text (tags, scripts and
styles stripped) is scanned for common English words, with an allow-list of the terms the civil
service writes as they are (NIP, JP, SKP, PNS, codes...)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.serving.pages.conftest import csrf_of
from tests.serving.pages.home import Home

AsRole = Callable[[str], TestClient]

# Common English words that are not also Indonesian words ("optimal", "valid", "level",
# "data" are both), nor parts of names or codes. A page in Bahasa has none of them; the
# optimiser's English, pydantic's and Python's messages have many.
ENGLISH = set(
    """
    the of and to is are was were be been for with within without from into onto by on at as
    this that these those which who whom whose what when where why how not no nor but or if
    then than so such each every any all some none more most less least few many much other
    employee employees unit units plan plans programme programmes program programs budget
    cost costs left short shortfall minimum maximum limit limits reason reasons need needs
    needed probability levels gap gaps closed close expected objective bound solver
    infeasible greedy baseline time reached found nothing seat seats capacity penalty
    exhausted cheapest remaining person per assignment assignments competency competencies
    training trained model search name names page error invalid value input field
    should must may can cannot could would will number numbers amount rupiah juta
    home logout language signed role roles data as of date dates year years month months
    heat map chart legend total totals show shows hide view open submit make made
    log odds shap treeshap contribution contributions feature features value values
    """.split()  # noqa: SIM905 (a paragraph of words reads better than a list literal)
) - {"juta", "data", "unit", "model", "total", "program", "map", "per", "rupiah"}
# words a page in Bahasa may show as they are: acronyms, codes, brand and proper names
ALLOWED = {"nip", "jp", "skp", "jpm", "pns", "pppk", "asn", "rp", "id", "en", "bkn", "api"}

WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def visible_words(page: str) -> list[str]:
    """The words a reader sees: no tags, scripts, styles or attribute values."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    body = re.sub(r"<[^>]+>", " ", body)
    return [w.lower() for w in WORD.findall(html.unescape(body))]


def english_in(page: str) -> set[str]:
    return {w for w in visible_words(page) if w in ENGLISH and w not in ALLOWED}


def test_the_scan_catches_english_and_lets_bahasa_through() -> None:
    assert english_in("<p>Nothing to plan: the budget is Rp 0.</p>") >= {"nothing", "budget"}
    assert english_in("<p>Anggaran habis: program termurah Rp 4.000.000 (NIP 1234).</p>") == set()
    assert english_in('<p title="the budget">Anggaran</p><script>var the = 1;</script>') == set()


def test_the_unit_page_and_its_plans_are_in_bahasa(as_role: AsRole, home: Home) -> None:
    client, path = as_role("planner"), f"/unit/{home.largest_unit}"
    page = client.get(path)
    assert english_in(page.text) == set()
    token = csrf_of(page.text)
    form = {"max_jp_per_person": "80", "minimum_jp": "20", "csrf_token": token}
    for fields in (
        {"budget_idr": "50 juta"},
        {"budget_idr": "2 juta"},  # people stay short, with reasons
        {"budget_idr": "Rp 1.000", "hard_minimum": "1"},  # infeasible: the budget needed
        {"budget_idr": "lima juta"},  # an error
        {"budget_idr": "5 juta", "max_jp_per_person": "0"},
    ):
        answer = client.post(f"{path}/rencana", data={**form, **fields}, follow_redirects=True)
        assert english_in(answer.text) == set(), fields


def test_the_unit_list_is_in_bahasa(as_role: AsRole) -> None:
    assert english_in(as_role("planner").get("/unit").text) == set()


def test_an_employee_page_is_in_bahasa(as_role: AsRole, home: Home) -> None:
    client = as_role("planner")
    unit = client.get(f"/unit/{home.largest_unit}").text
    employee = re.findall(r'href="(/pegawai/[^"]+)"', unit)[0]
    page = client.get(employee).text
    assert "log-odds" not in page and "p = 0." not in page
    assert english_in(page) == set()
