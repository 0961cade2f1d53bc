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
    DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Indicate, MathTex, Rectangle, ValueTracker,
    VGroup, linear, smooth,
)

import regviz
from scenes.common import (
    BATCH, BODY_SIZE, DROPPED, FAINT, LAYER, MUTED, PANEL, SMALL_SIZE, TEXT,
    RegvizScene, counting, fmt, label, mono, redrawn,
)
from scenes.why import WhyMixin


B, T, D = 3, 4, 3  # the block on screen: B sentences x T token slots x D features
LENGTHS = (4, 2, 3)  # real tokens per sentence; the rest of the T slots are padding (zeros)
EPS = 1e-5
CELL_W, CELL_H = 1.05, 0.5  # a cell of the block: "-9.9" in the mono face with room for a box around it
NUMBER = SMALL_SIZE - 2  # the block's numbers
SLAB_GAP = 0.7
BLOCK_TOP = 1.55  # y of the first token row
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
    def block(self):
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
                            Rectangle(width=CELL_W - 0.1, height=CELL_H - 0.1, stroke_color=FAINT, stroke_width=2,
                                      fill_color=PANEL, fill_opacity=1).move_to(cell_center(b, t, j)),
                            mono("pad", size=NUMBER - 2, color=MUTED).move_to(cell_center(b, t, j)),
                        ))
            slabs.add(slab)
            pads = T - LENGTHS[b]
            name = f"sentence {b + 1}" + (f": {pads} pad" + ("s" if pads > 1 else "") if pads else "")
            top = cell_center(b, 0, 0)[1] + CELL_H / 2
            names.add(label(name, size=SMALL_SIZE, color=MUTED).move_to(
                [slab_left(b) + D * CELL_W / 2, top + 0.75, 0]))
            heads.add(VGroup(*[mono(f"f{j + 1}", size=NUMBER - 2, color=MUTED).move_to(
                [cell_center(b, 0, j)[0], top + 0.25, 0]) for j in range(D)]))
        tokens = VGroup(*[mono(f"t{t + 1}", size=NUMBER - 2, color=MUTED).next_to(
            cell_center(0, t, 0) - [CELL_W / 2, 0, 0], LEFT, buff=0.2) for t in range(T)])
        return slabs, names, heads, tokens

    def show_block(self):
        slabs, names, heads, tokens = self.block()
        self.narrate(f"A batch of {B} sentences, {T} token slots each, {D} features per token.")
        self.play(*[FadeIn(VGroup(names[b], heads[b], slabs[b]), shift=0.3 * RIGHT) for b in range(B)],
                  FadeIn(tokens), lag_ratio=0.4, run_time=2.6)
        pads = VGroup(*[slabs[b][t * D + j] for b in range(B) for t in range(LENGTHS[b], T) for j in range(D)])
        self.narrate("Shorter sentences are padded with zeros up to the longest.")
        self.play(pads.animate.scale(1.15), run_time=1.0)
        self.play(pads.animate.scale(1 / 1.15), run_time=1.0)
        self.block_parts = VGroup(slabs, names, heads, tokens)

    # --- batch norm: one feature, every sentence and token ---
    def batch_slices(self):
        d = self.d
        self.feature = ValueTracker(0.0)

        def column_boxes():
            j = self.feature.get_value()
            boxes = VGroup()
            for b in range(B):
                center = (cell_center(b, 0, 0) + cell_center(b, T - 1, 0)) / 2 + [j * CELL_W, 0, 0]
                boxes.add(Rectangle(width=CELL_W - 0.04, height=T * CELL_H + 0.02, color=BATCH, stroke_width=4)
                          .move_to(center))
            return boxes

        boxes = redrawn(column_boxes)
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
            row_name = label(name, size=SMALL_SIZE, color=TEXT if k == 0 else MUTED).move_to([-4.6, y, 0])
            mu = mono("μ =", size=SMALL_SIZE, color=TEXT).move_to([-1.9, y, 0])
            var = mono("σ² =", size=SMALL_SIZE, color=TEXT).move_to([1.4, y, 0])
            stats += [
                counting(lambda m=means: mix(m, self.feature.get_value()), mu.get_right() + 0.2 * RIGHT,
                         size=SMALL_SIZE, edge=LEFT),
                counting(lambda v=variances: mix(v, self.feature.get_value()), var.get_right() + 0.2 * RIGHT,
                         size=SMALL_SIZE, edge=LEFT),
            ]
            rows.add(VGroup(row_name, mu, var))
        self.narrate("Batch norm: one mean and one variance per feature, over every sentence and token.")
        self.play(Create(boxes), FadeIn(title), FadeIn(number), FadeIn(scope), run_time=1.5)
        self.play(FadeIn(rows[0]), FadeIn(VGroup(*stats[:2])), run_time=1.0)
        self.play(self.feature.animate.set_value(1.0), run_time=1.6, rate_func=smooth)
        self.narrate("The pad zeros are in those averages: without them, μ and σ² would differ.")
        for counter in stats[2:]:  # made at feature 1, shown at feature 2: their glyphs must match from the start
            counter.update()
        self.play(FadeIn(rows[1]), FadeIn(VGroup(*stats[2:])), run_time=1.0)
        self.play(self.feature.animate.set_value(float(D - 1)), run_time=3.2, rate_func=smooth)
        self.play(FadeOut(VGroup(boxes, title, number, scope, rows, *stats)), run_time=0.8)
        for mob in (boxes, number, *stats):
            mob.clear_updaters()

    # --- layer norm: one token, its own features ---
    def layer_slices(self):
        d = self.d
        order = [(b, t) for b in range(B) for t in range(T)][:T + LENGTHS[1] + 1]  # sentence 1, then into 2's pads
        self.token = ValueTracker(0.0)

        def place(k):
            a, b = order[min(int(np.floor(k)), len(order) - 1)], order[min(int(np.ceil(k)), len(order) - 1)]
            share = k - np.floor(k)
            return (1 - share) * np.array(a, dtype=float) + share * np.array(b, dtype=float)

        def row_box():
            b, t = place(self.token.get_value())
            center = (cell_center(0, 0, 0) + cell_center(0, 0, D - 1)) / 2
            center = center + [b * (D * CELL_W + SLAB_GAP), -t * CELL_H, 0]
            return Rectangle(width=D * CELL_W - 0.04, height=CELL_H - 0.04, color=LAYER, stroke_width=4).move_to(center)

        box = redrawn(row_box)
        y0 = -1.0
        title = label(f"LayerNorm, one token over its own {D} features:", size=SMALL_SIZE, color=LAYER)
        title.move_to([-2.2, y0, 0])
        which = VGroup(mono("sentence", size=SMALL_SIZE, color=LAYER), mono("token", size=SMALL_SIZE, color=LAYER))
        which[0].move_to([-5.0, y0 - 0.75, 0])
        which[1].move_to([-2.6, y0 - 0.75, 0])
        sentence = counting(lambda: place(self.token.get_value())[0] + 1, which[0].get_right() + 0.15 * RIGHT,
                            digits=0, size=SMALL_SIZE, color=LAYER, edge=LEFT)
        token = counting(lambda: place(self.token.get_value())[1] + 1, which[1].get_right() + 0.15 * RIGHT,
                         digits=0, size=SMALL_SIZE, color=LAYER, edge=LEFT)
        mu = mono("μ =", size=SMALL_SIZE, color=TEXT).move_to([-0.2, y0 - 0.75, 0])
        var = mono("σ² =", size=SMALL_SIZE, color=TEXT).move_to([2.6, y0 - 0.75, 0])
        means = [d.ln_mean[b, t] for b, t in order]
        variances = [d.ln_var[b, t] for b, t in order]
        stats = VGroup(
            counting(lambda: mix(means, self.token.get_value()), mu.get_right() + 0.2 * RIGHT, size=SMALL_SIZE,
                     edge=LEFT),
            counting(lambda: mix(variances, self.token.get_value()), var.get_right() + 0.2 * RIGHT, size=SMALL_SIZE,
                     edge=LEFT),
        )
        note = label("a pad token is normalised alone; no real token's μ or σ² sees it", size=SMALL_SIZE,
                     color=MUTED).move_to([0, y0 - 1.6, 0])
        self.narrate("Layer norm: one mean and one variance per token, over its own features.")
        self.play(Create(box), FadeIn(title), FadeIn(which), FadeIn(sentence), FadeIn(token), FadeIn(mu),
                  FadeIn(var), FadeIn(stats), run_time=1.4)
        self.play(self.token.animate.set_value(float(T - 1)), run_time=3.0, rate_func=smooth)
        self.narrate("Padding stays in its own rows: the real tokens' statistics never include it.")
        self.play(self.token.animate.set_value(float(len(order) - 1)), run_time=2.4, rate_func=smooth)
        self.play(FadeIn(note, shift=0.2 * UP), run_time=0.8)
        for mob in (box, sentence, token, *stats):
            mob.clear_updaters()

    # --- a batch of one ---
    def batch_of_one(self):
        d = self.d
        self.sample = ValueTracker(0.0)
        xs = [1.2 + 1.6 * j for j in range(D)]  # column centres
        ys = {"x": 2.2, "mu": 1.55, "var": 0.95, "xhat": 0.35, "y": -0.25, "ln": -2.55}
        names = VGroup(
            mono("x", size=SMALL_SIZE, color=TEXT).move_to([-2.0, ys["x"], 0]),
            MathTex(r"\mu", font_size=BODY_SIZE + 4, color=BATCH).move_to([-2.0, ys["mu"], 0]),
            MathTex(r"\sigma^2", font_size=BODY_SIZE + 4, color=BATCH).move_to([-2.0, ys["var"], 0]),
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
        boxes = VGroup(*[Rectangle(width=1.2, height=0.5, color=BATCH, stroke_width=3).move_to([xs[j], ys["x"], 0])
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
        ln_shown = ValueTracker(0.0)

        def layer_norm_of_x(j):
            """The x row as shown, counted into its layer norm (computed by the core for whatever x shows)."""
            x = mix(d.ones, self.sample.get_value())  # (D,)
            y = regviz.layernorm_forward(x[None], d.gamma, d.beta)[0][0]  # (D,)
            return (1 - ln_shown.get_value()) * x[j] + ln_shown.get_value() * y[j]

        ln_cells = VGroup(*[counting(lambda j=j: layer_norm_of_x(j), [xs[j], ys["ln"], 0], size=SMALL_SIZE,
                                     color=LAYER) for j in range(D)])
        self.narrate("PyTorch's BatchNorm1d raises an error in training for one value per channel.")
        self.play(FadeIn(error, shift=0.2 * UP), run_time=1.2)
        self.play(Indicate(boxes, color=DROPPED, scale_factor=1.08), run_time=2.0)
        self.narrate("Layer norm averages over the sample's own features: it still works.")
        self.play(FadeIn(ln_name), FadeIn(ln_cells), run_time=0.8)
        self.play(ln_shown.animate.set_value(1.0), run_time=1.6, rate_func=smooth)
        self.play(self.sample.animate.set_value(1.0), run_time=1.8, rate_func=smooth)
        for mob in (*x_row, *mu_row, *var_row, *xhat_row, *y_row, *ln_cells):
            mob.clear_updaters()

    # --- recap: the two slices on the block ---
    def recap(self):
        slabs, names, heads, tokens = self.block()
        self.feature, self.cursor = ValueTracker(0.0), ValueTracker(0.0)

        def column_boxes():
            j = self.feature.get_value()
            return VGroup(*[Rectangle(width=CELL_W - 0.04, height=T * CELL_H + 0.02, color=BATCH, stroke_width=4)
                            .move_to((cell_center(b, 0, 0) + cell_center(b, T - 1, 0)) / 2 + [j * CELL_W, 0, 0])
                            for b in range(B)])

        def row_box():
            k = self.cursor.get_value()
            return Rectangle(width=D * CELL_W - 0.04, height=CELL_H - 0.04, color=LAYER, stroke_width=4).move_to(
                (cell_center(2, 0, 0) + cell_center(2, 0, D - 1)) / 2 + [0, -k * CELL_H, 0])

        bn_box, ln_box = redrawn(column_boxes), redrawn(row_box)
        lines = VGroup(
            label("BatchNorm: μ, σ² per feature, over the batch × tokens (pads included)", size=SMALL_SIZE,
                  color=BATCH),
            label("LayerNorm: μ, σ² per token, over its own features (any batch size)", size=SMALL_SIZE,
                  color=LAYER),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.35).move_to([0, -1.6, 0])
        self.narrate("Batch norm: per feature, across the batch. Layer norm: per token, on its own.")
        self.play(FadeIn(VGroup(slabs, names, heads, tokens)), run_time=1.0)
        self.play(Create(bn_box), FadeIn(lines[0]), run_time=1.0)
        self.play(self.feature.animate.set_value(float(D - 1)), Create(ln_box), FadeIn(lines[1]),
                  run_time=2.4, rate_func=linear)
        self.narrate("Padding and small batches are why transformers use layer norm.")
        self.play(self.feature.animate.set_value(0.0), self.cursor.animate.set_value(float(LENGTHS[2] - 1)),
                  run_time=2.6, rate_func=smooth)
        for mob in (bn_box, ln_box):
            mob.clear_updaters()
