"""Small inline SVG charts of the demonstrated claims, drawn from the evidence in verify.json.

No script and no network: each chart is an <svg> element the page embeds, coloured by the page's CSS
(classes a, b: the two things compared; axis, grid, note). A chart says what it plots in its caption.
"""
import math
from html import escape

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 32, 34  # margins: room for tick labels and axis names


def _ticks(lo, hi, log):
    """About four tick values spanning [lo, hi] (powers of 2 on a log axis)."""
    if log:
        first, last = math.floor(math.log2(lo)), math.ceil(math.log2(hi))
        step = max(1, (last - first) // 4)
        return [2.0**k for k in range(first, last + 1, step) if lo * (1 - 1e-9) <= 2.0**k <= hi * (1 + 1e-9)]
    span = hi - lo or 1.0
    step = 10 ** math.floor(math.log10(span / 4))
    step *= next(m for m in (1, 2, 5, 10) if span / (step * m) <= 5)
    start = math.ceil(lo / step) * step
    return [start + i * step for i in range(int((hi - start) / step + 1e-9) + 1)]


def _label(value):
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 0.01:
        return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")
    return f"{value:g}"


def line_chart(series, x_label, y_label, x_log=False, y_log=False, y_max=None, title="", hline=None):
    """An <svg> of `series`: [(label, css class, xs, ys, style)], style "line" or "dots". Values that are
    not finite or above y_max are drawn at the top edge as crosses (diverged), never left out silently.
    hline: (y, label), a dashed reference line (a threshold)."""
    points = [(x, y) for _, _, xs, ys, _ in series for x, y in zip(xs, ys) if math.isfinite(y)]
    xs_all = [x for x, _ in points] or [1.0]
    ys_all = [y for _, y in points if y_max is None or y <= y_max] or [1.0]
    x_lo, x_hi = min(xs_all), max(xs_all)
    y_lo, y_hi = min(ys_all), max(ys_all) if y_max is None else y_max
    if not y_log:
        y_lo = min(y_lo, 0.0)
        y_hi = y_hi + 0.08 * (y_hi - y_lo)  # headroom: no point sits on the top edge
    if x_lo == x_hi:
        x_lo, x_hi = x_lo - 1, x_hi + 1
    if y_lo == y_hi:
        y_lo, y_hi = y_lo - 1, y_hi + 1

    def fx(x):
        a, b, v = (math.log2(x_lo), math.log2(x_hi), math.log2(x)) if x_log else (x_lo, x_hi, x)
        return LEFT + (v - a) / (b - a) * (WIDTH - LEFT - RIGHT)

    def fy(y):
        a, b, v = (math.log2(y_lo), math.log2(y_hi), math.log2(y)) if y_log else (y_lo, y_hi, y)
        return HEIGHT - BOTTOM - (v - a) / (b - a) * (HEIGHT - TOP - BOTTOM)

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">']
    for tick in _ticks(y_lo, y_hi, y_log):
        y = fy(tick)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">{_label(tick)}</text>')
    for tick in _ticks(x_lo, x_hi, x_log):
        x = fx(tick)
        parts.append(f'<text class="axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 13}" text-anchor="middle">'
                     f'{_label(tick)}</text>')
    parts.append(f'<text class="axis" x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 4}" text-anchor="middle">'
                 f'{escape(x_label)}</text>')
    parts.append(f'<text class="axis" x="4" y="12" text-anchor="start">{escape(y_label)}</text>')
    if hline is not None:
        y = fy(hline[0])
        parts.append(f'<line class="threshold" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT + 4}" y="{y - 4:.1f}">{escape(hline[1])}</text>')
    legend = 0
    for label, css, xs, ys, style in series:
        drawn, crosses = [], []
        for x, y in zip(xs, ys):
            if not math.isfinite(y) or (y_max is not None and y > y_max):
                crosses.append(fx(x))
            else:
                drawn.append((fx(x), fy(y)))
        if style == "line" and len(drawn) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in drawn)
            parts.append(f'<polyline class="{css}" fill="none" points="{path}"/>')
        if style == "dots" or len(drawn) <= 12:
            parts += [f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="2.6"/>' for x, y in drawn]
        for x in crosses:
            y = TOP + 4
            parts.append(f'<path class="{css}" d="M{x - 4:.1f},{y - 4} l8,8 m0,-8 l-8,8"/>')
        if label:
            legend += 1
            parts.append(f'<text class="{css} legend" x="{WIDTH - RIGHT - 4}" y="{11 * legend + 1}" '
                         f'text-anchor="end">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def evidence_chart(evidence):
    """(svg, caption) for one claim's evidence, or None for a kind this module does not draw."""
    kind, runs = evidence.get("kind"), evidence.get("runs", [])
    if not runs:
        return None
    if kind == "lr_sweep":
        run = runs[0]
        svg = line_chart(
            [("without BN", "a", run["plain"]["lr"], run["plain"]["loss"], "line"),
             ("with BN", "b", run["batch"]["lr"], run["batch"]["loss"], "line")],
            "learning rate", "training loss", x_log=True, y_max=2.0, title="learning-rate sweep",
            hline=(0.7 * math.log(3), "trains below this line"))
        caption = (f"Seed {run['seed']}: loss after 80 steps of a 10-layer MLP per learning rate (× above the top: "
                   f"diverged or worse than 2). Largest rate that trains: {run['largest_plain']:g} without, "
                   f"{run['largest_batch']:g} with batch norm.")
        return svg, caption
    if kind == "batch_noise":
        series = [("" if i else "variance", "b", r["m"], r["variance"], "line") for i, r in enumerate(runs)]
        ref = runs[0]["variance"][0] * runs[0]["m"][0]
        series.append(("c / m", "a", runs[0]["m"], [ref / m for m in runs[0]["m"]], "line"))
        svg = line_chart(series, "batch size m", "output variance", x_log=True, y_log=True, title="batch noise")
        return svg, (f"One sample's training-mode output over 300 random batches, per batch size, for "
                     f"{len(runs)} seeds; the reference line falls as 1/m.")
    if kind == "dropout_gap":
        seeds = list(range(len(runs)))
        series = [("gap without dropout", "a", seeds, [r["test"][0] - r["train"][0] for r in runs], "dots"),
                  (f"gap with p = {runs[0]['p'][1]:g}", "b", seeds, [r["test"][1] - r["train"][1] for r in runs], "dots")]
        svg = line_chart(series, "seed", "held-out − training loss", title="generalisation gap")
        return svg, "Held-out minus training loss (eval mode) of the same MLP trained on 30 noisy samples, per seed."
    if kind == "padding_swing":
        run = runs[0]
        swing = run["bn_mean_of_feature_0"]
        svg = line_chart([("batch-norm mean, feature 0", "a", list(range(len(swing))), swing, "dots"),
                          ("data mean", "b", [0, len(swing) - 1], [run["data_mean"]] * 2, "line")],
                         "batch", "mean used", title="padding swing")
        return svg, (f"The mean batch norm normalises feature 0 with, over {len(swing)} batches of 4 padded "
                     f"sequences: pads pull it toward 0. A token's layer-norm output moved by "
                     f"{run['ln_spread']:.0e} (rounding); its batch-norm output by {run['bn_spread']:.2f}.")
    if kind == "subgradient":
        run = runs[0]
        shown = 60  # steps: enough to see the jitter settle into its band
        steps = list(range(1, shown + 1))
        svg = line_chart([("subgradient", "a", steps, run["subgradient_path"][:shown], "line"),
                          ("proximal step", "b", steps, run["prox_path"][:shown], "line")],
                         "step", "a weight that is 0 at the optimum", title="subgradient vs proximal")
        return svg, ("The proximal step (soft-thresholding) sets it to exactly 0 and keeps it there; the plain "
                     "subgradient step jitters around 0 and never lands on it.")
    return None
