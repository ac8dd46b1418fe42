"""The planner's pages in words: reasons as sentences, the 9-box's tooltips, the programme
ranking explained, the heat-map's values in a table."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from ml.serving.pages.i18n import Translator
from ml.serving.pages.reasons import sentence
from tests.serving.pages.home import Home

AsRole = Callable[[str], TestClient]
ID, EN = Translator("id"), Translator("en")


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        (
            {"feature": "gap", "label": "Gap", "value": 2.0, "contribution": 0.6},
            "Kesenjangan 2 level pada kompetensi ini menaikkan kebutuhan.",
        ),
        (
            {"feature": "gap", "label": "Gap", "value": 2.0, "contribution": 1.4},
            "Kesenjangan 2 level pada kompetensi ini sangat menaikkan kebutuhan.",
        ),
        (
            {"feature": "last_level", "label": "Last", "value": None, "contribution": 0.3},
            "Kompetensi ini belum pernah dinilai; ini menaikkan kebutuhan.",
        ),
        (
            {"feature": "jp_12m", "label": "JP", "value": 24.5, "contribution": -0.2},
            "Pelatihan untuk kompetensi ini 24,5 JP dalam 12 bulan terakhir; ini menurunkan "
            "kebutuhan.",
        ),
        (
            {"feature": "kpi_mean", "label": "KPI", "value": 0.85, "contribution": -0.1},
            "Rata-rata capaian IKU, 5 tahun terakhir: 0,85; ini menurunkan kebutuhan.",
        ),
        (
            {"feature": "ability_estimate", "label": "A", "value": -1.32, "contribution": 2.07},
            "Pada semua kompetensinya, levelnya rata-rata 1,3 level di bawah persyaratan "
            "jabatan; ini sangat menaikkan kebutuhan.",
        ),
        (
            {"feature": "ability_estimate", "label": "A", "value": 0.4, "contribution": -0.3},
            "Pada semua kompetensinya, levelnya rata-rata 0,40 level di atas persyaratan "
            "jabatan; ini menurunkan kebutuhan.",
        ),
    ],
)
def test_reasons_read_as_sentences(reason: dict[str, object], said: str) -> None:
    assert sentence(reason, ID) == said


def test_english_reasons_too() -> None:
    reason = {"feature": "gap", "label": "Gap", "value": 1.0, "contribution": -0.5}
    assert sentence(reason, EN) == "A 1-level gap in this competency lowers the need."


def test_the_employee_page_says_it_in_words(as_role: AsRole, home: Home) -> None:
    page = as_role("planner").get(f"/pegawai/{home.employee_id}").text
    assert re.search(r'<ul class="reasons"><li>[^<]*kebutuhan\.</li>', page)
    assert "Kotak 9: kinerja Di atas ekspektasi, potensi Tinggi" in page
    assert "DI_ATAS /" not in page and "RENDAH" not in page
    assert 'id="programs-ranked"' in page and "per rupiah" in page


def test_the_heat_maps_values_are_in_a_table(as_role: AsRole, home: Home) -> None:
    page = as_role("planner").get(f"/unit/{home.largest_unit}").text
    table = re.search(r'id="heatmap-values".*?</details>', page, re.S)
    assert table is not None
    assert re.search(r'<td class="num">0,\d\d( •)?</td>', table.group(0))


def test_iso_dates_from_the_store_read_as_dates() -> None:
    assert ID.date("2022-12-10") == "10 Desember 2022"
    assert EN.date("2026-01-01") == "1 January 2026"
    assert ID.date("2025") == "2025"  # not a date: as it is
