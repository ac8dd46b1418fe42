"""The SVG charts: well-formed, escaped, and drawing what they are given."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ml.serving.pages import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    # a chart is an image; one with links is a group (an image may not hold links: axe)
    linked = any(True for _ in root.iter(f"{SVG}a"))
    assert root.get("role") == ("group" if linked else "img") and root.get("aria-label")
    return root


def texts(root: ET.Element) -> list[str]:
    # a wrapped label is one text of several tspans: its lines joined by spaces
    return [
        " ".join(s.text or "" for s in t.iter(f"{SVG}tspan")) or (t.text or "")
        for t in root.iter(f"{SVG}text")
    ]


def titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.integers(1, 10),
)
@example(5e-324, 5e-324, 1)  # subnormal values: the span underflowed the logarithm
@example(0.0, 5e-324, 3)
@example(-1e-20, 1e-20, 10)
def test_ticks_cover_the_range_in_round_steps(low: float, high: float, count: int) -> None:
    ticks = charts.nice_ticks(low, high, count)
    assert ticks[0] <= min(low, high) + 1e-9 * max(1, abs(low))
    assert ticks[-1] >= max(low, high) - 1e-9 * max(1, abs(high))
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) <= 2  # equal up to floating-point rounding
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 5, 10))


def test_ticks_refuse_infinite_bounds() -> None:
    with pytest.raises(ValueError, match="finite"):
        charts.nice_ticks(0, math.inf)


def test_heat_colour_runs_from_light_to_dark_and_clips() -> None:
    def lightness(colour: str) -> int:
        return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))

    shades = [lightness(charts.heat_colour(v / 10)) for v in range(11)]
    assert shades == sorted(shades, reverse=True)
    assert charts.heat_colour(-1) == charts.heat_colour(0)
    assert charts.heat_colour(7) == charts.heat_colour(1)


def test_level_bars_draw_levels_and_requirements_and_say_unknown() -> None:
    svg = charts.level_bars(
        [
            charts.Bar("M1 Integritas", 2, 3),
            charts.Bar("M2 Kerjasama", None, 2),
            charts.Bar("T-HUK Hukum", 4, 3),
        ],
        title="Kompetensi",
        level="Level",
        required="Persyaratan",
        unknown="belum dinilai",
    )
    root = parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if "level" in (r.get("class") or "")]
    assert len(bars) == 3  # two competencies and the legend's swatch
    assert sum("below" in (r.get("class") or "") for r in bars) == 1  # M1 is under its level
    assert len([p for p in root.iter(f"{SVG}path") if p.get("class") == "required"]) == 4
    assert "belum dinilai" in texts(root)
    assert "M1 Integritas: Level 2, Persyaratan 3" in titles(root)


def test_heatmap_colours_required_cells_only_and_marks_known_gaps() -> None:
    values = {("A", "M1"): 0.9, ("A", "M2"): 0.1, ("B", "M1"): 0.5}
    root = parse(
        charts.heatmap(
            ["A", "B"],
            ["M1", "M2"],
            values,
            title="Peta",
            marked=frozenset({("A", "M1")}),
            row_links={"A": "/pegawai/A"},
        )
    )
    cells = [r for r in root.iter(f"{SVG}rect") if (r.get("class") or "").startswith("cell")]
    assert len(cells) == 4
    assert sum(r.get("class") == "cell empty" for r in cells) == 1  # B does not need M2
    coloured = {r.get("fill") for r in cells if r.get("class") == "cell"}
    assert charts.heat_colour(0.9) in coloured and charts.heat_colour(0.1) in coloured
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/pegawai/A"]


def test_waterfall_goes_from_the_baseline_through_the_reasons_to_the_score() -> None:
    steps = [charts.Step("Kesenjangan", "2", 0.8), charts.Step("Level terakhir", "1", -0.3)]
    labels = {
        "baseline": "Dasar",
        "other": "Lainnya",
        "log_odds": "Skor",
        "probability": "Peluang",
        "raises": "naik",
        "lowers": "turun",
    }
    root = parse(charts.waterfall(-1.0, steps, 0.2, -0.3, 0.43, title="Mengapa", labels=labels))
    shown = texts(root)
    for expected in (
        "Dasar",
        "Kesenjangan = 2",
        "Level terakhir = 1",
        "Lainnya",
        "Skor",
        "-1.00",
        "+0.80",
        "-0.30",
        "+0.20",
        "p = 0.43",
    ):
        assert expected in shown, expected
    assert len([r for r in root.iter(f"{SVG}rect") if "up" in (r.get("class") or "")]) == 3
    assert len([r for r in root.iter(f"{SVG}rect") if "down" in (r.get("class") or "")]) == 2


def test_forest_draws_a_whisker_per_interval_and_skips_missing_ones() -> None:
    rows = [
        charts.Interval("rater 1", 0.5, 0.4, 0.6, True, "/keadilan/tanda/x"),
        charts.Interval("rater 2", -0.3, None, None),
    ]
    root = parse(charts.forest(rows, title="Efek", axis="efek"))
    assert len([ln for ln in root.iter(f"{SVG}line") if "whisker" in (ln.get("class") or "")]) == 1
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert "rater 1: 0.500 [0.400, 0.600]" in titles(root)
    assert "-0" not in texts(root)
    bars = parse(charts.forest(rows, title="Kelompok", axis="efek", bars=True))
    assert len([r for r in bars.iter(f"{SVG}rect") if "flagged" in (r.get("class") or "")]) == 1


def test_calibration_plots_each_bin_against_the_diagonal() -> None:
    points = [(0.1, 0.12, 100), (0.5, 0.45, 80), (0.9, 0.93, 50)]
    root = parse(charts.calibration(points, title="Kalibrasi", predicted="p", observed="o"))
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    assert [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "diagonal"]
    assert "p 0.500, o 0.450 (n = 80)" in titles(root)


@pytest.mark.parametrize("box", [1, 5, 9, None])
def test_nine_box_highlights_one_box_at_most(box: int | None) -> None:
    root = parse(charts.nine_box(box, title="9-box", performance="Kinerja", potential="Potensial"))
    boxes = [r for r in root.iter(f"{SVG}rect") if "box" in (r.get("class") or "")]
    assert len(boxes) == 9
    current = [r for r in boxes if "current" in (r.get("class") or "")]
    assert len(current) == (0 if box is None else 1)
    assert sum("pool" in (r.get("class") or "") for r in boxes) == 3


def test_jp_bar_marks_a_shortfall() -> None:
    short = parse(charts.jp_bar(8, 20, title="JP"))
    assert any("short" in (r.get("class") or "") for r in short.iter(f"{SVG}rect"))
    enough = parse(charts.jp_bar(24, 20, title="JP"))
    assert not any("short" in (r.get("class") or "") for r in enough.iter(f"{SVG}rect"))


def test_every_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & "quotes"'
    svgs = [
        charts.level_bars(
            [charts.Bar(evil, 1, 2)], title=evil, level=evil, required=evil, unknown=evil
        ),
        charts.heatmap(
            [evil], [evil], {(evil, evil): 0.5}, title=evil, row_links={evil: '/x?a="b"'}
        ),
        charts.forest([charts.Interval(evil, 0.1, 0.0, 0.2)], title=evil, axis=evil),
        charts.calibration([(0.5, 0.5, 1)], title=evil, predicted=evil, observed=evil),
    ]
    for svg in svgs:
        assert "<script>" not in str(svg)
        root = parse(svg)  # still well-formed XML
        assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))


def test_a_bahasa_waterfall_writes_its_numbers_with_a_comma() -> None:
    steps = [charts.Step("Kesenjangan", "2", 0.8), charts.Step("Level terakhir", "1", -0.3)]
    labels = {"baseline": "Dasar", "other": "Lainnya", "log_odds": "Skor",
              "probability": "Peluang", "raises": "naik", "lowers": "turun"}  # fmt: skip
    root = parse(
        charts.waterfall(-1.65, steps, 0.2, -0.3, 0.43, title="M", labels=labels, decimal=",")
    )
    shown = texts(root)
    assert {"-1,65", "+0,80", "-0,30", "+0,20"} <= set(shown), shown
    assert not [s for s in shown if re.fullmatch(r"[+-]?\d+\.\d+", s)], shown
    tips = [e.text or "" for e in root.iter() if e.tag.endswith("title")]
    assert any(tip.endswith(": +0,80") for tip in tips), tips


def test_a_long_waterfall_label_wraps_and_keeps_its_value() -> None:
    long = "Rata-rata nilai pascapelatihan untuk kompetensi ini, lima tahun terakhir"
    steps = [charts.Step(long, "52", 0.4), charts.Step("Kesenjangan", "2", 0.8)]
    labels = {k: k for k in ("baseline", "other", "log_odds", "probability", "raises", "lowers")}
    root = parse(charts.waterfall(-1.0, steps, 0.2, 0.4, 0.6, title="Mengapa", labels=labels))
    shown = texts(root)
    assert f"{long} = 52" in shown  # whole, value included: never cut
    wrapped = next(t for t in root.iter(f"{SVG}text") if len(list(t.iter(f"{SVG}tspan"))) > 1)
    assert all(len(s.text or "") <= charts.WRAP_CHARS for s in wrapped.iter(f"{SVG}tspan"))
    height = float(root.get("viewBox", "0 0 0 0").split()[3])
    short = parse(charts.waterfall(-1.0, steps[1:] * 2, 0.2, 0.4, 0.6, title="M", labels=labels))
    assert height > float(short.get("viewBox", "0 0 0 0").split()[3])  # the row grew
