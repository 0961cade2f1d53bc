"""Q1: L1 vs L2 - constant pull vs fading pull, diamond corners vs circle, lasso zeros on the path.

Storyboard: (a) the two penalties and their gradients; (b) two weights: the loss ellipses of a seeded
least-squares problem meet the L1 diamond at a corner (one weight exactly 0) and the L2 circle off
the axes, while lambda shrinks and grows; (c) the regularization path on eight features: lasso
coefficients reach exactly 0 one by one, ridge ones only shrink; (d) when to use which.
Every number, curve and shape is computed by `data(seed)` from the regviz core.
"""
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    Polygon,
    RoundedRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    linear,
    smooth,
)

import regviz
from scenes.common import (
    BODY_SIZE,
    FAINT,
    GRAD,
    L1,
    L2,
    LOSS,
    MUTED,
    NUMBER_SIZE,
    PANEL,
    SMALL_SIZE,
    TEXT,
    RegvizScene,
    fmt,
    label,
    mono,
)


# --- problem sizes (not numbers on screen: the numbers come from the core) ---
PULL_LAM = 1.0  # lambda for the one-weight gradient picture in part (a)
PULL_GRID = 301  # weights in [-1.5, 1.5] for that picture
N_2D, N_PATH, D_PATH, TRUE_NONZERO = 60, 100, 8, 3
GEOMETRY_GRID = 100  # lambdas for the 2-D sweep
PATH_GRID = 120  # lambdas for the regularization path
CONTOUR_POINTS = 100


@dataclass(frozen=True)
class L1vsL2Data:
    # (a) one weight: the pull of each penalty
    pull_w: np.ndarray  # (PULL_GRID,) weights
    pull_l1: np.ndarray  # l1_grad(pull_w, PULL_LAM)
    pull_l2: np.ndarray  # l2_grad(pull_w, PULL_LAM)
    pull_lam: float
    # (b) two weights
    X2: np.ndarray  # (N_2D, 2) centred features
    y2: np.ndarray  # (N_2D,) centred targets
    gram: np.ndarray  # (2, 2) X^T X / n: the quadratic form of the loss
    ols: np.ndarray  # (2,) unpenalised optimum, centre of the ellipses
    box: tuple  # (lo, hi): the plot shows [lo, hi]^2, the whole diamond and the inner ellipses
    geo_lams: np.ndarray  # (GEOMETRY_GRID,) lambdas, descending from lam_max
    geo_l1: np.ndarray  # (GEOMETRY_GRID, 2) lasso optimum per lambda (row i_star from fit)
    geo_l2: np.ndarray  # (GEOMETRY_GRID, 2) ridge optimum per lambda (row i_star from fit)
    i_star: int  # index of the lambda shown at rest: lasso has exactly one zero there
    lam_star: float
    zero_axis: int  # which weight the lasso sets to 0 at lam_star (0 or 1)
    one_zero: tuple  # (first, last) indices of the grid where the lasso has exactly one zero
    sweep_low: int  # the sweep's smallest lambda: a little past the one-zero range
    contours: list  # static loss contours: list (per level) of lists of (k, 2) segments in the box
    touch_l1: list  # per grid index: segments of the contour through the lasso optimum
    touch_l2: list  # per grid index: segments of the contour through the ridge optimum
    # (c) regularization path
    Xp: np.ndarray  # (N_PATH, D_PATH)
    yp: np.ndarray  # (N_PATH,)
    w_true: np.ndarray  # (D_PATH,)
    lam_max: float
    path_lams: np.ndarray  # (PATH_GRID,) ascending
    path_l1: np.ndarray  # (PATH_GRID, D_PATH)
    path_l2: np.ndarray  # (PATH_GRID, D_PATH)
    zeros_l1: np.ndarray  # (PATH_GRID,) count of exact zeros per lambda
    zeros_l2: np.ndarray  # (PATH_GRID,)
    zero_from: np.ndarray  # (D_PATH,) first index from which lasso coefficient j stays exactly 0 (PATH_GRID: never)
    ridge_min_abs: float  # smallest |w_j| of the ridge fit at the largest lambda


# --- pure maths used by data() ---
def ellipse(ols, gram, r, k=CONTOUR_POINTS):
    """Points w with (w - ols)^T gram (w - ols) = r^2: a level set of the least-squares loss."""
    vals, vecs = np.linalg.eigh(gram)
    inv_sqrt = vecs @ np.diag(vals**-0.5) @ vecs.T
    t = np.linspace(0, 2 * np.pi, k)
    return ols + r * (np.stack([np.cos(t), np.sin(t)], axis=1) @ inv_sqrt.T)


def quad_radius(ols, gram, w):
    """r with (w - ols)^T gram (w - ols) = r^2."""
    d = np.asarray(w) - ols
    return float(np.sqrt(d @ gram @ d))


def clip_to_box(points, box):
    """Split a closed polyline into the runs of points inside [lo, hi]^2."""
    lo, hi = box
    inside = np.all((points >= lo) & (points <= hi), axis=1)
    runs, current = [], []
    for p, ok in zip(points, inside):
        if ok:
            current.append(p)
        elif current:
            runs.append(np.array(current))
            current = []
    if current:
        if runs and inside[0]:  # the curve is closed: join the last run to the first
            runs[0] = np.vstack([np.array(current), runs[0]])
        else:
            runs.append(np.array(current))
    return [r for r in runs if len(r) > 1]


def zero_from(path):
    """For each column of a (k, d) path over ascending lambdas: the first row from which it stays exactly 0."""
    k, d = path.shape
    out = np.full(d, k)
    for j in range(d):
        nonzero = np.flatnonzero(path[:, j] != 0)
        out[j] = nonzero[-1] + 1 if nonzero.size else 0
    return out


def two_feature_problem(rng, n=N_2D):
    """Two mildly correlated features, the first one stronger; centred, no intercept."""
    X = rng.standard_normal((n, 2)) @ np.array([[1.0, 0.0], [0.5, 0.8]])
    w = np.array([rng.uniform(1.6, 2.2), rng.uniform(0.5, 0.8)])
    y = X @ w + 0.5 * rng.standard_normal(n)
    return X - X.mean(0), y - y.mean()


def path_problem(rng, n=N_PATH, d=D_PATH, k=TRUE_NONZERO, rho=0.4):
    """d features with correlation rho^|i-j|, k of them truly non-zero; centred, no intercept."""
    cov = rho ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
    X = rng.standard_normal((n, d)) @ np.linalg.cholesky(cov).T
    w = np.zeros(d)
    idx = rng.choice(d, k, replace=False)
    w[idx] = rng.choice([-1.0, 1.0], k) * rng.uniform(1.0, 3.0, k)
    y = X @ w + rng.standard_normal(n)
    return X - X.mean(0), y - y.mean(), w


def data(seed=0):
    rng = np.random.default_rng(seed)

    # (a) the pull of each penalty on one weight
    pull_w = np.linspace(-1.5, 1.5, PULL_GRID)
    pull_l1 = regviz.l1_grad(pull_w, PULL_LAM)
    pull_l2 = regviz.l2_grad(pull_w, PULL_LAM)

    # (b) two weights: optima on a lambda grid, descending from lam_max
    X2, y2 = two_feature_problem(rng)
    gram = X2.T @ X2 / len(y2)
    ols = np.linalg.solve(gram, X2.T @ y2 / len(y2))
    top = regviz.lam_max(X2, y2)
    geo_lams = np.geomspace(top, top / 30, GEOMETRY_GRID)
    geo_l1 = regviz.regularization_path(X2, y2, "l1", geo_lams)
    geo_l2 = regviz.regularization_path(X2, y2, "l2", geo_lams)
    one = np.flatnonzero((geo_l1 == 0).sum(axis=1) == 1)
    if one.size < 3:
        raise ValueError(f"seed {seed}: the lasso has one exact zero on only {one.size} grid lambdas")
    i_star = int(one[int(0.6 * (one.size - 1))])  # well inside the one-zero range
    lam_star = float(geo_lams[i_star])
    fit_l1 = regviz.fit(X2, y2, "l1", lam_star)
    fit_l2 = regviz.fit(X2, y2, "l2", lam_star)
    geo_l1[i_star], geo_l2[i_star] = fit_l1.w, fit_l2.w  # the state shown at rest is the fit itself
    zero_axis = int(np.flatnonzero(fit_l1.w == 0)[0])
    sweep_low = int(min(GEOMETRY_GRID - 1, one[-1] + max(4, one.size // 3)))
    s_max = float(np.abs(geo_l1[: sweep_low + 1]).sum(axis=1).max())  # the biggest diamond of the sweep
    box = (-1.15 * s_max, 1.35 * max(s_max, float(ols.max())))
    r_origin = quad_radius(ols, gram, np.zeros(2))
    contours = [clip_to_box(ellipse(ols, gram, r), box) for r in r_origin * np.linspace(0.2, 1.4, 7)]
    touch_l1 = [clip_to_box(ellipse(ols, gram, quad_radius(ols, gram, w)), box) for w in geo_l1]
    touch_l2 = [clip_to_box(ellipse(ols, gram, quad_radius(ols, gram, w)), box) for w in geo_l2]

    # (c) the regularization path on d features, ascending lambdas from lam_max/300 to 10*lam_max
    Xp, yp, w_true = path_problem(rng)
    lmax = regviz.lam_max(Xp, yp)
    path_lams = np.geomspace(lmax / 300, lmax * 10, PATH_GRID)
    path_l1 = regviz.regularization_path(Xp, yp, "l1", path_lams)
    path_l2 = regviz.regularization_path(Xp, yp, "l2", path_lams)

    return L1vsL2Data(
        pull_w=pull_w, pull_l1=pull_l1, pull_l2=pull_l2, pull_lam=PULL_LAM,
        X2=X2, y2=y2, gram=gram, ols=ols, box=box,
        geo_lams=geo_lams, geo_l1=geo_l1, geo_l2=geo_l2, i_star=i_star, lam_star=lam_star,
        zero_axis=zero_axis, one_zero=(int(one[0]), int(one[-1])), sweep_low=sweep_low,
        contours=contours, touch_l1=touch_l1, touch_l2=touch_l2,
        Xp=Xp, yp=yp, w_true=w_true, lam_max=lmax, path_lams=path_lams,
        path_l1=path_l1, path_l2=path_l2,
        zeros_l1=(path_l1 == 0).sum(axis=1), zeros_l2=(path_l2 == 0).sum(axis=1),
        zero_from=zero_from(path_l1), ridge_min_abs=float(np.abs(path_l2[-1]).min()),
    )


# --- drawing helpers (geometry only: every value comes from data) ---
def to_scene(axes, points):
    """axes.c2p for a whole (k, 2) array at once (the axes are linear)."""
    origin = axes.c2p(0, 0)
    ex, ey = axes.c2p(1, 0) - origin, axes.c2p(0, 1) - origin
    points = np.asarray(points, dtype=float)
    return origin + points[:, :1] * ex + points[:, 1:2] * ey


def polyline(axes, points, color, width=2.0, opacity=1.0):
    line = VMobject(stroke_color=color, stroke_width=width, stroke_opacity=opacity)
    line.set_points_as_corners(to_scene(axes, points))
    return line


def segments(axes, runs, color, width=2.0, opacity=1.0):
    return VGroup(*(polyline(axes, run, color, width, opacity) for run in runs))


def redraw(index, builder):
    """always_redraw for a tracker that steps through a grid of precomputed states: the group becomes
    builder(index()) only when the index changes, not on every frame (`become` re-aligns every point
    of every curve, the slow part of a redraw)."""
    holder = VGroup(builder(index()).copy())
    holder.shown = index()

    def update(group):
        i = index()
        if i != group.shown:
            group.shown = i
            group.become(VGroup(builder(i).copy()))

    return holder.add_updater(update)


def weight(value):
    """A weight as shown on screen: exact zeros (what the lasso is about) print as 0."""
    return "0" if value == 0 else fmt(value)


class L1vsL2Scene(RegvizScene):
    name = "l1_vs_l2"

    def construct(self):
        self.d = data(self.seed)
        self._built = {}
        self.title = self.headline()
        self.show_penalties()
        self.show_pull()
        self.show_geometry()
        self.sweep_lambda()
        self.show_paths()
        self.when_to_use()

    def cached(self, key, build):
        """Build each distinct state once (redraw copies it), so a sweep back and forth builds nothing new."""
        if key not in self._built:
            self._built[key] = build()
        return self._built[key]

    # ------------------------------------------------------------------ (a) formulas and the pull
    def show_penalties(self):
        left, right = 3.5 * LEFT, 3.5 * RIGHT
        self.l1_head = label("L1  (lasso)", size=BODY_SIZE, color=L1).move_to(left + 2.6 * UP)
        self.l2_head = label("L2  (ridge)", size=BODY_SIZE, color=L2).move_to(right + 2.6 * UP)
        l1_pen = MathTex(r"\lambda \sum_i |w_i|", color=L1, font_size=44).move_to(left + 1.75 * UP)
        l2_pen = MathTex(r"\lambda \sum_i w_i^2", color=L2, font_size=44).move_to(right + 1.75 * UP)
        l1_grad = MathTex(r"\frac{\partial}{\partial w_i} = \lambda\,\mathrm{sign}(w_i)", font_size=34, color=TEXT)
        l2_grad = MathTex(r"\frac{\partial}{\partial w_i} = 2\lambda\, w_i", font_size=34, color=TEXT)
        l1_grad.move_to(left + 0.75 * UP)
        l2_grad.move_to(right + 0.75 * UP)
        self.formulas = VGroup(self.l1_head, self.l2_head, l1_pen, l2_pen, l1_grad, l2_grad)
        self.grads = VGroup(l1_grad, l2_grad)
        self.play(
            FadeIn(self.l1_head),
            FadeIn(self.l2_head),
            Write(l1_pen),
            Write(l2_pen),
            run_time=1.5,
        )
        self.say("Both add a penalty on the weights to the training loss.")

    def pull_axes(self, centre):
        top = float(np.abs(self.d.pull_l2).max())
        axes = Axes(
            x_range=[-1.5, 1.5, 0.5], y_range=[-top, top, top], x_length=4.8, y_length=2.3, tips=False,
            axis_config={"color": MUTED, "stroke_width": 2, "include_ticks": False},
        ).move_to(centre)
        w_lab = MathTex("w", font_size=30, color=MUTED).next_to(axes.x_axis.get_right(), RIGHT, buff=0.12)
        y_lab = label("pull", size=SMALL_SIZE, color=MUTED).next_to(axes.y_axis.get_top(), RIGHT, buff=0.12)
        return axes, VGroup(axes, w_lab, y_lab)

    def pull_curve(self, axes, grad, color):
        w = self.d.pull_w
        neg, pos = w < 0, w > 0  # L1's pull jumps at 0: draw the two sides apart
        return VGroup(
            polyline(axes, np.stack([w[neg], grad[neg]], 1), color, 3),
            polyline(axes, np.stack([w[pos], grad[pos]], 1), color, 3),
        )

    def pull_step(self):
        return int(round(self.w_index.get_value()))

    def pull_bars(self, i):
        """The pull of each penalty on a weight w = pull_w[i]: a bar from the w-axis up to the gradient."""
        group = VGroup()
        for axes, grad, color in ((self.ax_l1, self.d.pull_l1, L1), (self.ax_l2, self.d.pull_l2, L2)):
            w, g = self.d.pull_w[i], grad[i]
            group.add(Line(axes.c2p(w, 0), axes.c2p(w, g), color=GRAD, stroke_width=6),
                      Dot(axes.c2p(w, g), radius=0.07, color=color))
        return group

    def show_pull(self):
        centre = 1.55 * DOWN
        self.ax_l1, g1 = self.pull_axes(3.5 * LEFT + centre)
        self.ax_l2, g2 = self.pull_axes(3.5 * RIGHT + centre)
        lam_tick = MathTex(r"\lambda", font_size=30, color=L1)
        lam_tick.next_to(self.ax_l1.c2p(0, self.d.pull_lam), LEFT, buff=0.12)
        c1 = self.pull_curve(self.ax_l1, self.d.pull_l1, L1)
        c2 = self.pull_curve(self.ax_l2, self.d.pull_l2, L2)
        self.play(
            FadeIn(self.grads, shift=0.1 * DOWN),
            FadeIn(g1),
            FadeIn(g2),
            Create(c1),
            Create(c2),
            FadeIn(lam_tick),
            run_time=1.5,
        )
        w = self.d.pull_w
        self.w_index = ValueTracker(int(np.argmin(np.abs(w - 1.4))))
        bars = redraw(self.pull_step, self.pull_bars)
        self.add(bars)
        self.say("Near 0, L1 still pulls with force λ; L2's pull 2λw fades away.", wait=0.1)
        smallest = int(np.flatnonzero(w > 0)[0])
        self.play(self.w_index.animate.set_value(smallest), run_time=3.0, rate_func=smooth)
        self.wait(0.5)
        bars.clear_updaters()
        self.play(FadeOut(VGroup(self.formulas, g1, g2, c1, c2, lam_tick, bars)))

    # ------------------------------------------------------------------ (b) geometry in 2-D
    def geo_axes(self, centre):
        lo, hi = self.d.box
        axes = Axes(
            x_range=[lo, hi, 1], y_range=[lo, hi, 1], x_length=4.3, y_length=4.3, tips=False,
            axis_config={"color": MUTED, "stroke_width": 2, "tick_size": 0.05},
        ).move_to(centre)
        w1 = MathTex("w_1", font_size=28, color=MUTED).next_to(axes.x_axis.get_right(), DOWN, buff=0.12)
        w2 = MathTex("w_2", font_size=28, color=MUTED).next_to(axes.y_axis.get_top(), LEFT, buff=0.12)
        contours = VGroup(*(segments(axes, runs, LOSS, 1.5, 0.35) for runs in self.d.contours))
        ols = Dot(axes.c2p(*self.d.ols), radius=0.06, color=LOSS)
        ols_lab = MathTex(r"\hat w_{\mathrm{OLS}}", font_size=28, color=LOSS).next_to(ols, UP, buff=0.1)
        return axes, VGroup(axes, w1, w2), VGroup(contours, ols, ols_lab)

    def geo_index(self):
        return int(round(self.lam_index.get_value()))

    def geometry_l1(self, i):
        return self.cached(("l1", i), lambda: self.constraint_l1(self.gax1, i))

    def geometry_l2(self, i):
        return self.cached(("l2", i), lambda: self.constraint_l2(self.gax2, i))

    def constraint_l1(self, axes, i):
        w = self.d.geo_l1[i]
        s = float(np.abs(w).sum())  # the diamond |w1| + |w2| <= ||w||_1 of the lasso optimum
        group = VGroup()
        if s > 1e-9:
            group.add(Polygon(*to_scene(axes, [(s, 0), (0, s), (-s, 0), (0, -s)]),
                              color=L1, stroke_width=3, fill_color=L1, fill_opacity=0.18))
        group.add(segments(axes, self.d.touch_l1[i], LOSS, 2.5))
        group.add(Dot(axes.c2p(*w), radius=0.08, color=L1).set_stroke(TEXT, 1.5, background=True))
        return group

    def constraint_l2(self, axes, i):
        w = self.d.geo_l2[i]
        r = float(np.linalg.norm(w))  # the circle ||w||_2 <= radius of the ridge optimum
        circle = Circle(radius=r * axes.x_length / (self.d.box[1] - self.d.box[0]), color=L2, stroke_width=3,
                        fill_color=L2, fill_opacity=0.18).move_to(axes.c2p(0, 0))
        return VGroup(
            circle,
            segments(axes, self.d.touch_l2[i], LOSS, 2.5),
            Dot(axes.c2p(*w), radius=0.08, color=L2).set_stroke(TEXT, 1.5, background=True),
        )

    def readouts(self, i):
        return self.cached(("readouts", i), lambda: self.build_readouts(i))

    def build_readouts(self, i):
        group = VGroup()
        for which, ws, color in (("l1", self.d.geo_l1, L1), ("l2", self.d.geo_l2, L2)):
            w = ws[i]
            group.add(self.number_text(f"w = ({weight(w[0])}, {weight(w[1])})", color, self.readout_anchor[which]))
        return group.add(self.number_text(f"λ = {self.d.geo_lams[i]:.2f}", TEXT, 2.6 * UP))

    def number_text(self, text, color, where):
        """A readout, built once per distinct string (Text parses an SVG, which is slow)."""
        return self.cached(("text", text, str(color), tuple(where)),
                           lambda: mono(text, size=NUMBER_SIZE, color=color).move_to(where))

    def show_geometry(self):
        centre = 0.65 * DOWN
        self.gax1, frame1, bg1 = self.geo_axes(3.4 * LEFT + centre)
        self.gax2, frame2, bg2 = self.geo_axes(3.4 * RIGHT + centre)
        head1 = MathTex(r"\text{L1: } |w_1| + |w_2| \le s", font_size=34, color=L1).move_to(3.4 * LEFT + 2.6 * UP)
        head2 = MathTex(r"\text{L2: } w_1^2 + w_2^2 \le r^2", font_size=34, color=L2).move_to(3.4 * RIGHT + 2.6 * UP)
        self.readout_anchor = {"l1": 3.4 * LEFT + 2.1 * UP, "l2": 3.4 * RIGHT + 2.1 * UP}
        self.play(FadeIn(VGroup(frame1, frame2, head1, head2)))
        self.say("Two weights: the data's loss is a bowl; its level sets are ellipses.", wait=0.1)
        self.play(Create(VGroup(bg1, bg2)), run_time=2.5)
        self.wait(1.4)  # let the caption be read before the next one
        self.lam_index = ValueTracker(self.d.i_star)
        shapes = VGroup(redraw(self.geo_index, self.geometry_l1), redraw(self.geo_index, self.geometry_l2))
        readouts = redraw(self.geo_index, self.readouts)
        self.play(FadeIn(VGroup(shapes, readouts)))
        zero = self.d.zero_axis + 1
        self.say(f"The first ellipse to touch the diamond hits a corner: w{zero} is exactly 0.")
        self.say("The round circle is touched off the axes: both weights stay.")
        self.geometry = VGroup(frame1, frame2, bg1, bg2, head1, head2, shapes, readouts)

    def sweep_lambda(self):
        first, last = self.d.one_zero  # the grid descends in lambda
        lo, hi = self.d.geo_lams[last], self.d.geo_lams[first]
        self.say(f"For every λ from {lo:.2f} to {hi:.2f}, lasso keeps w{self.d.zero_axis + 1} exactly 0.",
                 wait=0.1)
        self.play(self.lam_index.animate.set_value(0), run_time=1.7, rate_func=smooth)
        self.play(self.lam_index.animate.set_value(self.d.sweep_low), run_time=2.7, rate_func=smooth)
        self.play(self.lam_index.animate.set_value(self.d.i_star), run_time=1.0, rate_func=smooth)
        self.wait(0.2)
        for mob in self.geometry:
            mob.clear_updaters()
        self.play(FadeOut(self.geometry))

    # ------------------------------------------------------------------ (c) the regularization path
    def path_axes(self, centre, path):
        t = np.log10(self.d.path_lams)
        both = np.vstack([self.d.path_l1, self.d.path_l2])
        bottom, top = 1.1 * min(float(both.min()), 0.0), 1.1 * max(float(both.max()), 0.0)
        bottom, top = bottom - 0.1 * (top - bottom), top + 0.1 * (top - bottom)  # room above and below 0
        axes = Axes(x_range=[t[0], t[-1], 1], y_range=[bottom, top, 1], x_length=5.8, y_length=3.6, tips=False,
                    axis_config={"stroke_opacity": 0, "include_ticks": False}).move_to(centre)
        left = t[0]
        frame = VGroup(
            Line(axes.c2p(t[0], 0), axes.c2p(t[-1], 0), color=MUTED, stroke_width=1.5),
            Line(axes.c2p(t[0], bottom), axes.c2p(t[-1], bottom), color=MUTED, stroke_width=2),
            Line(axes.c2p(left, bottom), axes.c2p(left, top), color=MUTED, stroke_width=2),
        )
        for k in range(int(np.ceil(t[0])), int(np.floor(t[-1])) + 1):  # decades of lambda
            frame.add(Line(axes.c2p(k, bottom), axes.c2p(k, bottom) + 0.08 * UP, color=MUTED))
            frame.add(MathTex(f"10^{{{k}}}", font_size=24, color=MUTED).next_to(axes.c2p(k, bottom), DOWN, buff=0.1))
        for v in range(int(np.ceil(bottom)), int(np.floor(top)) + 1):
            frame.add(label(f"{v}", size=18, color=MUTED).next_to(axes.c2p(left, v), LEFT, buff=0.1))
        lam_lab = MathTex(r"\lambda", font_size=30, color=MUTED).next_to(axes.c2p(t[-1], bottom), RIGHT, buff=0.15)
        w_lab = MathTex("w_j", font_size=28, color=MUTED).next_to(axes.c2p(left, top), UP, buff=0.1)
        t_max = np.log10(self.d.lam_max)
        lmax = DashedLine(axes.c2p(t_max, bottom), axes.c2p(t_max, top), color=FAINT, stroke_width=2)
        lmax_lab = MathTex(r"\lambda_{\max}", font_size=24, color=MUTED).next_to(lmax, UP, buff=0.08)
        return axes, VGroup(frame, lam_lab, w_lab, lmax, lmax_lab)

    def path_step(self):
        return int(round(self.path_index.get_value()))

    def path_curves(self, axes, path, color):
        """One curve per coefficient over log10(lambda); Create grows them in step with the cursor."""
        t = np.log10(self.d.path_lams)
        return VGroup(*(polyline(axes, np.stack([t, path[:, j]], 1), color, 2.5, 0.9) for j in range(path.shape[1])))

    def path_marks_l1(self, i):
        return self.path_marks(self.pax1, self.d.path_l1, L1, self.d.zeros_l1, i)

    def path_marks_l2(self, i):
        return self.path_marks(self.pax2, self.d.path_l2, L2, self.d.zeros_l2, i)

    def path_marks(self, axes, path, color, zeros, i):
        """The cursor at lambda_i, the count of exact zeros there and (lasso) where coefficients hit 0."""
        t = np.log10(self.d.path_lams[: i + 1])
        group = VGroup()
        group.add(Line(axes.c2p(t[-1], axes.y_range[0]), axes.c2p(t[-1], axes.y_range[1]),
                       color=MUTED, stroke_width=1.5))
        if path is self.d.path_l1:  # mark where each lasso coefficient becomes exactly 0 for good
            for k in self.d.zero_from:
                if 0 < k <= i:
                    group.add(Dot(axes.c2p(np.log10(self.d.path_lams[k]), 0), radius=0.07, color=TEXT))
        group.add(self.number_text(f"exact zeros: {zeros[i]}/{path.shape[1]}", color, axes.get_top() + 0.5 * UP))
        return group

    def show_paths(self):
        centre = 0.5 * DOWN
        d = self.d.path_l1.shape[1]
        self.pax1, frame1 = self.path_axes(3.55 * LEFT + centre, self.d.path_l1)
        self.pax2, frame2 = self.path_axes(3.55 * RIGHT + centre, self.d.path_l2)
        head1 = label("Lasso path", size=BODY_SIZE, color=L1).move_to(3.55 * LEFT + 2.6 * UP)
        head2 = label("Ridge path", size=BODY_SIZE, color=L2).move_to(3.55 * RIGHT + 2.6 * UP)
        self.play(FadeIn(VGroup(frame1, frame2, head1, head2)))
        self.path_index = ValueTracker(0)
        curves = VGroup(
            self.path_curves(self.pax1, self.d.path_l1, L1),
            self.path_curves(self.pax2, self.d.path_l2, L2),
        )
        marks = VGroup(redraw(self.path_step, self.path_marks_l1), redraw(self.path_step, self.path_marks_l2))
        self.add(marks)
        self.say(f"{d} features, {int(np.count_nonzero(self.d.w_true))} truly useful. Sweep λ small to large.",
                 wait=0.1)
        self.add(curves, marks)  # the marks (zero dots, counters) stay in front of the growing curves
        self.play(
            self.path_index.animate.set_value(len(self.d.path_lams) - 1),
            *(Create(curve) for curve in curves.family_members_with_points()),
            run_time=5,
            rate_func=linear,
        )
        marks.clear_updaters()
        self.say("Lasso weights hit exactly 0 one by one (dots); at large λ all are 0.")
        self.say(f"Ridge shrinks but never hits 0: smallest |weight| {self.d.ridge_min_abs:.2g}.")
        self.play(FadeOut(VGroup(frame1, frame2, head1, head2, curves, marks)))

    # ------------------------------------------------------------------ (d) when to use which
    def card(self, head, color, lines, centre, extra=None, width=6.6, height=3.6, pitch=0.55):
        """A panel with a coloured heading and bullet lines on a fixed pitch (Text heights vary)."""
        box = RoundedRectangle(width=width, height=height, corner_radius=0.15, stroke_color=color,
                               stroke_width=2, fill_color=PANEL, fill_opacity=1).move_to(centre)
        top_left = box.get_corner(UP + LEFT) + 0.4 * RIGHT + 0.5 * DOWN
        group = VGroup(box, label(head, size=BODY_SIZE, color=color).move_to(top_left, aligned_edge=LEFT))
        for k, line in enumerate(lines, start=1):
            group.add(label("•  " + line, size=SMALL_SIZE, color=TEXT)
                      .move_to(top_left + k * pitch * DOWN + 0.1 * RIGHT, aligned_edge=LEFT))
        if extra is not None:
            group.add(extra.move_to(top_left + (len(lines) + 1) * pitch * DOWN + 0.5 * RIGHT, aligned_edge=LEFT))
        return group

    def when_to_use(self):
        l2_lines = [
            "the default choice",
            "keeps every feature, all small",
            "smooth: differentiable everywhere",
            "= weight decay under plain SGD",
        ]
        l1_lines = [
            "sparse: picks features for you",
            "not differentiable at 0",
            "exact zeros need the prox step:",
        ]
        soft = MathTex(r"S_t(w) = \mathrm{sign}(w)\,\max(|w| - t,\, 0)", font_size=32, color=L1)
        l2_card = self.card("Use L2 (ridge)", L2, l2_lines, 3.45 * LEFT)
        l1_card = self.card("Use L1 (lasso)", L1, l1_lines, 3.45 * RIGHT, extra=soft)
        self.play(
            FadeIn(l2_card, shift=0.1 * UP),
            FadeIn(l1_card, shift=0.1 * UP),
            run_time=1.0,
        )
        self.say("Default to L2. Use L1 to select features: its prox step makes zeros.")
        self.wait(1.5)  # the summary stays up: the clip's last frame is the answer
