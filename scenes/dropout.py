"""Dropout in training (random masks, survivors scaled by 1/(1-p)) versus inference (identity).

Storyboard: one layer of eight activations x; three training steps, each with a fresh mask drawn by
regviz.Dropout (dropped units go grey, survivors are scaled to x/(1-p)), so every step trains a
different sub-network; the running mean over 1, 10, 100, 1000 forwards closes in on x; then eval():
every unit on, no scaling, y = x. Every number comes from `data(seed)`.
"""
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    MathTex,
    Rectangle,
    ReplacementTransform,
    Transform,
    VGroup,
)

import regviz

from scenes.common import (
    BODY_SIZE,
    DROPPED,
    FAINT,
    KEPT,
    MUTED,
    NUMBER_SIZE,
    SMALL_SIZE,
    TEXT,
    RegvizScene,
    fmt,
    label,
    lean,
)


P = 0.5  # probability of DROPPING a unit (PyTorch's convention)
UNITS = 8
STEPS = 3
AVERAGE_COUNTS = (1, 10, 100, 1000)


@dataclass(frozen=True)
class DropoutData:
    p: float
    x: np.ndarray  # (UNITS,) the layer's activations, rounded to 2 decimals
    masks: np.ndarray  # (STEPS, UNITS) bool keep-masks of the first training forwards
    outputs: np.ndarray  # (STEPS, UNITS) forward(x) at those steps: x * mask / (1 - p)
    counts: tuple  # numbers of forwards averaged
    means: np.ndarray  # (len(counts), UNITS) mean of the first n training outputs
    errors: np.ndarray  # (len(counts),) max_i |mean_i - x_i|
    eval_output: np.ndarray  # (UNITS,) forward(x) after .eval()


def data(seed=0):
    """Everything the scene shows, computed by the regviz core from `seed`."""
    x_stream = np.random.SeedSequence(seed).spawn(1)[0]  # a child stream, independent of the masks'
    x = np.round(np.random.default_rng(x_stream).uniform(0.2, 1.5, UNITS), 2)
    layer = regviz.Dropout(P, rng=seed)
    runs, masks = [], []
    for _ in range(max(AVERAGE_COUNTS)):  # the same layer, called again and again: a new mask each time
        runs.append(layer.forward(x))
        masks.append(layer.mask.copy())
    runs = np.array(runs)
    running_mean = np.cumsum(runs, axis=0) / np.arange(1, len(runs) + 1)[:, None]
    means = np.array([running_mean[n - 1] for n in AVERAGE_COUNTS])
    layer.eval()
    return DropoutData(
        p=layer.p,
        x=x,
        masks=np.array(masks[:STEPS]),
        outputs=runs[:STEPS],
        counts=AVERAGE_COUNTS,
        means=means,
        errors=np.abs(means - x).max(axis=1),
        eval_output=layer.forward(x),
    )


FORMULA_SIZE = BODY_SIZE + 12  # MathTex beside the body text

# --- layout (frame 14.2 x 8; captions live below y = -2.9) ---
RULE_Y = 2.65  # the formula line under the title
INPUT_Y = 1.55  # the reference row of x
ROW_Y = 0.55  # the dropout layer's units
NEXT_Y = -1.75  # the next layer
ROW_LEFT = -5.25  # centre of the first unit
SPACING = 1.08
RADIUS = 0.44
PANEL_X = 4.95  # centre of the right-hand column (p, the masks drawn)


class DropoutScene(RegvizScene):
    def construct(self):
        self.d = data(self.seed)
        self._numbers = {}
        self.headline()
        self.show_layer()
        self.state_the_rule()
        self.train_steps()
        self.average_masks()
        self.inference()
        self.wait(0.5)

    # --- builders ---
    def unit_center(self, i, y=ROW_Y):
        return np.array([ROW_LEFT + i * SPACING, y, 0.0])

    def number(self, value, color=TEXT):
        """A 2-decimal number as Text; repeated numbers are copied, not typeset again (cheaper)."""
        key = fmt(value)
        if key not in self._numbers:
            self._numbers[key] = label(key, size=NUMBER_SIZE)
        return self._numbers[key].copy().set_color(color)

    def unit_values(self, values, mask=None, y=ROW_Y, color=TEXT):
        """One number per unit; units dropped by `mask` are greyed out."""
        keep = np.ones(len(values), bool) if mask is None else mask
        return VGroup(*(
            self.number(v, color if k else FAINT).move_to(self.unit_center(i, y))
            for i, (v, k) in enumerate(zip(values, keep))
        ))

    def row_name(self, text, mobject, color=MUTED):
        return label(text, size=SMALL_SIZE, color=color).next_to(mobject, LEFT, buff=0.25)

    def mask_dots(self, mask, y):
        dots = VGroup(*(
            Circle(radius=0.09, stroke_width=0).set_fill(KEPT if kept else FAINT, 1) for kept in mask
        )).arrange(RIGHT, buff=0.12)
        return dots.move_to([PANEL_X + 0.45, y, 0])

    def swap_values(self, new_values):
        """Cross-fade the numbers inside the units to `new_values`."""
        old, self.values = self.values, new_values
        return [FadeOut(old), FadeIn(new_values)]

    def style_units(self, mask):
        """Kept units (and their edges) in the KEPT colour, dropped ones greyed out."""
        return [
            *(c.animate.set_stroke(KEPT if k else FAINT).set_fill(KEPT if k else FAINT, 0.15 if k else 0.3)
              for c, k in zip(self.circles, mask)),
            *(e.animate.set_stroke(MUTED if k else FAINT, opacity=1 if k else 0.4)
              for e, k in zip(self.edges, mask)),
        ]

    # --- storyboard steps ---
    def show_layer(self):
        self.circles = VGroup(*(
            Circle(radius=RADIUS, color=MUTED, stroke_width=3).move_to(self.unit_center(i)) for i in range(UNITS)
        ))
        self.values = self.unit_values(self.d.x)
        self.next_layer = VGroup(*(
            Circle(radius=0.3, color=MUTED, stroke_width=3).move_to(self.unit_center(2 + 1.5 * j, NEXT_Y))
            for j in range(3)
        ))
        self.edges = VGroup(*(
            VGroup(*(
                Line(self.unit_center(i) + RADIUS * DOWN, target.get_top(), stroke_width=1.5, color=MUTED)
                for target in self.next_layer
            ))
            for i in range(UNITS)
        ))
        self.name = self.row_name("x", self.circles)
        self.play(
            LaggedStart(*(FadeIn(VGroup(c, v)) for c, v in zip(self.circles, self.values)), lag_ratio=0.1),
            FadeIn(self.name),
        )
        self.play(Create(self.edges), FadeIn(self.next_layer), run_time=0.8)

    def state_the_rule(self):
        self.rule = lean(MathTex(
            r"y_i = \frac{x_i\, m_i}{1-p},\quad m_i \sim \mathrm{Bernoulli}(1-p)", font_size=FORMULA_SIZE, color=TEXT,
        ))
        self.rule.move_to([ROW_LEFT + 3.5 * SPACING, RULE_Y, 0])
        self.p_value = lean(MathTex(f"p = {self.d.p:g}", font_size=FORMULA_SIZE, color=DROPPED))
        self.p_value.move_to([PANEL_X, RULE_Y, 0])
        self.trap = label("p = chance to DROP\n(as in PyTorch)", size=SMALL_SIZE, color=DROPPED)
        self.trap.next_to(self.p_value, DOWN, buff=0.2)
        self.play(FadeIn(self.rule), FadeIn(self.p_value))
        self.play(FadeIn(self.trap, shift=0.1 * DOWN), run_time=0.6)
        self.say("Trap: p is the chance to DROP a unit, as in PyTorch.")

    def train_steps(self):
        # x moves up to a muted reference row; the units now show the output y
        self.inputs = self.unit_values(self.d.x, y=INPUT_Y, color=MUTED)
        self.history_title = label("masks drawn", size=SMALL_SIZE, color=MUTED).move_to([PANEL_X, INPUT_Y, 0])
        self.play(
            FadeOut(self.trap),
            ReplacementTransform(self.values.copy(), self.inputs),
            self.name.animate.next_to(self.inputs, LEFT, buff=0.25),
            FadeIn(self.history_title),
        )
        self.out_name = self.row_name("y", self.circles, TEXT)
        self.history = VGroup()
        self.say("Training: dropped units output 0, survivors are scaled by 1/(1-p).", wait=0.1)
        self.play(FadeIn(self.out_name), run_time=0.4)
        self.apply_mask(0)
        self.wait(2.2)
        self.say("Each step draws a new mask: a different sub-network, an implicit ensemble.", wait=0.1)
        self.apply_mask(1)
        self.wait(0.6)
        self.apply_mask(2)
        self.wait(2.0)

    def apply_mask(self, step):
        mask = self.d.masks[step]
        dots = self.mask_dots(mask, INPUT_Y - 0.6 * (step + 1))
        tag = label(f"step {step + 1}", size=SMALL_SIZE, color=MUTED).next_to(dots, LEFT, buff=0.25)
        self.play(
            *self.style_units(mask),
            *self.swap_values(self.unit_values(self.d.outputs[step], mask)),
            FadeIn(VGroup(tag, dots), shift=0.1 * LEFT),
            run_time=1.2,
        )
        self.history.add(VGroup(tag, dots))

    def average_masks(self):
        d = self.d
        self.say("Averaged over many masks, each unit's output comes back to x.", wait=0.1)
        mean_name = self.row_name("mean", self.circles, TEXT)
        gap_name = label("largest |mean - x|", size=SMALL_SIZE, color=MUTED)
        gap_name.move_to([ROW_LEFT - 0.45, -1.45, 0], aligned_edge=LEFT)
        self.gap_name = gap_name
        bar_left = np.array([gap_name.get_right()[0] + 0.35, -1.45, 0])
        width_per_unit = 3.6 / max(d.errors[0], 1e-9)  # the first gap fills 3.6 units of width

        def readout(n, err):
            count = label(f"mean of {n} forward{'s' if n > 1 else ''}", size=SMALL_SIZE)
            count.move_to([ROW_LEFT - 0.45, -0.75, 0], aligned_edge=LEFT)
            bar = Rectangle(width=max(err * width_per_unit, 0.03), height=0.26, stroke_width=0)
            bar.set_fill(DROPPED, 0.85).move_to(bar_left, aligned_edge=LEFT)
            value = label(fmt(err), size=SMALL_SIZE, color=DROPPED).next_to(bar, RIGHT, buff=0.2)
            return VGroup(count, bar, value)

        self.readout = readout(d.counts[0], d.errors[0])
        self.play(
            FadeOut(self.edges),
            FadeOut(self.next_layer),
            ReplacementTransform(self.out_name, mean_name),
            *(c.animate.set_stroke(MUTED).set_fill(FAINT, 0) for c in self.circles),
            *self.swap_values(self.unit_values(d.means[0])),
            FadeIn(self.readout),
            FadeIn(gap_name),
        )
        self.out_name = mean_name
        self.wait(0.6)
        for n, mean, err in zip(d.counts[1:], d.means[1:], d.errors[1:]):
            self.play(
                Transform(self.readout, readout(n, err)),
                *self.swap_values(self.unit_values(mean)),
                run_time=0.8,
            )
            self.wait(0.5)
        self.expectation = lean(MathTex(
            r"\mathbb{E}[y_i] = (1-p)\,\frac{x_i}{1-p} = x_i", font_size=FORMULA_SIZE, color=KEPT,
        ))
        self.expectation.move_to([ROW_LEFT + 3.5 * SPACING, -2.35, 0])
        self.play(FadeIn(self.expectation))
        self.wait(1.2)

    def inference(self):
        eval_rule = lean(MathTex(r"\texttt{eval()}:\quad y = x", font_size=FORMULA_SIZE, color=KEPT)).move_to(self.rule)
        self.say("Inference: eval() switches dropout off. All units on, no scaling.", wait=0.1)
        self.edges.set_stroke(MUTED, opacity=1)
        self.play(
            FadeOut(self.readout),
            FadeOut(self.gap_name),
            FadeOut(self.history),
            FadeOut(self.history_title),
            FadeOut(self.expectation),
            ReplacementTransform(self.rule, eval_rule),
            ReplacementTransform(self.out_name, self.row_name("y", self.circles, TEXT)),
            *(c.animate.set_stroke(KEPT).set_fill(KEPT, 0.15) for c in self.circles),
            *self.swap_values(self.unit_values(self.d.eval_output)),
            FadeIn(self.edges),
            FadeIn(self.next_layer),
            run_time=1.2,
        )
        self.wait(2.6)
        self.say("Scaling while training is why inference needs no change.")
