"""Why it works: short segments that show a demonstrated claim as a chart the core computed for the seed.

Each segment is a method of WhyMixin, for a RegvizScene subclass: it clears the stage, draws the
experiment from regviz.experiments for the scene's seed (the same function the demonstrated claim runs
over ten seeds), and captions what the chart shows and what it does not. The numbers come from the
module-level `*_data(seed)` functions, which the tests check against the claims' relations.
"""
import inspect
import math

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, AnimationGroup, Axes, Circle, Create, DashedLine, Dot, DoubleArrow, FadeIn, FadeOut,
    GrowFromCenter, GrowFromEdge, Indicate, LaggedStart, Line, Rectangle, ValueTracker, VGroup, interpolate_color,
    linear, there_and_back,
)

from regviz import experiments
from scenes.common import (
    BATCH, DROPPED, LAYER, MUTED, PANEL, SMALL_SIZE, TEXT, KEPT, counting, fmt, label, mono, redrawn,
)

CHART_SIZE = SMALL_SIZE - 2  # tick labels


# --- the numbers each segment shows (pure functions of the seed) ---
def learning_rate_data(seed):
    """The learning-rate sweep of one seed, with and without batch norm, and each one's largest rate that trains."""
    plain = experiments.learning_rate_sweep(seed, norm=None)
    batch = experiments.learning_rate_sweep(seed, norm="batch")
    return {"plain": plain, "batch": batch, "largest_plain": experiments.largest_stable_rate(plain),
            "largest_batch": experiments.largest_stable_rate(batch), "threshold": 0.7 * math.log(3)}


def dropout_gap_data(seed):
    """Train and held-out loss without and with dropout for one seed (regviz.experiments.dropout_gap)."""
    return experiments.dropout_gap(seed)


def dropout_problem(seed):
    """What the dropout experiment trains on, as the segment lists it: sample counts, layer sizes, weights."""
    X, _, X_test, _ = experiments.regression_data(seed)
    hidden = inspect.signature(experiments.dropout_gap).parameters["hidden"].default
    sizes = [X.shape[1], hidden, hidden, 1]
    return {"train": len(X), "held_out": len(X_test), "sizes": sizes,
            "weights": sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))}  # each layer: a x b weights + b biases


def padding_data(seed):
    """Batch norm's mean of feature 0 over small padded batches, and the token's spread under each norm; plus
    what the chart shows: the batches behind its dots (padding_swing's generator replayed: the token first,
    then the batches in order), each sequence's real length in them, and the standard deviation of the dots."""
    d = experiments.padding_swing(seed)
    defaults = inspect.signature(experiments.padding_swing).parameters
    batch, max_len, features = (defaults[k].default for k in ("batch", "max_len", "features"))
    rng = np.random.default_rng(seed)
    token = rng.normal(1.0, 1.0, features)
    batches = [experiments.padded_batch(rng, batch, max_len, features, token) for _ in d["bn_token_feature_0"]]
    return dict(
        d, batches=batches, max_len=max_len,
        lengths=[(np.abs(x).sum(axis=2) > 0).sum(axis=1) for x in batches],  # real tokens are never all zero
        bn_sd=float(np.std(d["bn_token_feature_0"])), ln_sd=float(np.std(d["ln_token_feature_0"])),
    )


class WhyMixin:
    """Segments for RegvizScene subclasses; each ends with its chart on screen."""

    def chart_axes(self, x_range, y_range, x_label, y_label, x_ticks, y_ticks, width=9.0, height=4.2):
        """Axes with tick labels in the clips' numeric face, centred under the title."""
        axes = Axes(x_range=x_range, y_range=y_range, x_length=width, y_length=height,
                    axis_config={"color": MUTED, "include_ticks": True, "tick_size": 0.05},
                    tips=False).move_to(0.2 * DOWN)
        labels = VGroup()
        for value, text in x_ticks:
            labels.add(mono(text, size=CHART_SIZE, color=MUTED).next_to(axes.c2p(value, y_range[0]), DOWN, buff=0.15))
        for value, text in y_ticks:
            labels.add(mono(text, size=CHART_SIZE, color=MUTED).next_to(axes.c2p(x_range[0], value), LEFT, buff=0.15))
        names = VGroup(
            label(x_label, size=CHART_SIZE, color=MUTED).next_to(axes.x_axis, DOWN, buff=0.55),
            label(y_label, size=CHART_SIZE, color=MUTED).next_to(axes.y_axis, UP, buff=0.2).align_to(axes, LEFT),
        )
        return axes, labels, names

    def why_learning_rates(self, seed=None):
        """Batch norm trains at learning rates where the plain network does not (Q3)."""
        d = learning_rate_data(self.seed if seed is None else seed)
        self.clear_stage()
        top = 2.0  # losses above this (or diverged) sit on the top edge, marked with a cross
        lrs = d["batch"]["lr"]

        def at(lr):  # x coordinate: doublings above the smallest rate, one step in from the y axis (on a tick)
            return math.log2(lr / lrs[0]) + 1

        x_end = at(lrs[-1]) + 0.5
        axes, ticks, names = self.chart_axes(
            (0, x_end, 1), (0, top + 0.2, 0.5), "learning rate (log scale)", "training loss after 80 steps",
            [(at(lr), f"{lr:g}") for lr in lrs], [(v, f"{v:g}") for v in (0, 1, 2)])
        threshold = DashedLine(axes.c2p(0, d["threshold"]), axes.c2p(x_end, d["threshold"]),
                               color=MUTED, stroke_width=2)
        trains = label(f"trained: loss < {d['threshold']:.2f}", size=CHART_SIZE, color=MUTED)
        # above the line at its left end: both curves start below it, the plain one crosses it only later
        trains.next_to(axes.c2p(0.15, d["threshold"]), UP, buff=0.08, aligned_edge=LEFT)
        curves = {}
        for key, color, name in (("plain", DROPPED, "no batch norm"), ("batch", BATCH, "with batch norm")):
            points = [axes.c2p(at(lr), min(loss, top)) for lr, loss in zip(d[key]["lr"], d[key]["loss"])]
            dots = VGroup(*(Dot(p, radius=0.07, color=color) for p in points))
            line = VGroup(*(Line(a, b, color=color, stroke_width=4) for a, b in zip(points, points[1:])))
            tag = label(name, size=CHART_SIZE, color=color)
            curves[key] = (dots, line, tag)
        # the legend in the upper right: above both curves' right ends and right of the shaded band
        curves["plain"][2].next_to(axes.c2p(x_end, top + 0.2), DOWN + LEFT, buff=0.15)
        curves["batch"][2].next_to(curves["plain"][2], DOWN, buff=0.12).align_to(curves["plain"][2], RIGHT)
        # the plain sweep stops after two rates in a row that do not train (larger ones only do worse)
        stopped = VGroup(label("sweep stops:", size=CHART_SIZE - 2, color=DROPPED),
                         label("2 failed in a row", size=CHART_SIZE - 2, color=DROPPED)).arrange(DOWN, buff=0.06)
        stopped.next_to(curves["plain"][0][-1], UP, buff=0.2)
        # what the captions cite, in the chart's empty upper left until the band needs the room
        history = VGroup(label("Ioffe & Szegedy 2015: less covariate shift", size=CHART_SIZE - 2, color=TEXT),
                         label("Santurkar et al. 2018: not the mechanism", size=CHART_SIZE - 2, color=TEXT))
        history.arrange(DOWN, aligned_edge=LEFT, buff=0.12).next_to(axes.c2p(0.25, 2.0), DOWN + RIGHT, buff=0)

        self.say("Why does it help? The original paper said: less internal covariate shift.", wait=0)
        self.play(Create(axes), FadeIn(ticks), FadeIn(names), FadeIn(history[0], shift=0.2 * RIGHT), run_time=1.2)
        for key in ("plain", "batch"):
            dots, line, tag = curves[key]
            self.play(FadeIn(tag), LaggedStart(*(FadeIn(dot, scale=0.5) for dot in dots), lag_ratio=0.3),
                      Create(line, lag_ratio=1), run_time=1.6)
        self.narrate("Later work: that is not the mechanism. What holds: larger learning rates.")
        self.play(Create(threshold), FadeIn(trains, shift=0.2 * RIGHT), FadeIn(history[1], shift=0.2 * RIGHT),
                  history[0].animate.set_color(MUTED), run_time=2.2)
        self.play(FadeIn(stopped, shift=0.2 * UP), Indicate(curves["plain"][0][-2:], color=DROPPED), run_time=2.0)
        best_plain, best_batch = d["largest_plain"], d["largest_batch"]
        self.narrate(f"It trains up to lr {best_batch:g} with batch norm, {best_plain:g} without.")
        # the rates where batch norm trains and the plain net does not: past the plain net's largest (half a
        # doubling on, between grid points) up to half a doubling past batch norm's largest
        left, right = at(best_plain) + 0.5, at(best_batch) + 0.5
        band_top = 1.75  # under the legend in the upper right and the arrow above it: no text across its edges
        band = Rectangle(width=axes.c2p(right, 0)[0] - axes.c2p(left, 0)[0],
                         height=axes.c2p(0, band_top)[1] - axes.c2p(0, 0)[1], stroke_width=0)
        band.set_fill(BATCH, 0.12).move_to(axes.c2p((left + right) / 2, band_top / 2))
        only = VGroup(label("only batch norm", size=CHART_SIZE, color=BATCH),
                      label("trains here", size=CHART_SIZE, color=BATCH)).arrange(DOWN, buff=0.06)
        only.move_to(axes.c2p((left + right) / 2, 1.45))
        # the two largest rates that trained, as the caption names them
        largest = {key: curves[key][0][d[key]["lr"].index(best)] for key, best in
                   (("plain", best_plain), ("batch", best_batch))}
        rings = VGroup(*(Circle(radius=0.17, color=dot.get_color(), stroke_width=3).move_to(dot)
                         for dot in largest.values()))
        tick_of = {lr: ticks[i] for i, lr in enumerate(lrs)}  # the rate labels under the axis
        self.play(FadeOut(history), FadeOut(stopped), Create(rings), Indicate(tick_of[best_batch], color=BATCH, scale_factor=1.4),
                  Indicate(tick_of[best_plain], color=DROPPED, scale_factor=1.4), run_time=1.2)
        # the band opens from the plain net's last trained rate to batch norm's
        self.play(GrowFromEdge(band, LEFT), FadeIn(only), run_time=1.3)
        self.narrate("This shows larger stable rates on this net; it does not show why.")
        stable = [lr for lr, loss in zip(lrs, d["batch"]["loss"]) if experiments.trains(loss)]
        # the rates where batch norm trained, one after the other along the axis, with their dots
        # how much larger: from the plain net's largest trained rate to batch norm's, along the top of the chart
        span = DoubleArrow(axes.c2p(at(best_plain), 2.12), axes.c2p(at(best_batch), 2.12), color=BATCH, buff=0,
                           stroke_width=3, tip_length=0.15)
        times = mono(f"{best_batch:g} = {best_batch / best_plain:g} × {best_plain:g}", size=CHART_SIZE, color=BATCH)
        times.next_to(span, DOWN, buff=0.1)
        self.play(LaggedStart(*(AnimationGroup(Indicate(tick_of[lr], color=BATCH, scale_factor=1.4),
                                               Indicate(curves["batch"][0][lrs.index(lr)], color=BATCH))
                                for lr in stable), lag_ratio=0.5), GrowFromCenter(span), run_time=1.8)
        self.play(FadeIn(times, shift=0.1 * DOWN), run_time=1.2)
        self.finish_cue(rest=0.5)

    def why_dropout_gap(self, seed=None):
        """Dropout narrows the gap between training and held-out loss (Q2): the clip's seed as bars, then the
        ten seeds the claim runs over, each as its two gaps."""
        seed = self.seed if seed is None else seed
        d = dropout_gap_data(seed)
        self.clear_stage()
        shown = {k: [round(v, 2) for v in d[k]] for k in ("train", "test")}  # as on screen: gaps add up
        gap = [fmt(test - train) for train, test in zip(shown["train"], shown["test"])]
        top = max(d["test"]) * 1.15
        axes, ticks, names = self.chart_axes(
            (0, 5, 1), (0, top, 0.5), "", "loss (eval mode)", [], [(v, f"{v:g}") for v in np.arange(0, top, 0.5)],
            width=5.6, height=3.3)
        axes.x_axis.remove(axes.x_axis.ticks)  # bars, not a scale: no ticks between them
        chart = VGroup(axes, ticks, names)
        chart.to_edge(LEFT, buff=0.9).shift(0.35 * DOWN)
        groups = [(1.25, DROPPED, 0), (3.75, KEPT, 1)]
        bars, names_under = [], VGroup()
        for centre, color, i in groups:
            pair = []
            for offset, value, fill, word in ((-0.45, d["train"][i], 0.35, "train"), (0.45, d["test"][i], 0.9, "held-out")):
                base, tip = axes.c2p(centre + offset, 0), axes.c2p(centre + offset, value)
                bar = Rectangle(width=0.55, height=max(tip[1] - base[1], 0.01), stroke_width=2, stroke_color=color)
                bar.set_fill(color, fill).move_to(base, aligned_edge=DOWN)
                pair.append((bar, label(word, size=CHART_SIZE - 2, color=MUTED).next_to(base, DOWN, buff=0.12)))
            bars.append(pair)
            words = [label("no dropout", size=CHART_SIZE, color=color)] if i == 0 else [
                label("dropout p =", size=CHART_SIZE, color=color), mono(f"{d['p'][1]:g}", size=CHART_SIZE, color=color)]
            names_under.add(VGroup(*words).arrange(RIGHT, buff=0.1).next_to(axes.c2p(centre, 0), DOWN, buff=0.5))
        problem = dropout_problem(seed)
        sizes = problem["sizes"]
        setup = VGroup(*(
            VGroup(*((mono if k % 2 else label)(part, size=CHART_SIZE, color=TEXT if k % 2 else MUTED)
                     for k, part in enumerate(parts))).arrange(RIGHT, buff=0.1)
            for parts in (
                ("seed", str(seed), "(this clip):", str(problem["train"]), "training samples,",
                 str(problem["held_out"]), "held-out"),
                ("an MLP", "-".join(map(str, sizes)), "with", f"{problem['weights']:,}", "weights"),
            ))).arrange(DOWN, aligned_edge=LEFT, buff=0.14).next_to(names[1], UP, buff=0.3).align_to(axes, LEFT)

        def grow(pair):  # each bar rises from the axis to its loss: the value being measured
            return [anim for bar, word in pair for anim in (GrowFromEdge(bar, DOWN), FadeIn(word))]

        gaps, gap_labels = VGroup(), VGroup()
        for (centre, color, i) in groups:
            top_y, low_y = d["test"][i], d["train"][i]
            gaps.add(Line(axes.c2p(centre + 0.95, low_y), axes.c2p(centre + 0.95, top_y), color=TEXT, stroke_width=3))
            gap_labels.add(mono(gap[i], size=CHART_SIZE, color=TEXT)
                           .next_to(axes.c2p(centre + 0.95, (top_y + low_y) / 2), RIGHT, buff=0.08))
        values = [VGroup(*(mono(fmt(value), size=CHART_SIZE - 2, color=TEXT).next_to(bar, UP, buff=0.08)
                           for (bar, _), value in zip(bars[i], (shown["train"][i], shown["test"][i])))) for i in range(2)]

        self.say("Why does it regularize? A small noisy problem, a network far too big.", wait=0)
        self.play(Create(axes), FadeIn(ticks), FadeIn(names), run_time=1.0)
        self.play(LaggedStart(*(FadeIn(line, shift=0.2 * RIGHT) for line in setup), lag_ratio=0.5), run_time=2.2)
        self.narrate(f"Without dropout it memorises its {problem['train']} samples.")
        self.play(FadeIn(names_under[0]), *grow(bars[0]), run_time=1.6)
        self.play(FadeIn(values[0], shift=0.2 * DOWN), Indicate(bars[0][0][0], color=DROPPED), run_time=1.2)
        self.narrate(f"Train loss {fmt(shown['train'][0])}, held-out {fmt(shown['test'][0])}: "
                     f"a gap of {gap[0]}.")
        self.play(Create(gaps[0]), FadeIn(gap_labels[0], shift=0.2 * LEFT),
                  Indicate(bars[0][1][0], color=TEXT, scale_factor=1), run_time=1.6)
        self.narrate(f"With dropout p = {d['p'][1]:g}: train {fmt(shown['train'][1])}, "
                     f"held-out {fmt(shown['test'][1])}.")
        self.play(FadeIn(names_under[1]), *grow(bars[1]), run_time=1.6)
        self.play(FadeIn(values[1], shift=0.2 * DOWN), run_time=0.8)
        self.narrate(f"The gap shrinks from {gap[0]} to {gap[1]}.")
        self.play(Create(gaps[1]), FadeIn(gap_labels[1], shift=0.2 * LEFT), run_time=1.2)
        self.play(Indicate(VGroup(gaps[1], gap_labels[1]), color=KEPT, scale_factor=1), Indicate(bars[1][1][0], color=TEXT, scale_factor=1),
                  run_time=1.0)
        # the claim's ten seeds: each seed's gap without (red) and with dropout (green)
        seeds = [experiments.dropout_gap(s) for s in experiments.seeds(10)]
        plain = [r["test"][0] - r["train"][0] for r in seeds]
        drop = [r["test"][1] - r["train"][1] for r in seeds]
        high = max(plain) * 1.15
        strip, strip_ticks, strip_names = self.chart_axes(
            (0, 10, 1), (0, high, 0.5), "seeds 0-9, as the claim runs them", "gap = held-out − train",
            [(i + 0.5, str(i)) for i in range(0, 10, 3)],
            [(v, f"{v:g}") for v in np.arange(0, high, 1.0)], width=4.2, height=3.3)
        VGroup(strip, strip_ticks, strip_names).to_edge(RIGHT, buff=0.7).align_to(chart, DOWN)
        legend = VGroup(*(
            VGroup(Dot(radius=0.06, color=color), label(word, size=CHART_SIZE, color=color)).arrange(RIGHT, buff=0.12)
            for color, word in ((DROPPED, "no dropout"), (KEPT, "with dropout")))).arrange(RIGHT, buff=0.4)
        legend.next_to(strip_names[0], DOWN, buff=0.2)
        reds = VGroup(*(Dot(strip.c2p(i + 0.5, a), radius=0.08, color=DROPPED) for i, a in enumerate(plain)))
        greens = VGroup(*(Dot(strip.c2p(i + 0.5, b), radius=0.08, color=KEPT) for i, b in enumerate(drop)))
        drops = VGroup(*(Line(red.get_center(), green.get_center(), color=MUTED, stroke_width=2)
                         for red, green in zip(reds, greens)))
        held = sum(b < a for a, b in zip(plain, drop))
        strip.x_axis.remove(strip.x_axis.ticks)  # seeds are categories: their labels name them, no ticks between
        tally = VGroup(mono(f"{held}/10", size=CHART_SIZE + 6, color=KEPT),
                       label("seeds: gap shrank", size=CHART_SIZE, color=KEPT)).arrange(RIGHT, buff=0.15)
        tally.next_to(strip_names[1], UP, buff=0.2).align_to(strip_names[1], LEFT)
        # seeds 0-9 run the same experiment: the clip's own run steps back (dimmed) while they come in
        own_run = VGroup(chart, setup, *[m for pair in bars for m in pair[0] + pair[1]], names_under, gaps, gap_labels,
                         *values)
        self.narrate("Seeds 0-9 rerun the same experiment, with and without dropout.")
        self.play(Create(strip), FadeIn(strip_ticks), FadeIn(strip_names), FadeIn(legend),
                  own_run.animate.fade(0.35), run_time=1.2)
        self.play(LaggedStart(*(FadeIn(red, scale=0.5) for red in reds), lag_ratio=0.2), run_time=1.0)
        # each seed's gap with dropout: the green dot drops from where the gap was without it
        self.play(LaggedStart(*(AnimationGroup(Create(line), FadeIn(green, target_position=red))
                                for red, green, line in zip(reds, greens, drops)), lag_ratio=0.2), run_time=2.2)
        self.narrate(f"The gap shrank in {held} of 10. The claim says nothing of held-out loss.")
        self.play(FadeIn(tally, shift=0.2 * DOWN), run_time=0.8)
        # held-out loss: the bars the claim does not speak of, lit in turn
        self.play(LaggedStart(*(Indicate(VGroup(bars[i][1][0], values[i][1]), color=TEXT, scale_factor=1)
                                for i in range(2)), lag_ratio=0.5), run_time=2.0)
        self.finish_cue(rest=1.0)

    def why_padding(self, seed=None):
        """Small padded batches make batch norm's statistics swing; layer norm's do not move (Q4)."""
        d = padding_data(self.seed if seed is None else seed)
        self.clear_stage()
        bn, ln = d["bn_token_feature_0"], d["ln_token_feature_0"]
        count = len(bn)
        lo, hi = min(bn + ln), max(bn + ln)
        pad = 0.15 * (hi - lo)
        bottom, top = math.floor(lo - pad), math.ceil(hi + pad)

        def at(v):  # height above the chart's bottom, so the x axis runs along the bottom
            return v - bottom

        axes, ticks, names = self.chart_axes(
            (0, count, 10), (0, top - bottom, 1), "batch (4 padded sequences each)", "the token's output, feature 1",
            [(v, str(v)) for v in range(0, count + 1, 10)],
            [(at(v), fmt(v, 0)) for v in range(bottom, top + 1)], width=8.4)
        VGroup(axes, ticks, names).shift(1.3 * LEFT)  # the batch on the right: which token, among which pads

        # --- the batch the dots come from: 4 sequences x max_len slots, the token at sequence 1, position 1 ---
        batch = ValueTracker(0.0)  # batches shown so far (fractional while the next one comes in)

        def shown():
            return min(max(int(math.ceil(batch.get_value() - 1e-6)), 1), count) - 1  # the batch on screen

        rows, slots = len(d["lengths"][0]), d["max_len"]
        left, first = 4.0, 0.95  # the block's left edge and its first row's centre
        cells = VGroup(*(
            Rectangle(width=0.34, height=0.28, stroke_width=2).move_to([left + 0.17 + 0.42 * s, first - 0.38 * r, 0])
            for r in range(rows) for s in range(slots)))

        flash = ValueTracker(0.0)  # 1: the pads' outlines lit (the zeros the caption names)

        def paint(block):
            lengths = d["lengths"][shown()]
            for k, cell in enumerate(block):
                r, s = divmod(k, slots)
                if r == 0 and s == 0:  # the token: the same 8 values in every batch
                    cell.set_fill(TEXT, 1).set_stroke(TEXT)
                elif s < lengths[r]:  # another sequence's real token
                    cell.set_fill(MUTED, 0.6).set_stroke(MUTED)
                else:  # padding: zeros
                    cell.set_fill(PANEL, 1).set_stroke(interpolate_color(MUTED, TEXT, flash.get_value()))

        # an updater on the whole block, never an animation of some of its cells: a play on part of a group
        # splits the group in the scene, and its updater would stop running
        paint(cells)
        cells.add_updater(paint)
        heading = label("batch", size=CHART_SIZE, color=TEXT).move_to([left, first + 0.5, 0], aligned_edge=LEFT)
        number = counting(lambda: shown() + 1, heading.get_right() + 0.15 * RIGHT, digits=0, size=CHART_SIZE,
                          color=TEXT, edge=LEFT)
        legend = VGroup()
        kinds = ((TEXT, 1, TEXT, ("the token:", "sequence 1,", "position 1")), (MUTED, 0.6, MUTED, ("other tokens",)),
                 (PANEL, 1, MUTED, ("pad (zeros)",)))
        for fill, opacity, stroke, words in kinds:
            swatch = Rectangle(width=0.34, height=0.28, stroke_width=2, stroke_color=stroke)
            swatch.set_fill(fill, opacity)
            lines = VGroup(*(label(w, size=CHART_SIZE - 2, color=TEXT if w == words[0] and fill is TEXT else MUTED)
                             for w in words)).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
            legend.add(VGroup(swatch, lines).arrange(RIGHT, buff=0.15, aligned_edge=UP))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.18).next_to(cells, DOWN, buff=0.35).align_to(cells, LEFT)
        side = VGroup(heading, number, cells, legend)

        def dots(values, color):
            """The token's output in each batch shown so far: a dot per batch, as the batch comes on screen."""
            return VGroup(*(Dot(axes.c2p(i + 0.5, at(v)), radius=0.06, color=color)
                            for i, v in enumerate(values[:shown() + 1]) if batch.get_value() > 1e-6))

        self.say("Transformers batch sequences of different lengths, padded with zeros.", wait=0)
        self.play(Create(axes), FadeIn(ticks), FadeIn(names), FadeIn(side), run_time=1.8)
        # the zeros: the pads' outlines lit in the block and in its legend
        self.play(flash.animate(rate_func=there_and_back).set_value(1.0), Indicate(legend[2], color=TEXT,
                                                                                  scale_factor=1.3), run_time=1.6)
        self.play(Indicate(legend[0], color=TEXT, scale_factor=1.3), run_time=1.0)  # the token the chart follows
        self.narrate("One token (sequence 1, position 1), 40 batches: batch norm's output swings.")
        bn_dots = redrawn(lambda: dots(bn, BATCH))
        bn_tag = label("batch norm", size=CHART_SIZE, color=BATCH)
        bn_tag.next_to(axes.c2p(count, top - bottom), DOWN + LEFT, buff=0.15)
        self.add(bn_dots)
        self.play(FadeIn(bn_tag), batch.animate.set_value(1.0), run_time=0.9)
        for k in (2, 3):  # the first batches one by one: a new padding, a new output
            self.play(batch.animate.set_value(float(k)), run_time=0.9)
        self.play(batch.animate.set_value(float(count)), run_time=3.6, rate_func=linear)
        bn_dots.clear_updaters()
        self.narrate("Layer norm uses the token's own features: the same output every time.")
        ln_dots = redrawn(lambda: dots(ln, LAYER))
        ln_tag = label("layer norm", size=CHART_SIZE, color=LAYER)
        ln_tag.next_to(bn_tag, DOWN, buff=0.12).align_to(bn_tag, RIGHT)
        batch.set_value(0.0)
        self.add(ln_dots)
        self.play(FadeIn(ln_tag), batch.animate.set_value(float(count)), run_time=3.6, rate_func=linear)
        ln_dots.clear_updaters()
        spread = label(f"standard deviation over the {count} batches: batch norm {fmt(d['bn_sd'])}, "
                       f"layer norm {fmt(d['ln_sd'])}", size=CHART_SIZE, color=TEXT)
        spread.next_to(names[0], DOWN, buff=0.3).set_x(0)
        self.narrate(f"Their standard deviation: batch norm {fmt(d['bn_sd'])}, layer norm {fmt(d['ln_sd'])}.")
        self.play(FadeIn(spread, shift=0.1 * UP), bn_dots.animate.set_opacity(0.5), run_time=1.6)
        # what the standard deviation measures: batch norm's dots within one deviation of their mean (a band),
        # layer norm's all on one value (a band of height 0: a line)
        centre = float(np.mean(bn))
        band = Rectangle(width=axes.c2p(count, 0)[0] - axes.c2p(0, 0)[0],
                         height=axes.c2p(0, at(centre + d["bn_sd"]))[1] - axes.c2p(0, at(centre - d["bn_sd"]))[1],
                         stroke_width=0).set_fill(BATCH, 0.18).move_to(axes.c2p(count / 2, at(centre)))
        flat = Line(axes.c2p(0, at(float(np.mean(ln)))), axes.c2p(count, at(float(np.mean(ln)))), color=LAYER,
                    stroke_width=3)
        self.play(GrowFromCenter(band), run_time=1.2)
        self.play(Create(flat), run_time=1.0)
        cells.clear_updaters()
        number.clear_updaters()
        self.finish_cue(rest=0.5)
