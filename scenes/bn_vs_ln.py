"""Q4: batch norm vs layer norm: which slice the statistics run over, padding, batch size 1, and transformers.

Every number on screen comes from `data(seed)`: a seeded batch of sentences x tokens x features with
padded tokens; batch norm's mean and variance per feature over every sentence and token (pads
included, the way regviz.BatchNorm / PyTorch's BatchNorm1d sees them) and over the real tokens only;
layer norm's mean and variance per token; and a batch of one, where each feature's batch is one value
(variance 0), so every output is beta, next to layer norm's output for the same sample.
"""
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Indicate, LaggedStart, MathTex, Rectangle, ValueTracker,
    VGroup, smooth, there_and_back,
)

import regviz
from scenes.common import (
    BATCH, BODY_SIZE, DROPPED, LAYER, MUTED, PANEL, SMALL_SIZE, TEXT,
    MonoText, RegvizScene, baseline, counting, fmt, label, mono, onto_baseline, swap,
)
from scenes.why import WhyMixin


B, T, D = 3, 4, 3  # the block on screen: B sentences x T token slots x D features
LENGTHS = (4, 2, 3)  # real tokens per sentence; the rest of the T slots are padding (zeros)
EPS = 1e-5
CELL_W, CELL_H = 1.05, 0.5  # a cell of the block: "-9.9" in the mono face with room for a box around it
NUMBER = SMALL_SIZE - 2  # the block's numbers
SLAB_GAP = 0.7
BLOCK_TOP = 1.55  # y of the first token row
HOLD = 0.9  # seconds a slice stays highlighted with its final statistics
# the tokens layer norm's box visits: sentence 1's first two, then sentence 2's real tokens and its first pad
LN_ORDER = [(0, 0), (0, 1)] + [(1, t) for t in range(LENGTHS[1] + 1)]
ONE = 1  # the batch of one: sentence 1's tokens 1 and 2, one after the other


@dataclass
class BNvsLNData:
    x: np.ndarray  # (B, T, D) sentences x tokens x features, padded slots are 0
    real: np.ndarray  # (B, T) True for a real token, False for padding
    bn_mean: np.ndarray  # (D,) batch norm's mean per feature over all B * T slots, pads included
    bn_var: np.ndarray  # (D,) ... biased variance
    real_mean: np.ndarray  # (D,) the same over the real tokens only
    real_var: np.ndarray  # (D,)
    bn_out: np.ndarray  # (B, T, D) regviz.BatchNorm(D) training output on x, read as (B, D, T)
    ln_mean: np.ndarray  # (B, T) layer norm's mean per token, over its D features
    ln_var: np.ndarray  # (B, T)
    ln_out: np.ndarray  # (B, T, D) regviz.LayerNorm(D) output
    gamma: np.ndarray  # (D,) the learned scale and shift for the batch of one
    beta: np.ndarray  # (D,)
    ones: np.ndarray  # (2, D) two samples, each a batch of one: sentence 1's tokens 1 and 2
    one_mean: np.ndarray  # (2, D) each feature's mean over its batch of one value
    one_var: np.ndarray  # (2, D) ... and its variance: 0
    one_out: np.ndarray  # (2, D) batch norm's output for a batch of one: beta, whatever the input
    one_ln: np.ndarray  # (2, D) regviz.LayerNorm(D) (gamma, beta) output for the same samples


def data(seed=0):
    """Everything the scene shows, computed by regviz.BatchNorm and regviz.LayerNorm from `seed`."""
    rng = np.random.default_rng(seed)
    offset = np.round(rng.uniform(-2.0, 2.0, D), 1)  # (D,) each feature on its own scale
    scale = np.round(rng.uniform(0.5, 2.0, D), 1)  # (D,)
    real = np.arange(T)[None, :] < np.array(LENGTHS)[:, None]  # (B, T)
    x = np.clip(np.round(offset + scale * rng.standard_normal((B, T, D)), 1), -9.9, 9.9)
    x = np.where(real[..., None], x, 0.0)  # (B, T, D) padded slots hold zeros
    gamma = np.round(rng.uniform(0.5, 2.0, D), 1)  # (D,)
    beta = np.round(rng.uniform(-1.0, 1.0, D), 1)  # (D,)

    slots = x.reshape(B * T, D)  # (B*T, D) every slot is one value of each feature's batch
    kept = x[real]  # (real tokens, D)
    # BatchNorm1d reads (N, C, L): features as channels, tokens as length; statistics over N and L
    bn_out = regviz.BatchNorm(D)(x.transpose(0, 2, 1)).transpose(0, 2, 1)
    ln_out = regviz.LayerNorm(D)(x)

    ones = x[0, :2]  # (2, D)
    # a batch of one: each feature normalised over its single value. regviz.BatchNorm refuses it in training,
    # as PyTorch does; LayerNorm over an axis of length 1 is exactly that normalisation, so the core computes it
    xhat_one = regviz.layernorm_forward(ones[..., None], np.ones(1), np.zeros(1))[0][..., 0]  # (2, D)
    ln = regviz.LayerNorm(D)
    ln.gamma, ln.beta = gamma.copy(), beta.copy()
    return BNvsLNData(
        x=x, real=real, bn_mean=slots.mean(axis=0), bn_var=slots.var(axis=0),
        real_mean=kept.mean(axis=0), real_var=kept.var(axis=0), bn_out=bn_out,
        ln_mean=x.mean(axis=2), ln_var=x.var(axis=2), ln_out=ln_out,
        gamma=gamma, beta=beta, ones=ones, one_mean=ones.copy(), one_var=np.zeros_like(ones),
        one_out=gamma * xhat_one + beta, one_ln=ln(ones),
    )


def slab_left(b):
    """Screen x of sentence b's left edge: the B slabs side by side, centred."""
    width = D * CELL_W
    total = B * width + (B - 1) * SLAB_GAP
    return -total / 2 + b * (width + SLAB_GAP) + 0.25


def cell_center(b, t, j):
    return np.array([slab_left(b) + (j + 0.5) * CELL_W, BLOCK_TOP - t * CELL_H, 0.0])


def column_boxes(j):
    """Feature j's column in every sentence: the slice batch norm averages over. The boxes sit inside the
    cells' pitch, so their edges run in the gaps between columns, never through a digit."""
    return VGroup(*[Rectangle(width=CELL_W - 0.06, height=T * CELL_H + 0.02, color=BATCH, stroke_width=4)
                    .move_to((cell_center(b, 0, j) + cell_center(b, T - 1, j)) / 2) for b in range(B)])


def row_box(b, t):
    """Token t of sentence b: the slice layer norm averages over (edges in the gaps between rows)."""
    return Rectangle(width=D * CELL_W - 0.06, height=CELL_H - 0.06, color=LAYER, stroke_width=4).move_to(
        (cell_center(b, t, 0) + cell_center(b, t, D - 1)) / 2)


def mix(values, k):
    """values[k] for a fractional k: linear between neighbours (a count between two shown values)."""
    values = np.asarray(values, dtype=float)
    i = min(int(np.floor(k)), len(values) - 2)
    return (1 - (k - i)) * values[i] + (k - i) * values[i + 1]


class BNvsLNScene(WhyMixin, RegvizScene):
    def construct(self):
        self.d = data(self.seed)
        self.headline()
        self.show_block()
        self.batch_slices()
        self.layer_slices()
        self.clear_stage()
        self.batch_of_one()
        self.why_padding()  # scenes/why.py: the demonstrated claim, for this seed
        self.clear_stage()
        self.recap()
        self.finish_cue(rest=0.5)

    # --- the block: sentences x tokens x features, with padding ---
    def block(self, zeros=True):
        """The block of sentences; a pad cell shows its zero (or the word "pad", before the zeros are named)."""
        d = self.d
        slabs, names, heads = VGroup(), VGroup(), VGroup()
        for b in range(B):
            slab = VGroup()
            for t in range(T):
                for j in range(D):
                    if d.real[b, t]:
                        slab.add(mono(fmt(d.x[b, t, j], 1), size=NUMBER, color=TEXT).move_to(cell_center(b, t, j)))
                    else:
                        slab.add(VGroup(
                            Rectangle(width=CELL_W - 0.1, height=CELL_H - 0.1, stroke_color=MUTED, stroke_width=2,
                                      fill_color=PANEL, fill_opacity=1).move_to(cell_center(b, t, j)),
                            mono(fmt(0.0, 1) if zeros else "pad", size=NUMBER - 2 if not zeros else NUMBER,
                                 color=MUTED).move_to(cell_center(b, t, j)),
                        ))
            slabs.add(slab)
            pads = T - LENGTHS[b]
            name = f"sentence {b + 1}" + (f": {pads} pad" + ("s" if pads > 1 else "") if pads else "")
            top = cell_center(b, 0, 0)[1] + CELL_H / 2
            names.add(label(name, size=SMALL_SIZE, color=MUTED).move_to(
                [slab_left(b) + D * CELL_W / 2, top + 0.75, 0]))
            onto_baseline(names[-1], baseline(names[0]))  # one line of headings, whichever has a "p" hanging
            heads.add(VGroup(*[mono(f"f{j + 1}", size=NUMBER - 2, color=MUTED).move_to(
                [cell_center(b, 0, j)[0], top + 0.25, 0]) for j in range(D)]))
        tokens = VGroup(*[mono(f"t{t + 1}", size=NUMBER - 2, color=MUTED).next_to(
            cell_center(0, t, 0) - [CELL_W / 2, 0, 0], LEFT, buff=0.2) for t in range(T)])
        return slabs, names, heads, tokens

    def show_block(self):
        slabs, names, heads, tokens = self.block(zeros=False)
        self.narrate(f"A batch of {B} sentences, {T} token slots each, {D} features per token.")
        # each sentence fades in whole, one after the other (a lag inside a FadeIn would draw it glyph by glyph)
        self.play(LaggedStart(*[FadeIn(VGroup(names[b], heads[b], slabs[b]), shift=0.3 * RIGHT) for b in range(B)],
                              lag_ratio=0.4),
                  FadeIn(tokens), run_time=2.6)
        where = [(b, t, j) for b in range(B) for t in range(LENGTHS[b], T) for j in range(D)]
        pads = VGroup(*[slabs[b][t * D + j] for b, t, j in where])
        self.narrate("Shorter sentences are padded with zeros to the same length.")
        # the pad cells light up, then show what they hold: zeros (the word fades out before the number fades in)
        self.play(VGroup(*[cell[0] for cell in pads]).animate(rate_func=there_and_back).set_stroke(TEXT, width=3),
                  run_time=1.0)
        zeros = [mono(fmt(0.0, 1), size=NUMBER, color=MUTED).move_to(cell[1]) for cell in pads]
        self.play(FadeOut(VGroup(*[cell[1] for cell in pads])), run_time=0.5)
        for cell in pads:  # the cell keeps its box; its zero is drawn on top from now on
            cell.remove(cell[1])
        self.play(FadeIn(VGroup(*zeros)), run_time=0.6)
        self.pad_zeros = dict(zip(where, zeros))
        self.block_parts = VGroup(slabs, names, heads, tokens)

    # --- batch norm: one feature, every sentence and token ---
    def batch_slices(self):
        d = self.d
        self.feature = ValueTracker(0.0)
        boxes = [column_boxes(j) for j in range(D)]
        y0 = -1.0
        title = VGroup(
            label("BatchNorm, feature", size=SMALL_SIZE, color=BATCH),
            mono("f", size=SMALL_SIZE, color=BATCH),
        ).arrange(RIGHT, buff=0.15).move_to([-3.2, y0, 0])
        number = counting(lambda: self.feature.get_value() + 1, lambda: title.get_right() + 0.02 * RIGHT, digits=0,
                          size=SMALL_SIZE, color=BATCH, edge=LEFT)
        scope = label(f"over {B} sentences × {T} tokens = {B * T} values", size=SMALL_SIZE, color=MUTED)
        scope.next_to(title, RIGHT, buff=0.5)
        rows = VGroup()
        stats = []
        for k, (name, means, variances) in enumerate((("pads included", d.bn_mean, d.bn_var),
                                                      ("real tokens only", d.real_mean, d.real_var))):
            y = y0 - 0.75 * (k + 1)
            # the labels sit on their numbers' baseline (μ, p and y hang below it: a centred box would ride high)
            row_name = label(name, size=SMALL_SIZE, color=TEXT if k == 0 else MUTED).move_to([-4.6, y, 0])
            onto_baseline(row_name, MonoText.digit_baseline(y, size=SMALL_SIZE))
            mu = MonoText("μ =", size=SMALL_SIZE, color=TEXT).on_digit_line([-1.9, y, 0])
            var = MonoText("σ² =", size=SMALL_SIZE, color=TEXT).on_digit_line([1.4, y, 0])
            stats += [
                counting(lambda m=means: mix(m, self.feature.get_value()), [mu.get_right()[0] + 0.2, y, 0],
                         size=SMALL_SIZE, edge=LEFT),
                counting(lambda v=variances: mix(v, self.feature.get_value()), [var.get_right()[0] + 0.2, y, 0],
                         size=SMALL_SIZE, edge=LEFT),
            ]
            rows.add(VGroup(row_name, mu, var))
        self.narrate("Batch norm: one mean and one variance per feature, over every sentence and token.")
        self.play(Create(boxes[0]), FadeIn(title), FadeIn(number), FadeIn(scope), run_time=1.5)
        self.play(FadeIn(rows[0]), FadeIn(VGroup(*stats[:2])), run_time=1.0)
        self.wait(HOLD)
        self.play(swap(boxes[0], boxes[1]), self.feature.animate.set_value(1.0), run_time=0.8, rate_func=smooth)
        self.wait(HOLD)
        self.narrate("The pad zeros are in those averages: without them, μ and σ² would differ.")
        for counter in stats[2:]:  # made at feature 1, shown at feature 2: their glyphs must match from the start
            counter.update()
        self.play(FadeIn(rows[1]), FadeIn(VGroup(*stats[2:])), run_time=1.0)
        for j in range(1, D - 1):
            self.play(swap(boxes[j], boxes[j + 1]), self.feature.animate.set_value(float(j + 1)), run_time=0.8,
                      rate_func=smooth)
            self.wait(HOLD)
        # the pad zeros inside the last slice: counted in its pads-included mu and sigma^2 above
        last = [(b, t, D - 1) for b in range(B) for t in range(LENGTHS[b], T)]
        pads = VGroup(*[self.block_parts[0][b][t * D + j][0] for b, t, j in last])
        zeros = VGroup(*[self.pad_zeros[k] for k in last])
        self.play(pads.animate(rate_func=there_and_back).set_stroke(BATCH, width=4),
                  zeros.animate(rate_func=there_and_back).set_color(BATCH), run_time=1.4)
        self.play(FadeOut(VGroup(boxes[D - 1], title, number, scope, rows, *stats)), run_time=0.8)
        for mob in (number, *stats):
            mob.clear_updaters()

    # --- layer norm: one token, its own features ---
    def layer_slices(self):
        d = self.d
        order = LN_ORDER
        self.token = ValueTracker(0.0)

        def at():
            """The token the box is on: it changes once, half-way through a hop (the counts run between)."""
            return order[min(int(np.floor(self.token.get_value() + 0.5)), len(order) - 1)]

        boxes = [row_box(b, t) for b, t in order]
        y0 = -1.0
        title = label(f"LayerNorm, one token over its own {D} features:", size=SMALL_SIZE, color=LAYER)
        title.move_to([-2.2, y0, 0])
        which = VGroup(mono("sentence", size=SMALL_SIZE, color=LAYER), mono("token", size=SMALL_SIZE, color=LAYER))
        which[0].move_to([-5.0, y0 - 0.75, 0])
        which[1].move_to([-2.6, y0 - 0.75, 0])
        sentence = counting(lambda: at()[0] + 1, which[0].get_right() + 0.15 * RIGHT, digits=0, size=SMALL_SIZE,
                            color=LAYER, edge=LEFT)
        token = counting(lambda: at()[1] + 1, which[1].get_right() + 0.15 * RIGHT, digits=0, size=SMALL_SIZE,
                         color=LAYER, edge=LEFT)
        y = y0 - 0.75
        mu = MonoText("μ =", size=SMALL_SIZE, color=TEXT).on_digit_line([-0.2, y, 0])
        var = MonoText("σ² =", size=SMALL_SIZE, color=TEXT).on_digit_line([2.6, y, 0])
        means = [d.ln_mean[b, t] for b, t in order]
        variances = [d.ln_var[b, t] for b, t in order]
        stats = VGroup(
            counting(lambda: mix(means, self.token.get_value()), [mu.get_right()[0] + 0.2, y, 0], size=SMALL_SIZE,
                     edge=LEFT),
            counting(lambda: mix(variances, self.token.get_value()), [var.get_right()[0] + 0.2, y, 0],
                     size=SMALL_SIZE, edge=LEFT),
        )
        note = label("a pad token is normalised alone; no real token's μ or σ² sees it", size=SMALL_SIZE,
                     color=MUTED).move_to([0, y0 - 1.6, 0])

        def step_to(k, run_time):
            # box, names and counts change together in one short play, then the token's values hold
            self.play(swap(boxes[k - 1], boxes[k]), self.token.animate.set_value(float(k)), run_time=run_time,
                      rate_func=smooth)
            self.wait(HOLD)

        self.narrate("Layer norm: one mean and one variance per token, over its own features.")
        self.play(Create(boxes[0]), FadeIn(title), FadeIn(which), FadeIn(sentence), FadeIn(token), FadeIn(mu),
                  FadeIn(var), FadeIn(stats), run_time=1.4)
        self.wait(HOLD)
        for k in range(1, 3):
            step_to(k, 0.8)
        self.narrate("Padding stays in its own rows: the real tokens' statistics never include it.")
        for k in range(3, len(order)):
            step_to(k, 0.8)
        self.play(FadeIn(note, shift=0.2 * UP), run_time=0.8)
        self.layer_box = boxes[-1]
        for mob in (sentence, token, *stats):
            mob.clear_updaters()

    # --- a batch of one ---
    def batch_of_one(self):
        d = self.d
        self.sample = ValueTracker(0.0)
        xs = [1.2 + 1.6 * j for j in range(D)]  # column centres
        ys = {"x": 2.2, "mu": 1.55, "var": 0.95, "xhat": 0.35, "y": -0.25, "ln": -2.55}
        # the row names in the numbers' mono face, on the baseline of their numbers (a centred μ rode high)
        names = VGroup(
            MonoText("x", size=BODY_SIZE, color=TEXT).on_digit_line([-2.0, ys["x"], 0], digits=SMALL_SIZE),
            MonoText("μ", size=BODY_SIZE, color=BATCH).on_digit_line([-2.0, ys["mu"], 0], digits=SMALL_SIZE),
            MonoText("σ²", size=BODY_SIZE, color=BATCH).on_digit_line([-2.0, ys["var"], 0], digits=SMALL_SIZE),
            MathTex(r"\hat{x} = (x - \mu) / \sqrt{\sigma^2 + \epsilon}", font_size=BODY_SIZE + 2,
                    color=BATCH).move_to([-2.6, ys["xhat"], 0]),
            MathTex(r"y = \gamma\,\hat{x} + \beta", font_size=BODY_SIZE + 2, color=BATCH).move_to([-2.6, ys["y"], 0]),
        )
        heads = VGroup(*[mono(f"f{j + 1}", size=SMALL_SIZE - 2, color=MUTED).move_to([xs[j], ys["x"] + 0.55, 0])
                         for j in range(D)])
        for name in names:
            name.align_to([-0.4, 0, 0], RIGHT)
        heading = label("BatchNorm, a batch of one sample", size=SMALL_SIZE, color=BATCH)
        heading.move_to([-6.3, ys["x"] + 0.55, 0], aligned_edge=LEFT)
        params = mono(f"γ = [{', '.join(fmt(g, 1) for g in d.gamma)}]   β = [{', '.join(fmt(b, 1) for b in d.beta)}]",
                      size=SMALL_SIZE - 2, color=MUTED).move_to([1.5, -0.9, 0])

        def row(values, key, color=TEXT):
            return VGroup(*[counting(lambda j=j: mix(values, self.sample.get_value())[j], [xs[j], ys[key], 0],
                                     size=SMALL_SIZE, color=color) for j in range(D)])

        x_row = row(d.ones, "x")
        mu_row = row(d.one_mean, "mu", BATCH)
        var_row = row(d.one_var, "var", BATCH)
        xhat_row = row(np.zeros_like(d.one_out), "xhat", BATCH)
        y_row = row(d.one_out, "y", BATCH)
        boxes = VGroup(*[Rectangle(width=1.4, height=0.5, color=BATCH, stroke_width=3).move_to([xs[j], ys["x"], 0])
                         for j in range(D)])
        self.narrate("One sample with one position: each feature sees one value, so μ = x, σ² = 0.")
        self.play(FadeIn(heading), FadeIn(heads), FadeIn(names[0]), FadeIn(x_row), run_time=0.8)
        self.play(Create(boxes), run_time=0.8)
        copies = [mono(fmt(v), size=SMALL_SIZE, color=TEXT).move_to([xs[j], ys["x"], 0])
                  for j, v in enumerate(d.ones[0])]  # mu is the value itself: x moves down into the mu row
        self.play(FadeIn(names[1]), *[c.animate.move_to([c.get_center()[0], ys["mu"], 0]).set_color(BATCH)
                                      for c in copies], run_time=1.3)
        self.remove(*copies)
        self.add(mu_row)
        self.play(FadeIn(names[2]), FadeIn(var_row, shift=0.3 * DOWN), run_time=1.5)
        self.narrate("So x − μ = 0 and every output is β, whatever the input: the sample is lost.")
        self.play(FadeIn(names[3]), FadeIn(xhat_row, shift=0.2 * DOWN), run_time=0.8)
        self.play(FadeIn(names[4]), FadeIn(params), FadeIn(y_row, shift=0.2 * DOWN), run_time=0.8)
        self.play(self.sample.animate.set_value(1.0), run_time=2.2, rate_func=smooth)
        self.play(self.sample.animate.set_value(0.0), run_time=1.6, rate_func=smooth)

        error = label("PyTorch: BatchNorm1d raises an error in training for one value per channel",
                      size=SMALL_SIZE, color=MUTED).move_to([0, -1.7, 0])
        ln_name = label("LayerNorm, same sample:", size=SMALL_SIZE, color=LAYER)
        ln_name.move_to([-0.4, ys["ln"], 0], aligned_edge=RIGHT)

        def layer_norm_of_x(j):
            """Layer norm of the x row as shown (the core, for whatever sample x shows): its output only."""
            x = mix(d.ones, self.sample.get_value())  # (D,)
            return regviz.layernorm_forward(x[None], d.gamma, d.beta)[0][0][j]

        ln_cells = VGroup(*[counting(lambda j=j: layer_norm_of_x(j), [xs[j], ys["ln"], 0], size=SMALL_SIZE,
                                     color=LAYER) for j in range(D)])
        # layer norm's slice: the sample's whole row of features, around batch norm's one-value boxes
        ln_box = Rectangle(width=xs[-1] - xs[0] + 1.7, height=0.68, color=LAYER, stroke_width=3).move_to(
            [(xs[0] + xs[-1]) / 2, ys["x"], 0])
        self.narrate("PyTorch's BatchNorm1d raises an error in training for one value per channel.")
        self.play(FadeIn(error, shift=0.2 * UP), run_time=1.2)
        self.play(Indicate(boxes, color=DROPPED, scale_factor=1.05), run_time=2.0)
        self.narrate("Layer norm averages over the sample's own features: it still works.")
        self.play(Create(ln_box), run_time=0.8)
        self.play(FadeIn(ln_name), FadeIn(ln_cells, shift=0.3 * DOWN), run_time=1.2)
        self.play(self.sample.animate.set_value(1.0), run_time=1.8, rate_func=smooth)
        for mob in (*x_row, *mu_row, *var_row, *xhat_row, *y_row, *ln_cells):
            mob.clear_updaters()

    # --- recap: the two slices on the block ---
    def recap(self):
        slabs, names, heads, tokens = self.block()
        columns = [column_boxes(j) for j in range(D)]
        rows = [row_box(2, t) for t in range(LENGTHS[2])]  # sentence 3's real tokens
        lines = VGroup(
            label("BatchNorm: μ, σ² per feature, over the batch × tokens (pads included)", size=SMALL_SIZE,
                  color=BATCH),
            label("LayerNorm: μ, σ² per token, over its own features (any batch size)", size=SMALL_SIZE,
                  color=LAYER),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.35).move_to([0, -1.6, 0])
        self.narrate("Batch norm: per feature, across the batch. Layer norm: per token, on its own.")
        self.play(FadeIn(VGroup(slabs, names, heads, tokens)), run_time=1.0)
        self.play(Create(columns[0]), FadeIn(lines[0]), run_time=1.0)
        self.play(swap(columns[0], columns[1]), run_time=0.9)
        self.play(swap(columns[1], columns[2]), Create(rows[0]), FadeIn(lines[1]), run_time=1.2)
        self.narrate("Padding and small batches are why transformers use layer norm.")
        for t in range(1, len(rows)):
            self.play(swap(rows[t - 1], rows[t]), run_time=1.3)
