"""Q3: batch norm step by step: per-feature batch statistics, gamma/beta, running stats, eval mode.

Every number on screen comes from `data(seed)`, which runs regviz.BatchNorm on seeded batches:
the batch grid, its column statistics, x-hat and y, the running statistics over many training
steps (with each batch's mean, the dots the running line passes through), the squared deviations
behind the biased and the unbiased variance, and the outputs of one sample placed in two
different batches, in train() and in eval(). Then why it helps (scenes/why.py): not less internal
covariate shift, but larger learning rates, shown as this seed's learning-rate sweep with and without it.
"""
import copy
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UP, AnimationGroup, Create, DashedLine, Dot, FadeIn, FadeOut, GrowFromEdge, Indicate,
    LaggedStart, Line, MathTex, Rectangle, SurroundingRectangle, ValueTracker, VGroup, VMobject, linear, smooth,
    there_and_back,
)

import regviz
from scenes.common import (
    BATCH, BODY_SIZE, DROPPED, KEPT, L2, MUTED, NUMBER_SIZE, SMALL_SIZE, TEXT,
    RegvizScene, counting, fmt, label, mono, number_grid, redrawn,
)
from scenes.why import WhyMixin


N, C = 4, 3  # the batch on screen: N samples (rows) x C features (columns)
COL = 1  # the feature followed through normalisation and the running statistics
STEPS = 50  # training steps for the running statistics: the batch on screen, then larger batches
LATER_BATCH = 16  # size of the batches after the first (small batches make noisy running stats)
SHARED_ROW_A, SHARED_ROW_B = 0, 2  # where the shared sample sits in batch A and batch B
MOMENTUM = 0.1  # PyTorch's default: the weight of the NEW batch
ONE_BY_ONE = 4  # training steps animated one at a time before the sweep
CELL_W = 1.6  # the batch grid's column pitch


@dataclass
class BatchNormData:
    x: np.ndarray  # (N, C) the first training batch, shown as a grid
    mean: np.ndarray  # (C,) batch mean per feature
    var: np.ndarray  # (C,) biased batch variance per feature (the one used to normalise)
    sq_dev: np.ndarray  # (N, C) squared deviations (x - mean)^2: their sum / N is var, / (N - 1) the unbiased one
    xhat: np.ndarray  # (N, C) regviz.BatchNorm output with gamma=1, beta=0
    gamma: np.ndarray  # (C,)
    beta: np.ndarray  # (C,)
    y: np.ndarray  # (N, C) regviz.BatchNorm output with gamma, beta
    batch_means: np.ndarray  # (STEPS, C) the mean of each training batch (step 1 is x)
    running_mean: np.ndarray  # (STEPS + 1, C) after 0..STEPS training steps
    running_var: np.ndarray  # (STEPS + 1, C)
    batch_a: np.ndarray  # (N, C) = x
    batch_b: np.ndarray  # (N, C) other samples, with x[SHARED_ROW_A] at row SHARED_ROW_B
    train_a: np.ndarray  # (C,) train-mode output of the shared sample within batch A
    train_b: np.ndarray  # (C,) ... within batch B
    eval_a: np.ndarray  # (C,) eval-mode output (running stats after STEPS steps) within batch A
    eval_b: np.ndarray  # (C,) ... within batch B


def _batch(rng, offset, scale, n=N):
    """n samples of C features, feature j ~ offset[j] + scale[j] * N(0, 1), rounded to 1 decimal."""
    return np.round(offset + scale * rng.standard_normal((n, C)), 1)


def data(seed=0):
    """Everything the scene shows, computed by regviz.BatchNorm from `seed`."""
    rng = np.random.default_rng(seed)
    offset = np.round(rng.uniform(-3.0, 6.0, C), 1)  # (C,) each feature on its own scale
    scale = np.round(rng.uniform(0.5, 3.0, C), 1)  # (C,)
    gamma = np.round(rng.uniform(0.5, 2.0, C), 1)  # (C,)
    beta = np.round(rng.uniform(-1.0, 1.0, C), 1)  # (C,)
    batches = [_batch(rng, offset, scale)] + [_batch(rng, offset, scale, LATER_BATCH) for _ in range(STEPS - 1)]
    x = batches[0]

    plain = regviz.BatchNorm(C, momentum=MOMENTUM)  # gamma = 1, beta = 0: the output is x-hat
    xhat = plain(x)

    bn = regviz.BatchNorm(C, momentum=MOMENTUM)
    bn.gamma, bn.beta = gamma.copy(), beta.copy()
    running_mean, running_var = [bn.running_mean.copy()], [bn.running_var.copy()]
    y = None
    for batch in batches:
        out = bn(batch)
        y = out if y is None else y
        running_mean.append(bn.running_mean.copy())
        running_var.append(bn.running_var.copy())

    batch_b = _batch(rng, offset, scale)
    batch_b[SHARED_ROW_B] = x[SHARED_ROW_A]
    trainer = copy.deepcopy(bn).train()  # a copy, so these two forwards leave bn's running stats alone
    train_a = trainer(x)[SHARED_ROW_A]
    train_b = trainer(batch_b)[SHARED_ROW_B]
    bn.eval()
    eval_a = bn(x)[SHARED_ROW_A]
    eval_b = bn(batch_b)[SHARED_ROW_B]

    mean = x.mean(axis=0)  # (C,)
    return BatchNormData(
        x=x, mean=mean, var=x.var(axis=0), sq_dev=(x - mean) ** 2, xhat=xhat, gamma=gamma, beta=beta, y=y,
        batch_means=np.array([b.mean(axis=0) for b in batches]),
        running_mean=np.array(running_mean), running_var=np.array(running_var),
        batch_a=x, batch_b=batch_b, train_a=train_a, train_b=train_b, eval_a=eval_a, eval_b=eval_b,
    )


def ema_weights(t, momentum=MOMENTUM):
    """The weight each batch 1..t carries in the running statistic after step t: momentum * (1 - momentum)^(t - i),
    the newest batch momentum, each older one (1 - momentum) times less per step. Returns (start weight, (t,))."""
    ages = t - np.arange(1, t + 1)  # (t,) 0 for the newest batch
    return (1 - momentum) ** t, momentum * (1 - momentum) ** ages


def _nice_step(span):
    raw = span / 4
    power = 10 ** np.floor(np.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return float(mult * power)
    return float(10 * power)


def _range(values):
    """A tick step and the ticked range that holds `values`."""
    low, high = float(np.min(values)), float(np.max(values))
    step = _nice_step(max(high - low, 1e-9))
    return np.floor(low / step) * step, np.ceil(high / step) * step, step


def glyphs(text, string, part):
    """The glyphs of `text` (a Text made from `string`) that draw the first occurrence of `part` (spaces have none)."""
    start = string.index(part)
    skip = len(string[:start].replace(" ", ""))
    return VGroup(*text.submobjects[skip:skip + len(part.replace(" ", ""))])


class Ruler:
    """A horizontal number line from `low` to `high` between screen x `left` and `right` at height `y`, with
    ticks labelled in the mono face below it (so nothing drawn above the line can cross a label)."""

    def __init__(self, low, high, step, left, right, y, digits=0):
        self.low, self.high, self.left, self.right, self.y = low, high, left, right, y
        line = Line([left, y, 0], [right, y, 0], color=MUTED, stroke_width=2)
        ticks, labels = VGroup(), VGroup()
        for value in np.arange(np.ceil(low / step) * step, high + 1e-9, step):
            point = self.n2p(value)
            ticks.add(Line(point + 0.08 * DOWN, point + 0.08 * UP, color=MUTED, stroke_width=2))
            labels.add(mono(fmt(value, digits), size=SMALL_SIZE - 2, color=MUTED).next_to(point, DOWN, buff=0.18))
        self.mobject = VGroup(line, ticks, labels)

    def n2p(self, value):
        share = (value - self.low) / (self.high - self.low)
        return np.array([self.left + share * (self.right - self.left), self.y, 0.0])


class Chart:
    """A plot box from (left, bottom) to (right, top): steps 0..STEPS across, values low..high up, y ticks in the
    mono face left of the box; the x axis is the box's bottom edge, below every value plotted."""

    def __init__(self, low, high, step, left, right, bottom, top, digits=1):
        self.low, self.high, self.left, self.right, self.bottom, self.top = low, high, left, right, bottom, top
        axis = VGroup(
            Line([left, bottom, 0], [right, bottom, 0], color=MUTED, stroke_width=2),
            Line([left, bottom, 0], [left, top, 0], color=MUTED, stroke_width=2),
        )
        labels = VGroup()
        for value in np.arange(low, high + step / 2, step):
            point = self.c2p(0, value)
            axis.add(Line(point, point + 0.1 * LEFT, color=MUTED, stroke_width=2))
            labels.add(mono(fmt(value, digits), size=SMALL_SIZE - 2, color=MUTED).next_to(point, LEFT, buff=0.18))
        steps = VGroup()
        for s in range(0, STEPS + 1, 10):  # the steps along the bottom edge
            point = self.c2p(s, low)
            axis.add(Line(point, point + 0.1 * DOWN, color=MUTED, stroke_width=2))
            steps.add(mono(str(s), size=SMALL_SIZE - 2, color=MUTED).next_to(point, DOWN, buff=0.14))
        # "step" left of the 0, below the lowest value label
        steps.add(mono("step", size=SMALL_SIZE - 2, color=MUTED).next_to(steps[0], LEFT, buff=0.25)
                  .shift(0.12 * DOWN))
        labels.add(*steps)
        self.mobject = VGroup(axis, labels)

    def c2p(self, step, value):
        return np.array([
            self.left + step / STEPS * (self.right - self.left),
            self.bottom + (value - self.low) / (self.high - self.low) * (self.top - self.bottom),
            0.0,
        ])


class BatchNormScene(WhyMixin, RegvizScene):
    def construct(self):
        self.d = data(self.seed)
        self.headline()
        self.show_batch()
        self.column_statistics()
        self.normalise_column()
        self.scale_and_shift()
        self.all_features()
        self.clear_stage()
        self.running_mean_steps()
        self.momentum_trap()
        self.running_sweep()
        self.clear_stage()
        self.unbiased_trap()
        self.clear_stage()
        self.eval_mode()
        self.why_learning_rates()  # scenes/why.py: the demonstrated claim, for this seed
        self.finish_cue(rest=0.5)

    # --- the batch and one feature's statistics, counted on screen ---
    def show_batch(self):
        grid = number_grid(self.d.x, cell_width=CELL_W).move_to([-2.6, 1.0, 0])
        headers = VGroup(*[
            label(f"feature {j + 1}", size=SMALL_SIZE - 2, color=MUTED).next_to(grid[0][j], UP, buff=0.4)
            for j in range(C)
        ])
        rows = VGroup(*[
            label(f"sample {i + 1}", size=SMALL_SIZE, color=MUTED).next_to(grid[i], LEFT, buff=0.45)
            for i in range(N)
        ])
        self.narrate(f"A batch: {N} samples as rows, {C} features as columns, each on its own scale.")
        self.play(FadeIn(headers), run_time=0.8)
        # each row fades in whole, one after the other (a lag inside a FadeIn would draw it glyph by glyph)
        self.play(LaggedStart(*[FadeIn(VGroup(rows[i], grid[i]), shift=0.3 * RIGHT) for i in range(N)],
                              lag_ratio=0.35), run_time=2.4)
        self.grid, self.headers, self.rows = grid, headers, rows

    def stage_values(self):
        """Feature COL's column as shown now: x, then x-hat, then y, as self.stage runs 0 -> 1 -> 2."""
        d, s = self.d, self.stage.get_value()
        stages = (d.x[:, COL], d.xhat[:, COL], d.y[:, COL])
        k = min(int(s), 1)
        return (1 - (s - k)) * stages[k] + (s - k) * stages[k + 1]

    def column_statistics(self):
        d = self.d
        self.stage = ValueTracker(0.0)
        box = self.column_box(COL)
        everything = np.concatenate([d.x[:, COL], d.xhat[:, COL], d.y[:, COL]])
        low, high = np.floor(everything.min()) - 0.5, np.ceil(everything.max()) + 0.5
        self.ruler = Ruler(low, high, 1.0, -4.9, 6.2, -2.3)
        line_name = label(f"feature {COL + 1}", size=SMALL_SIZE, color=BATCH).next_to(
            self.ruler.n2p(low), LEFT, buff=0.35)

        # the column's cells become counters that follow the stage (x -> x-hat -> y), each in place
        cells = [self.grid[i][COL] for i in range(N)]
        self.counters = [
            counting(lambda i=i: self.stage_values()[i], cells[i].get_center(), color=BATCH) for i in range(N)
        ]
        # each value's dot starts beside its cell (just outside the box, clear of every digit), then flies to the line
        flying = VGroup(*[Dot(cells[i].get_center() + 0.85 * RIGHT, radius=0.08, color=BATCH) for i in range(N)])
        landing = [self.ruler.n2p(v) for v in d.x[:, COL]]

        self.narrate(f"Batch norm works per feature. Feature {COL + 1}'s values, placed on a line:")
        self.play(Create(box), FadeIn(self.ruler.mobject), FadeIn(line_name), FadeIn(flying, scale=0.5),
                  run_time=1.2)
        # each value's cell lights as its dot leaves for the line (a shade behind the cell, never a play on the
        # grid itself: that would split the grid in the scene, and the counters swapped in below would not show)
        shades = VGroup(*[Rectangle(width=CELL_W - 0.3, height=0.45, stroke_width=0, fill_color=BATCH,
                                    fill_opacity=0).move_to(cells[i]) for i in range(N)])
        self.add(shades)
        self.bring_to_back(shades)
        self.play(*[flying[i].animate.move_to(landing[i]) for i in range(N)],
                  LaggedStart(*[shade.animate(rate_func=there_and_back).set_fill(opacity=0.3) for shade in shades],
                              lag_ratio=0.5), run_time=2.2)
        self.remove(shades)
        dots = VGroup(*[
            redrawn(lambda i=i: Dot(self.ruler.n2p(self.stage_values()[i]), radius=0.09, color=BATCH))
            for i in range(N)
        ])
        self.remove(flying, *flying)  # the play added each dot on its own: remove them one by one
        self.add(dots)
        for i in range(N):  # the Text cells hand over to the counters, which show the same string
            self.grid[i].submobjects[COL] = self.counters[i]

        # the mean as a marker on the line, the spread as the band mean +- std
        mu = lambda: float(np.mean(self.stage_values()))
        sigma = lambda: float(np.std(self.stage_values()))
        # the marker stands on the line, above the tick labels (it never crosses a number as mu moves)
        marker = redrawn(lambda: Line(self.ruler.n2p(mu()) + 0.12 * DOWN,
                                            self.ruler.n2p(mu()) + 0.55 * UP, color=TEXT, stroke_width=4))
        reach = ValueTracker(0.0)  # the band opens from the mean out to one standard deviation either side
        band = redrawn(lambda: Rectangle(
            width=max(1e-3, reach.get_value() * (self.ruler.n2p(mu() + sigma())[0]
                                                 - self.ruler.n2p(mu() - sigma())[0])),
            height=0.5,
            stroke_width=0, fill_color=BATCH, fill_opacity=0.22,
        ).move_to(self.ruler.n2p(mu()) + 0.08 * UP))
        mu_name = MathTex(r"\mu =", font_size=BODY_SIZE + 6, color=TEXT).move_to([1.0, 1.9, 0])
        var_name = MathTex(r"\sigma^2 =", font_size=BODY_SIZE + 6, color=TEXT).next_to(mu_name, DOWN, buff=0.45)
        var_name.align_to(mu_name, RIGHT)
        mu_value = counting(mu, lambda: mu_name.get_right() + 0.2 * RIGHT, size=BODY_SIZE, edge=LEFT)
        var_value = counting(lambda: sigma() ** 2, lambda: var_name.get_right() + 0.2 * RIGHT, size=BODY_SIZE,
                             edge=LEFT)
        mu_tag = label("batch mean", size=SMALL_SIZE, color=MUTED).next_to(mu_name, RIGHT, buff=1.6)
        var_tag = label("variance (÷ m, biased)", size=SMALL_SIZE, color=MUTED).next_to(var_name, RIGHT, buff=1.6)
        self.narrate("Its mean is the balance point; the band is one standard deviation either side.")
        self.play(Create(marker), FadeIn(mu_name), FadeIn(mu_value), FadeIn(mu_tag), run_time=1.8)
        self.add(band)
        self.play(reach.animate.set_value(1.0), FadeIn(var_name), FadeIn(var_value), FadeIn(var_tag), run_time=2.2)
        # mu and sigma^2 are the batch's: the formula keeps using these while the column itself changes
        mu_value.clear_updaters()
        var_value.clear_updaters()
        self.box, self.line_name = box, line_name
        self.stats = VGroup(mu_name, var_name, mu_value, var_value, mu_tag, var_tag)
        self.column_marks = VGroup(dots, marker, band)

    def column_box(self, j):
        """An outline around column j as wide as its cells: the values counted inside it change width."""
        cells = VGroup(*[row[j] for row in self.grid])
        return Rectangle(width=CELL_W - 0.2, height=cells.height + 0.3, color=BATCH, stroke_width=4).move_to(cells)

    def normalise_column(self):
        formula = MathTex(r"\hat{x} = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}", font_size=BODY_SIZE + 8,
                          color=TEXT).move_to([1.0, 0.2, 0], aligned_edge=LEFT)
        # the column as it is now (x, then x-hat, then y): its own mean and variance, counted as it changes
        now = label("column now:", size=SMALL_SIZE, color=MUTED).move_to([3.9, 0.55, 0], aligned_edge=LEFT)
        now_names = VGroup(mono("mean", size=SMALL_SIZE, color=BATCH), mono("var", size=SMALL_SIZE, color=BATCH))
        now_names[0].move_to([3.9, 0.1, 0], aligned_edge=LEFT)
        now_names[1].move_to([3.9, -0.35, 0], aligned_edge=LEFT)
        now_values = VGroup(
            counting(lambda: float(np.mean(self.stage_values())), [4.8, 0.1, 0], size=SMALL_SIZE, color=BATCH,
                     edge=LEFT),
            counting(lambda: float(np.var(self.stage_values())), [4.8, -0.35, 0], size=SMALL_SIZE, color=BATCH,
                     edge=LEFT),
        )
        self.narrate("Subtract μ, divide by σ: the column now has mean 0 and variance 1.")
        self.play(FadeIn(formula, shift=0.2 * UP), FadeIn(VGroup(now, now_names, now_values)), run_time=1.0)
        self.play(self.stage.animate.set_value(1.0), run_time=3.0, rate_func=smooth)
        self.formula = formula
        self.now_values = now_values
        self.now_names = now_names

    def scale_and_shift(self):
        d = self.d
        affine = MathTex(r"y = \gamma\,\hat{x} + \beta", font_size=BODY_SIZE + 8, color=TEXT)
        affine.next_to(self.formula, DOWN, buff=0.3).align_to(self.formula, LEFT)
        # each feature's learned gamma and beta, under its column (feature COL's now, the others' with them)
        y_gamma, y_beta = self.grid[-1][0].get_center()[1] - 0.75, self.grid[-1][0].get_center()[1] - 1.25
        names = VGroup(
            MathTex(r"\gamma", font_size=BODY_SIZE + 8, color=TEXT),
            MathTex(r"\beta", font_size=BODY_SIZE + 8, color=TEXT),
        )
        self.params = {}
        for j in range(C):
            x = self.grid[0][j].get_center()[0]
            self.params[j] = VGroup(
                mono(fmt(d.gamma[j], 1), size=SMALL_SIZE, color=BATCH if j == COL else TEXT).move_to([x, y_gamma, 0]),
                mono(fmt(d.beta[j], 1), size=SMALL_SIZE, color=BATCH if j == COL else TEXT).move_to([x, y_beta, 0]),
            )
        for name, y in zip(names, (y_gamma, y_beta)):
            name.move_to([self.rows.get_right()[0], y, 0], aligned_edge=RIGHT)
        self.narrate("A learned scale γ and shift β follow: now mean β and variance γ².")
        self.play(FadeIn(affine, shift=0.2 * UP), FadeIn(names), FadeIn(self.params[COL], shift=0.2 * UP),
                  run_time=1.0)
        self.play(self.stage.animate.set_value(2.0), run_time=3.0, rate_func=smooth)
        equals = VGroup(
            MathTex(r"= \beta", font_size=BODY_SIZE + 4, color=BATCH),
            MathTex(r"= \gamma^2", font_size=BODY_SIZE + 4, color=BATCH),
        )
        for tag, value in zip(equals, self.now_values):
            tag.next_to(value, RIGHT, buff=0.15)
        self.play(FadeIn(equals, shift=0.2 * LEFT), run_time=0.8)
        self.affine = affine

    def all_features(self):
        d = self.d
        others = [j for j in range(C) if j != COL]
        share = ValueTracker(0.0)
        counters = {}
        for j in others:
            for i in range(N):
                cell = self.grid[i][j]
                counters[i, j] = counting(
                    lambda i=i, j=j: (1 - share.get_value()) * d.x[i, j] + share.get_value() * d.y[i, j],
                    cell.get_center(),
                )
                self.grid[i].submobjects[j] = counters[i, j]
        boxes = VGroup(*[self.column_box(j) for j in others])
        self.narrate("Every feature has its own μ, σ², γ and β: each column is normalised alone.")
        self.play(Create(boxes), *[FadeIn(self.params[j], shift=0.2 * UP) for j in others], run_time=1.0)
        self.play(share.animate.set_value(1.0), run_time=2.5, rate_func=smooth)
        self.play(FadeOut(boxes), run_time=0.6)
        for mob in (*counters.values(), *self.counters, *self.column_marks, *self.now_values):
            mob.clear_updaters()

    # --- the running mean, step by step ---
    def running_mean_steps(self):
        d = self.d
        means, running = d.batch_means[:, COL], d.running_mean[:, COL]
        low, high, step = _range(np.concatenate([means, running]))
        self.chart = Chart(low, high, step, -5.0, 6.2, -0.8, 1.05)
        self.bars_base, self.bars_top = -3.05, -1.95  # weight 0 .. MOMENTUM
        self.t = ValueTracker(0.0)

        code = "running_mean = 0.9 * running_mean + 0.1 * batch_mean"
        rule = mono(code, size=NUMBER_SIZE, color=TEXT).move_to([0, 2.75, 0])
        glyphs(rule, code, "0.1").set_color(BATCH)  # the weight of the new batch (PyTorch's momentum)
        glyphs(rule, code, "batch_mean").set_color(L2)  # the batch mean, as its dots
        self.rule_parts = (glyphs(rule, code, "0.9"), glyphs(rule, code, "0.1"))
        legend = VGroup(
            Dot(radius=0.08, color=L2), label("batch mean", size=SMALL_SIZE, color=MUTED),
            Line(ORIGIN, 0.45 * RIGHT, color=BATCH, stroke_width=4),
            label("running_mean", size=SMALL_SIZE, color=MUTED),
        ).arrange(RIGHT, buff=0.2).move_to([0, 1.5, 0]).align_to(self.chart.mobject, LEFT)
        legend[2].shift(0.25 * RIGHT)
        legend[3].shift(0.25 * RIGHT)
        readout_name = mono("running_mean =", size=SMALL_SIZE, color=BATCH)
        readout_name.move_to([1.9, 1.5, 0])
        readout = counting(lambda: self.running_at(self.t.get_value()),
                           lambda: readout_name.get_right() + 0.2 * RIGHT, digits=3, size=SMALL_SIZE,
                           color=BATCH, edge=LEFT)
        step_name = mono("step", size=SMALL_SIZE, color=MUTED).move_to([5.3, 1.5, 0])
        # the step done: it turns to k as step k's update lands, with running_mean's value after step k
        step_value = counting(lambda: np.floor(self.t.get_value() + 1e-6), lambda: step_name.get_right() + 0.15 * RIGHT,
                              digits=0, size=SMALL_SIZE, color=MUTED, edge=LEFT)

        bar_axis = VGroup(Line([self.chart.left, self.bars_base, 0], [self.chart.right, self.bars_base, 0],
                               color=MUTED, stroke_width=2))
        for s in range(0, STEPS + 1, 10):
            point = np.array([self.chart.c2p(s, low)[0], self.bars_base, 0])
            bar_axis.add(mono(str(s), size=SMALL_SIZE - 2, color=MUTED).next_to(point, DOWN, buff=0.15))
        bar_axis.add(mono("step", size=SMALL_SIZE - 2, color=MUTED).next_to(bar_axis[0], LEFT, buff=0.2))
        # the weight scale: 0 on the axis, MOMENTUM at a new batch's full bar
        bar_axis.add(Line([self.chart.left, self.bars_base, 0], [self.chart.left, self.bars_top, 0], color=MUTED,
                          stroke_width=2))
        bar_axis.add(Line([self.chart.left, self.bars_top, 0], [self.chart.left - 0.1, self.bars_top, 0],
                          color=MUTED, stroke_width=2))
        bar_axis.add(mono(fmt(MOMENTUM, 1), size=SMALL_SIZE - 2, color=MUTED).next_to(
            [self.chart.left - 0.1, self.bars_top, 0], LEFT, buff=0.08))
        bars_name = label("each batch's weight in running_mean", size=SMALL_SIZE, color=MUTED)
        bars_name.next_to(bar_axis[0], UP, buff=1.4).align_to(bar_axis[0], LEFT)
        start_name = label("weight on the start value 0:", size=SMALL_SIZE, color=MUTED)
        start_name.move_to([5.3, bars_name.get_center()[1], 0], aligned_edge=RIGHT)
        start_value = counting(lambda: ema_weights(self.t.get_value())[0],
                               lambda: start_name.get_right() + 0.2 * RIGHT, size=SMALL_SIZE, color=TEXT, edge=LEFT)

        picture = VGroup(
            redrawn(self.gap_line), redrawn(self.running_line), redrawn(self.mean_dots),
            redrawn(self.weight_bars),
        )
        self.narrate("Training also keeps a running mean for eval(); it starts at 0.")
        self.play(FadeIn(rule, shift=0.2 * DOWN), run_time=1.0)
        self.play(FadeIn(self.chart.mobject), FadeIn(legend), run_time=1.3)
        self.add(picture)
        # each counter fades in with its name: no number on screen before what it counts is named
        self.play(LaggedStart(FadeIn(bar_axis), FadeIn(bars_name), FadeIn(VGroup(readout_name, readout)),
                              FadeIn(VGroup(step_name, step_value)), FadeIn(VGroup(start_name, start_value)),
                              lag_ratio=0.2), run_time=1.3)
        self.narrate("Each step it moves a tenth of the way from where it was to the new batch's mean.")
        for s in range(1, ONE_BY_ONE + 1):
            self.play(self.t.animate.set_value(float(s)), run_time=1.3, rate_func=smooth)
        self.rule = rule
        self.updating = VGroup(picture, readout, step_value, start_value)

    def running_at(self, t):
        """The running line at (fractional) step t: the stored value, moving linearly within a step."""
        running = self.d.running_mean[:, COL]
        k = min(int(np.floor(t)), STEPS - 1)
        return running[k] + (t - k) * (running[k + 1] - running[k])

    def gap_line(self):
        """During step k: the gap from the old running value up (or down) to batch k's mean, at step k."""
        t = self.t.get_value()
        k = int(np.ceil(t - 1e-6))
        if k < 1 or t - (k - 1) < 1e-6 or t >= ONE_BY_ONE + 1e-6:
            return VMobject()
        old, new = self.d.running_mean[k - 1, COL], self.d.batch_means[k - 1, COL]
        return DashedLine(self.chart.c2p(k, old), self.chart.c2p(k, new), color=L2, stroke_width=2,
                          dash_length=0.06)

    def running_line(self):
        t = self.t.get_value()
        steps = list(range(int(np.floor(t)) + 1)) + ([t] if t % 1 > 1e-6 else [])
        points = [self.chart.c2p(s, self.running_at(s)) for s in steps]
        line = VMobject(color=BATCH, stroke_width=4)
        line.set_points_as_corners(points if len(points) > 1 else points * 2)
        return VGroup(line, Dot(points[-1], radius=0.07, color=BATCH))

    def mean_dots(self):
        t = self.t.get_value()
        shown = int(np.ceil(t - 1e-6))  # batch k's dot appears as step k starts
        return VGroup(*[Dot(self.chart.c2p(k, self.d.batch_means[k - 1, COL]), radius=0.06, color=L2)
                        for k in range(1, shown + 1)])

    def weight_bars(self):
        """Batch k's weight in the running mean at (fractional) step t: grows to 0.1 in step k, then x0.9 a step."""
        t = self.t.get_value()
        width = 0.6 * (self.chart.right - self.chart.left) / STEPS
        bars = VGroup()
        for k in range(1, int(np.ceil(t - 1e-6)) + 1):
            weight = MOMENTUM * min(1.0, t - (k - 1)) * (1 - MOMENTUM) ** max(0.0, t - k)
            height = weight / MOMENTUM * (self.bars_top - self.bars_base)
            if height > 1e-3:
                x = self.chart.c2p(k, self.chart.low)[0]
                bars.add(Rectangle(width=width, height=height, stroke_width=0, fill_color=BATCH, fill_opacity=0.9)
                         .move_to([x, self.bars_base + height / 2, 0]))
        return bars

    def momentum_trap(self):
        labels = VGroup(
            label("1 − momentum", size=SMALL_SIZE, color=MUTED).next_to(self.rule_parts[0], DOWN, buff=0.15),
            label("momentum (PyTorch)", size=SMALL_SIZE, color=BATCH).next_to(self.rule_parts[1], DOWN, buff=0.15),
        )
        cs231n = label("CS231n / numpy-ml: momentum = 0.9", size=SMALL_SIZE - 2, color=TEXT)
        cs231n.next_to(labels[0], DOWN, buff=0.08)
        self.narrate("Trap: PyTorch's momentum = 0.1 is the NEW batch's weight; CS231n calls 0.9 momentum.")
        self.play(FadeIn(labels, shift=0.15 * DOWN), run_time=0.8)
        self.play(FadeIn(cs231n, shift=0.15 * DOWN), Indicate(self.rule_parts[0], color=TEXT), run_time=0.9)
        for s in range(ONE_BY_ONE + 1, ONE_BY_ONE + 4):
            self.play(self.t.animate.set_value(float(s)), run_time=1.3, rate_func=smooth)
        self.rule_labels = labels

    def running_sweep(self):
        self.narrate("Older batches fade by 0.9 a step, so the line wobbles far less than the dots.")
        self.play(self.t.animate.set_value(float(STEPS)), run_time=6.0, rate_func=linear)
        for mob in self.updating:
            mob.clear_updaters()

    # --- the second trap: the running variance is unbiased ---
    def unbiased_trap(self):
        d, m = self.d, N
        sq = d.sq_dev[:, COL]
        total = sq.sum()
        unit = 10.5 / total  # screen units per unit of squared deviation
        left = -5.6
        shades = (BATCH, L2, BATCH, L2)
        terms = VGroup(*[mono(fmt(v), size=NUMBER_SIZE, color=shades[i]) for i, v in enumerate(sq)])
        line = VGroup(mono("(x − μ)²:", size=NUMBER_SIZE, color=MUTED))
        for i, term in enumerate(terms):
            line.add(term)
            line.add(mono("+" if i < m - 1 else "=", size=NUMBER_SIZE, color=MUTED))
        line.add(mono(fmt(total), size=NUMBER_SIZE, color=TEXT))
        line.arrange(RIGHT, buff=0.2).move_to([0, 2.3, 0])
        heading = label(f"feature {COL + 1}, the batch of m = {m} on step 1", size=SMALL_SIZE, color=MUTED)
        heading.next_to(line, UP, buff=0.25)

        def strip(y):
            parts, x = VGroup(), left
            for i, v in enumerate(sq):
                parts.add(Rectangle(width=max(v * unit, 1e-3), height=0.4, stroke_width=0, fill_color=shades[i],
                                    fill_opacity=0.85).move_to([x + v * unit / 2, y, 0]))
                x += v * unit
            return parts
        whole = strip(1.4)
        self.narrate(f"Trap two: the variance. The {m} squared deviations of step 1, laid end to end:")
        self.play(FadeIn(heading), FadeIn(line[0]), run_time=0.6)
        self.play(LaggedStart(*[AnimationGroup(FadeIn(VGroup(line[1 + 2 * i], line[2 + 2 * i])),
                                               GrowFromEdge(whole[i], LEFT)) for i in range(m)], lag_ratio=0.3),
                  run_time=2.6)
        self.play(FadeIn(line[-1]), run_time=0.6)

        rows = []
        cuts_at = (
            (m, 0.3, f"÷ m = {m}: σ² = {fmt(total / m)}, normalises the batch (biased)", TEXT),
            (m - 1, -1.0, f"÷ (m − 1) = {m - 1}: {fmt(total / (m - 1))}, goes into running_var (unbiased)", DROPPED),
        )
        for parts, y, tag, color in cuts_at:
            copy_ = whole.copy()
            piece = total * unit / parts
            cuts = VGroup(*[Line([left + k * piece, y - 0.3, 0], [left + k * piece, y + 0.3, 0], color=TEXT,
                                 stroke_width=3) for k in range(1, parts)])
            share = Rectangle(width=piece, height=0.4, stroke_color=color, stroke_width=3).move_to(
                [left + piece / 2, y, 0])
            text = label(tag, size=SMALL_SIZE, color=color).next_to(share, DOWN, buff=0.2).align_to(share, LEFT)
            rows.append((copy_, y, cuts, share, text))

        self.narrate("Divide by m: the σ² that normalises. Divide by m − 1: what running_var stores.")
        for copy_, y, cuts, share, text in rows:
            self.play(copy_.animate.move_to([copy_.get_center()[0], y, 0]), run_time=1.0)
            self.play(Create(cuts), Create(share), FadeIn(text), run_time=1.2)

        step = mono(
            f"running_var = 0.9 * {fmt(d.running_var[0, COL])} + 0.1 * {fmt(total / (m - 1))}"
            f" = {fmt(d.running_var[1, COL], 3)}", size=NUMBER_SIZE, color=TEXT,
        ).move_to([0, -2.85, 0])
        start = label(f"running_var starts at {fmt(d.running_var[0, COL])} (running_mean at "
                      f"{fmt(d.running_mean[0, COL])})", size=SMALL_SIZE, color=MUTED).next_to(step, UP, buff=0.2)
        self.narrate("running_var starts at 1, so step 1 gives 0.9 · 1 + 0.1 · the unbiased variance.")
        self.play(FadeIn(start, shift=0.2 * UP), run_time=1.0)
        self.play(FadeIn(step, shift=0.3 * UP), run_time=1.6)

    # --- eval mode: the same sample in two batches ---
    def eval_mode(self):
        d = self.d
        width, height = 1.25, 0.45
        spots = {}
        grids, boxes, names = VGroup(), VGroup(), VGroup()
        for key, batch, row, x in (("A", d.batch_a, SHARED_ROW_A, -3.5), ("B", d.batch_b, SHARED_ROW_B, 3.5)):
            grid = number_grid(batch, cell_width=width, cell_height=height, size=SMALL_SIZE).move_to([x, 1.5, 0])
            grids.add(grid)
            boxes.add(SurroundingRectangle(grid[row], color=TEXT, buff=0.15))
            names.add(label(f"batch {key}", size=SMALL_SIZE, color=MUTED).next_to(grid, UP, buff=0.3))
            spots[key] = [cell.get_center() for cell in grid[row]]
        out_y = {"train": -0.55, "eval": -2.35}

        def outputs(key, mode, values, color):
            """The layer's output for the boxed sample, each value under its feature's column."""
            return VGroup(*[mono(fmt(values[j]), size=SMALL_SIZE, color=color).move_to(
                spots[key][j] * np.array([1, 0, 0]) + out_y[mode] * UP) for j in range(C)])

        captions = (
            ("train", "One sample in two batches: train() uses each batch's own μ and σ²: two outputs.",
             d.train_a, d.train_b, DROPPED, "≠", "train(): each batch's own μ, σ²"),
            ("eval", "eval() uses running_mean and running_var instead: the same output in both.",
             d.eval_a, d.eval_b, KEPT, "=", "eval(): running_mean, running_var"),
        )
        for n, (mode, text, out_a, out_b, color, relation, tag) in enumerate(captions):
            self.narrate(text)
            if n == 0:
                self.play(FadeIn(grids), FadeIn(names), run_time=1.0)
                self.play(Create(boxes), run_time=0.8)
            title = label(tag, size=SMALL_SIZE, color=MUTED).move_to([0, out_y[mode] + 0.6, 0])
            sign = label(relation, size=BODY_SIZE + 8, color=color).move_to([0, out_y[mode], 0])
            cells_a, cells_b = outputs("A", mode, out_a, color), outputs("B", mode, out_b, color)
            # the layer's outputs for the boxed sample come down under its batch: the output only, never the input
            self.play(FadeIn(title), run_time=0.6)
            self.play(FadeIn(cells_a, shift=0.6 * DOWN), FadeIn(cells_b, shift=0.6 * DOWN), run_time=1.4)
            self.play(FadeIn(sign, scale=1.5), run_time=0.6)
            # the two rows side by side, feature by feature: different in train(), equal in eval()
            self.play(*[Indicate(VGroup(cells_a[j], cells_b[j]), color=color, scale_factor=1.1) for j in range(C)],
                      run_time=1.2)
