"""Q3: batch norm step by step: per-feature batch statistics, gamma/beta, running stats, eval mode.

Every number on screen comes from `data(seed)`, which runs regviz.BatchNorm on seeded batches:
the batch grid, its column statistics, x-hat and y, the running statistics over many training
steps, and the outputs of one sample placed in two different batches, in train() and in eval().
"""
import copy
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, Create, DashedLine, DecimalNumber, FadeIn, Integer, FadeOut, MathTex,
    ReplacementTransform, SurroundingRectangle, ValueTracker, VGroup, VMobject,
    Write, always_redraw, linear,
)

import regviz
from scenes.common import (
    BATCH, BODY_SIZE, DROPPED, EDGE, KEPT, MUTED, NUMBER_SIZE, SMALL_SIZE, TEXT,
    RegvizScene, fmt, label, lead, lean, mono, number_grid, reading_time,
)


N, C = 4, 3  # the batch on screen: N samples (rows) x C features (columns)
COL = 1  # the feature followed through normalisation and the running statistics
STEPS = 50  # training steps for the running statistics: the batch on screen, then larger batches
LATER_BATCH = 16  # size of the batches after the first (small batches make noisy running stats)
SHARED_ROW_A, SHARED_ROW_B = 0, 2  # where the shared sample sits in batch A and batch B
MOMENTUM = 0.1  # PyTorch's default: the weight of the NEW batch


@dataclass
class BatchNormData:
    x: np.ndarray  # (N, C) the first training batch, shown as a grid
    mean: np.ndarray  # (C,) batch mean per feature
    var: np.ndarray  # (C,) biased batch variance per feature (the one used to normalise)
    xhat: np.ndarray  # (N, C) regviz.BatchNorm output with gamma=1, beta=0
    gamma: np.ndarray  # (C,)
    beta: np.ndarray  # (C,)
    y: np.ndarray  # (N, C) regviz.BatchNorm output with gamma, beta
    true_mean: np.ndarray  # (C,) the mean of the distribution the batches are drawn from
    true_var: np.ndarray  # (C,) its variance
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

    return BatchNormData(
        x=x, mean=x.mean(axis=0), var=x.var(axis=0), xhat=xhat, gamma=gamma, beta=beta, y=y,
        true_mean=offset, true_var=scale**2,
        running_mean=np.array(running_mean), running_var=np.array(running_var),
        batch_a=x, batch_b=batch_b, train_a=train_a, train_b=train_b, eval_a=eval_a, eval_b=eval_b,
    )


def tex(value, digits=2):
    """A number for MathTex."""
    return f"{value:.{digits}f}"


def column(grid, j):
    return VGroup(*[row[j] for row in grid])


def retarget(grid, values, j, color):
    """New Texts for column j of `grid`, showing `values`, in place of the old ones."""
    return lean(VGroup(*[mono(fmt(v), size=NUMBER_SIZE, color=color).move_to(row[j]) for row, v in zip(grid, values)]))


class BatchNormScene(RegvizScene):
    def construct(self):
        self.d = data(self.seed)
        self.headline()
        self.show_batch()
        self.column_statistics()
        self.normalise_column()
        self.scale_and_shift()
        self.clear_stage()
        self.running_update()
        self.clear_stage()
        self.running_chart()
        self.clear_stage()
        self.eval_mode()
        self.clear_caption()
        self.wait(0.5)

    # --- the batch and its statistics ---
    def show_batch(self):
        grid = number_grid(self.d.x).move_to([-3.0, 0.2, 0])
        headers = VGroup(*[
            label(f"feature {j + 1}", size=SMALL_SIZE, color=MUTED).next_to(grid[0][j], UP, buff=0.45)
            for j in range(C)
        ])
        rows = VGroup(*[
            label(f"sample {i + 1}", size=SMALL_SIZE, color=MUTED).next_to(grid[i][0], LEFT, buff=0.5)
            for i in range(N)
        ])
        self.play(FadeIn(grid), FadeIn(headers), FadeIn(rows))
        self.grid = grid
        self.say("A batch: rows are samples, columns are features, each on its own scale.")

    def column_statistics(self):
        box = SurroundingRectangle(column(self.grid, COL), color=BATCH, buff=0.15)
        axis = label("over the batch", size=SMALL_SIZE, color=BATCH).next_to(box, DOWN, buff=0.2)
        mu = MathTex(r"\mu = " + tex(self.d.mean[COL]), font_size=BODY_SIZE + 8, color=BATCH)
        var = MathTex(r"\sigma^2 = " + tex(self.d.var[COL]), font_size=BODY_SIZE + 8, color=BATCH)
        note = label("(divide by m: biased)", size=SMALL_SIZE, color=MUTED)
        stats = VGroup(mu, VGroup(var, note).arrange(RIGHT, buff=0.25)).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        stats.move_to([3.6, 2.0, 0])
        rest = lead(self, "Batch norm works per feature: mean and variance down a column.", busy=2)
        self.play(Create(box), FadeIn(axis))
        self.play(Write(stats))
        self.stats = stats
        self.wait(rest)

    def normalise_column(self):
        formula = MathTex(
            r"\hat{x} = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}", font_size=BODY_SIZE + 10, color=TEXT,
        ).next_to(self.stats, DOWN, buff=0.5).align_to(self.stats, LEFT)
        rest = lead(self, "Subtract the mean, divide by the standard deviation: centred at 0, spread 1.", busy=2.5)
        self.play(Write(formula))
        new = retarget(self.grid, self.d.xhat[:, COL], COL, BATCH)
        self.play(ReplacementTransform(column(self.grid, COL), new), run_time=1.5)
        self.set_column(COL, new)
        self.formula = formula
        self.wait(rest)

    def scale_and_shift(self):
        affine = MathTex(r"y = \gamma\,\hat{x} + \beta", font_size=BODY_SIZE + 10, color=TEXT)
        params = MathTex(
            r"\gamma = " + tex(self.d.gamma[COL], 1) + r",\quad \beta = " + tex(self.d.beta[COL], 1),
            font_size=BODY_SIZE + 4, color=MUTED,
        )
        group = VGroup(affine, params).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        group.next_to(self.formula, DOWN, buff=0.45).align_to(self.formula, LEFT)
        rest = lead(self, "A learned scale γ and shift β follow; every feature has its own μ, σ², γ and β.", busy=3.4)
        self.play(Write(group))
        new = retarget(self.grid, self.d.y[:, COL], COL, TEXT)
        self.play(ReplacementTransform(column(self.grid, COL), new), run_time=1.2)
        self.set_column(COL, new)
        others = [j for j in range(C) if j != COL]
        olds = VGroup(*[column(self.grid, j) for j in others])
        news = [retarget(self.grid, self.d.y[:, j], j, TEXT) for j in others]
        self.play(ReplacementTransform(olds, VGroup(*news)), run_time=1.2)
        for j, new in zip(others, news):
            self.set_column(j, new)
        self.wait(rest)

    def set_column(self, j, texts):
        for row, text in zip(self.grid, texts):
            row.submobjects[j] = text

    # --- running statistics: the update rule and its two traps ---
    def running_update(self):
        rule = MathTex(
            r"\text{running} \leftarrow (1 - \text{momentum})\,\text{running} + ",
            r"\text{momentum}\cdot\text{batch}",
            font_size=BODY_SIZE + 6, color=TEXT,
        )
        rule[1].set_color(BATCH)
        trap1 = label("PyTorch: momentum = 0.1 weights the NEW batch.", size=BODY_SIZE - 2, color=DROPPED)
        trap1b = label("CS231n and numpy-ml write 0.9·running + 0.1·batch and call 0.9 the momentum.",
                       size=SMALL_SIZE, color=MUTED)
        var_rule = MathTex(
            r"\text{running\_var} \leftarrow 0.9\,\text{running\_var} + 0.1\,", r"\frac{m}{m-1}", r"\,\sigma^2",
            font_size=BODY_SIZE + 6, color=TEXT,
        )
        var_rule[1].set_color(DROPPED)
        trap2 = label("running_var stores the UNBIASED variance: × m/(m−1)", size=BODY_SIZE - 2, color=DROPPED)
        top = VGroup(rule, trap1, trap1b).arrange(DOWN, buff=0.25)
        bottom = VGroup(var_rule, trap2).arrange(DOWN, buff=0.25)
        VGroup(top, bottom).arrange(DOWN, buff=0.55).next_to(self.title, DOWN, buff=0.45)
        rest = lead(self, "Training also keeps running averages of μ and σ² for inference. Trap one: momentum.", busy=2)
        self.play(Write(rule))
        self.play(FadeIn(trap1), FadeIn(trap1b))
        self.wait(rest + 1.0)
        lead(self, "Trap two: the stored variance is unbiased; the one that normalises is not.", busy=3)
        self.play(Write(var_rule))
        self.play(FadeIn(trap2))

        d, m = self.d, N
        unbiased = d.var[COL] * m / (m - 1)
        check = MathTex(
            rf"\text{{step 1, feature {COL + 1}:}}\quad \sigma^2 = {tex(d.var[COL], 3)}"
            rf",\quad \tfrac{{{m}}}{{{m - 1}}}\sigma^2 = {tex(unbiased, 3)}"
            rf",\quad \text{{running\_var}} = 0.9 \cdot {tex(d.running_var[0, COL], 0)} + 0.1 \cdot {tex(unbiased, 3)}"
            rf" = {tex(d.running_var[1, COL], 3)}",
            font_size=BODY_SIZE, color=BATCH,
        ).next_to(bottom, DOWN, buff=0.45)
        if check.width > 14.2 - 2 * EDGE:
            check.scale_to_fit_width(14.2 - 2 * EDGE)
        self.play(FadeIn(check))
        self.wait(2.0)

    # --- running statistics over many steps ---
    def running_chart(self):
        d = self.d
        self.step = ValueTracker(0)
        self.series = [d.running_mean[:, COL], d.running_var[:, COL]]
        truths = [d.true_mean[COL], d.true_var[COL]]
        starts = [d.running_mean[0, COL], d.running_var[0, COL]]
        names = ["running_mean", "running_var"]
        self.axes = [self.chart_axes(self.series[k], truths[k], (-1) ** (k + 1) * 3.5) for k in range(2)]
        targets = VGroup()
        for axes, truth, start, word in zip(self.axes, truths, starts, ("mean", "var")):
            line = DashedLine(axes.c2p(0, truth), axes.c2p(STEPS, truth), color=MUTED, stroke_width=2)
            tag = label(f"true {word} {fmt(truth)}", size=SMALL_SIZE - 4, color=MUTED)
            tag.next_to(line, DOWN if start > truth else UP, buff=0.1).align_to(line, RIGHT)
            targets.add(VGroup(line, tag))
        curves = [always_redraw(self.curve_builder(k)) for k in range(2)]
        readouts = [always_redraw(self.readout_builder(k, names[k])) for k in range(2)]
        self.step_word = label("step", size=SMALL_SIZE, color=MUTED)
        counter = always_redraw(self.step_counter)
        self.play(FadeIn(VGroup(*self.axes)), FadeIn(targets))
        self.add(*curves, *readouts, counter)
        self.say(f"Feature {COL + 1} over {STEPS} training steps: the running statistics.",
                 wait=0.1)
        self.play(self.step.animate.set_value(STEPS), run_time=5, rate_func=linear)
        self.wait(1.0)
        for mob in (*curves, *readouts, counter):
            mob.clear_updaters()

    def chart_axes(self, series, truth, x):
        high = max(series.max(), truth)
        low = min(series.min(), truth, 0.0)
        step = _nice_step(high - low)
        top = np.ceil(high * 1.05 / step) * step
        bottom = np.floor(low * 1.05 / step) * step
        axes = Axes(
            x_range=[0, STEPS, 10], y_range=[bottom, top, step], x_length=5.4, y_length=3.0,
            axis_config={"color": MUTED, "include_ticks": True, "stroke_width": 2},
            x_axis_config={"numbers_to_include": list(range(10, STEPS + 1, 10)), "font_size": SMALL_SIZE},
            y_axis_config={"numbers_to_include": _ticks(bottom, top, step), "font_size": SMALL_SIZE,
                           "decimal_number_config": {"num_decimal_places": 1}},
            tips=False,
        )
        axes.move_to([x, -0.7, 0])
        axes.x_axis.numbers.set_color(MUTED)
        axes.y_axis.numbers.set_color(MUTED)
        return axes

    def curve_builder(self, k):
        def curve():
            axes, series = self.axes[k], self.series[k]
            n = int(round(self.step.get_value()))
            points = [axes.c2p(i, series[i]) for i in range(n + 1)]
            path = VMobject(color=BATCH, stroke_width=3)
            path.set_points_as_corners(points if len(points) > 1 else points * 2)
            return path
        return curve

    def readout_builder(self, k, name):
        """`name = value` above chart k; the name is made once, only the number is rebuilt each frame."""
        name = mono(f"{name} =", size=SMALL_SIZE, color=BATCH)

        made = {}  # step -> readout: each step's number is typeset once, not once per frame

        def readout():
            n = int(round(self.step.get_value()))
            if n not in made:
                value = DecimalNumber(self.series[k][n], num_decimal_places=3, font_size=BODY_SIZE + 4, color=BATCH)
                made[n] = VGroup(name.copy(), value).arrange(RIGHT, buff=0.2).move_to(
                    [self.axes[k].get_center()[0], 1.75, 0])
            return made[n]
        return readout

    def step_counter(self):
        n = int(round(self.step.get_value()))
        return VGroup(self.step_word, Integer(n, font_size=BODY_SIZE, color=MUTED)).arrange(RIGHT, buff=0.15).move_to(
            [0, 2.45, 0])

    # --- eval mode: the same sample in two batches ---
    def eval_mode(self):
        d = self.d
        grids, boxes, names = VGroup(), VGroup(), VGroup()
        for batch, row, x, name in ((d.batch_a, SHARED_ROW_A, -3.4, "batch A"),
                                    (d.batch_b, SHARED_ROW_B, 3.4, "batch B")):
            grid = number_grid(batch, cell_width=1.2, cell_height=0.45, size=SMALL_SIZE).move_to([x, 1.5, 0])
            grids.add(grid)
            boxes.add(SurroundingRectangle(grid[row], color=TEXT, buff=0.1))
            names.add(label(name, size=SMALL_SIZE, color=MUTED).next_to(grid, UP, buff=0.25))
        train = self.output_row("train(): output of the boxed sample", d.train_a, d.train_b, -0.4, DROPPED, "≠")
        rest = lead(self, "One sample in two batches: in train() it gets two different outputs.",
                  busy=3)
        self.play(FadeIn(grids), FadeIn(names))
        self.play(Create(boxes))
        self.play(FadeIn(train))
        self.wait(rest)
        evals = self.output_row("eval(): running statistics", d.eval_a, d.eval_b, -1.7, KEPT, "=")
        rest = lead(self, "In eval() the running statistics are fixed: same sample, same output.",
                  busy=1)
        self.play(FadeIn(evals))
        self.wait(rest + 1.0)

    def output_row(self, mode, out_a, out_b, y, color, relation):
        left = mono("[" + ", ".join(fmt(v) for v in out_a) + "]", size=SMALL_SIZE, color=color).move_to([-3.4, y, 0])
        right = mono("[" + ", ".join(fmt(v) for v in out_b) + "]", size=SMALL_SIZE, color=color).move_to([3.4, y, 0])
        sign = label(relation, size=BODY_SIZE + 8, color=color).move_to([0, y, 0])
        name = mono(mode, size=SMALL_SIZE, color=MUTED).move_to([0, y + 0.55, 0])
        return lean(VGroup(name, left, sign, right))


def _nice_step(span):
    raw = span / 4
    power = 10 ** np.floor(np.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return float(mult * power)
    return float(10 * power)


def _ticks(bottom, top, step):
    start = np.ceil(bottom / step) * step
    return [round(float(t), 6) for t in np.arange(start, top + 1e-9, step)]
