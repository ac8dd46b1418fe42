"""The unit page's plan form: rupiah as planners write them, pins, exclusions, a hard minimum,
and every bad input answered in Bahasa Indonesia naming the field (never Python's words)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.serving.pages.conftest import csrf_of
from tests.serving.pages.home import Home

AsRole = Callable[[str], TestClient]

FORM = {"max_jp_per_person": "80", "minimum_jp": "20"}


def _post(client: TestClient, path: str, **fields: Any) -> Response:
    token = csrf_of(client.get(path).text)
    # a valid form saves a draft and goes on to its page (post/redirect/get)
    return client.post(
        f"{path}/rencana", data={**FORM, **fields, "csrf_token": token}, follow_redirects=True
    )


def test_fifty_juta_plans_like_the_digits(as_role: AsRole, home: Home) -> None:
    client, path = as_role("planner"), f"/unit/{home.largest_unit}"
    spoken = _post(client, path, budget_idr="50 juta")
    digits = _post(client, path, budget_idr="Rp 50.000.000")
    assert spoken.status_code == digits.status_code == 200
    cost = re.compile(r'id="assignments".*?</table>', re.S)
    assert cost.search(spoken.text).group(0) == cost.search(digits.text).group(0)  # type: ignore[union-attr]
    assert "Rp 50.000.000" in spoken.text  # the saved plan's budget
    again = client.get(f"{path}?dari={spoken.url.path.rsplit('/', 1)[-1]}")
    assert 'value="50 juta"' in again.text  # its next version starts from what was typed


def test_bad_inputs_are_named_in_bahasa(as_role: AsRole, home: Home) -> None:
    client, path = as_role("planner"), f"/unit/{home.largest_unit}"
    for fields, said in (
        ({"budget_idr": "lima juta"}, "tidak dapat dibaca sebagai rupiah"),
        ({"budget_idr": "1.5 juta"}, "desimal memakai koma"),
        ({"budget_idr": "-5"}, "tidak boleh negatif"),
        ({"budget_idr": "5 juta", "max_jp_per_person": "banyak"}, "JP maksimal per orang"),
        ({"budget_idr": "5 juta", "max_jp_per_person": "0"}, "harus lebih dari 0"),
    ):
        answer = _post(client, path, **fields)
        assert answer.status_code == 422, fields
        assert said in answer.text, (fields, answer.text[-3000:])
        for english in ("could not convert", "Input should", "Value error", "Traceback"):
            assert english not in answer.text


def test_a_pinned_person_is_planned_and_an_excluded_one_is_not(as_role: AsRole, home: Home) -> None:
    client, path = as_role("planner"), f"/unit/{home.largest_unit}"
    first = _post(client, path, budget_idr="50 juta")
    table = re.search(r'id="assignments".*?</table>', first.text, re.S)
    assert table is not None
    ids = list(dict.fromkeys(re.findall(r'href="/pegawai/([^"]+)"', table.group(0))))
    assert len(ids) >= 2, "Rp 50 juta plans for two people at least"
    answer = _post(client, path, budget_idr="50 juta", pinned=[ids[0]], excluded_employees=[ids[1]])
    assert answer.status_code == 200
    table = re.search(r'id="assignments".*?</table>', answer.text, re.S)
    assert table is not None
    assert f"/pegawai/{ids[0]}" in table.group(0)
    assert f"/pegawai/{ids[1]}" not in table.group(0)
    plan_id = answer.url.path.rsplit("/", 1)[-1]
    again = client.get(f"{path}?dari={plan_id}")  # the next version keeps the pin
    assert re.search(rf'<option value="{ids[0]}" selected>', again.text)
    assert 'name="parent_id"' in again.text
    both = _post(client, path, budget_idr="5 juta", pinned=[ids[0]], excluded_employees=[ids[0]])
    assert both.status_code == 422 and "sekaligus wajib ikut dan dikecualikan" in both.text


def test_an_infeasible_hard_minimum_says_what_budget_it_needs(as_role: AsRole, home: Home) -> None:
    client, path = as_role("planner"), f"/unit/{home.largest_unit}"
    answer = _post(client, path, budget_idr="Rp 1.000", hard_minimum="1")
    assert answer.status_code == 200
    assert "tidak layak" in answer.text
    assert "dibutuhkan paling sedikit Rp" in answer.text or "Berapa pun anggarannya" in answer.text
