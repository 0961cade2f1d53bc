"""Dropout backward: the gradient reuses the forward's mask and 1/(1-p) scale; eval is the identity.

Storyboard: the reference code on the left (regviz.dropout_forward and dropout_backward, read from
their source), its numbers on the right as columns dx | x | mask | y | dy. Forward draws a mask and
returns it; y = x * mask / (1-p). Backward: an upstream gradient dy arrives, flows only through the
kept rows, scaled by the same 1/(1-p), giving dx = dropout_backward(dy, mask, p). The highlighted line of code follows along. Closing: the same mask serves
both passes, and in eval mode both are the identity. Every number comes from `data(seed)`.
"""
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    MathTex,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    VGroup,
)

import regviz
from scenes.common import (
    BODY_SIZE,
    DROPPED,
    FAINT,
    GRAD,
    KEPT,
    MUTED,
    NUMBER_SIZE,
    PANEL,
    SMALL_SIZE,
    TEXT,
    RegvizScene,
    fmt,
    label,
    lean,
    mono,
)
from scenes.listing import listing


P = 0.5  # probability of DROPPING a unit (PyTorch's convention)
UNITS = 6

# The code panel: regviz's reference dropout_forward and dropout_backward, read from their source (the
# page lists the same functions), comments left to the captions. Each highlight names the line it marks,
# and the test traces data() to check that every highlighted line is one that ran.
FORWARD = listing("regviz.dropout.dropout_forward")
BACKWARD = listing("regviz.dropout.dropout_backward")
LISTING = FORWARD.code + ("",) + BACKWARD.code
_AFTER_FORWARD = len(FORWARD.lines) + 1  # the backward's first line in LISTING
LINE_EVAL_FORWARD = FORWARD.find("return x, None", exact=True)
LINE_MASK = FORWARD.find("mask = rng.random(x.shape) > p", exact=True)
LINE_FORWARD = FORWARD.find("return x * mask / (1 - p), mask", exact=True)
LINE_EVAL_BACKWARD = _AFTER_FORWARD + BACKWARD.find("return dy", exact=True)
LINE_BACKWARD = _AFTER_FORWARD + BACKWARD.find("return dy * mask / (1 - p)", exact=True)


@dataclass(frozen=True)
class BackwardData:
    p: float
    x: np.ndarray  # (UNITS,) activations into the layer
    mask: np.ndarray  # (UNITS,) bool, True = kept: the mask the forward drew and stored
    y: np.ndarray  # (UNITS,) forward(x)
    dy: np.ndarray  # (UNITS,) upstream gradient
    dx: np.ndarray  # (UNITS,) backward(dy), training mode
    eval_y: np.ndarray  # (UNITS,) forward(x) with training=False
    eval_dx: np.ndarray  # (UNITS,) backward(dy) after that eval forward
    listing: tuple  # the code shown, one string per line


def data(seed=0):
    """Everything the scene shows, computed by the regviz reference functions on the panel from `seed`."""
    x_stream, dy_stream, mask_stream = np.random.SeedSequence(seed).spawn(3)  # independent streams
    x = np.round(np.random.default_rng(x_stream).uniform(0.2, 1.5, UNITS), 2)
    dy = np.round(np.random.default_rng(dy_stream).normal(0.0, 1.0, UNITS), 2)
    y, mask = regviz.dropout_forward(x, P, np.random.default_rng(mask_stream))
    dx = regviz.dropout_backward(dy, mask, P)
    eval_y, eval_mask = regviz.dropout_forward(x, P, np.random.default_rng(mask_stream), training=False)
    eval_dx = regviz.dropout_backward(dy, eval_mask, P)
    return BackwardData(P, x, mask, y, dy, dx, eval_y, eval_dx, LISTING)


FORMULA_SIZE = BODY_SIZE + 10  # MathTex beside the body text

# --- layout (frame 14.2 x 8; captions live below y = -2.9) ---
CODE_LEFT = -6.55
LINE_TOP = 2.35
LINE_STEP = 0.3
LISTING_SIZE = 16  # the panel holds both functions, 14 lines
COLUMNS = {"dx": 1.32, "x": 2.42, "mask": 3.52, "y": 4.62, "dy": 5.72}  # centre x of each column
HEADER_Y = 2.35
ROW_TOP = 1.65
ROW_STEP = 0.6
CELL_W, CELL_H = 0.95, 0.46


class DropoutBackwardScene(RegvizScene):
    def construct(self):
        self.d = data(self.seed)
        self.headline()
        self.show_code()
        self.forward_pass()
        self.upstream_gradient()
        self.backward_pass()
        self.same_mask()
        self.eval_mode()
        self.wait(0.5)

    # --- builders ---
    def cell_center(self, column, row):
        return np.array([COLUMNS[column], ROW_TOP - row * ROW_STEP, 0.0])

    def cell(self, column, row, text, color=TEXT):
        box = Rectangle(width=CELL_W, height=CELL_H, stroke_width=1.5, stroke_color=FAINT)
        box.set_fill(PANEL, 1).move_to(self.cell_center(column, row))
        return VGroup(box, label(text, size=NUMBER_SIZE, color=color).move_to(box))

    def column(self, name, values, colors):
        return VGroup(*(self.cell(name, i, fmt(v), c) for i, (v, c) in enumerate(zip(values, colors))))

    def header(self, name, color=MUTED):
        return mono(name, color=color).move_to([COLUMNS[name], HEADER_Y, 0])

    def line_box(self, index, color):
        box = Rectangle(width=self.panel.width - 0.2, height=LINE_STEP, stroke_width=2, stroke_color=color)
        return box.set_fill(color, 0.12).move_to([self.panel.get_center()[0], LINE_TOP - index * LINE_STEP, 0])

    def highlight(self, index, color=MUTED):
        """Move the highlight to line `index` of the listing (an animation)."""
        if self.cursor is None:
            self.cursor = self.line_box(index, color)
            return FadeIn(self.cursor)
        return Transform(self.cursor, self.line_box(index, color))

    def kept_colors(self, color):
        return [color if k else FAINT for k in self.d.mask]

    # --- storyboard steps ---
    def show_code(self):
        char_width = mono("0" * 40, size=LISTING_SIZE).width / 40  # monospace: indentation is a whole number of these
        self.code = VGroup()
        for i, line in enumerate(self.d.listing):
            if line.strip():
                text = mono(line.strip(), size=LISTING_SIZE)
                indent = len(line) - len(line.lstrip())
                # align on the line's centre height, so the highlight box sits evenly around it
                text.move_to([CODE_LEFT + indent * char_width, LINE_TOP - i * LINE_STEP, 0], aligned_edge=LEFT)
                self.code.add(text)
        n_lines = len(self.d.listing)
        self.panel = Rectangle(width=self.code.width + 0.4, height=n_lines * LINE_STEP + 0.3, stroke_width=0)
        self.panel.set_fill(PANEL, 1)
        self.panel.move_to([CODE_LEFT - 0.2, LINE_TOP - (n_lines - 1) * LINE_STEP / 2, 0], aligned_edge=LEFT)
        self.cursor = None
        self.formula_forward = lean(MathTex(r"y = \frac{x \odot m}{1-p}", font_size=FORMULA_SIZE, color=TEXT))
        self.formula_backward = lean(MathTex(r"dx = \frac{dy \odot m}{1-p}", font_size=FORMULA_SIZE, color=GRAD))
        formulas = VGroup(self.formula_forward, self.formula_backward).arrange(RIGHT, buff=0.9)
        formulas.move_to([(COLUMNS["dx"] + COLUMNS["dy"]) / 2, ROW_TOP - UNITS * ROW_STEP - 0.45, 0])
        self.p_note = label(f"p = {self.d.p:g} = chance to DROP (as in PyTorch)", size=SMALL_SIZE, color=DROPPED)
        self.p_note.next_to(self.panel, DOWN, buff=0.3).align_to(self.panel, LEFT)
        self.play(FadeIn(self.panel), FadeIn(self.code, lag_ratio=0.05), run_time=1.2)
        self.say("The layer in code: forward draws a mask, backward reuses it.")

    def forward_pass(self):
        d = self.d
        self.x_col = self.column("x", d.x, [TEXT] * UNITS)
        self.headers = VGroup(self.header("x"))
        self.play(FadeIn(self.headers), LaggedStart(*(FadeIn(c) for c in self.x_col), lag_ratio=0.08))
        # the mask: one Bernoulli(1-p) draw per unit, stored on self for the backward pass
        self.mask_col = VGroup(*(
            self.cell("mask", i, "1" if k else "0", KEPT if k else DROPPED) for i, k in enumerate(d.mask)
        ))
        self.bands = VGroup(*(
            Rectangle(width=COLUMNS["dy"] - COLUMNS["dx"] + CELL_W + 0.2, height=CELL_H + 0.1, stroke_width=0)
            .set_fill(DROPPED, 0.12).move_to([(COLUMNS["dx"] + COLUMNS["dy"]) / 2, self.cell_center("x", i)[1], 0])
            for i, k in enumerate(d.mask) if not k
        ))
        self.say("Forward draws a mask and keeps it on self. p is the chance to DROP.", wait=0.1)
        self.play(self.highlight(LINE_MASK), FadeIn(self.p_note))
        self.headers.add(self.header("mask"))
        self.play(
            FadeIn(self.headers[-1]),
            LaggedStart(*(FadeIn(c, shift=0.1 * RIGHT) for c in self.mask_col), lag_ratio=0.08),
            FadeIn(self.bands),
        )
        self.wait(1.2)
        self.say("Kept units are scaled by 1/(1-p); dropped units output 0.", wait=0.1)
        self.headers.add(self.header("y"))
        self.y_col = self.column("y", d.y, self.kept_colors(TEXT))
        self.play(self.highlight(LINE_FORWARD), FadeIn(self.formula_forward))
        self.play(
            FadeIn(self.headers[-1]),
            *(ReplacementTransform(xc.copy(), yc) for xc, yc in zip(self.x_col, self.y_col)),
            run_time=1.4,
        )
        self.wait(1.4)

    def upstream_gradient(self):
        d = self.d
        self.say("Backward: the gradient dy arrives from the layer above.", wait=0.1)
        self.headers.add(self.header("dy", GRAD))
        self.dy_col = self.column("dy", d.dy, [GRAD] * UNITS)
        self.play(
            self.highlight(LINE_BACKWARD, GRAD),
            FadeIn(self.headers[-1]),
            LaggedStart(*(FadeIn(c, shift=0.2 * LEFT) for c in self.dy_col), lag_ratio=0.08),
            FadeIn(self.formula_backward),
        )
        self.wait(1.2)

    def backward_pass(self):
        d = self.d
        self.say("It flows back only through the kept units, times the same 1/(1-p).", wait=0.1)
        self.headers.add(self.header("dx", GRAD))
        self.dx_col = self.column("dx", d.dx, self.kept_colors(GRAD))
        self.play(
            FadeIn(self.headers[-1]),
            LaggedStart(*(Indicate(c[1], color=GRAD) for c in self.mask_col), lag_ratio=0.1),
        )
        self.play(
            *(ReplacementTransform(g.copy(), dx) for g, dx in zip(self.dy_col, self.dx_col)),
            run_time=1.6,
        )
        self.wait(1.0)
        self.say("Dropped units get exactly zero gradient: they took no part in the output.")

    def same_mask(self):
        box = SurroundingRectangle(self.mask_col, color=KEPT, buff=0.08, stroke_width=3)
        note = label("same mask,\nboth passes", size=SMALL_SIZE, color=KEPT)
        note.next_to(box, DOWN, buff=0.2)
        self.say("Key point: backward reuses the exact mask that forward drew.", wait=0.1)
        self.play(FadeIn(box), FadeIn(note))
        self.wait(1.8)
        self.say("A fresh mask in backward would send gradient to units that were dropped.")
        self.play(FadeOut(box), FadeOut(note), run_time=0.5)

    def eval_mode(self):
        d = self.d
        self.say("In eval mode both passes are the identity: y = x and dx = dy.", wait=0.1)
        eval_y = self.column("y", d.eval_y, [TEXT] * UNITS)
        eval_dx = self.column("dx", d.eval_dx, [GRAD] * UNITS)
        off = label("eval(): mask unused", size=SMALL_SIZE, color=MUTED)
        off.next_to(self.mask_col, DOWN, buff=0.25)
        self.play(self.highlight(LINE_EVAL_FORWARD, KEPT))
        self.play(
            FadeOut(self.bands),
            self.mask_col.animate.set_opacity(0.2),
            FadeIn(off),
            Transform(self.y_col, eval_y),
            run_time=1.2,
        )
        self.play(self.highlight(LINE_EVAL_BACKWARD, KEPT))
        self.play(Transform(self.dx_col, eval_dx), run_time=1.2)
        self.wait(2.0)
