"""Both languages say everything, with the same placeholders, and the templates ask for no
text that does not exist."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ml.serving.pages.i18n import DEFAULT, FEATURES_ID, LANGUAGES, STRINGS, Translator, language
from ml.training.explain import FEATURE_LABELS

PACKAGE = Path(__file__).resolve().parents[3] / "ml" / "serving"
USED = re.compile(r"""\bt\(\s*["']([a-z_]+\.[A-Za-z_.\- ]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_bahasa_is_the_default_and_english_the_switch() -> None:
    assert DEFAULT == "id" and set(LANGUAGES) == {"id", "en"}
    assert language(None) == "id" and language("en") == "en" and language("fr") == "id"


def test_every_key_exists_in_both_languages() -> None:
    assert set(STRINGS["id"]) == set(STRINGS["en"]), set(STRINGS["id"]) ^ set(STRINGS["en"])


@pytest.mark.parametrize("key", sorted(STRINGS["id"]))
def test_both_languages_fill_the_same_placeholders(key: str) -> None:
    assert placeholders(STRINGS["id"][key]) == placeholders(STRINGS["en"][key])
    assert STRINGS["id"][key].strip() and STRINGS["en"][key].strip()


def test_every_text_the_pages_ask_for_exists() -> None:
    sources = [*PACKAGE.glob("templates/*.html"), *PACKAGE.glob("pages/*.py")]
    used = {key for path in sources for key in USED.findall(path.read_text())}
    assert len(used) > 100  # the pattern finds the calls
    missing = sorted(k for k in used if k not in STRINGS["id"])
    assert not missing, missing


def test_the_model_reasons_have_a_bahasa_label_or_keep_the_english_one() -> None:
    assert set(FEATURES_ID) <= set(FEATURE_LABELS)
    t = Translator("id")
    assert t.feature("last_level", "Last assessed level") == "Level penilaian terakhir"
    assert t.feature("hasil_DI_ATAS_last1", "x") == "x"  # not translated: the training label
    assert Translator("en").feature("last_level", "?") == FEATURE_LABELS["last_level"]


def test_numbers_dates_and_codes_read_as_each_language_writes_them() -> None:
    bahasa, english = Translator("id"), Translator("en")
    assert bahasa.number(1234567.891, 2) == "1.234.567,89"
    assert english.number(1234567.891, 2) == "1,234,567.89"
    assert bahasa.percent(0.456) == "46%" and english.number(None) == "—"
    assert bahasa.date(date(2026, 1, 2)) == "2 Januari 2026"
    # stored times are UTC (SQLite returns them without a zone): shown in WIB, labelled
    assert bahasa.date(datetime(2026, 12, 31, 7, 5)) == "31 Desember 2026 14.05 WIB"
    assert bahasa.date(datetime(2026, 12, 31, 20, 5)) == "1 Januari 2027 03.05 WIB"
    assert english.date(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2 January 2026 10:04 WIB"
    assert bahasa.code("BUTUH_PERBAIKAN") == "Butuh Perbaikan"
    assert english.code("BUTUH_PERBAIKAN") == "Needs improvement"
    assert english.code("UNHEARD_OF") == "UNHEARD_OF" and english.code(None) == "—"


def test_a_missing_key_shows_itself_and_placeholders_are_filled() -> None:
    t = Translator("en")
    assert t("no.such.key") == "no.such.key"
    assert t("emp.title", nip="123") == "Employee 123"
    assert Translator("id")("emp.title", nip="123") == "Pegawai 123"


def test_times_follow_the_agency_s_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kupang works in WITA, Jayapura in WIT: TALENTA_TIMEZONE moves the hour and its label."""
    noon_utc = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)
    monkeypatch.setenv("TALENTA_TIMEZONE", "Asia/Makassar")
    assert Translator("id").date(noon_utc) == "1 Juni 2026 13.00 WITA"
    monkeypatch.setenv("TALENTA_TIMEZONE", "Asia/Jayapura")
    assert Translator("id").date(noon_utc) == "1 Juni 2026 14.00 WIT"
    monkeypatch.setenv("TALENTA_TIMEZONE", "Not/AZone")
    assert Translator("id").date(noon_utc).endswith("12.00 WIB")
