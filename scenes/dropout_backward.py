"""Dropout backward: the gradient reuses the forward's mask and 1/(1-p) scale; eval is the identity.

Storyboard: the reference code on the left (regviz.dropout_forward and dropout_backward, read from
their source), its numbers on the right as columns dx | x | mask | y | dy. Forward draws one uniform
number per unit and keeps the unit where it beats p; y = x * mask / (1-p), each value travelling right
through its mask bit. Backward: the upstream gradient dy travels left through the same mask, giving
dx = dropout_backward(dy, mask, p). Why: the Jacobian dy/dx is diagonal, m_i/(1-p), so dx = J^T dy is
the same mask and scale. The classic bug acted out: a backward that draws a fresh mask sends gradient
into a unit that output 0 (and none to units that were used). eval(): forward returns x and no mask,
backward returns dy. The highlighted line of code follows along; the clip ends on the practice
command. Every number comes from `data(seed)`.
"""
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Circle,
    Circumscribe,
    Create,
    FadeIn,
    FadeOut,
    Group,
    Indicate,
    LaggedStart,
    MathTex,
    Rectangle,
    ValueTracker,
    VGroup,
    VMobject,
    smooth,
    squish_rate_func,
)

import regviz
from scenes.common import (
    BODY_SIZE,
    CODE_SIZE,
    DROPPED,
    EDGE,
    GRAD,
    KEPT,
    MUTED,
    NUMBER_SIZE,
    PANEL,
    SMALL_SIZE,
    TEXT,
    CodePanel,
    RegvizScene,
    counting,
    fmt,
    label,
    lean,
    mono,
    swap,
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
BUG_LINE = "mask = rng.random(dy.shape) > p"  # the classic bug: a backward that draws its own mask


@dataclass(frozen=True)
class BackwardData:
    p: float
    x: np.ndarray  # (UNITS,) activations into the layer
    draws: np.ndarray  # (UNITS,) the uniform numbers rng.random(x.shape) drew inside the forward
    mask: np.ndarray  # (UNITS,) bool, True = kept: the mask the forward drew and returned
    y: np.ndarray  # (UNITS,) forward(x)
    dy: np.ndarray  # (UNITS,) upstream gradient
    dx: np.ndarray  # (UNITS,) backward(dy, mask), training mode
    jacobian: np.ndarray  # (UNITS, UNITS) dy_i/dx_j of the forward with its mask fixed, numerically
    fresh_mask: np.ndarray  # (UNITS,) bool: the mask a second draw from the same generator gives (the bug)
    wrong_dx: np.ndarray  # (UNITS,) backward(dy, fresh_mask): what the bug returns
    eval_y: np.ndarray  # (UNITS,) forward(x) with training=False
    eval_dx: np.ndarray  # (UNITS,) backward(dy) after that eval forward
    listing: tuple  # the code shown, one string per line


def data(seed=0):
    """Everything the scene shows, computed by the regviz reference functions on the panel from `seed`."""
    x_stream, dy_stream, mask_stream = np.random.SeedSequence(seed).spawn(3)  # independent streams
    x = np.round(np.random.default_rng(x_stream).uniform(0.2, 1.5, UNITS), 2)
    dy = np.round(np.random.default_rng(dy_stream).normal(0.0, 1.0, UNITS), 2)
    draws = np.random.default_rng(mask_stream).random(UNITS)  # the forward's first call on its generator
    rng = np.random.default_rng(mask_stream)
    y, mask = regviz.dropout_forward(x, P, rng)
    dx = regviz.dropout_backward(dy, mask, P)
    _, fresh_mask = regviz.dropout_forward(x, P, rng)  # a backward that draws again gets the next mask

    def forward(v):  # the same seed draws the same mask, so this is the forward above as a function of x
        return regviz.dropout_forward(v, P, np.random.default_rng(mask_stream))[0]

    jacobian = np.array([regviz.numerical_vjp(forward, x, row) for row in np.eye(UNITS)])  # row i: dy_i/dx
    eval_y, eval_mask = regviz.dropout_forward(x, P, np.random.default_rng(mask_stream), training=False)
    eval_dx = regviz.dropout_backward(dy, eval_mask, P)
    return BackwardData(P, x, draws, mask, y, dy, dx, jacobian, fresh_mask,
                        regviz.dropout_backward(dy, fresh_mask, P), eval_y, eval_dx, LISTING)


EARLY = squish_rate_func(smooth, 0, 0.35)  # a fade in the first third of its play
LATE = squish_rate_func(smooth, 0.65, 1)  # ... in the last third
FORMULA_SIZE = BODY_SIZE + 4  # MathTex beside the body text; both formulas fit under the table

def appear(values):
    """Animation: each value grows into its own cell (a column scaled as one would slide its numbers across cells)."""
    return AnimationGroup(*(FadeIn(v, scale=0.8) for v in values))


# --- layout (frame 14.2 x 8; subtitles cover the strip below y = -2.9) ---
PANEL_LEFT = -7.1 + EDGE
LINE_TOP = 2.6  # the panel sits high: p and the factor 1/(1-p) go under it
LINE_STEP = 0.3
TABLE_RIGHT = 7.1 - EDGE
ORDER = ("dx", "x", "mask", "y", "dy")  # backward runs right to left, dy -> dx
HEADER_Y = 2.35
ROW_TOP = 1.65
ROW_STEP = 0.6
CELL_H = 0.46
CELL_MARGIN = 0.16  # between a number and its cell's border
CELL_GAP = 0.07
FORMULA_Y = ROW_TOP - UNITS * ROW_STEP - 0.45
DOT_RADIUS = 0.07
# the Jacobian picture, where the code panel was: dx = J^T dy, its rows on the table's rows
MATRIX_STEP = 0.5


class DropoutBackwardScene(RegvizScene):
    def construct(self):
        self.d = data(self.seed)
        self._texts = {}
        self.layout()
        self.headline()
        self.show_code()
        self.draw_mask()
        self.forward_values()
        self.upstream_gradient()
        self.backward_values()
        self.jacobian()
        self.fresh_mask_bug()
        self.eval_mode()
        self.practise()

    # --- builders ---
    def layout(self):
        """Cells as wide as the widest value the clip shows (negative numbers included), the table against
        the right margin."""
        d = self.d
        values = np.concatenate([d.x, d.y, d.dy, d.dx, d.wrong_dx, d.draws])
        self.cell_w = max(self.number(v).width for v in values) + 2 * CELL_MARGIN
        pitch = self.cell_w + CELL_GAP
        self.columns = {name: TABLE_RIGHT - self.cell_w / 2 - (len(ORDER) - 1 - i) * pitch
                        for i, name in enumerate(ORDER)}
        self.table_left = TABLE_RIGHT - len(ORDER) * pitch + CELL_GAP

    def number(self, value, color=TEXT, digits=2):
        """A number in the clip's one numeric face; repeated numbers are copied, not typeset again."""
        key = fmt(value, digits)
        if key not in self._texts:
            self._texts[key] = mono(key, size=NUMBER_SIZE)
        return self._texts[key].copy().set_color(color)

    def cell_center(self, column, row):
        return np.array([self.columns[column], ROW_TOP - row * ROW_STEP, 0.0])

    def box(self, column, row, color=MUTED):
        box = Rectangle(width=self.cell_w, height=CELL_H, stroke_width=1.5, stroke_color=color)
        return box.set_fill(PANEL, 1).move_to(self.cell_center(column, row))

    def boxes(self, column):
        return VGroup(*(self.box(column, i) for i in range(UNITS)))

    def values(self, column, values, colors, digits=2):
        return VGroup(*(
            self.number(v, c, digits).move_to(self.cell_center(column, i))
            for i, (v, c) in enumerate(zip(values, colors))
        ))

    def bits(self, mask):
        return VGroup(*(
            mono("1" if k else "0", size=NUMBER_SIZE, color=KEPT if k else DROPPED).move_to(self.cell_center("mask", i))
            for i, k in enumerate(mask)
        ))

    def header(self, name, color=MUTED):
        return mono(name, color=color).move_to([self.columns[name], HEADER_Y, 0])

    def colors(self, mask, color):
        """`color` for units the mask keeps; dropped units show their exact 0 in red."""
        return [color if k else DROPPED for k in mask]

    def dots(self, rows, start, color):
        """One dot per row on the bottom border of the cells in column `start`: a value on its way."""
        return VGroup(*(
            Circle(radius=DOT_RADIUS, stroke_width=0).set_fill(color, 1).move_to(self.cell_center(start, i) + CELL_H / 2 * DOWN)
            for i in rows
        ))

    def travel(self, rows, start, through, end, mask, color):
        """Animations: a dot per row leaves `start`; where `mask` keeps the row it reaches `end`, where it
        drops it the dot stops at the mask column and goes out."""
        dots = self.dots(rows, start, color)
        moves = []
        for dot, i in zip(dots, rows):
            target = end if mask[i] else through
            stop = self.cell_center(target, i) + CELL_H / 2 * DOWN
            moves.append(dot.animate.move_to(stop) if mask[i] else FadeOut(dot, target_position=stop, scale=0.3))
        return dots, moves

    @staticmethod
    def arrived(dots, mask):
        """The dots of `travel` still on screen: those of the rows the mask kept."""
        return VGroup(*(dot for dot, k in zip(dots, mask) if k))

    def bracket(self, x, top, bottom, facing):
        """A matrix bracket at x from top to bottom; facing=RIGHT opens to the right (the left bracket)."""
        tip = 0.12 * facing[0]
        return VMobject(stroke_color=MUTED, stroke_width=2.5).set_points_as_corners(
            [[x + tip, top, 0], [x, top, 0], [x, bottom, 0], [x + tip, bottom, 0]])

    # --- storyboard steps ---
    def show_code(self):
        self.listing = CodePanel(self.d.listing, PANEL_LEFT, LINE_TOP, LINE_STEP)
        self.panel, self.code = self.listing.panel, self.listing.code
        # in parts, so eval's y = x can keep the parts it shares with the training formula
        self.formula_forward = lean(MathTex("y", "=", "x", r"\odot m \,/\, (1-p)", font_size=FORMULA_SIZE, color=TEXT))
        self.formula_backward = lean(MathTex("dx", "=", "dy", r"\odot m \,/\, (1-p)", font_size=FORMULA_SIZE, color=GRAD))
        self.formulas = VGroup(self.formula_forward, self.formula_backward).arrange(RIGHT, buff=0.5)
        self.formulas.move_to([(self.table_left + TABLE_RIGHT) / 2, FORMULA_Y, 0])
        self.p_note = VGroup(
            lean(MathTex("p =", font_size=FORMULA_SIZE, color=DROPPED)),
            mono(fmt(self.d.p, 1), size=NUMBER_SIZE, color=DROPPED),
            label("= chance to DROP (as in PyTorch)", size=SMALL_SIZE, color=DROPPED),
        ).arrange(RIGHT, buff=0.15)
        for part in self.p_note[1:]:  # level with the "=", not with the centre of "p", which hangs below the line
            part.set_y(self.p_note[0][0][-1].get_y())
        self.p_note.next_to(self.panel, DOWN, buff=0.2).align_to(self.panel, LEFT)
        # the survivors' factor, a number on screen when the captions say "2"
        self.factor_note = VGroup(
            lean(MathTex(r"1/(1-p) =", font_size=FORMULA_SIZE, color=KEPT)),
            mono(fmt(1 / (1 - self.d.p), 0), size=NUMBER_SIZE, color=KEPT),
        ).arrange(RIGHT, buff=0.15)
        self.factor_note[1].set_y(self.factor_note[0][0][-1].get_y())
        self.factor_note.next_to(self.p_note, DOWN, buff=0.2).align_to(self.panel, LEFT)
        self.narrate("The layer in code: forward draws a mask, backward reuses it.")
        self.play(FadeIn(self.panel), FadeIn(self.code, lag_ratio=0.05), run_time=1.6)
        self.x_boxes, self.x_values = self.boxes("x"), self.values("x", self.d.x, [TEXT] * UNITS)
        self.headers = {"x": self.header("x")}
        self.play(
            FadeIn(self.headers["x"]),
            LaggedStart(*(FadeIn(VGroup(b, v)) for b, v in zip(self.x_boxes, self.x_values)), lag_ratio=0.12),
            run_time=1.4,
        )

    def draw_mask(self):
        d = self.d
        self.narrate(f"Forward draws one number per unit: kept if it beats p = {d.p:g}.")
        self.mask_boxes = self.boxes("mask")
        draws = self.values("mask", d.draws, [TEXT] * UNITS)
        draw_header = mono("draw", color=MUTED).move_to([self.columns["mask"], HEADER_Y, 0])
        self.play(
            self.listing.highlight(LINE_MASK),
            FadeIn(self.p_note),
            FadeIn(draw_header),
            LaggedStart(*(FadeIn(VGroup(b, v), shift=0.1 * RIGHT) for b, v in zip(self.mask_boxes, draws)), lag_ratio=0.1),
            run_time=1.6,
        )
        # the comparison draw > p, unit by unit: above p the unit is kept (green), below it is dropped (red)
        self.play(*(v.animate.set_color(KEPT if k else DROPPED) for v, k in zip(draws, d.mask)), run_time=0.8)
        self.mask_values = self.bits(d.mask)
        self.headers["mask"] = self.header("mask")
        self.bands = VGroup(*(
            Rectangle(width=TABLE_RIGHT - self.table_left + 0.2, height=CELL_H + 0.1, stroke_width=0)
            .set_fill(DROPPED, 0.12).move_to([(self.table_left + TABLE_RIGHT) / 2, self.cell_center("x", i)[1], 0])
            for i, k in enumerate(d.mask) if not k
        ))
        self.bring_to_back(self.bands)
        self.bands.set_opacity(0)
        # each draw gives way to its bit: the draw fades out before the bit fades in, never one over the other
        self.play(
            swap(draws, self.mask_values),
            swap(draw_header, self.headers["mask"]),
            self.bands.animate.set_fill(DROPPED, 0.12),
            run_time=1.2,
        )

    def forward_values(self):
        d = self.d
        self.narrate("Kept units are scaled by 1/(1-p) = 2; dropped units output 0.")
        self.y_boxes = self.boxes("y")
        self.headers["y"] = self.header("y")
        self.play(
            self.listing.highlight(LINE_FORWARD, hop=True),
            FadeIn(self.formula_forward),
            FadeIn(self.factor_note, shift=0.2 * DOWN),
            FadeIn(self.headers["y"]),
            FadeIn(self.y_boxes),
            run_time=0.8,
        )
        dots, moves = self.travel(range(UNITS), "x", "mask", "y", d.mask, TEXT)
        self.play(*moves, run_time=1.4)
        self.y_values = self.values("y", d.y, self.colors(d.mask, TEXT))
        self.play(FadeOut(self.arrived(dots, d.mask)), appear(self.y_values), run_time=0.8)

    def upstream_gradient(self):
        d = self.d
        self.narrate("Backward: the gradient dy arrives from the layer above.")
        self.dy_boxes, self.dy_values = self.boxes("dy"), self.values("dy", d.dy, [GRAD] * UNITS)
        self.headers["dy"] = self.header("dy", GRAD)
        self.play(
            self.listing.highlight(LINE_BACKWARD, GRAD, hop=True),
            FadeIn(self.headers["dy"]),
            LaggedStart(*(FadeIn(VGroup(b, v), shift=0.2 * LEFT) for b, v in zip(self.dy_boxes, self.dy_values)),
                        lag_ratio=0.1),
            FadeIn(self.formula_backward),
            run_time=1.6,
        )

    def backward_values(self):
        d = self.d
        self.narrate("It flows back only through the kept units, times the same 2.")
        self.dx_boxes = self.boxes("dx")
        self.headers["dx"] = self.header("dx", GRAD)
        self.play(FadeIn(self.headers["dx"]), FadeIn(self.dx_boxes), Indicate(self.factor_note[1], color=GRAD),
                  run_time=0.8)
        dots, moves = self.travel(range(UNITS), "dy", "mask", "dx", d.mask, GRAD)
        self.play(*moves, run_time=1.6)
        self.dx_values = self.values("dx", d.dx, self.colors(d.mask, GRAD))
        self.play(FadeOut(self.arrived(dots, d.mask)), appear(self.dx_values), run_time=0.8)
        self.narrate("Dropped units get exactly 0 gradient: they took no part in y.")
        dropped = [i for i in range(UNITS) if not d.mask[i]]
        # each dropped row: its output y and its gradient dx, both exactly 0, outlined together
        marks = VGroup(*(
            VGroup(*(self.box(column, i, DROPPED).set_fill(opacity=0).set_stroke(width=4) for column in ("y", "dx")))
            for i in dropped
        ))
        self.play(LaggedStart(*(Create(m) for m in marks), lag_ratio=0.4), run_time=1.6)
        self.play(FadeOut(marks), run_time=0.8)

    def jacobian(self):
        d = self.d
        self.narrate("Why: J_ij = dy_i/dx_j. The mask m goes on its diagonal.")
        rows_y = [ROW_TOP - i * ROW_STEP for i in range(UNITS)]
        dx_x, dy_x = PANEL_LEFT + 0.55, self.table_left - 0.95
        matrix_left = dx_x + 1.25
        entry_x = [matrix_left + 0.3 + j * MATRIX_STEP for j in range(UNITS)]
        top, bottom = rows_y[0] + 0.32, rows_y[-1] - 0.32
        brackets = VGroup(self.bracket(matrix_left, top, bottom, RIGHT),
                          self.bracket(entry_x[-1] + 0.3, top, bottom, LEFT))
        equals = lean(MathTex("=", font_size=FORMULA_SIZE, color=TEXT)).move_to([dx_x + 0.92, (top + bottom) / 2, 0])
        heads = VGroup(
            lean(MathTex("dx", font_size=FORMULA_SIZE, color=GRAD)).move_to([dx_x, HEADER_Y, 0]),
            lean(MathTex("J", font_size=FORMULA_SIZE, color=TEXT)).move_to([(entry_x[0] + entry_x[-1]) / 2, HEADER_Y, 0]),
            lean(MathTex("dy", font_size=FORMULA_SIZE, color=GRAD)).move_to([dy_x, HEADER_Y, 0]),
        )
        definition = lean(MathTex(r"J_{ij} = \partial y_i \,/\, \partial x_j", font_size=FORMULA_SIZE, color=TEXT))
        definition.move_to([(entry_x[0] + entry_x[-1]) / 2, FORMULA_Y, 0])
        off_diagonal = VGroup(*(
            self.number(d.jacobian[i, j], MUTED, digits=0).move_to([entry_x[j], rows_y[i], 0])
            for i in range(UNITS) for j in range(UNITS) if i != j
        ))
        scaled = ValueTracker(0.0)  # 0: the mask bit m_i; 1: the Jacobian's diagonal entry m_i / (1 - p)

        def entry(i):
            return d.mask[i] + scaled.get_value() * (d.jacobian[i, i] - d.mask[i])

        diagonal = VGroup(*(
            counting(lambda i=i: entry(i), [entry_x[i], rows_y[i], 0], digits=0, color=KEPT if d.mask[i] else DROPPED)
            for i in range(UNITS)
        ))
        self.play(
            FadeOut(self.panel), FadeOut(self.code), self.listing.unhighlight(), FadeOut(self.p_note),
            FadeOut(self.factor_note),
            run_time=0.6,
        )
        self.play(FadeIn(brackets), FadeIn(heads[1]), FadeIn(definition), run_time=0.8)
        # each mask bit, lit in the table, appears at its place on the diagonal (in place: nothing crosses the brackets)
        bits = VGroup(*(b.copy().move_to([entry_x[i], rows_y[i], 0]) for i, b in enumerate(self.mask_values)))
        self.play(LaggedStart(*(
            AnimationGroup(Indicate(m, color=m.get_color(), scale_factor=1.25), FadeIn(b, scale=1.3))
            for m, b in zip(self.mask_values, bits)
        ), lag_ratio=0.25), run_time=1.4)
        # there each bit counts to m_i / (1 - p): 1 -> 2 where the unit is kept, 0 stays 0; elsewhere J is 0
        self.narrate(f"J is diagonal: J_ii = m_i/(1-p), {fmt(1 / (1 - d.p), 0)} or 0. Elsewhere 0.")
        self.remove(*bits)
        self.add(diagonal)  # the same glyphs in the same places: nothing jumps
        self.play(scaled.animate.set_value(1.0), run_time=1.2)
        self.play(LaggedStart(*(FadeIn(zero) for zero in off_diagonal), lag_ratio=0.03), run_time=1.2)
        for number in diagonal:
            number.clear_updaters()
        self.narrate("Backward: dx = J^T dy, and J^T = J (diagonal): the same mask, the same 2.")
        transposed = lean(MathTex(r"J^{\top} = J", font_size=FORMULA_SIZE, color=TEXT)).move_to(heads[1])
        dy_copy = self.values("dy", d.dy, [GRAD] * UNITS)
        for v, y in zip(dy_copy, rows_y):
            v.move_to([dy_x, y, 0])
        dx_left = self.values("dx", d.dx, self.colors(d.mask, GRAD))
        for v, y in zip(dx_left, rows_y):
            v.move_to([dx_x, y, 0])
        self.play(FadeIn(dy_copy, shift=0.3 * LEFT), FadeIn(heads[2]), FadeIn(heads[0]), FadeIn(equals),
                  swap(heads[1], transposed), run_time=1.0)
        heads.remove(heads[1]).add(transposed)
        # row i of J^T times dy: only the diagonal entry meets a non-zero product
        row_left, row_right = entry_x[0] - 0.25, dy_x + 0.6
        row_boxes = [
            Rectangle(width=row_right - row_left, height=CELL_H, stroke_width=2, stroke_color=GRAD)
            .move_to([(row_left + row_right) / 2, y, 0])
            for y in rows_y
        ]
        self.play(LaggedStart(*(
            LaggedStart(FadeIn(row_boxes[i]), FadeIn(dx_left[i], shift=0.2 * LEFT), FadeOut(row_boxes[i]), lag_ratio=0.5)
            for i in range(UNITS)
        ), lag_ratio=0.35), run_time=2.6)
        self.jacobian_picture = VGroup(brackets, equals, heads, definition, off_diagonal, diagonal, dy_copy, dx_left)

    def fresh_mask_bug(self):
        d = self.d
        self.narrate("The classic bug: backward draws a fresh mask of its own.")
        # the buggy backward, bottom left: its own draw in place of the forward's mask
        bug = CodePanel(("def dropout_backward(dy, mask, p, rng):", "    " + BUG_LINE, "    return dy * mask / (1 - p)"),
                        PANEL_LEFT, FORMULA_Y + 0.45, LINE_STEP)  # the listing's size and colours, on its panel
        bug.code[1].set_color(DROPPED)
        # the forward's mask steps out of the table, kept aside: the mask forward returned
        park = PANEL_LEFT + self.cell_w / 2 + 0.1 - self.columns["mask"]
        saved = VGroup(self.mask_boxes, self.mask_values)
        # the header does not travel (it would cross the others): it fades here and a twin fades in there
        saved_header = self.header("mask").shift(park * RIGHT)
        saved_name = VGroup(label("forward returned:", size=SMALL_SIZE, color=MUTED), saved_header)
        saved_name[0].move_to([PANEL_LEFT, HEADER_Y + 0.45, 0], aligned_edge=LEFT)
        fresh_boxes = VGroup(*(self.box("mask", i, DROPPED) for i in range(UNITS)))
        fresh = self.bits(d.fresh_mask)
        fresh_header = mono("new mask", color=DROPPED).move_to([self.columns["mask"], HEADER_Y, 0])
        self.play(FadeOut(self.jacobian_picture), run_time=0.6)
        # it fades out of the table and in at its place aside: sliding past the other columns would cut its
        # digits on their cells. The gradient it reached goes too: the new mask must not stand beside dx
        # values it did not make
        parked = saved.copy().shift(park * RIGHT)
        self.play(FadeOut(saved), FadeOut(self.headers["mask"]), FadeOut(self.dx_values), run_time=0.6)
        self.play(FadeIn(parked), FadeIn(saved_name), FadeIn(bug, shift=0.2 * RIGHT), run_time=0.8)
        self.play(FadeIn(fresh_boxes), FadeIn(fresh, shift=0.2 * DOWN), FadeIn(fresh_header), run_time=0.8)
        self.narrate("Gradient now reaches a unit that output 0, and misses used ones.")
        dots, moves = self.travel(range(UNITS), "dy", "mask", "dx", d.fresh_mask, GRAD)
        self.play(*moves, run_time=1.6)
        wrong = self.values("dx", d.wrong_dx, self.colors(d.fresh_mask, GRAD))
        # wrong rows: the fresh mask disagrees with the one that made y
        bad = [i for i in range(UNITS) if d.fresh_mask[i] != d.mask[i]]
        marks = VGroup(*(
            self.box("dx", i, DROPPED).set_fill(opacity=0).set_stroke(width=4) for i in bad
        ))
        crosses = VGroup(*(
            label("\u2717 " + ("output 0, gets gradient" if d.fresh_mask[i] else "used, gets none"),
                  size=SMALL_SIZE, color=DROPPED).next_to(self.dx_boxes[i], LEFT, buff=0.25)
            for i in bad
        ))
        self.play(FadeOut(self.arrived(dots, d.fresh_mask)), appear(wrong), run_time=0.8)
        self.play(FadeIn(crosses, lag_ratio=0.2), *(FadeIn(m) for m in marks), run_time=1.0)
        self.wait(1.5)  # the two wrong rows, named, long enough to read
        self.narrate("The fix: backward reuses the mask forward returned.")
        self.play(
            FadeOut(bug), FadeOut(marks), FadeOut(crosses), FadeOut(wrong),
            FadeOut(fresh_boxes), FadeOut(fresh), FadeOut(fresh_header),
            run_time=0.8,
        )
        # the saved mask goes back between dy and dx: the gradient passes through it
        self.play(FadeOut(parked), FadeOut(saved_name), run_time=0.6)
        self.play(FadeIn(saved), FadeIn(self.headers["mask"]), run_time=0.6)
        self.play(Circumscribe(self.mask_boxes, color=KEPT, buff=0.08), run_time=0.8)
        self.narrate("Dropped units get 0 gradient, kept ones dy/(1-p).")
        dots, moves = self.travel(range(UNITS), "dy", "mask", "dx", d.mask, GRAD)
        self.play(*moves, run_time=1.6)
        self.dx_values = self.values("dx", d.dx, self.colors(d.mask, GRAD))
        self.play(FadeOut(self.arrived(dots, d.mask)), appear(self.dx_values), run_time=0.8)
        # the rows the bug got wrong, right again
        self.play(LaggedStart(*(Indicate(self.dx_values[i], color=KEPT if d.mask[i] else DROPPED, scale_factor=1.1) for i in bad),
                              lag_ratio=0.4), run_time=1.2)

    def eval_mode(self):
        d = self.d
        self.narrate("eval(): forward hands back x itself and no mask.")
        eval_formulas = VGroup(
            lean(MathTex("y", "=", "x", font_size=FORMULA_SIZE, color=TEXT)),
            lean(MathTex("dx", "=", "dy", font_size=FORMULA_SIZE, color=GRAD)),
        )
        for new, old in zip(eval_formulas, self.formulas):
            new.move_to(old)
        # in the middle of the column, between two rows' dot lanes (the cells' bottom borders): no dot crosses it
        middle = UNITS // 2
        # which mode this is, under the code: the flag the forward's first line tests
        mode = mono("model.eval(): training=False", size=CODE_SIZE, color=KEPT).move_to(self.p_note, aligned_edge=LEFT)
        none = mono("None", size=NUMBER_SIZE, color=MUTED).move_to(
            (self.cell_center("mask", middle - 1) + self.cell_center("mask", middle)) / 2 + CELL_H / 2 * DOWN)
        self.play(
            FadeIn(self.panel), FadeIn(self.code),
            # y = x keeps its parts: the mask and scale fade out first, then what is left moves to the middle
            FadeOut(self.formula_forward[3], rate_func=EARLY),
            VGroup(*self.formula_forward[:3]).animate(rate_func=LATE).move_to(eval_formulas[0]),
            FadeOut(self.formula_backward), FadeOut(self.dx_values), FadeOut(self.y_values),  # nothing from training stays
            FadeIn(mode, shift=0.2 * DOWN),
            run_time=1.0,
        )
        self.play(
            self.listing.highlight(LINE_EVAL_FORWARD, KEPT),
            FadeOut(self.bands), swap(VGroup(self.mask_boxes, self.mask_values), none),
            run_time=1.0,
        )
        every = np.ones(UNITS, bool)
        dots, moves = self.travel(range(UNITS), "x", "mask", "y", every, TEXT)
        self.play(*moves, run_time=1.2)
        self.y_values = self.values("y", d.eval_y, [TEXT] * UNITS)
        self.play(FadeOut(dots), appear(self.y_values), run_time=0.6)
        self.narrate("With no mask, backward hands back dy itself.")
        self.play(
            self.listing.highlight(LINE_EVAL_BACKWARD, KEPT, hop=True),
            FadeIn(eval_formulas[1]),
            run_time=0.8,
        )
        dots, moves = self.travel(range(UNITS), "dy", "mask", "dx", every, GRAD)
        self.play(*moves, run_time=1.2)
        self.dx_values = self.values("dx", d.eval_dx, [GRAD] * UNITS)
        self.play(FadeOut(dots), appear(self.dx_values), run_time=0.6)
        # dx = dy, row by row: each gradient the same number on both sides of the layer
        self.play(LaggedStart(*(
            AnimationGroup(*(Indicate(v, color=GRAD, scale_factor=1.1) for v in pair))
            for pair in zip(self.dx_values, self.dy_values)
        ), lag_ratio=0.3), run_time=1.6)
        self.wait(0.6)

    def practise(self):
        self.narrate("Practise it: regviz practice dropout, then regviz check practice/dropout.py")
        card = VGroup(
            label("Practise it", size=BODY_SIZE, color=TEXT),
            mono("$ regviz practice dropout", size=BODY_SIZE, color=KEPT),
            mono("$ regviz check practice/dropout.py", size=BODY_SIZE, color=KEPT),
        ).arrange(DOWN, buff=0.35, aligned_edge=LEFT).move_to([0, 0, 0])
        stage = Group(*(m for m in self.mobjects if m is not self.title))
        self.play(FadeOut(stage), run_time=0.8)
        self.play(LaggedStart(*(FadeIn(line, shift=0.2 * UP) for line in card), lag_ratio=0.5), run_time=2.4)
        self.finish_cue(rest=0.5)
