"""Q4: batch norm vs layer norm: which axis the statistics run over, batch size 1, and transformers.

Every number on screen comes from `data(seed)`: the column means (batch norm) and row means (layer
norm) of one seeded tensor, checked against regviz.BatchNorm / regviz.LayerNorm; the error
regviz.BatchNorm raises for a batch of one in training mode, caught as a string; LayerNorm's output
for that sample; and one sample's outputs in two different batches under each layer.
"""
import textwrap
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Line, SurroundingRectangle, VGroup, VMobject, Write,
)

import regviz
from scenes.common import (
    BATCH, BODY_SIZE, CODE_SIZE, DROPPED, FAINT, KEPT, LAYER, MUTED, SMALL_SIZE, TEXT,
    RegvizScene, fmt, label, lead, lean, mono, number_grid,
)


N, C = 4, 5  # the tensor on screen: N samples (rows) x C features (columns)
SHARED_ROW_A, SHARED_ROW_B = 0, 2  # where the shared sample sits in batch A and batch B
WRAP = 58  # characters per line of the error message on screen

SUMMARY = (  # (property, batch norm, layer norm): the closing table
    ("normalises over", "the batch", "the features"),
    ("statistics per", "feature", "sample"),
    ("batch size 1", "fails in training", "works"),
    ("train / eval differ", "yes: running stats", "no"),
    ("used in", "CNNs, MLPs", "transformers, RNNs"),
)


@dataclass
class BNvsLNData:
    x: np.ndarray  # (N, C) the tensor on screen
    bn_mean: np.ndarray  # (C,) batch norm's means: one per feature, over the batch
    ln_mean: np.ndarray  # (N,) layer norm's means: one per sample, over the features
    bn_out: np.ndarray  # (N, C) regviz.BatchNorm(C) training output (gamma=1, beta=0)
    ln_out: np.ndarray  # (N, C) regviz.LayerNorm(C) output
    single: np.ndarray  # (1, C) a batch of one sample
    bn_error: str  # the message of the ValueError regviz.BatchNorm raises on `single` in training
    ln_single: np.ndarray  # (1, C) regviz.LayerNorm output for `single`
    batch_b: np.ndarray  # (N, C) other samples, with x[SHARED_ROW_A] at row SHARED_ROW_B
    bn_a: np.ndarray  # (C,) BatchNorm training output of the shared sample within batch A (= x)
    bn_b: np.ndarray  # (C,) ... within batch B
    ln_a: np.ndarray  # (C,) LayerNorm output of the shared sample within batch A
    ln_b: np.ndarray  # (C,) ... within batch B


def data(seed=0):
    """Everything the scene shows, computed by regviz.BatchNorm and regviz.LayerNorm from `seed`."""
    rng = np.random.default_rng(seed)
    offset = np.round(rng.uniform(-2.0, 4.0, C), 1)  # (C,) each feature on its own scale
    scale = np.round(rng.uniform(0.5, 2.5, C), 1)  # (C,)
    x = np.round(offset + scale * rng.standard_normal((N, C)), 1)  # (N, C)
    batch_b = np.round(offset + scale * rng.standard_normal((N, C)), 1)
    batch_b[SHARED_ROW_B] = x[SHARED_ROW_A]

    bn, ln = regviz.BatchNorm(C), regviz.LayerNorm(C)  # training mode, gamma = 1, beta = 0
    bn_out, ln_out = bn(x), ln(x)
    single = x[:1]  # (1, C)
    try:
        bn(single)
        bn_error = ""
    except ValueError as error:
        bn_error = str(error)
    return BNvsLNData(
        x=x, bn_mean=x.mean(axis=0), ln_mean=x.mean(axis=1), bn_out=bn_out, ln_out=ln_out,
        single=single, bn_error=bn_error, ln_single=ln(single),
        batch_b=batch_b, bn_a=bn_out[SHARED_ROW_A], bn_b=bn(batch_b)[SHARED_ROW_B],
        ln_a=ln_out[SHARED_ROW_A], ln_b=ln(batch_b)[SHARED_ROW_B],
    )


def cell(text, x, y, size=SMALL_SIZE, color=TEXT):
    """A table entry centred at (x, y) on a common baseline: centred with a full-height bar, then the bar dropped."""
    entry = label(text + "|", size=size, color=color).move_to([x, y, 0])
    entry.remove(entry.submobjects[-1])
    return lean(entry)


def vector(values, size=SMALL_SIZE, color=TEXT):
    return mono("[" + ", ".join(fmt(v) for v in values) + "]", size=size, color=color)


class BNvsLNScene(RegvizScene):
    def construct(self):
        self.d = data(self.seed)
        self.headline()
        self.show_tensor()
        self.batch_axes()
        self.layer_axes()
        self.clear_stage()
        self.batch_of_one()
        self.clear_stage()
        self.why_transformers()
        self.clear_stage()
        self.same_sample_two_batches()
        self.clear_stage()
        self.summary()
        self.clear_caption()
        self.wait(0.5)

    # --- which axis the statistics run over ---
    def show_tensor(self):
        grid = number_grid(self.d.x, cell_width=1.3, cell_height=0.6).move_to([-1.2, 0.6, 0])
        rows = VGroup(*[
            label(f"sample {i + 1}", size=SMALL_SIZE, color=MUTED).next_to(grid[i][0], LEFT, buff=0.45)
            for i in range(N)
        ])
        cols = VGroup(*[
            label(f"f{j + 1}", size=SMALL_SIZE, color=MUTED).next_to(grid[0][j], UP, buff=0.35) for j in range(C)
        ])
        self.play(FadeIn(grid), FadeIn(rows), FadeIn(cols))
        self.grid = grid
        self.say(f"One tensor: {N} samples as rows, {C} features as columns.")

    def batch_axes(self):
        boxes = VGroup(*[
            SurroundingRectangle(VGroup(*[row[j] for row in self.grid]), color=BATCH, buff=0.1)
            for j in range(C)
        ])
        means = VGroup(*[
            mono(fmt(m), size=SMALL_SIZE, color=BATCH).next_to(boxes[j], DOWN, buff=0.2)
            for j, m in enumerate(self.d.bn_mean)
        ])
        name = label("BatchNorm μ", size=SMALL_SIZE, color=BATCH).next_to(means, LEFT, buff=0.45)
        rest = lead(self, "Batch norm averages down each column: one mean per feature.",
                    busy=2)
        self.play(Create(boxes), run_time=1.2)
        self.play(FadeIn(means), FadeIn(name))
        self.wait(rest)
        self.play(boxes.animate.set_stroke(opacity=0.25))
        self.bn_boxes = boxes

    def layer_axes(self):
        boxes = VGroup(*[SurroundingRectangle(row, color=LAYER, buff=0.12) for row in self.grid])
        means = VGroup(*[
            mono(fmt(m), size=SMALL_SIZE, color=LAYER).next_to(boxes[i], RIGHT, buff=0.3)
            for i, m in enumerate(self.d.ln_mean)
        ])
        name = label("LayerNorm μ", size=SMALL_SIZE, color=LAYER).next_to(means, UP, buff=0.35)
        name.align_to(means, LEFT)
        rest = lead(self, "Layer norm averages along each row: one mean per sample.",
                    busy=2)
        self.play(Create(boxes), run_time=1.2)
        self.play(FadeIn(means), FadeIn(name))
        self.wait(rest)

    # --- a batch of one ---
    def batch_of_one(self):
        d = self.d
        sample = number_grid(d.single, cell_width=1.3).move_to([0, 2.3, 0])
        caption = label("a batch of one sample, shape (1, 5)", size=SMALL_SIZE, color=MUTED)
        caption.next_to(sample, DOWN, buff=0.2)
        bn_name = mono("regviz.BatchNorm(5), training:", size=CODE_SIZE, color=BATCH)
        lines = textwrap.wrap("ValueError: " + d.bn_error, WRAP)
        error = VGroup(*[mono(line, size=CODE_SIZE, color=DROPPED) for line in lines])
        error.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        bn_block = VGroup(bn_name, error).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        ln_name = mono("regviz.LayerNorm(5):", size=CODE_SIZE, color=LAYER)
        ln_out = vector(d.ln_single[0], color=KEPT)
        ln_block = VGroup(ln_name, ln_out).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        blocks = VGroup(bn_block, ln_block).arrange(DOWN, aligned_edge=LEFT, buff=0.5).next_to(caption, DOWN, buff=0.45)
        if blocks.width > 13.4:
            blocks.scale_to_fit_width(13.4)
        rest = lead(self, "A batch of one: batch norm has nothing to average over in training.",
                    busy=2)
        self.play(FadeIn(sample), FadeIn(caption))
        self.play(FadeIn(bn_name), Write(error), run_time=1.5)
        self.wait(rest)
        rest = lead(self, "Layer norm only looks inside the sample, so a batch of one is fine.", busy=1)
        self.play(FadeIn(ln_block))
        self.wait(rest)

    # --- why transformers use layer norm ---
    def why_transformers(self):
        heading = label("Why transformers use layer norm", size=BODY_SIZE, color=LAYER)
        reasons = VGroup(
            label("• sequence lengths vary: padded positions would skew batch statistics", size=SMALL_SIZE),
            label("• batches are often small, and their size changes", size=SMALL_SIZE),
            label("• a sample's output must not depend on the other samples", size=SMALL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        VGroup(heading, reasons).arrange(DOWN, aligned_edge=LEFT, buff=0.5).move_to([0, 0.4, 0])
        rest = lead(self, "Transformers use layer norm: lengths vary, batches are small.",
                    busy=2.5)
        self.play(FadeIn(heading))
        self.play(FadeIn(reasons, lag_ratio=0.4), run_time=1.5)
        self.wait(rest + 2.5)  # the three reasons need reading too

    def same_sample_two_batches(self):
        d = self.d
        grids, boxes, names = VGroup(), VGroup(), VGroup()
        for batch, row, x, name in ((d.x, SHARED_ROW_A, -3.4, "batch A"), (d.batch_b, SHARED_ROW_B, 3.4, "batch B")):
            grid = number_grid(batch, cell_width=1.1, cell_height=0.42, size=SMALL_SIZE - 2).move_to([x, 1.55, 0])
            grids.add(grid)
            boxes.add(SurroundingRectangle(grid[row], color=TEXT, buff=0.08))
            names.add(label(name, size=SMALL_SIZE, color=MUTED).next_to(grid, UP, buff=0.2))
        bn_row = self.output_row("BatchNorm, training", d.bn_a, d.bn_b, -0.35, DROPPED, "≠", BATCH)
        ln_row = self.output_row("LayerNorm", d.ln_a, d.ln_b, -1.75, KEPT, "=", LAYER)
        rest = lead(self, "The boxed sample sits in two batches: batch norm gives two outputs;",
                    busy=3)
        self.play(FadeIn(grids), FadeIn(names))
        self.play(Create(boxes))
        self.play(FadeIn(bn_row))
        self.wait(rest)
        rest = lead(self, "layer norm gives the same output in both: it never looks at the other samples.", busy=1)
        self.play(FadeIn(ln_row))
        self.wait(rest + 0.5)

    def output_row(self, name, out_a, out_b, y, color, relation, name_color):
        left = vector(out_a, size=SMALL_SIZE - 2, color=color).move_to([-3.4, y, 0])
        right = vector(out_b, size=SMALL_SIZE - 2, color=color).move_to([3.4, y, 0])
        sign = label(relation, size=BODY_SIZE + 8, color=color).move_to([0, y, 0])
        title = label(name, size=SMALL_SIZE, color=name_color).move_to([0, y + 0.55, 0])
        return VGroup(title, left, sign, right)

    # --- summary ---
    def summary(self):
        xs = (-3.9, 0.1, 4.1)  # column centres: property, BatchNorm, LayerNorm
        header = VGroup(
            cell("BatchNorm", xs[1], 0, size=BODY_SIZE, color=BATCH),
            cell("LayerNorm", xs[2], 0, size=BODY_SIZE, color=LAYER),
        )
        rows = VGroup()
        for k, (prop, bn, ln) in enumerate(SUMMARY):
            y = -0.62 * (k + 1)
            rows.add(VGroup(cell(prop, xs[0], y, color=MUTED), cell(bn, xs[1], y), cell(ln, xs[2], y)))
        rule = Line([-6.0, -0.31, 0], [6.0, -0.31, 0], color=FAINT, stroke_width=2)
        VGroup(header, rule, rows).move_to([0, 0.35, 0])
        rest = lead(self, "In short: batch norm works per feature, layer norm per sample.",
                    busy=2.5)
        self.play(FadeIn(header), Create(rule))
        self.play(FadeIn(rows, lag_ratio=0.3), run_time=1.5)
        self.wait(rest + 1.5)
