"""Charts as inline SVG, drawn on the server: no JavaScript library and nothing fetched from a CDN
(government networks are often closed), and the page reads the same printed or without scripts.

Each function takes plain numbers and already-translated labels and returns ``Markup`` for a
template. Every text is escaped; every mark carries a ``<title>`` (the browser's tooltip and what
a screen reader says); the colours live in ``static/talenta.css`` by class name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ml.scoring.codes import Potential, Rating
from ml.scoring.talent import PERMENPANRB_3_2020

FONT_PX = 12
ROW_PX = 22


@dataclass(frozen=True)
class Bar:
    """A competency's assessed level beside the level its position requires."""

    label: str
    level: float | None  # None: never assessed, or the assessment is stale
    required: float | None


@dataclass(frozen=True)
class Step:
    """One reason in a waterfall: its label, the feature's value and the log-odds it adds."""

    label: str
    value: str
    contribution: float


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval (either end may be unknown)."""

    label: str
    effect: float
    low: float | None
    high: float | None
    highlight: bool = False
    href: str | None = None


# --- shared pieces ------------------------------------------------------------------------------


def _svg(width: float, height: float, label: str, body: list[str], css: str) -> Markup:
    # an image may not hold links (axe: nested-interactive): a chart with links is a group
    role = "group" if any("<a " in part for part in body) else "img"
    return Markup(
        f'<svg class="chart {css}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="{role}" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, css: str = "", anchor: str = "start") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{cls}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, css: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
        f'class="{css}"><title>{escape(title)}</title></rect>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{css}"/>'


WRAP_CHARS = 46  # characters of a waterfall label per line (12 px text in 330 px)
LINE_PX = 14


def _wrap(text: str, chars: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, broken between words (a word longer
    than a line gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _lines(x: float, top: float, bottom: float, lines: list[str], css: str, anchor: str) -> str:
    """Lines of text centred between ``top`` and ``bottom``, one ``tspan`` each."""
    first = (top + bottom) / 2 - LINE_PX * (len(lines) - 1) / 2 + 4
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + k * LINE_PX:.1f}">{escape(line)}</tspan>'
        for k, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" class="{css}">{spans}</text>'


def _shorten(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


TINY = 1e-12  # spans below this are drawn as if the values were equal


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], 1, 2 or 5 times a power of ten apart."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"ticks need finite bounds, got {low}, {high}")
    low, high = min(low, high), max(low, high)
    span = high - low
    if span <= 1e-9 * max(abs(low), abs(high)) or span < TINY:
        # (nearly) one value: a range as wide as it, or a unit one around values next to 0
        # (a subnormal span would underflow the logarithm below)
        span = abs(high) if abs(high) >= TINY else 1.0
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next((m * power for m in (1, 2, 5) if m * power >= raw * (1 - 1e-9)), 10 * power)
    first = math.floor(low / step)
    last = max(math.ceil(max(high, low + span) / step), first + 1)
    # k·step, not a running sum (which drifts), printed to 12 digits: 0.30000000000000004 → 0.3
    return [float(f"{k * step:.12g}") for k in range(first, last + 1)]


def _scale(low: float, high: float, x0: float, x1: float) -> Callable[[float], float]:
    span = (high - low) or 1.0
    return lambda v: x0 + (v - low) / span * (x1 - x0)


def _number(value: float, digits: int = 2) -> str:
    return f"{value:+.{digits}f}" if value else f"{0:.{digits}f}"


def _axis(
    ticks: Sequence[float],
    x: Callable[[float], float],
    y: float,
    top: float,
    fmt: str = "g",
    decimal: str = ".",
) -> list[str]:
    out = [_line(x(ticks[0]), y, x(ticks[-1]), y, "axis")]
    for t in ticks:
        out.append(_line(x(t), top, x(t), y, "grid"))
        label = format(t or 0.0, fmt).replace(".", decimal)
        out.append(_text(x(t), y + 14, label, "tick", "middle"))
    return out


# --- competency levels against the requirement --------------------------------------------------


def level_bars(
    bars: Sequence[Bar], *, title: str, level: str, required: str, unknown: str, top: int = 5
) -> Markup:
    """Horizontal bars of each competency's level with a mark at the required level; a
    competency without a current level says so instead of drawing zero."""
    label_w, plot_w, pad = 270.0, 300.0, 8.0
    high = max([top, *(b.level or 0 for b in bars), *(b.required or 0 for b in bars)])
    x = _scale(0, high, label_w, label_w + plot_w)
    height = 34 + ROW_PX * len(bars) + 40
    body: list[str] = []
    for i, b in enumerate(bars):
        y = 28 + i * ROW_PX
        body.append(_text(label_w - pad, y + 15, _shorten(b.label, 38), "label", "end"))
        below = b.level is not None and b.required is not None and b.level < b.required
        if b.level is None:
            body.append(_text(x(0) + 4, y + 15, unknown, "muted"))
        else:
            tip = f"{b.label}: {level} {b.level:g}"
            if b.required is not None:
                tip += f", {required} {b.required:g}"
            css = "bar level below" if below else "bar level"
            body.append(_rect(x(0), y + 4, x(b.level) - x(0), ROW_PX - 8, css, tip))
        if b.required is not None:
            body.append(
                f'<path d="M{x(b.required):.1f},{y + 1:.1f} v{ROW_PX - 2}" class="required">'
                f"<title>{escape(f'{b.label}: {required} {b.required:g}')}</title></path>"
            )
    axis_y = 28 + ROW_PX * len(bars) + 4
    body += _axis([float(t) for t in range(0, math.ceil(high) + 1)], x, axis_y, 24)
    body.append(_rect(label_w, 6, 12, 10, "bar level", level))
    body.append(_text(label_w + 16, 15, level, "legend"))
    body.append(f'<path d="M{label_w + 110:.1f},4 v14" class="required"/>')
    body.append(_text(label_w + 116, 15, required, "legend"))
    return _svg(label_w + plot_w + 20, height, title, body, "levels")


# --- employees × competencies -------------------------------------------------------------------

_HEAT = ((255, 245, 235), (253, 141, 60), (127, 39, 4))  # light → orange → dark brown


def heat_colour(value: float) -> str:
    """The fill for a probability in [0, 1] (clipped): light for unlikely, dark for likely."""
    v = min(max(float(value), 0.0), 1.0)
    lo, hi, t = (_HEAT[0], _HEAT[1], v * 2) if v <= 0.5 else (_HEAT[1], _HEAT[2], v * 2 - 1)
    r, g, b = (round(a + (c - a) * t) for a, c in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


ROW_LABEL_CHARS = 30  # a name longer than this is cut, in full in its tooltip


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Mapping[tuple[str, str], float],
    *,
    title: str,
    marked: frozenset[tuple[str, str]] = frozenset(),
    row_links: Mapping[str, str] | None = None,
    row_labels: Mapping[str, str] | None = None,
    column_titles: Mapping[str, str] | None = None,
    cell_title: Callable[[str, str, float], str] | None = None,
    legend: tuple[str, str, str] = ("0", "need probability", "1"),
) -> Markup:
    """A grid of ``values`` (probabilities) per row and column; a cell not in ``values`` (the
    position does not require the competency) stays empty, a ``marked`` cell gets a dot (e.g. a
    known gap by the rules). ``row_labels`` (a person's name) replace the row keys (NIPs) on
    the left, cut to fit, the whole label and the key in the tooltip."""
    cell, label_w, head_h = 26.0, 200.0 if row_labels else 150.0, 70.0
    width = label_w + cell * len(columns) + 20
    height = head_h + cell * len(rows) + 46
    body: list[str] = []
    for j, code in enumerate(columns):
        cx = label_w + j * cell + cell / 2
        name = (column_titles or {}).get(code, code)
        body.append(
            f'<text transform="translate({cx + 4:.1f},{head_h - 6:.1f}) rotate(-60)" '
            f'class="label">{escape(code)}<title>{escape(name)}</title></text>'
        )
    for i, row in enumerate(rows):
        y = head_h + i * cell
        named = (row_labels or {}).get(row)
        if named:
            short = named if len(named) <= ROW_LABEL_CHARS else named[: ROW_LABEL_CHARS - 1] + "…"
            label = (
                f'<text x="{label_w - 6:.1f}" y="{y + cell / 2 + 4:.1f}" class="label" '
                f'text-anchor="end">{escape(short)}<title>{escape(named)} ({escape(row)})'
                "</title></text>"
            )
        else:
            label = _text(label_w - 6, y + cell / 2 + 4, row, "label mono", "end")
        href = (row_links or {}).get(row)
        body.append(f'<a href="{escape(href)}">{label}</a>' if href else label)
        for j, code in enumerate(columns):
            x0 = label_w + j * cell
            value = values.get((row, code))
            if value is None:
                body.append(
                    f'<rect x="{x0:.1f}" y="{y:.1f}" width="{cell}" height="{cell}" '
                    'class="cell empty"/>'
                )
                continue
            tip = cell_title(row, code, value) if cell_title else f"{row} {code}: {value:.2f}"
            body.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{cell}" height="{cell}" class="cell" '
                f'fill="{heat_colour(value)}"><title>{escape(tip)}</title></rect>'
            )
            if (row, code) in marked:
                body.append(
                    f'<circle cx="{x0 + cell / 2:.1f}" cy="{y + cell / 2:.1f}" r="3" class="mark"/>'
                )
    ly = head_h + cell * len(rows) + 14
    for k in range(11):
        body.append(
            f'<rect x="{label_w + k * 14:.1f}" y="{ly:.1f}" width="14" height="10" '
            f'fill="{heat_colour(k / 10)}"/>'
        )
    body.append(_text(label_w - 4, ly + 9, legend[0], "legend", "end"))
    body.append(_text(label_w + 158, ly + 9, legend[2], "legend"))
    body.append(_text(label_w, ly + 26, legend[1], "legend"))
    return _svg(width, height, title, body, "heatmap")


# --- why the model says so ----------------------------------------------------------------------


def waterfall(
    baseline: float,
    steps: Sequence[Step],
    other: float,
    log_odds: float,
    probability: float,
    *,
    title: str,
    labels: Mapping[str, str],
    decimal: str = ".",
) -> Markup:
    """From the model's baseline through each reason's contribution and the rest to the score
    (log-odds), and the probability it becomes. ``labels`` names ``baseline``, ``other``,
    ``log_odds``, ``probability``, ``raises`` and ``lowers``; ``decimal``: the numbers' mark
    (",": a Bahasa page reads "+0,55", never "+0.55")."""
    label_w, plot_w, value_w = 340.0, 300.0, 70.0
    rows: list[tuple[str, float, float, str, str]] = [
        (labels["baseline"], 0.0, baseline, "total", "")
    ]
    running = baseline
    for s in steps:
        css = "up" if s.contribution > 0 else "down"
        text = f"{s.label} = {s.value}" if s.value not in ("", "None") else s.label
        rows.append((text, running, running + s.contribution, css, ""))
        running += s.contribution
    rows.append((labels["other"], running, running + other, "up" if other > 0 else "down", ""))
    # "p = 0.80" meant nothing to planners: the page's word and its number format when given
    shown_p = labels.get("probability_value") or f"p = {probability:.2f}"
    rows.append((labels["log_odds"], 0.0, log_odds, "total", shown_p))
    ends = [v for _, a, b, _, _ in rows for v in (a, b)]
    ticks = nice_ticks(min(0.0, *ends), max(0.0, *ends), 5)
    x = _scale(ticks[0], ticks[-1], label_w, label_w + plot_w)
    body: list[str] = []
    # a reason's label is never cut (its value is part of it): a long one wraps onto more lines
    # and its row grows to hold them
    wrapped = [_wrap(text, WRAP_CHARS) for text, *_ in rows]
    tops = [8.0]
    for lines in wrapped:
        tops.append(tops[-1] + max(ROW_PX, LINE_PX * len(lines) + 8))
    for i, (text, start, end, css, note) in enumerate(rows):
        extra = tops[i + 1] - tops[i] - ROW_PX
        y = tops[i] + extra / 2  # the bar in the middle of its row
        body.append(_lines(label_w - 8, tops[i], tops[i + 1], wrapped[i], "label", "end"))
        change = end - start
        value = (f"{end:.2f}" if css == "total" else _number(change)).replace(".", decimal)
        tip = f"{text}: {value}"
        body.append(
            _rect(
                min(x(start), x(end)), y + 4, abs(x(end) - x(start)), ROW_PX - 8, f"bar {css}", tip
            )
        )
        body.append(_text(label_w + plot_w + 8, y + 15, value, "value"))
        if note:
            body.append(_text(label_w + plot_w + value_w - 6, y + 15, note, "value strong"))
        if 0 < i < len(rows) - 1:
            body.append(_line(x(start), y - 2, x(start), y + 4, "connector"))
    axis_y = tops[-1] + 4
    body += _axis(ticks, x, axis_y, 4, decimal=decimal)
    body.append(_line(x(0), 4, x(0), axis_y, "zero"))
    lx = label_w
    ly = axis_y + 30
    body.append(_rect(lx, ly - 9, 10, 10, "bar up", labels["raises"]))
    body.append(_text(lx + 14, ly, labels["raises"], "legend"))
    body.append(_rect(lx + 150, ly - 9, 10, 10, "bar down", labels["lowers"]))
    body.append(_text(lx + 164, ly, labels["lowers"], "legend"))
    return _svg(label_w + plot_w + value_w + 60, ly + 10, title, body, "waterfall")


# --- estimates with intervals -------------------------------------------------------------------


def forest(
    intervals: Sequence[Interval],
    *,
    title: str,
    axis: str,
    bars: bool = False,
    label_w: float = 290.0,
    decimal: str = ".",
) -> Markup:
    """Each estimate as a dot (or a bar from zero, with ``bars``) with its interval as a
    whisker, against zero; highlighted rows are the flagged ones. ``label_w``: the room for
    the labels (small where one estimate needs none); ``decimal``: the tick labels' mark."""
    plot_w = 360.0
    ends = [0.0]
    for it in intervals:
        ends += [v for v in (it.effect, it.low, it.high) if v is not None and math.isfinite(v)]
    ticks = nice_ticks(min(ends), max(ends), 6)
    x = _scale(ticks[0], ticks[-1], label_w, label_w + plot_w)
    body: list[str] = []
    for i, it in enumerate(intervals):
        y = 8 + i * ROW_PX + ROW_PX / 2
        text = _text(label_w - 8, y + 4, _shorten(it.label, 40), "label", "end")
        body.append(f'<a href="{escape(it.href)}">{text}</a>' if it.href else text)
        css = "flagged" if it.highlight else "plain"
        interval = ""
        if it.low is not None and it.high is not None:
            body.append(_line(x(it.low), y, x(it.high), y, f"whisker {css}"))
            interval = f" [{it.low:.3f}, {it.high:.3f}]"
        tip = f"{it.label}: {it.effect:.3f}{interval}"
        if bars:
            body.append(
                _rect(
                    min(x(0), x(it.effect)), y - 6, abs(x(it.effect) - x(0)), 12, f"bar {css}", tip
                )
            )
        else:
            body.append(
                f'<circle cx="{x(it.effect):.1f}" cy="{y:.1f}" r="4.5" class="dot {css}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    axis_y = 8 + ROW_PX * max(len(intervals), 1) + 4
    body += _axis(ticks, x, axis_y, 4, decimal=decimal)
    body.append(_line(x(0), 4, x(0), axis_y, "zero"))
    body.append(_text(label_w + plot_w / 2, axis_y + 30, axis, "legend", "middle"))
    return _svg(label_w + plot_w + 30, axis_y + 40, title, body, "forest")


# --- calibration --------------------------------------------------------------------------------


def calibration(
    points: Sequence[tuple[float, float, int]], *, title: str, predicted: str, observed: str
) -> Markup:
    """Observed rate against mean predicted probability per bin, with the diagonal a perfectly
    calibrated model would follow; each point's tooltip gives its bin's size."""
    size, left, top = 300.0, 50.0, 12.0
    x = _scale(0, 1, left, left + size)
    y = _scale(0, 1, top + size, top)
    ticks = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    body: list[str] = []
    for t in ticks:
        body.append(_line(x(t), top, x(t), top + size, "grid"))
        body.append(_line(left, y(t), left + size, y(t), "grid"))
        body.append(_text(x(t), top + size + 16, f"{t:.1f}", "tick", "middle"))
        body.append(_text(left - 6, y(t) + 4, f"{t:.1f}", "tick", "end"))
    body.append(_line(x(0), y(0), x(1), y(1), "diagonal"))
    ordered = sorted(points)
    if ordered:
        path = " ".join(f"{x(p):.1f},{y(o):.1f}" for p, o, _ in ordered)
        body.append(f'<polyline points="{path}" class="curve"/>')
    for p, o, n in ordered:
        tip = f"{predicted} {p:.3f}, {observed} {o:.3f} (n = {n:,})"
        body.append(
            f'<circle cx="{x(p):.1f}" cy="{y(o):.1f}" r="4" class="dot plain">'
            f"<title>{escape(tip)}</title></circle>"
        )
    body.append(_text(left + size / 2, top + size + 36, predicted, "legend", "middle"))
    body.append(
        f'<text transform="translate(14,{top + size / 2:.1f}) rotate(-90)" text-anchor="middle" '
        f'class="legend">{escape(observed)}</text>'
    )
    return _svg(left + size + 20, top + size + 46, title, body, "calibration")


# --- the 9-box and the JP minimum ---------------------------------------------------------------


def nine_box(
    box: int | None,
    *,
    title: str,
    performance: str,
    potential: str,
    describe: Callable[[int, str, str], str] | None = None,
) -> Markup:
    """PermenPAN-RB 3/2020's talent grid (performance up, potential right) with ``box``
    highlighted; the talent pool (7–9) outlined. ``describe(box, rating, potential)`` words
    each box's tooltip (default: the codes)."""
    cell, left, top = 48.0, 34.0, 6.0
    regulation = PERMENPANRB_3_2020
    body: list[str] = []
    for r, rating in enumerate((Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH)):
        for c, potential_level in enumerate(regulation.potential_columns):
            number = regulation.boxes[rating][c]
            css = "box"
            if number in regulation.talent_pool:
                css += " pool"
            if number == box:
                css += " current"
            level = Potential(potential_level).value
            tip = (
                describe(number, rating.value, level)
                if describe
                else f"{number}: {rating.value} / {level}"
            )
            body.append(_rect(left + c * cell, top + r * cell, cell, cell, css, tip))
            body.append(
                _text(
                    left + c * cell + cell / 2,
                    top + r * cell + cell / 2 + 5,
                    str(number),
                    "box-number",
                    "middle",
                )
            )
    body.append(_text(left + 1.5 * cell, top + 3 * cell + 16, potential + " →", "legend", "middle"))
    body.append(
        f'<text transform="translate(16,{top + 1.5 * cell:.1f}) rotate(-90)" text-anchor="middle" '
        f'class="legend">{escape(performance)} →</text>'
    )
    return _svg(left + 3 * cell + 8, top + 3 * cell + 24, title, body, "ninebox")


def jp_bar(taken: float, minimum: float, *, title: str, unit: str = "JP") -> Markup:
    """JP taken this year against the yearly minimum: a bar with the minimum marked."""
    width, left = 320.0, 4.0
    high = max(minimum * 1.5, taken, 1.0)
    x = _scale(0, high, left, left + width)
    short = taken < minimum
    body = [
        _rect(left, 6, width, 16, "track", f"{minimum:g} {unit}"),
        _rect(
            left, 6, x(taken) - left, 16, "bar short" if short else "bar level", f"{taken:g} {unit}"
        ),
        _line(x(minimum), 2, x(minimum), 26, "required"),
        _text(x(minimum), 40, f"{minimum:g} {unit}", "tick", "middle"),
    ]
    return _svg(left + width + 12, 46, title, body, "jp")


# --- one value among its peers ------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    """One rater's effect among the others of the same agency."""

    label: str
    value: float
    highlight: bool = False  # the rater the page is about
    flagged: bool = False
    tip: str = ""


def dots(
    points: Sequence[Dot],
    *,
    title: str,
    axis: str,
    legend: tuple[str, str, str],
    decimal: str = ".",
) -> Markup:
    """Every peer as a dot on one axis (jittered rows so equal values stay visible), the
    page's rater as a large ring, flagged peers in the flag colour; a legend under the axis
    says which is which (``legend``: this rater, flagged peer, other peer). Drawn in a
    viewBox and sized by CSS, so it shrinks with the screen; ticks sit inside the plot, so no
    label is cut."""
    width, left, right, top = 640.0, 24.0, 24.0, 14.0
    values = [p.value for p in points if math.isfinite(p.value)] or [0.0]
    ticks = nice_ticks(min([*values, 0.0]), max([*values, 0.0]), 6)
    x = _scale(ticks[0], ticks[-1], left, width - right)
    rows = 5
    body: list[str] = []
    band = top + rows * 10 + 10
    for i, p in enumerate(sorted(points, key=lambda p: (p.highlight, p.flagged))):
        if not math.isfinite(p.value):
            continue
        y = top + 10 + (i % rows) * 10
        css = "dot flagged" if p.flagged else "dot plain"
        tip = escape(p.tip or f"{p.label}: {p.value:.2f}")
        if p.highlight:
            body.append(
                f'<circle cx="{x(p.value):.1f}" cy="{top + 10 + rows * 5:.1f}" r="9" '
                f'class="ring"><title>{tip}</title></circle>'
            )
        else:
            body.append(
                f'<circle cx="{x(p.value):.1f}" cy="{y:.1f}" r="3.5" class="{css}">'
                f"<title>{tip}</title></circle>"
            )
    body.append(_line(x(0), top, x(0), band, "zero"))
    body.append(_line(x(ticks[0]), band + 2, x(ticks[-1]), band + 2, "axis"))
    for t in ticks:
        body.append(_line(x(t), top, x(t), band + 2, "grid"))
        label = format(t or 0.0, "g").replace(".", decimal)
        body.append(_text(x(t), band + 16, label, "tick", "middle"))
    body.append(_text(width / 2, band + 34, axis, "legend", "middle"))
    ly = band + 56
    body.append(f'<circle cx="{left + 9:.1f}" cy="{ly - 4:.1f}" r="7" class="ring"/>')
    body.append(_text(left + 22, ly, legend[0], "legend"))
    body.append(f'<circle cx="{left + 230:.1f}" cy="{ly - 4:.1f}" r="3.5" class="dot flagged"/>')
    body.append(_text(left + 240, ly, legend[1], "legend"))
    body.append(f'<circle cx="{left + 430:.1f}" cy="{ly - 4:.1f}" r="3.5" class="dot plain"/>')
    body.append(_text(left + 440, ly, legend[2], "legend"))
    return _svg(width, ly + 10, title, body, "dots")
