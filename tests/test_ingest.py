"""Ingest: exports become contract tables; bad mappings fail clearly and write nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.contract.ingest import IngestError, ingest, load_mapping
from ml.contract.validation import validate_directory
from tests.conftest import MAPPINGS, external


def test_wns_promotion_data_end_to_end(tmp_path: Path) -> None:
    src = external("wns_hr_promotion.csv")
    result = ingest(src, MAPPINGS / "wns_hr_promotion.yaml", tmp_path)
    assert result.validation.ok
    assert sorted(result.written) == ["appraisals.csv", "employees.csv"]
    report = validate_directory(tmp_path)
    assert report.ok
    emp, app = report.tables["employees"].frame, report.tables["appraisals"].frame
    assert len(emp) == 54_808 and len(app) == 54_808 - 4_124
    assert emp["gender"].value_counts().to_dict() == {"L": 38_496, "P": 16_312}
    assert emp["education"].isna().sum() == 2_409
    raw = pd.read_csv(src)
    # Predikat follows the documented monotone map of the 1–5 rating.
    from ml.scoring import predikat_kinerja_many

    predikat = pd.Series(
        predikat_kinerja_many(app["hasil_kerja_rating"], app["perilaku_rating"]),
        index=app["score"].astype(int).to_numpy(),
    )
    assert predikat.groupby(level=0).agg(set).to_dict() == {
        1: {"SANGAT_KURANG"}, 2: {"BUTUH_PERBAIKAN"}, 3: {"BAIK"}, 4: {"BAIK"}, 5: {"SANGAT_BAIK"},
    }  # fmt: skip
    assert app["score"].mean() == pytest.approx(raw["previous_year_rating"].mean())
    assert (emp["birth_year"] == 2018 - raw["age"]).all()
    assert any("is_promoted" in line for line in result.unmapped)
    assert any("trainings" in line for line in result.unmapped)


def test_insteval_ratings_end_to_end(tmp_path: Path) -> None:
    src = external("eth_insteval_ratings.csv")
    result = ingest(src.parent, MAPPINGS / "eth_insteval_ratings.yaml", tmp_path)
    assert result.validation.ok
    report = validate_directory(tmp_path)
    emp, app = report.tables["employees"].frame, report.tables["appraisals"].frame
    assert len(app) == 73_421
    assert app["employee_id"].nunique() == 1_128 and app["rater_id"].nunique() == 2_972
    assert len(emp) == 1_128 + 2_972
    assert (
        app["employee_id"].str.startswith("1").all() and app["rater_id"].str.startswith("2").all()
    )
    assert app["score"].mean() == pytest.approx(3.2057, abs=1e-3)
    assert set(app["rater_role"]) == {"REKAN"}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SOURCE = """id,sex,dept,born,joined,rating
7,f,Human Resources,1980,03/02/2010,4
8,m,Finance,1975,15/07/2001,
9,x,Finance,1990,31/12/2015,2
"""

MAPPING = """
name: tiny
source: {file: tiny.csv}
derive:
  birth: "born + 0"
tables:
  employees:
    columns:
      employee_id: {column: id, format: "{:0>18}"}
      birth_year: {column: birth}
      gender: {column: sex, values: {f: P, m: L}}
      agency_id: {constant: X}
      unit_id: {column: dept, case: upper_code}
      hire_date: {column: joined, date_format: "%d/%m/%Y"}
  appraisals:
    where: "notna(rating) and rating >= 2"
    columns:
      employee_id: {column: id, format: "{:0>18}"}
      period: {template: "{born}"}
      rater_role: {constant: ATASAN}
      hasil_kerja_rating: {column: rating, values: {"4": DI_ATAS}, default: SESUAI}
      perilaku_rating: {constant: SESUAI}
      score: {expr: "rating * 10"}
"""


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    return _write(tmp_path / "tiny.csv", SOURCE), _write(tmp_path / "tiny.yaml", MAPPING)


def test_every_kind_of_rule(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    src, mapping = tiny
    result = ingest(src, mapping, tmp_path / "out")
    emp = pd.read_csv(tmp_path / "out" / "employees.csv", dtype=str)
    assert emp["employee_id"].tolist() == [
        "000000000000000007",
        "000000000000000008",
        "000000000000000009",
    ]
    assert emp["unit_id"].tolist() == ["HUMAN_RESOURCES", "FINANCE", "FINANCE"]
    assert emp["hire_date"].tolist() == ["2010-02-03", "2001-07-15", "2015-12-31"]
    assert emp["gender"].tolist()[:2] == ["P", "L"] and pd.isna(emp["gender"].iloc[2])
    app = pd.read_csv(tmp_path / "out" / "appraisals.csv", dtype=str)
    assert app["hasil_kerja_rating"].tolist() == ["DI_ATAS", "SESUAI"]
    assert app["score"].tolist() == ["40", "20"]
    assert app["period"].tolist() == ["1980", "1990"]
    assert any("'x' ×1" in line for line in result.unmapped)
    assert "1 rows skipped by where" in result.summaries["appraisals"]


def test_contract_breach_writes_nothing(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    src, mapping = tiny
    out = tmp_path / "out"
    out.mkdir()
    (out / "employees.csv").write_text("kept\n")
    _write(mapping, MAPPING.replace("{constant: SESUAI}", "{constant: LUMAYAN}"))
    result = ingest(src, mapping, out)
    assert not result.validation.ok
    assert any(v.column == "perilaku_rating" for v in result.validation.errors)
    assert result.written == []
    assert (out / "employees.csv").read_text() == "kept\n"
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".ingest-")) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("employees:", "pegawai:"), "unknown table 'pegawai'"),
        (("agency_id: {constant: X}", "agency: {constant: X}"), "unknown column(s) agency"),
        (("{constant: ATASAN}", "{constant: ATASAN, column: sex}"), "exactly one of"),
        (
            ("{column: dept, case: upper_code}", "{column: departemen}"),
            "no source column 'departemen'",
        ),
        (('"rating * 10"', '"__import__(1)"'), "is not allowed"),
        (('"born + 0"', '"bornn + 0"'), "unknown column 'bornn'"),
        (("name: tiny", "name: [tiny"), "not valid YAML"),
    ],
)
def test_bad_mapping_names_the_key(
    tiny: tuple[Path, Path], tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    src, mapping = tiny
    _write(mapping, MAPPING.replace(*change))
    with pytest.raises(IngestError, match=r"tiny\.yaml") as info:
        ingest(src, mapping, tmp_path / "out")
    assert message in str(info.value)
    assert not (tmp_path / "out").exists()


def test_missing_source(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    _, mapping = tiny
    with pytest.raises(IngestError, match="source file not found"):
        ingest(tmp_path / "nowhere.csv", mapping, tmp_path / "out")


def test_shipped_mappings_load() -> None:
    names = {load_mapping(p).name for p in MAPPINGS.glob("*.yaml")}
    assert names == {"wns_hr_promotion", "eth_insteval_ratings"}


def test_numeric_codes_match_whatever_their_spelling(tmp_path: Path) -> None:
    src = _write(tmp_path / "tiny.csv", "id,rating\n1,5.0\n2,3\n")
    mapping = _write(
        tmp_path / "m.yaml",
        """
name: t
source: {file: tiny.csv}
tables:
  employees:
    columns:
      employee_id: {column: id, format: "{:0>18}"}
      agency_id: {constant: X}
      unit_id: {constant: U}
  appraisals:
    columns:
      employee_id: {column: id, format: "{:0>18}"}
      period: {constant: "2020"}
      rater_role: {constant: ATASAN}
      hasil_kerja_rating: {column: rating, values: {5: DI_ATAS, 3: SESUAI}}
      perilaku_rating: {column: rating, values: {"5": DI_ATAS, "3.0": SESUAI}}
""",
    )
    result = ingest(src, mapping, tmp_path / "out")
    assert result.validation.ok and not any("value map" in line for line in result.unmapped)
    app = pd.read_csv(tmp_path / "out" / "appraisals.csv")
    assert app["hasil_kerja_rating"].tolist() == ["DI_ATAS", "SESUAI"]
    assert app["perilaku_rating"].tolist() == ["DI_ATAS", "SESUAI"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('"born + 0"', '"born + sex"'), "column 'sex' holds 'f' (source row 2)"),
        (
            ('format: "{:0>18}"}\n      birth_year', 'format: "{:018d}"}\n      birth_year'),
            "format",
        ),
        (
            ("source: {file: tiny.csv}", "source: {file: tiny.csv, encoding: latin-9x}"),
            "unknown encoding",
        ),
    ],
)
def test_data_errors_in_a_mapping_are_clear(
    tiny: tuple[Path, Path], tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    src, mapping = tiny
    _write(mapping, MAPPING.replace(*change))
    with pytest.raises(IngestError) as info:
        ingest(src, mapping, tmp_path / "out")
    assert message in str(info.value)


def test_violations_point_at_the_source_row(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    src, mapping = tiny
    _write(src, SOURCE.replace("31/12/2015", "31/12/1970"))  # hired before birth, row 4
    result = ingest(src, mapping, tmp_path / "out")
    assert not result.validation.ok
    (violation,) = result.validation.errors
    assert (violation.file, violation.row) == ("tiny.csv → employees", 4)


def test_tables_already_in_out_must_agree(
    tiny: tuple[Path, Path], tmp_path: Path, workforce_dir: Path
) -> None:
    import shutil

    src, mapping = tiny
    out = tmp_path / "out"
    shutil.copytree(workforce_dir, out, ignore=shutil.ignore_patterns("ground_truth"))
    before = (out / "employees.csv").read_bytes()
    result = ingest(src, mapping, out)
    # The generated trainings name employees the new employees table does not have.
    assert not result.validation.ok
    assert any(v.file == "trainings.csv" for v in result.validation.errors)
    assert (out / "employees.csv").read_bytes() == before


NAMED_SOURCE = """NIP,NAMA,UNIT,NAMA_UNIT,INDUK
198503122010011002,"Dr. Budi Santoso, S.E., M.Si.",U1,Bidang Pengembangan Kompetensi,
199001012015032001,Sri Wahyuni,U2,Seksi Perbendaharaan,U1
"""

NAMED_MAPPING = """
name: named
source: {file: named.csv}
tables:
  employees:
    columns:
      employee_id: {column: NIP}
      agency_id: {constant: BKN}
      unit_id: {column: UNIT}
      front_title: {column: NAMA, name_part: front_title}
      name: {column: NAMA, name_part: name}
      back_title: {column: NAMA, name_part: back_title}
  units:
    columns:
      unit_id: {column: UNIT}
      name: {column: NAMA_UNIT}
      parent_unit_id: {column: INDUK}
      agency_id: {constant: BKN}
"""


def test_names_with_titles_in_one_field_are_split(tmp_path: Path) -> None:
    src = _write(tmp_path / "named.csv", NAMED_SOURCE)
    mapping = _write(tmp_path / "named.yaml", NAMED_MAPPING)
    result = ingest(src, mapping, tmp_path / "out")
    assert result.validation.ok, result.validation.errors
    report = validate_directory(tmp_path / "out")
    emp = report.tables["employees"].frame
    assert emp["name"].tolist() == ["Budi Santoso", "Sri Wahyuni"]
    assert emp["front_title"].tolist()[0] == "Dr." and pd.isna(emp["front_title"].iloc[1])
    assert emp["back_title"].tolist()[0] == "S.E., M.Si."
    units = report.tables["units"].frame
    assert units.set_index("unit_id")["parent_unit_id"].to_dict()["U2"] == "U1"
    # names are optional: not reported as "left empty" when a mapping has none
    assert not any("name" in line for line in result.unmapped if line.startswith("employees"))


def test_a_mapping_without_names_writes_no_name_columns(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    src, mapping = tiny
    ingest(src, mapping, tmp_path / "out")
    header = (tmp_path / "out" / "employees.csv").read_text().splitlines()[0].split(",")
    assert "name" not in header and "back_title" not in header


def test_an_unknown_name_part_is_refused(tmp_path: Path) -> None:
    src = _write(tmp_path / "named.csv", NAMED_SOURCE)
    bad = NAMED_MAPPING.replace("name_part: front_title", "name_part: gelar")
    mapping = _write(tmp_path / "named.yaml", bad)
    with pytest.raises(IngestError, match="name_part must be one of front_title"):
        ingest(src, mapping, tmp_path / "out")
