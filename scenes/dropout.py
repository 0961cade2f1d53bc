"""Dropout in training (random masks, survivors scaled by 1/(1-p)) versus inference (identity).

Storyboard: one layer of eight activations x, a bar each, beside regviz's reference dropout_forward
(read from its source). Training draws a mask (`mask = rng.random(x.shape) > p`): dropped units fall
to 0 and survivors grow by 1/(1-p), x2 at p = 0.5, the factor on screen. The mean of the first n
forwards, n counting up to 1000, brings each bar back to x (E[y] = x). At p = 0.2 (p is the chance to
DROP) about one unit in five goes and survivors grow x1.25. Then the implicit ensemble: three thinned
copies of a small network, sharing its weights, each with its own mask; their mean output over more
and more masks reaches what eval() computes in one pass with the full network, no mask and no scaling.
Why it regularizes (scenes/why.py): on a small noisy problem, dropout narrows the gap between training and
held-out loss of a network far too big for it. Every number comes from `data(seed)` and the core.
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
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Group,
    GrowFromEdge,
    Indicate,
    LaggedStart,
    ShowPassingFlash,
    SurroundingRectangle,
    Line,
    MathTex,
    Rectangle,
    Transform,
    ValueTracker,
    VGroup,
    linear,
)

import regviz
from scenes.common import (
    BODY_SIZE,
    DROPPED,
    EDGE,
    FAINT,
    KEPT,
    MUTED,
    NUMBER_SIZE,
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
from scenes.why import WhyMixin


P = 0.5  # probability of DROPPING a unit (PyTorch's convention)
P_LOW = 0.2  # a second p, so p cannot be taken for the keep probability
UNITS = 8
FORWARDS = 1000  # training forwards averaged, one mask each
INPUTS, HIDDEN = 3, 5  # the small network of the ensemble: inputs -> hidden (dropout) -> one output
NETS = 3  # thinned networks drawn side by side
MASKS = 10000  # thinned networks averaged

# The code panel: regviz's reference dropout_forward, read from its source, comments left to the captions.
FORWARD = listing("regviz.dropout.dropout_forward")
LISTING = FORWARD.code
LINE_MASK = FORWARD.find("mask = rng.random(x.shape) > p", exact=True)
LINE_FORWARD = FORWARD.find("return x * mask / (1 - p), mask", exact=True)


@dataclass(frozen=True)
class DropoutData:
    p: float
    x: np.ndarray  # (UNITS,) the layer's activations, rounded to 2 decimals
    mask: np.ndarray  # (UNITS,) bool keep-mask of the first training forward
    output: np.ndarray  # (UNITS,) that forward(x): x * mask / (1 - p)
    means: np.ndarray  # (FORWARDS, UNITS) row n - 1: the mean of the first n training outputs
    p_low: float
    low_mask: np.ndarray  # (UNITS,) the keep-mask of a forward at p_low
    low_output: np.ndarray  # (UNITS,) that forward(x)
    v: np.ndarray  # (INPUTS,) the small network's input
    w1: np.ndarray  # (HIDDEN, INPUTS) its first weights, shared by every thinned network
    w2: np.ndarray  # (HIDDEN,) its output weights, shared too
    net_masks: np.ndarray  # (NETS, HIDDEN) bool: the masks of the first NETS training forwards
    net_outputs: np.ndarray  # (NETS,) w2 . dropout(w1 v) under those masks
    ensemble_means: np.ndarray  # (MASKS,) entry n - 1: the mean output of the first n thinned networks
    eval_output: float  # w2 . dropout(w1 v) after .eval(): the full network


def data(seed=0):
    """Everything the scene shows, computed by the regviz core from `seed`."""
    x_stream, low_stream, net_stream, mask_stream = np.random.SeedSequence(seed).spawn(4)  # independent streams
    x = np.round(np.random.default_rng(x_stream).uniform(0.2, 1.5, UNITS), 2)
    layer = regviz.Dropout(P, rng=seed)
    runs = [layer.forward(x)]
    mask = layer.mask.copy()
    runs += [layer.forward(x) for _ in range(FORWARDS - 1)]  # the same layer again and again: a new mask each time
    low = regviz.Dropout(P_LOW, rng=np.random.default_rng(low_stream))
    low_output = low.forward(x)

    rng = np.random.default_rng(net_stream)
    v = np.round(rng.uniform(0.5, 1.5, INPUTS), 2)
    w1 = np.round(rng.uniform(0.1, 1.0, (HIDDEN, INPUTS)), 2)  # positive: every hidden unit is active
    w2 = np.round(rng.normal(0.0, 1.0, HIDDEN), 2)
    hidden = w1 @ v  # (HIDDEN,)
    net = regviz.Dropout(P, rng=np.random.default_rng(mask_stream))
    outputs, net_masks = [], []
    for _ in range(NETS):  # one thinned network per forward: the ones drawn
        outputs.append(w2 @ net.forward(hidden))
        net_masks.append(net.mask.copy())
    outputs += [w2 @ net.forward(hidden) for _ in range(MASKS - NETS)]
    net.eval()
    return DropoutData(
        p=layer.p,
        x=x,
        mask=mask,
        output=runs[0],
        means=np.cumsum(runs, axis=0) / np.arange(1, FORWARDS + 1)[:, None],
        p_low=low.p,
        low_mask=low.mask,
        low_output=low_output,
        v=v,
        w1=w1,
        w2=w2,
        net_masks=np.array(net_masks),
        net_outputs=np.array(outputs[:NETS]),
        ensemble_means=np.cumsum(outputs) / np.arange(1, MASKS + 1),
        eval_output=float(w2 @ net.forward(hidden)),
    )


FORMULA_SIZE = BODY_SIZE + 6  # MathTex beside the body text; every number is mono (scenes/common.py), counting

# --- layout (frame 14.2 x 8; subtitles cover the strip below y = -2.9) ---
PANEL_LEFT = -7.1 + EDGE
LINE_TOP = 2.7
LINE_STEP = 0.3
RIGHT_LEFT = 0.45  # left edge of the right-hand column: the rule, p, the factor
COLUMN_STEP = 0.6  # between the lines of that column
BASELINE = -2.1  # the bars stand on it
BAR_SCALE = 0.8  # height per unit of activation
BAR_W = 0.62
PITCH = 1.5
FIRST_BAR = -(UNITS - 1) * PITCH / 2
NUMBER_Y = BASELINE - 0.38
# the ensemble: small networks side by side, inputs at the top, one output at the bottom
NET_X = (-5.25, -1.75, 1.75)
EVAL_NET_X = 5.25
NET_LABEL_Y, INPUT_Y, HIDDEN_Y, OUT_Y = 2.75, 2.15, 0.5, -0.95
NODE_R = 0.2
HIDDEN_STEP = 0.62
MEAN_Y = -2.35


class DropoutScene(WhyMixin, RegvizScene):
    # seed 21: p = 0.5 drops 4 of the 8 units and p = 0.2 drops 1, so the two p look different on screen;
    # its three thinned networks all keep a hidden unit (a mask may drop every unit: not a first example)
    seed = 21

    def construct(self):
        self.d = data(self.seed)
        self.headline()
        self.show_layer()
        self.draw_mask()
        self.scale_survivors()
        self.average_masks()
        self.other_p()
        self.ensemble()
        self.inference()
        self.why_dropout_gap()  # scenes/why.py: the demonstrated claim, for this seed

    # --- builders: the bars ---
    def bar_x(self, i):
        return FIRST_BAR + i * PITCH

    def bar(self, i, value, color=TEXT):
        """Unit i's bar, `value` tall (a sliver at 0, so it can grow again)."""
        height = max(value * BAR_SCALE, 1e-3)
        bar = Rectangle(width=BAR_W, height=height, stroke_width=0).set_fill(color, 0.85)
        return bar.move_to([self.bar_x(i), BASELINE, 0], aligned_edge=DOWN)

    def shown(self, i):
        """The value unit i's number shows: its tracker, or the running mean while averaging."""
        return self.values[i].get_value()

    def resize(self, values, colors):
        """Animations: every bar to its new value (and colour), every number counting to it."""
        anims = []
        for i, (value, color) in enumerate(zip(values, colors)):
            anims.append(Transform(self.bars[i], self.bar(i, value, color)))
            self.numbers[i].set_color(color)
            anims.append(self.values[i].animate.set_value(value))
        return anims

    @staticmethod
    def still(*numbers):
        """Stop counters from redrawing (a play with no updaters redraws only what moves): they keep their value."""
        for number in numbers:
            number.saved_updaters = number.get_updaters()[:]
            number.clear_updaters()

    @staticmethod
    def live(*numbers):
        """Counters stopped by still() follow their value again."""
        for number in numbers:
            for updater in number.saved_updaters:
                number.add_updater(updater)

    def rename(self, text):
        """Animation: the row's name fades out, then `text` fades in where it stood."""
        name = label(text, size=SMALL_SIZE, color=MUTED).move_to([PANEL_LEFT, NUMBER_Y, 0], aligned_edge=LEFT)
        old, self.name = self.name, name
        return swap(old, name)

    def crosses(self, mask):
        """A red cross over each dropped unit's outline."""
        return VGroup(*(
            label("\u2717", size=BODY_SIZE, color=DROPPED).next_to(self.ghosts[i], UP, buff=0.12)
            for i in range(UNITS) if not mask[i]
        ))

    # --- storyboard steps: one layer ---
    def show_layer(self):
        d = self.d
        self.narrate("One layer's activations x: eight units, a bar each.")
        self.bars = VGroup(*(self.bar(i, v) for i, v in enumerate(d.x)))
        self.ghosts = VGroup(*(
            Rectangle(width=BAR_W + 0.1, height=v * BAR_SCALE, stroke_width=2, stroke_color=MUTED)
            .move_to([self.bar_x(i), BASELINE, 0], aligned_edge=DOWN)
            for i, v in enumerate(d.x)
        ))
        self.values = [ValueTracker(0.0) for _ in range(UNITS)]
        self.numbers = VGroup(*(
            counting(lambda i=i: self.shown(i), [self.bar_x(i), NUMBER_Y, 0]) for i in range(UNITS)
        ))
        self.baseline = Line([FIRST_BAR - 0.6, BASELINE, 0], [-FIRST_BAR + 0.6, BASELINE, 0], stroke_width=2, color=MUTED)
        self.name = label("x", size=SMALL_SIZE, color=MUTED).move_to([PANEL_LEFT, NUMBER_Y, 0], aligned_edge=LEFT)
        self.add(self.numbers)
        self.play(
            Create(self.baseline),
            LaggedStart(*(GrowFromEdge(b, DOWN) for b in self.bars), lag_ratio=0.1),
            *(value.animate.set_value(v) for value, v in zip(self.values, d.x)),
            FadeIn(self.name),
            run_time=2.4,
        )
        self.still(*self.numbers)

    def right_column(self, mobject, line):
        """`mobject` on line `line` of the right-hand column, left-aligned."""
        return mobject.move_to([RIGHT_LEFT, LINE_TOP - 0.1 - line * COLUMN_STEP, 0], aligned_edge=LEFT)

    def symbol_and_number(self, tex, line, value, color, digits):
        """A MathTex symbol on line `line` of the right column and, after it, a mono number counting `value()`."""
        symbol = self.right_column(lean(MathTex(tex, font_size=FORMULA_SIZE, color=color)), line)
        # level with the symbol's last glyph (its "=" or "x"), not its centre: "p" hangs below the line
        number = counting(value, lambda: [symbol.get_right()[0] + 0.15, symbol[0][-1].get_center()[1], 0], digits=digits,
                          color=color, edge=LEFT)
        return symbol, number

    def draw_mask(self):
        d = self.d
        self.narrate(f"Training: each unit is dropped with probability p = {d.p:g}.")
        self.listing = CodePanel(LISTING, PANEL_LEFT, LINE_TOP, LINE_STEP)
        self.rule = self.right_column(lean(MathTex(r"y = x \odot m \,/\, (1-p)", font_size=FORMULA_SIZE, color=TEXT)), 0)
        self.p = ValueTracker(d.p)  # one p: its value and the survivors' factor 1/(1-p) both follow it
        self.p_name, self.p_value = self.symbol_and_number("p =", 1, self.p.get_value, DROPPED, 2)
        self.trap = label("= chance to DROP (PyTorch)", size=SMALL_SIZE, color=DROPPED)
        self.trap.next_to(self.p_value, RIGHT, buff=0.35)
        self.play(FadeIn(self.listing.panel), FadeIn(self.listing.code, lag_ratio=0.05), FadeIn(self.rule), run_time=1.2)
        self.marks = self.crosses(d.mask)
        self.play(
            self.listing.highlight(LINE_MASK),
            FadeIn(self.p_name), FadeIn(self.p_value), FadeIn(self.trap),
            FadeIn(self.ghosts),
            LaggedStart(*(b.animate.set_fill(KEPT if k else FAINT, 0.85) for b, k in zip(self.bars, d.mask)), lag_ratio=0.1),
            LaggedStart(*(FadeIn(m, scale=1.4) for m in self.marks), lag_ratio=0.3),
            run_time=1.8,
        )
        self.still(self.p_value)

    def scale_survivors(self):
        d = self.d
        self.narrate(f"Dropped units output 0; survivors are multiplied by 1/(1-p) = {1 / (1 - d.p):g}.")
        self.factor_name, self.factor = self.symbol_and_number(
            r"\times\, 1/(1-p) = \times", 2, lambda: 1 / (1 - self.p.get_value()), KEPT, 2)
        self.play(
            self.listing.highlight(LINE_FORWARD, hop=True),
            FadeIn(VGroup(self.factor_name, self.factor), shift=0.2 * DOWN),
            self.rename("y"),
            run_time=0.8,
        )
        self.still(self.factor)
        self.live(*self.numbers)
        self.play(*self.resize(d.output, [KEPT if k else DROPPED for k in d.mask]), run_time=2.2)
        self.still(*self.numbers)

    def average_masks(self):
        d = self.d
        self.narrate("Half the time 0, half the time 2x: on average each unit is x.")
        n = ValueTracker(0.0)  # log10 of the number of forwards averaged

        def forwards():
            return int(round(10 ** n.get_value()))

        words = self.right_column(label("forwards averaged:", size=SMALL_SIZE, color=MUTED), 3)
        count = counting(forwards, lambda: words.get_right() + 0.25 * RIGHT, digits=0, edge=LEFT)
        readout = VGroup(words, count)
        self.live(*self.numbers)
        self.play(FadeIn(readout), FadeOut(self.marks), self.rename("mean"),
                  *self.resize(d.means[0], [TEXT] * UNITS), run_time=0.8)
        # every frame shows the true mean of the first n forwards, n counting up to FORWARDS
        self.shown = lambda i: d.means[forwards() - 1, i]
        for i, bar in enumerate(self.bars):
            bar.add_updater(lambda m, i=i: m.become(self.bar(i, d.means[forwards() - 1, i])))
        self.play(n.animate.set_value(np.log10(FORWARDS)), run_time=4.2, rate_func=linear)
        for bar in self.bars:
            bar.clear_updaters()
        for value, mean in zip(self.values, d.means[-1]):
            value.set_value(mean)
        del self.shown  # the trackers again, now at the mean of every forward
        self.still(count, *self.numbers)
        self.expectation = self.right_column(lean(MathTex(
            r"\mathbb{E}[y_i] = (1-p)\cdot x_i/(1-p) = x_i", font_size=FORMULA_SIZE, color=KEPT)), 3)
        self.narrate("So E[y] = x: nothing has to change at inference.")
        # the count gives way to what it converged to: out first, then in, never one over the other
        self.play(LaggedStart(FadeOut(readout, shift=0.3 * UP), FadeIn(self.expectation, shift=0.3 * UP), lag_ratio=1.0),
                  run_time=1.2)
        self.play(*(Indicate(number, color=KEPT) for number in self.numbers), run_time=1.2)

    def other_p(self):
        d = self.d
        self.narrate(f"p is the chance to DROP: at p = {d.p_low:g} about one unit in five goes.")
        # the other convention, named as such: CS231n's p is what is kept, 1 - p here (mono number)
        keep = VGroup(label("CS231n: keep prob. = 1 \u2212 p =", size=SMALL_SIZE, color=MUTED),
                      mono(fmt(1 - d.p_low), size=NUMBER_SIZE, color=MUTED))
        keep[1].next_to(keep[0], RIGHT, buff=0.15)
        self.right_column(keep, 3)
        self.live(self.p_value, self.factor, *self.numbers)
        # p counts down to 0.2 and the factor 1/(1-p) with it; the bars go back to x for a new forward
        self.play(
            FadeOut(self.expectation),
            self.p.animate.set_value(d.p_low),
            self.rename("x"),
            self.listing.highlight(LINE_MASK, hop=True),
            *self.resize(d.x, [TEXT] * UNITS),
            run_time=1.4,
        )
        self.still(self.p_value, self.factor, *self.numbers)
        self.marks = self.crosses(d.low_mask)
        self.play(
            LaggedStart(*(b.animate.set_fill(KEPT if k else FAINT, 0.85) for b, k in zip(self.bars, d.low_mask)),
                        lag_ratio=0.1),
            LaggedStart(*(FadeIn(m, scale=1.4) for m in self.marks), lag_ratio=0.4),
            run_time=1.8,
        )
        self.narrate(f"Survivors grow by 1/(1-{d.p_low:g}) = {1 / (1 - d.p_low):g}. CS231n keeps 1-p = {1 - d.p_low:g}.")
        self.play(self.listing.highlight(LINE_FORWARD, hop=True), Indicate(self.factor, color=KEPT), self.rename("y"),
                  run_time=0.8)
        self.live(*self.numbers)
        self.play(*self.resize(d.low_output, [KEPT if k else DROPPED for k in d.low_mask]), FadeIn(keep), run_time=2.2)
        self.still(*self.numbers)

    # --- the implicit ensemble ---
    def network(self, cx):
        """The small network at x = cx, every unit on: (edges, nodes); edges[k] are hidden unit k's edges, their
        stroke widths from the shared weights |w1|, |w2|; nodes are inputs, hidden units, output."""
        d = self.d
        inputs = [np.array([cx + (j - (INPUTS - 1) / 2) * HIDDEN_STEP, INPUT_Y, 0]) for j in range(INPUTS)]
        hidden = [np.array([cx + (k - (HIDDEN - 1) / 2) * HIDDEN_STEP, HIDDEN_Y, 0]) for k in range(HIDDEN)]
        out = np.array([cx, OUT_Y, 0])
        edges = VGroup(*(
            VGroup(
                *(Line(inputs[j], hidden[k], stroke_width=1 + 3 * d.w1[k, j], color=MUTED, buff=NODE_R)
                  for j in range(INPUTS)),
                Line(hidden[k], out, stroke_width=1 + 2.5 * abs(d.w2[k]), color=MUTED, buff=NODE_R),
            )
            for k in range(HIDDEN)
        ))
        nodes = VGroup(
            VGroup(*(Circle(radius=NODE_R, color=MUTED, stroke_width=2).move_to(p) for p in inputs)),
            VGroup(*(Circle(radius=NODE_R, color=KEPT, stroke_width=2.5).move_to(p) for p in hidden)),
            Circle(radius=NODE_R, color=TEXT, stroke_width=2.5).move_to(out),
        )
        return VGroup(edges, nodes)

    def thin(self, net, mask):
        """Animations: the hidden units `mask` drops lose their edges and get a cross."""
        edges, nodes = net
        crosses = [label("\u2717", size=SMALL_SIZE, color=DROPPED).move_to(nodes[1][k]) for k in range(HIDDEN) if not mask[k]]
        return [
            *(FadeOut(edges[k]) for k in range(HIDDEN) if not mask[k]),
            *(nodes[1][k].animate.set_stroke(DROPPED) for k in range(HIDDEN) if not mask[k]),
            *(FadeIn(c, scale=1.4) for c in crosses),
        ]

    def ensemble(self):
        d = self.d
        self.narrate("Each step's mask thins the network: a different sub-network.")
        stage = Group(*(m for m in self.mobjects if m is not self.title))
        self.play(FadeOut(stage), run_time=0.8)
        self.nets = [self.network(cx) for cx in NET_X]
        names = VGroup(*(
            label(f"mask {i + 1}", size=SMALL_SIZE, color=MUTED).move_to([cx, NET_LABEL_Y, 0]) for i, cx in enumerate(NET_X)
        ))
        self.play(LaggedStart(*(FadeIn(VGroup(n, t)) for n, t in zip(self.nets, names)), lag_ratio=0.2), run_time=1.2)
        self.play(LaggedStart(*(AnimationGroup(*self.thin(net, mask)) for net, mask in zip(self.nets, d.net_masks)),
                              lag_ratio=0.4), run_time=1.8)
        self.narrate("They all share one set of weights: the same edges in each.")
        # a unit's edges lit in place in each network, one after the other: the same weights, line for line
        kept_by_all = np.flatnonzero(np.all(d.net_masks, axis=0))  # a unit every mask keeps: live in each net
        k = int(kept_by_all[0]) if kept_by_all.size else int(np.flatnonzero(d.net_masks[0])[0])
        bundles = [net[0][k].copy() for net, mask in zip(self.nets, d.net_masks) if mask[k]]
        for line in (line for bundle in bundles for line in bundle):  # drawn over the grey edges, a little wider
            line.set_stroke(KEPT, width=line.get_stroke_width() + 2.5)
        self.play(LaggedStart(*(FadeIn(b) for b in bundles), lag_ratio=0.7), run_time=2.4)
        self.play(*(FadeOut(b) for b in bundles), run_time=0.6)

        self.narrate("Averaging them is the implicit ensemble: a mean over masks.")
        # each thinned network's output, computed: the shared weights through its own mask
        outputs = [ValueTracker(0.0) for _ in NET_X]
        self.outs = VGroup(*(
            counting(out.get_value, [cx, OUT_Y - NODE_R - 0.3, 0]) for out, cx in zip(outputs, NET_X)
        ))
        self.add(self.outs)
        self.play(*(out.animate.set_value(v) for out, v in zip(outputs, d.net_outputs)), run_time=1.0)
        self.still(*self.outs)
        n = ValueTracker(np.log10(NETS))  # log10 of the number of thinned networks averaged

        def masks():
            return int(round(10 ** n.get_value()))

        words = label("masks, mean output", size=SMALL_SIZE, color=MUTED).move_to([NET_X[1], MEAN_Y, 0])
        count = counting(masks, lambda: words.get_left() + 0.3 * LEFT, digits=0, edge=RIGHT)
        mean = counting(lambda: d.ensemble_means[masks() - 1], lambda: words.get_right() + 0.3 * RIGHT, color=KEPT,
                        edge=LEFT)
        self.mean_row = VGroup(count, words, mean)
        # the three outputs flow down into their mean (a dot each: a number never slides over another)
        dots = [Dot(o.get_bottom() + 0.12 * DOWN, radius=0.07, color=TEXT) for o in self.outs]
        self.play(FadeIn(self.mean_row), *(FadeOut(dot, target_position=mean.get_center() + 0.25 * UP, scale=0.5)
                                           for dot in dots), run_time=1.2)
        # every frame shows the true mean over the first n masks, n counting up to MASKS
        self.play(n.animate.set_value(np.log10(MASKS)), run_time=1.9, rate_func=linear)
        self.still(count, mean)
        self.mean = mean

    def inference(self):
        d = self.d
        self.narrate("eval(): the full network, no mask and no scaling (y = x).")
        title = lean(MathTex(r"\texttt{eval()}", font_size=FORMULA_SIZE, color=KEPT)).move_to([EVAL_NET_X, NET_LABEL_Y, 0])
        full = self.network(EVAL_NET_X)
        value = ValueTracker(0.0)
        out = counting(value.get_value, [EVAL_NET_X, OUT_Y - NODE_R - 0.3, 0], color=KEPT)
        self.play(FadeIn(full), FadeIn(title), FadeIn(out), run_time=1.0)
        self.play(value.animate.set_value(d.eval_output),
                  LaggedStart(*(ShowPassingFlash(e.copy().set_stroke(KEPT), time_width=0.8) for e in full[0]),
                              lag_ratio=0.1),
                  run_time=1.6)
        self.still(out)
        self.narrate("One pass approximates the ensemble's average: why training scales.")
        approx = lean(MathTex(r"\approx", font_size=FORMULA_SIZE, color=TEXT))
        approx.move_to([(self.mean_row.get_right()[0] + EVAL_NET_X) / 2 - 0.3, MEAN_Y, 0])
        # eval's one output moves down beside the mean over 10000 thinned networks
        self.play(out.animate.move_to([EVAL_NET_X, MEAN_Y, 0]), FadeIn(approx), run_time=1.4)
        pair = SurroundingRectangle(VGroup(self.mean, out), color=KEPT, buff=0.15, stroke_width=2)
        self.play(Create(pair), Indicate(self.mean, color=KEPT), Indicate(out, color=KEPT), run_time=1.4)
        self.finish_cue(rest=0.3)
