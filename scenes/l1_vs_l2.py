"""Q1: L1 vs L2 - constant pull vs fading pull, diamond corners vs circle, exact zeros vs small weights.

Storyboard: (a) the two penalties and the pull of their gradients on one weight; (b) two weights: the
loss ellipses of a seeded least-squares problem grow until they meet the L1 diamond (at a corner: one
weight exactly 0) and the L2 circle (off the axes); each penalty lambda is a budget t = ||w(lambda)||_1
or r = ||w(lambda)||_2, and a lambda axis shades the band where the lasso keeps w2 = 0; (c) the
regularization path of eight features with |w| on a log scale: lasso weights land on exactly 0, ridge
weights only get small; (d) the lasso's step: soft-thresholding's dead zone makes the zeros, while plain
subgradient steps keep jumping across 0; (e) when to use which, acted out on twin (correlated) features: the lasso keeps one twin, ridge splits
them and keeps a useless x4, one ridge step is weight decay, and the elastic net (L1 + L2) shares the
twins while x4 stays exactly 0.
Every number, curve and shape is computed by `data(seed)` from the regviz core.
"""
import math
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    MathTex,
    Polygon,
    Rectangle,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    always_redraw,
    linear,
    smooth,
)

import regviz
from scenes.common import (
    BODY_SIZE,
    DROPPED,
    EDGE,
    ENET,
    FORMULA_SIZE,
    GRAD,
    KEPT,
    L1,
    L2,
    LOSS,
    MUTED,
    NUMBER_SIZE,
    SMALL_SIZE,
    SYMBOL_SIZE,
    TEXT,
    MonoText,
    RegvizScene,
    fmt,
    label,
    mono,
    swap,
)


# --- problem sizes (not numbers on screen: the numbers come from the core) ---
PULL_LAM = 1.0  # lambda for the one-weight gradient picture in part (a)
PULL_GRID = 301  # weights in [-1.5, 1.5] for that picture
N_2D, N_PATH, D_PATH, TRUE_NONZERO, N_TWIN = 60, 100, 8, 3, 100
TWIN_TRUE = (1.0, 1.0, 1.6, 0.0)  # x1, x2 twins; x3 a signal of its own; x4 pure noise
GEOMETRY_GRID = 120  # lambdas for the 2-D sweep, from 1.4 * lam_max down to lam_max / 30
PATH_GRID = 120  # lambdas for the regularization path
TWIN_GRID = 80  # lambdas for the twin-feature sweep
MIX_GRID = 40  # part (e): the elastic net's L1 ratio (scikit-learn's l1_ratio), from 1 (the lasso) down to MIX_END
MIX_END = 0.5  # ... half L1, half L2
CONTOUR_POINTS = 120
CONTOUR_LEVELS = (0.35, 0.6, 0.8, 1.0)  # static loss ellipses, as fractions of the one through w = 0
DOTS_LAM = 0.3  # part (d): the lasso on the 8 features at lam = DOTS_LAM * lam_max
SUBGRADIENT_LR = 0.2  # part (d): both methods step with lr = SUBGRADIENT_LR / L
SUBGRADIENT_STEPS = 36
GRAPH_GRID = 201  # part (d): inputs for the graph of the soft-threshold S(v), odd so that 0 is one of them
WINDOW_MARGIN = 0.06  # room around the curves of part (b) for the axis labels, as a fraction of the span


@dataclass(frozen=True)
class L1vsL2Data:
    # (a) one weight: the pull of each penalty
    pull_w: np.ndarray  # (PULL_GRID,) weights
    pull_l1: np.ndarray  # l1_grad(pull_w, PULL_LAM)
    pull_l2: np.ndarray  # l2_grad(pull_w, PULL_LAM)
    pull_lam: float
    pen_l1: np.ndarray  # l1_penalty of each single weight pull_w[i]: the curve whose slope is pull_l1
    pen_l2: np.ndarray  # l2_penalty of each single weight
    # (b) two weights
    X2: np.ndarray  # (N_2D, 2) centred features
    y2: np.ndarray  # (N_2D,) centred targets
    gram: np.ndarray  # (2, 2) X^T X / n: the quadratic form of the loss
    ols: np.ndarray  # (2,) unpenalised optimum, centre of the ellipses
    lam_max: float  # the smallest lambda whose lasso solution is w = 0
    geo_lams: np.ndarray  # (GEOMETRY_GRID,) lambdas, descending
    geo_l1: np.ndarray  # (GEOMETRY_GRID, 2) lasso optimum per lambda (row i_star from fit)
    geo_l2: np.ndarray  # (GEOMETRY_GRID, 2) ridge optimum per lambda (row i_star from fit)
    budget_l1: np.ndarray  # (GEOMETRY_GRID,) t = ||w_lasso(lambda)||_1: the diamond |w1| + |w2| <= t
    budget_l2: np.ndarray  # (GEOMETRY_GRID,) r = ||w_ridge(lambda)||_2: the circle w1^2 + w2^2 <= r^2
    touch_l1: np.ndarray  # (GEOMETRY_GRID,) level (quad radius) of the loss ellipse through the lasso optimum
    touch_l2: np.ndarray  # (GEOMETRY_GRID,) ... through the ridge optimum
    levels: np.ndarray  # (len(CONTOUR_LEVELS),) levels of the static ellipses
    i_star: int  # index of the lambda shown at rest: lasso has exactly one zero there
    lam_star: float
    zero_axis: int  # which weight the lasso sets to 0 at lam_star (0 or 1)
    band_low: int  # grid index of the smallest lambda from which the lasso keeps w[zero_axis] = 0
    band_from: float  # that edge as shown: rounded UP to 2 decimals, so "lambda >= band_from" holds
    all_zero_from: float  # lam_max rounded up to 2 decimals: from there on w = (0, 0)
    sweep_low: int  # the sweep's smallest lambda: a little past the band
    window: tuple  # (x_lo, x_hi, y_lo, y_hi): every curve of the sweep, whole, with a margin
    # (c) regularization path
    Xp: np.ndarray  # (N_PATH, D_PATH)
    yp: np.ndarray  # (N_PATH,)
    w_true: np.ndarray  # (D_PATH,)
    path_lam_max: float
    path_lams: np.ndarray  # (PATH_GRID,) ascending
    path_l1: np.ndarray  # (PATH_GRID, D_PATH)
    path_l2: np.ndarray  # (PATH_GRID, D_PATH)
    zeros_l1: np.ndarray  # (PATH_GRID,) count of exact zeros per lambda
    zeros_l2: np.ndarray  # (PATH_GRID,)
    smallest_l1: np.ndarray  # (PATH_GRID,) smallest |w_j| per lambda (0 once any is exactly 0)
    smallest_l2: np.ndarray  # (PATH_GRID,)
    log_floor: int  # the log axis starts at 10**log_floor, below every ridge |w_j|
    # (d) the lasso's step vs subgradient steps
    dots_lam: float  # lambda of the lasso fit on the 8 features whose step is shown
    dots_w: np.ndarray  # (D_PATH,) that fit
    dots_lr: float  # 1/L, the step fit takes
    dots_v: np.ndarray  # (D_PATH,) the gradient step v = w - lr * grad of the data loss
    dots_t: float  # lr * lam: the threshold
    dots_out: np.ndarray  # (D_PATH,) soft_threshold(v, t): the lasso step, back at w (a fixed point)
    graph_v: np.ndarray  # (GRAPH_GRID,) inputs symmetric about 0, for the graph of S
    graph_s: np.ndarray  # (GRAPH_GRID,) soft_threshold(graph_v, dots_t)
    sub_lr: float  # step size of both methods on the 2-D problem at lam_star
    ista: np.ndarray  # (SUBGRADIENT_STEPS + 1, 2) lasso_step iterates from the OLS weights
    subgradient: np.ndarray  # (SUBGRADIENT_STEPS + 1, 2) subgradient iterates from the same start
    # (e) twin features
    Xt: np.ndarray  # (N_TWIN, 4): x1 and x2 near-copies, x3 independent, x4 noise (true weight 0)
    yt: np.ndarray  # (N_TWIN,)
    twin_corr: float  # correlation of x1 and x2
    twin_lams: np.ndarray  # (TWIN_GRID,) descending from lam_max
    twin_l1: np.ndarray  # (TWIN_GRID, 4)
    twin_l2: np.ndarray  # (TWIN_GRID, 4)
    twin_show: int  # index where the lasso keeps exactly one twin (and x3), x4 at 0
    twin_kept: int  # which twin the lasso keeps there (0 or 1)
    twin_lam: float  # twin_lams[twin_show]: the lambda of the closing pictures
    decay_lr: float  # a round lr for one ridge_step, at most fit's 1 / (L + 2 lam) (0.3 for seed 0)
    decayed: np.ndarray  # (4,) the ridge weights after the decay half of one SGD step, (1 - 2 lr lam) w
    stepped: np.ndarray  # (4,) ridge_step of the ridge weights: back where they were (a fixed point)
    mix: np.ndarray  # (MIX_GRID,) the elastic net's L1 ratio rho (l1_ratio), descending from 1
    mix_w: np.ndarray  # (MIX_GRID, 4) elastic_net(Xt, yt, twin_lam, rho) per ratio


# --- pure maths used by data() and the drawing ---
def ellipse(ols, gram, r, k=CONTOUR_POINTS):
    """Points w with (w - ols)^T gram (w - ols) = r^2: a level set of the least-squares loss (closed)."""
    vals, vecs = np.linalg.eigh(gram)
    inv_sqrt = vecs @ np.diag(vals**-0.5) @ vecs.T
    t = np.linspace(0, 2 * np.pi, k)
    return ols + r * (np.stack([np.cos(t), np.sin(t)], axis=1) @ inv_sqrt.T)


def quad_radius(ols, gram, w):
    """r with (w - ols)^T gram (w - ols) = r^2."""
    d = np.asarray(w) - ols
    return float(np.sqrt(d @ gram @ d))


def ellipse_box(ols, gram, r):
    """The exact bounding box of the ellipse of level r: ols +- r * sqrt(diag(gram^-1))."""
    half = r * np.sqrt(np.diag(np.linalg.inv(gram)))
    return ols - half, ols + half


def round_up(value, digits=2):
    """value rounded UP at `digits` decimals: a threshold shown that way still lies on the true side."""
    scale = 10**digits
    return math.ceil(value * scale - 1e-9) / scale


def elastic_net(X, y, lam, rho):
    """Minimiser of (1/(2n))||y - X w||^2 + lam * (rho ||w||_1 + (1 - rho) / 2 ||w||^2), scikit-learn's
    ElasticNet(alpha=lam, l1_ratio=rho): the core's lasso on X stacked over sqrt(n (1 - rho) lam) I (rows whose
    targets are 0), at lam rho n / (n + d)."""
    n, d = X.shape
    Xa = np.vstack([X, np.sqrt(n * (1 - rho) * lam) * np.eye(d)])  # (n + d, d)
    ya = np.concatenate([y, np.zeros(d)])  # (n + d,)
    return regviz.fit(Xa, ya, "l1", rho * lam * n / (n + d)).w


def subgradient_step(w, X, y, lam, lr):
    """One plain subgradient step on (1/(2n))||y - X w||^2 + lam ||w||_1 (what 'just use SGD' does)."""
    grad = X.T @ (X @ w - y) / len(y) + regviz.l1_grad(w, lam)  # (d,) sign(0) = 0 counts as a subgradient
    return w - lr * grad


def two_feature_problem(rng, n=N_2D):
    """Two mildly correlated features, the first one stronger; centred, no intercept."""
    X = rng.standard_normal((n, 2)) @ np.array([[1.0, 0.0], [0.2, 1.0]])
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


def twin_problem(rng, n=N_TWIN):
    """x1 and x2 carry one signal (x2 = x1 + a little noise), x3 another, x4 none; y = X @ TWIN_TRUE + noise."""
    z = rng.standard_normal((n, 3))
    X = np.stack([z[:, 0], z[:, 0] + 0.15 * rng.standard_normal(n), z[:, 1], z[:, 2]], axis=1)
    y = X @ np.array(TWIN_TRUE) + 0.5 * rng.standard_normal(n)
    return X - X.mean(0), y - y.mean()


def data(seed=0):
    rng = np.random.default_rng(seed)

    # (a) the pull of each penalty on one weight
    pull_w = np.linspace(-1.5, 1.5, PULL_GRID)
    pull_l1 = regviz.l1_grad(pull_w, PULL_LAM)
    pull_l2 = regviz.l2_grad(pull_w, PULL_LAM)
    pen_l1 = np.array([regviz.l1_penalty(np.array([w]), PULL_LAM) for w in pull_w])
    pen_l2 = np.array([regviz.l2_penalty(np.array([w]), PULL_LAM) for w in pull_w])

    # (b) two weights: optima on a lambda grid, descending from above lam_max
    X2, y2 = two_feature_problem(rng)
    gram = X2.T @ X2 / len(y2)
    ols = np.linalg.solve(gram, X2.T @ y2 / len(y2))
    top = regviz.lam_max(X2, y2)
    geo_lams = np.geomspace(1.4 * top, top / 30, GEOMETRY_GRID)
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
    leaves = np.flatnonzero(geo_l1[:, zero_axis] != 0)  # the grid descends: the first non-zero ends the band
    band_low = int(leaves[0] - 1)
    sweep_low = int(min(GEOMETRY_GRID - 1, leaves[0] + max(6, (leaves[0] - one[0]) // 3)))
    budget_l1 = np.abs(geo_l1).sum(axis=1)
    budget_l2 = np.linalg.norm(geo_l2, axis=1)
    touch_l1 = np.array([quad_radius(ols, gram, w) for w in geo_l1])
    touch_l2 = np.array([quad_radius(ols, gram, w) for w in geo_l2])
    levels = quad_radius(ols, gram, np.zeros(2)) * np.array(CONTOUR_LEVELS)
    # the window holds every shape of the sweep whole: the biggest ellipse, diamond and circle
    r_big = max(levels.max(), touch_l1[: sweep_low + 1].max(), touch_l2[: sweep_low + 1].max())
    lo, hi = ellipse_box(ols, gram, r_big)
    s = max(budget_l1[: sweep_low + 1].max(), budget_l2[: sweep_low + 1].max())
    lo, hi = np.minimum(lo, -s), np.maximum(hi, s)
    pad = WINDOW_MARGIN * (hi - lo)
    window = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])

    # (c) the regularization path on d features, ascending lambdas from lam_max/300 to 10*lam_max
    Xp, yp, w_true = path_problem(rng)
    lmax = regviz.lam_max(Xp, yp)
    path_lams = np.geomspace(lmax / 300, lmax * 10, PATH_GRID)
    path_l1 = regviz.regularization_path(Xp, yp, "l1", path_lams)
    path_l2 = regviz.regularization_path(Xp, yp, "l2", path_lams)
    smallest_l2 = np.abs(path_l2).min(axis=1)
    log_floor = int(np.floor(np.log10(smallest_l2.min())))

    # (d) one lasso step on the 8 features at their optimum: v inside the dead zone <=> w_j = 0
    dots_lam = DOTS_LAM * lmax
    dots_w = regviz.fit(Xp, yp, "l1", dots_lam).w
    dots_lr = 1.0 / float(np.linalg.eigvalsh(Xp.T @ Xp / len(yp))[-1])  # fit's step, 1/L
    dots_v = dots_w - dots_lr * Xp.T @ (Xp @ dots_w - yp) / len(yp)  # (d,) the gradient step
    dots_t = dots_lr * dots_lam
    dots_out = regviz.soft_threshold(dots_v, dots_t)
    graph_v = np.linspace(-1.1, 1.1, GRAPH_GRID) * float(np.abs(dots_v).max())  # both signs, the dots' reach
    graph_s = regviz.soft_threshold(graph_v, dots_t)
    # ... and on the 2-D problem at lam_star: lasso_step vs plain subgradient steps, the same lr
    sub_lr = SUBGRADIENT_LR / float(np.linalg.eigvalsh(gram)[-1])
    ista, subgradient = [ols.copy()], [ols.copy()]
    for _ in range(SUBGRADIENT_STEPS):
        ista.append(regviz.lasso_step(ista[-1], X2, y2, lam_star, sub_lr))
        subgradient.append(subgradient_step(subgradient[-1], X2, y2, lam_star, sub_lr))

    # (e) twins: the lasso keeps one of two near-copies, ridge shares the weight
    Xt, yt = twin_problem(rng)
    t_top = regviz.lam_max(Xt, yt)
    twin_lams = np.geomspace(t_top, t_top / 30, TWIN_GRID)
    twin_l1 = regviz.regularization_path(Xt, yt, "l1", twin_lams)
    twin_l2 = regviz.regularization_path(Xt, yt, "l2", twin_lams)
    one_twin = np.flatnonzero(((twin_l1[:, :2] == 0).sum(axis=1) == 1) & (twin_l1[:, 2] != 0) & (twin_l1[:, 3] == 0))
    if one_twin.size == 0:
        raise ValueError(f"seed {seed}: the lasso never keeps exactly one twin")
    twin_show = int(one_twin[one_twin.size // 2])
    twin_lam = float(twin_lams[twin_show])
    # one SGD step on the ridge objective at its optimum: decay w by (1 - 2 lr lam), then the data gradient
    w_ridge = twin_l2[twin_show]
    # at a round lr, no larger than fit's 1 / (L + 2 lam) (so the step is stable): the factor on screen is then
    # what the lr and lambda on screen give, not a product of unrounded numbers
    bound = 1.0 / (float(np.linalg.eigvalsh(Xt.T @ Xt / len(yt))[-1]) + 2 * twin_lam)
    exponent = math.floor(math.log10(bound))
    decay_lr = float(f"{math.floor(bound / 10.0**exponent)}e{exponent}")  # 0.3, not 0.30000000000000004
    decayed = (1 - 2 * decay_lr * twin_lam) * w_ridge
    stepped = regviz.ridge_step(w_ridge, Xt, yt, twin_lam, decay_lr)
    # the elastic net at the same lambda, its L1 ratio falling from 1: 1 - rho log-spaced, so the early change shows
    mix = 1 - np.concatenate([[0.0], np.geomspace(1e-3, 1 - MIX_END, MIX_GRID - 1)])
    mix_w = np.array([elastic_net(Xt, yt, twin_lam, rho) for rho in mix])

    return L1vsL2Data(
        pull_w=pull_w, pull_l1=pull_l1, pull_l2=pull_l2, pull_lam=PULL_LAM, pen_l1=pen_l1, pen_l2=pen_l2,
        X2=X2, y2=y2, gram=gram, ols=ols, lam_max=top,
        geo_lams=geo_lams, geo_l1=geo_l1, geo_l2=geo_l2, budget_l1=budget_l1, budget_l2=budget_l2,
        touch_l1=touch_l1, touch_l2=touch_l2, levels=levels,
        i_star=i_star, lam_star=lam_star, zero_axis=zero_axis, band_low=band_low,
        band_from=round_up(float(geo_lams[band_low])), all_zero_from=round_up(top),
        sweep_low=sweep_low, window=tuple(float(v) for v in window),
        Xp=Xp, yp=yp, w_true=w_true, path_lam_max=lmax, path_lams=path_lams,
        path_l1=path_l1, path_l2=path_l2,
        zeros_l1=(path_l1 == 0).sum(axis=1), zeros_l2=(path_l2 == 0).sum(axis=1),
        smallest_l1=np.abs(path_l1).min(axis=1), smallest_l2=smallest_l2, log_floor=log_floor,
        dots_lam=dots_lam, dots_w=dots_w, dots_lr=dots_lr, dots_v=dots_v, dots_t=dots_t, dots_out=dots_out,
        graph_v=graph_v, graph_s=graph_s,
        sub_lr=sub_lr, ista=np.array(ista), subgradient=np.array(subgradient),
        Xt=Xt, yt=yt, twin_corr=float(np.corrcoef(Xt.T)[0, 1]), twin_lams=twin_lams,
        twin_l1=twin_l1, twin_l2=twin_l2, twin_show=twin_show,
        twin_kept=int(np.flatnonzero(twin_l1[twin_show, :2] != 0)[0]), twin_lam=twin_lam,
        decay_lr=decay_lr, decayed=decayed, stepped=stepped, mix=mix, mix_w=mix_w,
    )


# --- drawing helpers (geometry only: every value comes from data) ---
class Plane:
    """A linear map from data (x, y) to the scene: a window [x0, x1] x [y0, y1] drawn at `scale` scene units
    per data unit (sx, sy) with its centre at `centre`. Manim's Axes would add ticks and tips we don't want."""

    def __init__(self, x_range, y_range, size, centre=ORIGIN, equal=False):
        (self.x0, self.x1), (self.y0, self.y1) = x_range, y_range
        sx, sy = size[0] / (self.x1 - self.x0), size[1] / (self.y1 - self.y0)
        if equal:  # one scale for both axes: circles stay round
            sx = sy = min(sx, sy)
        self.sx, self.sy = sx, sy
        self.centre = np.array(centre, dtype=float)

    def c2p(self, x, y):
        return self.centre + np.array([(x - 0.5 * (self.x0 + self.x1)) * self.sx,
                                       (y - 0.5 * (self.y0 + self.y1)) * self.sy, 0.0])

    def points(self, xy):
        xy = np.asarray(xy, dtype=float)
        out = np.zeros((len(xy), 3))
        out[:, 0] = (xy[:, 0] - 0.5 * (self.x0 + self.x1)) * self.sx
        out[:, 1] = (xy[:, 1] - 0.5 * (self.y0 + self.y1)) * self.sy
        return out + self.centre


def polyline(plane, points, color, width=2.0, opacity=1.0):
    line = VMobject(stroke_color=color, stroke_width=width, stroke_opacity=opacity)
    line.set_points_as_corners(plane.points(points))
    return line


def become(old, new):
    """old.become(new) without its point alignment: Manim's become() skips aligning points at the top level
    but its recursion does not, and comparing and subdividing every glyph's curves was a fifth of this
    clip's drawing. Here the family is matched member for member and each member takes new's points as
    they are (a member draws its own curves; nothing interpolates between old and new)."""
    old.null_point_align(new)
    old.align_submobjects(new)
    for a, b in zip(old.submobjects, new.submobjects, strict=True):
        become(a, b)
    old.points = np.array(new.points)
    if isinstance(old, VMobject) and isinstance(new, VMobject):
        old.align_rgbas(new)
    old.interpolate_color(old, new, 1)
    return old


def redraw(index, builder):
    """always_redraw for a tracker that steps through a grid of precomputed states: the group becomes
    builder(index()) only when the index changes, not on every frame."""
    holder = VGroup(builder(index()).copy())
    holder.shown = index()

    def update(group):
        i = index()
        if i != group.shown:
            group.shown = i
            become(group, VGroup(builder(i).copy()))

    return holder.add_updater(update)


def weight(value, digits=2):
    """A weight as shown on screen: exact zeros (what the lasso is about) print as 0."""
    return "0" if value == 0 else fmt(value, digits)


def small(value):
    """A small positive magnitude with two significant digits (0.0019), exact 0 as 0."""
    if value == 0:
        return "0"
    return fmt(value, max(2, 1 - int(np.floor(np.log10(abs(value))))))


def model_glyphs(model, text, j, value):
    """The glyphs of coefficient j's number inside the Text `model` of `text` = model_text(w) (a Text holds
    one glyph per character that is not a space)."""
    at = text.index(f"{fmt(abs(value))}·x{j + 1}")
    start = at - text[:at].count(" ")
    return model[start : start + len(fmt(abs(value)))]


def noise_zeroed(path, w_true):
    """The first row of `path` (ascending lambdas) from which every weight whose true value is 0 is exactly 0."""
    noise = path[:, w_true == 0] == 0  # (lambdas, noise weights)
    return int(np.flatnonzero(~noise.all(axis=1))[-1] + 1)


def log_ticks(lo, hi, steps=(1, 2, 3, 5)):
    """The values 1, 2, 3, 5 times a power of ten in [lo, hi]: ticks whose uneven gaps show a log axis."""
    decades = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    return [m * 10.0**k for k in decades for m in steps if lo <= m * 10.0**k <= hi]


def model_text(w):
    """The fitted model with its non-zero terms only: y ≈ 1.23·x1 + 0.53·x3 (a sparse model reads short)."""
    parts = []
    for j, value in enumerate(w):
        if value != 0:
            sign = ("− " if value < 0 else "+ ") if parts else ("−" if value < 0 else "")
            parts.append(f"{sign}{fmt(abs(value))}·x{j + 1}")
    return "y ≈ " + " ".join(parts)


def clearance(mob, points):
    """Distance from the bounding box of `mob` to the nearest of `points` (k, 3): 0 if one is inside."""
    lo, hi = mob.get_corner(DOWN + LEFT)[:2], mob.get_corner(UP + RIGHT)[:2]
    gap = np.maximum(np.maximum(lo - points[:, :2], points[:, :2] - hi), 0)
    return float(np.sqrt((gap**2).sum(axis=1)).min()) if len(points) else np.inf


def place_clear(mob, anchor, directions, points, buff=0.12):
    """Put `mob` next to `anchor` on the side (of `directions`) farthest from every curve point."""
    best = max(directions, key=lambda d: clearance(mob.copy().next_to(anchor, d, buff=buff), points))
    return mob.next_to(anchor, best, buff=buff)


# --- layout (scene units) ---
SIDES = (3.45 * LEFT, 3.45 * RIGHT)  # centres of the L1 (left) and L2 (right) panels
HEAD_Y, ROW_Y = 2.72, 2.22  # a panel's heading and its readout row
PEN_Y, PULL_Y = 1.3, -1.3  # part (a): centres of the penalty plots and of the pull plots under them
TANGENT_HALF = 0.45  # part (a): half the length of the tangent drawn on a penalty curve
GEO_SIZE, GEO_Y = (5.6, 4.2), -0.25
LAMBDA_Y = -2.98  # the lambda axis under the geometry
LAMBDA_X, LAMBDA_WIDTH = 0.2, 8.4  # its centre and length (room on the right for "λ (log scale)")
BAND_HALF = 0.15  # half the height of the lambda band; the cursor reaches no higher
PATH_SIZE, PATH_Y = (5.0, 3.9), -0.3
PATH_AXIS_LABEL = 0.62  # the path plots' "λ (log scale)": this far under the plot, below the tick values
LEGEND_Y = -3.3  # the path plots' legend (useful vs noise weights), under both plots
BAR_SLOTS, BAR_STEP, BAR_WIDTH = 4, 1.05, 0.55  # part (e): four features, scene units per bar, bar width
TWIN_SPREAD = 4.5  # part (e): the panels' centres once the elastic net joins in the middle
LAM_LOW = -3.3  # ... and where the lambda readout goes then
DECAY_FRAMES = 16  # states of the weight-decay half of the ridge step (and as many for the gradient half)


class L1vsL2Scene(RegvizScene):
    name = "l1_vs_l2"

    def construct(self):
        self.d = data(self.seed)
        self._built = {}
        self._cue_end = 0.0
        self.title = self.headline()
        self.show_penalties()
        self.show_geometry()
        self.sweep_lambda()
        self.show_paths()
        self.show_soft_threshold()
        self.show_twins()

    # ------------------------------------------------------------------ helpers
    def cue(self, text):
        """Start the caption `text` once the previous one has been up for its reading time; the plays that
        follow run under it. Returns its reading time (what those plays should add up to)."""
        now = self.renderer.time
        if now < self._cue_end - 1e-6:
            self.wait(self._cue_end - now)
        seconds = self.say(text, wait=0)
        self._cue_end = self.renderer.time + seconds
        return seconds

    def cached(self, key, build):
        """Build each distinct state once (redraw copies it), so a sweep back and forth builds nothing new."""
        if key not in self._built:
            self._built[key] = build()
        return self._built[key]

    def number(self, text, color, where, aligned=ORIGIN):
        """A readout in the one numeric face, built once per distinct string (Text parses an SVG: slow)."""
        key = ("number", text, str(color), tuple(np.round(where, 4)), tuple(aligned))
        return self.cached(key, lambda: MonoText(text, size=NUMBER_SIZE, color=color).move_to(where, aligned_edge=aligned))

    # ------------------------------------------------------------------ (a) formulas and the pull
    def show_penalties(self):
        """Each penalty as a curve over one weight, and under it its slope: the pull on that weight."""
        d = self.d
        heads = VGroup()
        for side, name, formula, color in ((SIDES[0], "L1  (lasso)", r"\lambda \sum_i |w_i|", L1),
                                           (SIDES[1], "L2  (ridge)", r"\lambda \sum_i w_i^2", L2)):
            head = VGroup(label(name, size=BODY_SIZE, color=color),
                          MathTex(formula, color=color, font_size=FORMULA_SIZE)).arrange(RIGHT, buff=0.35)
            heads.add(head.move_to(side + HEAD_Y * UP))
        cost = float(max(d.pen_l1.max(), d.pen_l2.max()))
        self.pen_planes = [Plane((-1.5, 1.5), (0, cost), (4.8, 1.5), side + PEN_Y * UP) for side in SIDES]
        top = float(np.abs(d.pull_l2).max())
        self.pull_planes = [Plane((-1.5, 1.5), (-top, top), (4.8, 2.4), side + PULL_Y * UP) for side in SIDES]
        pen_frames, pen_curves, frames, curves = VGroup(), VGroup(), VGroup(), VGroup()
        w = d.pull_w
        for pen_plane, plane, pen, grad, color, slope in zip(
                self.pen_planes, self.pull_planes, (d.pen_l1, d.pen_l2), (d.pull_l1, d.pull_l2), (L1, L2),
                (r"\partial/\partial w = \lambda\,\mathrm{sign}(w)", r"\partial/\partial w = 2\lambda\, w")):
            pen_frames.add(
                Line(pen_plane.c2p(-1.5, 0), pen_plane.c2p(1.5, 0), color=MUTED, stroke_width=2),
                Line(pen_plane.c2p(0, 0), pen_plane.c2p(0, cost), color=MUTED, stroke_width=2),
                MathTex("w", font_size=SYMBOL_SIZE, color=MUTED).next_to(pen_plane.c2p(1.5, 0), RIGHT, buff=0.12),
                label("penalty", size=SMALL_SIZE, color=MUTED).next_to(pen_plane.c2p(0, cost), RIGHT, buff=0.15),
            )
            pen_curves.add(polyline(pen_plane, np.stack([w, pen], 1), color, 3))
            frames.add(
                Line(plane.c2p(-1.5, 0), plane.c2p(1.5, 0), color=MUTED, stroke_width=2),
                Line(plane.c2p(0, -top), plane.c2p(0, top), color=MUTED, stroke_width=2),
                MathTex("w", font_size=SYMBOL_SIZE, color=MUTED).next_to(plane.c2p(1.5, 0), RIGHT, buff=0.12),
                label("pull", size=SMALL_SIZE, color=MUTED).next_to(plane.c2p(0, top), RIGHT, buff=0.15),
                # the slope's formula in the corner the curves leave free (both pulls are low on the left), ending
                # left of the axis: "pull" is on its right (the formula may reach past the plot's left end)
                MathTex(slope, font_size=FORMULA_SIZE, color=color).next_to(plane.c2p(0, top), LEFT, buff=0.15,
                                                                          aligned_edge=UP),
            )
            for part in (w < 0, w > 0):  # L1's pull jumps at 0: draw the two sides apart
                curves.add(polyline(plane, np.stack([w[part], grad[part]], 1), color, 3))
        lam_tick = MathTex(rf"\lambda = {d.pull_lam:g}", font_size=SYMBOL_SIZE, color=L1)
        lam_tick.next_to(self.pull_planes[0].c2p(0, d.pull_lam), LEFT, buff=0.15)
        self.cue("Both add a penalty to the loss; its slope is the pull.")
        self.play(FadeIn(heads), FadeIn(pen_frames), Create(pen_curves), run_time=1.5)
        self.play(FadeIn(frames), Create(curves), FadeIn(lam_tick), run_time=1.5)
        self.w_index = ValueTracker(int(np.argmin(np.abs(w - 1.4))))
        bars = redraw(lambda: int(round(self.w_index.get_value())), self.pull_bars)
        self.play(FadeIn(bars), run_time=0.6)
        seconds = self.cue(f"Near 0, L1 still pulls with force λ (here {d.pull_lam:g}); L2's pull 2λw fades away.")
        self.play(self.w_index.animate.set_value(int(np.flatnonzero(w > 0)[0])), run_time=seconds, rate_func=linear)
        bars.clear_updaters()
        self.play(FadeOut(VGroup(heads, pen_frames, pen_curves, frames, curves, lam_tick, bars)), run_time=0.7)

    def pull_bars(self, i):
        """At w = pull_w[i]: a dot on each penalty curve with its tangent, and the pull, the tangent's slope, as a
        bar from the w-axis up to the gradient."""
        d = self.d
        group = VGroup()
        for pen_plane, plane, pen, grad, color in zip(self.pen_planes, self.pull_planes, (d.pen_l1, d.pen_l2),
                                                      (d.pull_l1, d.pull_l2), (L1, L2)):
            w, g = d.pull_w[i], grad[i]
            at = pen_plane.c2p(w, pen[i])
            slope = np.array([pen_plane.sx, g * pen_plane.sy, 0.0])
            slope *= TANGENT_HALF / np.linalg.norm(slope)
            group.add(Line(at - slope, at + slope, color=GRAD, stroke_width=4),
                      Dot(at, radius=0.08, color=color),
                      Line(plane.c2p(w, 0), plane.c2p(w, g), color=GRAD, stroke_width=10),
                      Dot(plane.c2p(w, 0), radius=0.09, color=TEXT),
                      Dot(plane.c2p(w, g), radius=0.09, color=color),
                      mono(f"w = {fmt(w)}   pull = {fmt(g)}", size=NUMBER_SIZE, color=color)
                      .move_to(plane.c2p(0, plane.y0) + 0.45 * DOWN))
        return group

    # ------------------------------------------------------------------ (b) geometry in 2-D
    def geo_frame(self, plane, color):
        """Axes through 0 across the whole window, w1/w2 and OLS labels where no curve of the sweep passes."""
        x0, x1, y0, y1 = self.d.window
        axes = VGroup(
            Line(plane.c2p(x0, 0), plane.c2p(x1, 0), color=MUTED, stroke_width=2),
            Line(plane.c2p(0, y0), plane.c2p(0, y1), color=MUTED, stroke_width=2),
        )
        curves = np.vstack([plane.points(p) for p in self.sweep_curves()])
        w1 = place_clear(MathTex("w_1", font_size=SYMBOL_SIZE, color=MUTED),
                         plane.c2p(x1, 0), (RIGHT, UP + LEFT, DOWN + LEFT), curves, buff=0.08)
        w2 = place_clear(MathTex("w_2", font_size=SYMBOL_SIZE, color=MUTED),
                         plane.c2p(0, y1), (DOWN + LEFT, DOWN + RIGHT), curves, buff=0.08)
        contours = VGroup(*(polyline(plane, ellipse(self.d.ols, self.d.gram, r), LOSS, 1.5, 0.45)
                            for r in self.d.levels))
        ols = Dot(plane.c2p(*self.d.ols), radius=0.06, color=LOSS)
        ols_lab = place_clear(MathTex(r"\hat w_{\mathrm{OLS}}", font_size=SYMBOL_SIZE, color=LOSS), ols,
                              (UP, DOWN, RIGHT, LEFT, UP + RIGHT, DOWN + RIGHT, UP + LEFT, DOWN + LEFT), curves,
                              buff=0.06)
        return VGroup(axes, w1, w2), VGroup(contours, ols, ols_lab)

    def sweep_curves(self):
        """Every curve the sweep draws, in data coordinates (for placing labels clear of them)."""
        if "sweep_curves" not in self._built:
            d, unit = self.d, np.stack([np.cos(np.linspace(0, 2 * np.pi, 60)), np.sin(np.linspace(0, 2 * np.pi, 60))], 1)
            rows = range(d.sweep_low + 1)
            curves = [ellipse(d.ols, d.gram, r, 60) for r in d.levels]
            curves += [ellipse(d.ols, d.gram, d.touch_l1[i], 60) for i in rows]
            curves += [ellipse(d.ols, d.gram, d.touch_l2[i], 60) for i in rows]
            curves += [d.budget_l1[i] * unit / np.abs(unit).sum(axis=1, keepdims=True) for i in rows]
            curves += [d.budget_l2[i] * unit for i in rows]
            self._built["sweep_curves"] = curves
        return self._built["sweep_curves"]

    def geo_index(self):
        return int(round(self.lam_index.get_value()))

    def diamond(self, s):
        plane = self.geo_planes[0]
        if s < 1e-9:
            return Dot(plane.c2p(0, 0), radius=0.06, color=L1)
        return Polygon(*plane.points([(s, 0), (0, s), (-s, 0), (0, -s)]),
                       color=L1, stroke_width=3, fill_color=L1, fill_opacity=0.18)

    def circle(self, r):
        plane = self.geo_planes[1]
        angles = np.linspace(0, 2 * np.pi, 90)
        shape = polyline(plane, r * np.stack([np.cos(angles), np.sin(angles)], 1), L2, 3)
        return shape.set_fill(L2, opacity=0.18)

    def touching(self, which, r):
        """The loss ellipse of level r, filled: every w inside has a lower data loss."""
        shape = polyline(self.geo_planes[which], ellipse(self.d.ols, self.d.gram, r), LOSS, 2.5)
        return shape.set_fill(LOSS, opacity=0.16)

    def optimum(self, which, w):
        color = (L1, L2)[which]
        return Dot(self.geo_planes[which].c2p(*w), radius=0.08, color=color).set_stroke(TEXT, 1.5, background=True)

    def budget_text(self, which, value):
        name, color = ("t", "r")[which], (L1, L2)[which]
        return self.number(f"{name} = {fmt(value)}", color, self.row_left[which], aligned=LEFT)

    def weight_text(self, which, w):
        return self.number(f"w = ({weight(w[0])}, {weight(w[1])})", (L1, L2)[which], self.row_right[which],
                           aligned=RIGHT)

    def state(self, i):
        """Everything that follows lambda_i: both shapes, touching ellipses, optima, readouts, cursor."""
        return self.cached(("state", i), lambda: self.build_state(i))

    def build_state(self, i):
        d = self.d
        group = VGroup(self.diamond(d.budget_l1[i]), self.circle(d.budget_l2[i]))
        for which, ws, touch in ((0, d.geo_l1, d.touch_l1), (1, d.geo_l2, d.touch_l2)):
            group.add(self.touching(which, touch[i]), self.optimum(which, ws[i]))
            group.add(self.budget_text(which, (d.budget_l1, d.budget_l2)[which][i]), self.weight_text(which, ws[i]))
        group.add(self.cursor(i))
        return group

    def cursor(self, i):
        lam = self.d.geo_lams[i]
        x = self.lam_plane.c2p(np.log10(lam), 0)
        return VGroup(
            Line(x + BAND_HALF * DOWN, x + BAND_HALF * UP, color=TEXT, stroke_width=3),
            self.number(f"λ = {fmt(lam)}", TEXT, self.lam_readout_at, aligned=RIGHT),
        )

    def lambda_axis(self):
        """The lambda axis under the geometry, on a log scale: ticks at 1, 2, 3, 5 times a power of ten below
        it, the lasso's band (w[zero_axis] = 0; darker where w = 0) on it, the band's edges above it."""
        d = self.d
        lo, hi = np.log10(d.geo_lams[d.sweep_low]), np.log10(d.geo_lams[0])
        self.lam_plane = Plane((lo, hi), (-1, 1), (LAMBDA_WIDTH, 2.0), LAMBDA_X * RIGHT + LAMBDA_Y * UP)
        p = self.lam_plane
        self.lam_readout_at = p.c2p(lo, 0) + 0.35 * LEFT
        axis = VGroup(Line(p.c2p(lo, 0), p.c2p(hi, 0), color=MUTED, stroke_width=2),
                      label("λ (log scale)", size=SMALL_SIZE, color=MUTED).next_to(p.c2p(hi, 0), RIGHT, buff=0.2))
        for value in log_ticks(10**lo, 10**hi):
            at = p.c2p(np.log10(value), 0)
            axis.add(Line(at, at + 0.12 * DOWN, color=MUTED, stroke_width=2),
                     mono(f"{value:g}", size=SMALL_SIZE, color=MUTED).next_to(at, DOWN, buff=0.2))
        edge, top = np.log10(d.geo_lams[d.band_low]), np.log10(d.lam_max)
        band = Rectangle(width=(hi - edge) * p.sx, height=2 * BAND_HALF, stroke_width=0, fill_color=L1, fill_opacity=0.3)
        band.move_to(p.c2p(edge, 0), aligned_edge=LEFT)
        both = Rectangle(width=(hi - top) * p.sx, height=2 * BAND_HALF, stroke_width=0, fill_color=L1, fill_opacity=0.3)
        both.move_to(p.c2p(top, 0), aligned_edge=LEFT)  # over the band: darker where w1 is 0 too
        ticks = VGroup()
        for value, at in ((d.band_from, edge), (d.all_zero_from, top)):
            ticks.add(Line(p.c2p(at, 0) + BAND_HALF * DOWN, p.c2p(at, 0) + (BAND_HALF + 0.08) * UP, color=L1,
                           stroke_width=2),
                      mono(fmt(value), size=SMALL_SIZE, color=L1).next_to(p.c2p(at, 0), UP, buff=BAND_HALF + 0.1))
        # lam_max's value ends left of its tick: the darker section right of it is named w = (0, 0)
        ticks[3].next_to(p.c2p(top, 0) + (BAND_HALF + 0.1) * UP, UP + LEFT, buff=0).shift(0.12 * LEFT)
        ticks[3].align_to(ticks[1], DOWN)
        zero = mono(f"w{d.zero_axis + 1} = 0", size=SMALL_SIZE, color=L1)
        zero.move_to(p.c2p(0.5 * (edge + top), 0)).align_to(ticks[1], DOWN)  # between the edges, on their line
        none = mono("w = (0, 0)", size=SMALL_SIZE, color=L1)
        none.next_to(p.c2p(top, 0), RIGHT, buff=0.14).align_to(ticks[1], DOWN)
        return axis, VGroup(band, both, zero, none, ticks)

    def show_geometry(self):
        d = self.d
        self.geo_planes = [Plane(d.window[:2], d.window[2:], GEO_SIZE, side + GEO_Y * UP, equal=True) for side in SIDES]
        self.row_left = [side + ROW_Y * UP + 2.75 * LEFT for side in SIDES]
        self.row_right = [side + ROW_Y * UP + 2.75 * RIGHT for side in SIDES]
        frames, backs = zip(*(self.geo_frame(plane, color) for plane, color in zip(self.geo_planes, (L1, L2))))
        heads = VGroup(
            MathTex(r"\lambda\|w\|_1 \;\leftrightarrow\; |w_1| + |w_2| \le t", font_size=FORMULA_SIZE, color=L1),
            MathTex(r"\lambda\|w\|_2^2 \;\leftrightarrow\; w_1^2 + w_2^2 \le r^2", font_size=FORMULA_SIZE, color=L2),
        )
        for head, side in zip(heads, SIDES):
            head.move_to(side + HEAD_Y * UP)
        seconds = self.cue("Two weights: the loss's level sets are ellipses around OLS.")
        self.play(FadeIn(VGroup(*frames)), run_time=0.8)
        self.play(Create(VGroup(*backs)), run_time=seconds - 0.8)

        # each penalty's lambda is a budget: the shapes grow to t = ||w(lambda)||_1, r = ||w(lambda)||_2
        axis, self.band = self.lambda_axis()
        i = d.i_star
        self.grow = ValueTracker(0.0)
        budgets = always_redraw(self.growing_budgets)
        seconds = self.cue(f"λ = {fmt(d.lam_star)} matches a budget: t = ‖w(λ)‖₁ (diamond), r = ‖w(λ)‖₂ (circle).")
        self.add(budgets)
        cursor = self.cursor(i)
        self.play(FadeIn(heads), FadeIn(axis), FadeIn(cursor), run_time=0.8)
        # t grows as sqrt(time): the shapes' areas grow evenly, so their growth shows from the first frame
        self.play(self.grow.animate.set_value(1.0), run_time=seconds - 0.8, rate_func=lambda u: u**0.5)
        budgets.clear_updaters()

        # the loss rises from its minimum until its ellipse first meets each budget: both at once
        seconds = self.cue(f"Rising loss meets the diamond at a corner (w{d.zero_axis + 1} = 0), the circle off the axes.")
        levels = [ValueTracker(0.05 * touch[i]) for touch in (d.touch_l1, d.touch_l2)]
        shown = VGroup(*(always_redraw(lambda which=which: self.touching(which, levels[which].get_value()))
                         for which in (0, 1)))
        self.add(shown)
        self.play(levels[0].animate.set_value(d.touch_l1[i]), levels[1].animate.set_value(d.touch_l2[i]),
                  run_time=seconds - 0.7, rate_func=linear)
        for grown in shown:
            grown.clear_updaters()
        for which, ws in ((0, d.geo_l1), (1, d.geo_l2)):
            shown.add(self.optimum(which, ws[i]), self.weight_text(which, ws[i]))
        self.play(*(FadeIn(m, scale=1.3) if isinstance(m, Dot) else FadeIn(m) for m in shown[2:]), run_time=0.7)
        self.lam_index = ValueTracker(i)
        self.swept = redraw(self.geo_index, self.state)
        self.remove(budgets, *shown, cursor)
        self.add(self.swept)  # the same picture, now driven by lambda
        self.geometry = VGroup(*frames, *backs, heads, axis)

    def growing_budgets(self):
        d, u = self.d, self.grow.get_value()
        t, r = u * d.budget_l1[d.i_star], u * d.budget_l2[d.i_star]
        return VGroup(self.diamond(t), self.circle(r), mono(f"t = {fmt(t)}", size=NUMBER_SIZE, color=L1)
                      .move_to(self.row_left[0], aligned_edge=LEFT),
                      mono(f"r = {fmt(r)}", size=NUMBER_SIZE, color=L2).move_to(self.row_left[1], aligned_edge=LEFT))

    def sweep_lambda(self):
        d = self.d
        zero = d.zero_axis + 1
        other = 2 - d.zero_axis
        seconds = self.cue(f"For λ ≥ {fmt(d.band_from)} the lasso keeps w{zero} at exactly 0; past "
                           f"{fmt(d.all_zero_from)}, w{other} too.")
        self.play(FadeIn(self.band), run_time=0.8)
        self.play(self.lam_index.animate.set_value(d.band_low), run_time=0.4 * (seconds - 0.8), rate_func=smooth)
        self.play(self.lam_index.animate.set_value(0), run_time=0.6 * (seconds - 0.8), rate_func=smooth)
        seconds = self.cue(f"Below {fmt(d.band_from)}, w{zero} leaves the axis. Ridge's contact is never on an axis.")
        self.play(self.lam_index.animate.set_value(d.sweep_low), run_time=seconds - 1.0, rate_func=smooth)
        self.play(self.lam_index.animate.set_value(d.i_star), run_time=1.0, rate_func=smooth)
        self.swept.clear_updaters()
        self.play(FadeOut(VGroup(self.geometry, self.band, self.swept)), run_time=0.7)

    # ------------------------------------------------------------------ (c) the regularization path, log |w|
    def path_frame(self, which):
        """|w_j| against lambda, both on log scales, and a strip below for weights that are exactly 0."""
        d, plane = self.d, self.path_planes[which]
        x0, x1, y0, y1 = plane.x0, plane.x1, d.log_floor, plane.y1
        frame = VGroup(
            Line(plane.c2p(x0, y0), plane.c2p(x1, y0), color=MUTED, stroke_width=2),
            Line(plane.c2p(x0, y0), plane.c2p(x0, y1), color=MUTED, stroke_width=2),
            DashedLine(plane.c2p(x0, self.zero_y), plane.c2p(x1, self.zero_y), color=MUTED, stroke_width=2),
            mono("0", size=SMALL_SIZE, color=TEXT).next_to(plane.c2p(x0, self.zero_y), LEFT, buff=0.12),
        )
        for k in range(int(np.ceil(y0)), int(np.floor(y1)) + 1):  # decades of |w|
            frame.add(Line(plane.c2p(x0, k), plane.c2p(x0, k) + 0.08 * RIGHT, color=MUTED),
                      mono(f"{10.0**k:g}", size=SMALL_SIZE, color=MUTED).next_to(plane.c2p(x0, k), LEFT, buff=0.12))
        for k in range(int(np.ceil(x0)), int(np.floor(x1)) + 1):  # decades of lambda
            frame.add(Line(plane.c2p(k, y0), plane.c2p(k, y0) + 0.08 * UP, color=MUTED),
                      mono(f"{10.0**k:g}", size=SMALL_SIZE, color=MUTED).next_to(plane.c2p(k, plane.y0), DOWN, buff=0.1))
        frame.add(label("λ (log scale)", size=SMALL_SIZE, color=MUTED)
                  .move_to(plane.c2p(0.5 * (x0 + x1), plane.y0) + PATH_AXIS_LABEL * DOWN))
        name = ("Lasso", "Ridge")[which]
        head = label(f"{name}: |w| on a log scale", size=BODY_SIZE, color=(L1, L2)[which])
        return frame, head.move_to(SIDES[which] + HEAD_Y * UP)

    def path_curves(self, which, i):
        """One curve per weight up to lambda_i: log10 |w_j| while non-zero, on the zero strip once exactly 0."""
        d, plane = self.d, self.path_planes[which]
        path = (d.path_l1, d.path_l2)[which][: i + 1]
        t = np.log10(d.path_lams[: i + 1])
        y = np.where(path == 0, self.zero_y, np.log10(np.maximum(np.abs(path), 10.0**d.log_floor)))
        useful = d.w_true != 0  # the true model's non-zero weights: in the penalty's colour; noise in grey
        colors = [(L1, L2)[which] if useful[j] else MUTED for j in range(path.shape[1])]
        if i == 0:
            return VGroup(*(Dot(plane.c2p(t[0], y[0, j]), radius=0.02, color=colors[j]) for j in range(path.shape[1])))
        return VGroup(*(polyline(plane, np.stack([t, y[:, j]], 1), colors[j], 3 if useful[j] else 2, 0.9)
                        for j in range(path.shape[1])))

    def path_legend(self):
        """Which curves are the useful weights (true w != 0, coloured) and which the noise (true w = 0, grey)."""
        useful = int(np.count_nonzero(self.d.w_true))
        swatch = lambda color: Line(ORIGIN, 0.45 * RIGHT, color=color, stroke_width=4)  # noqa: E731
        items = VGroup(
            VGroup(swatch(L1), swatch(L2), label(f"{useful} useful: true w ≠ 0", size=SMALL_SIZE, color=TEXT)),
            VGroup(swatch(MUTED), label(f"{len(self.d.w_true) - useful} noise: true w = 0", size=SMALL_SIZE, color=TEXT)),
        )
        for item in items:
            item.arrange(RIGHT, buff=0.15)
        return items.arrange(RIGHT, buff=0.8).move_to(LEGEND_Y * UP)

    def path_step(self):
        return int(round(self.path_index.get_value()))

    def path_marks(self, i):
        return self.cached(("path", i), lambda: self.build_path_marks(i))

    def build_path_marks(self, i):
        d = self.d
        group = VGroup()
        for which in (0, 1):
            plane = self.path_planes[which]
            group.add(self.path_curves(which, i))
            path, zeros, smallest = ((d.path_l1, d.zeros_l1, d.smallest_l1), (d.path_l2, d.zeros_l2, d.smallest_l2))[which]
            x = np.log10(d.path_lams[i])
            group.add(Line(plane.c2p(x, self.zero_y), plane.c2p(x, plane.y1), color=TEXT, stroke_width=1.5))
            color = (L1, L2)[which]
            group.add(self.number(f"zeros {zeros[i]}/{path.shape[1]}", color, self.row_left[which], aligned=LEFT))
            group.add(self.number(f"min |w| {small(smallest[i])}", color, self.row_right[which], aligned=RIGHT))
        return group

    def show_paths(self):
        d = self.d
        t = np.log10(d.path_lams)
        top = np.log10(max(np.abs(d.path_l1).max(), np.abs(d.path_l2).max()))
        self.zero_y = d.log_floor - 0.6  # the exact-zero strip: below the log axis, apart from it
        self.path_planes = [Plane((t[0], t[-1]), (self.zero_y - 0.15, top + 0.1), PATH_SIZE, side + 0.25 * RIGHT + PATH_Y * UP)
                            for side in SIDES]
        frames, heads = zip(*(self.path_frame(which) for which in (0, 1)))
        self.path_index = ValueTracker(0)
        marks = redraw(self.path_step, self.path_marks)
        n_true, n = int(np.count_nonzero(d.w_true)), len(d.w_true)
        legend = self.path_legend()
        first_zero = int(np.flatnonzero(d.zeros_l1 > 0)[0])
        noise_done = noise_zeroed(d.path_l1, d.w_true)  # the first lambda where every noise weight is exactly 0
        seconds = self.cue(f"{n} weights: {n_true} useful (coloured), {n - n_true} noise (grey). λ grows, on a log axis.")
        self.play(FadeIn(VGroup(*frames, *heads, legend)), run_time=0.8)
        self.add(marks)
        self.play(self.path_index.animate.set_value(first_zero), run_time=seconds - 0.8, rate_func=linear)
        seconds = self.cue(f"The lasso puts the {n - n_true} noise weights on exactly 0 first; they stay there.")
        # reached 1.2 s before the caption ends: "zeros 5/8", the count it names, held while it is up (the next
        # cue() waits out the rest of this one)
        self.play(self.path_index.animate.set_value(noise_done), run_time=max(1.0, seconds - 1.2), rate_func=linear)
        smallest = small(d.smallest_l2[-1])
        all_zero = int(np.flatnonzero(d.zeros_l1 == n)[0])  # the first lambda where every lasso weight is 0
        seconds = self.cue(f"Large λ zeros the useful ones too; ridge's min |w| only falls to {smallest}.")
        # the useful ones reach 0 while their sentence is read; the rest of the sweep under the ridge's, and
        # ridge's last min |w| (the number the caption names) held on screen while the caption is still up
        self.play(self.path_index.animate.set_value(all_zero), run_time=1.6, rate_func=linear)
        self.play(self.path_index.animate.set_value(len(d.path_lams) - 1), run_time=max(1.0, seconds - 1.6 - 1.5),
                  rate_func=linear)
        self.hold_caption()  # the 1.5 s the sweep leaves of the caption
        marks.clear_updaters()
        self.play(FadeOut(VGroup(*frames, *heads, legend, marks)), run_time=0.7)

    # ------------------------------------------------------------------ (d) the step that makes the zeros
    def stacked(self, xs, y, gap=0.17):
        """Dot positions at scene x = xs on the line at height y; dots that would touch stack upward."""
        levels, out = [], []
        for x in xs:
            level = 0
            while any(abs(x - x2) < gap and l2 == level for x2, l2 in levels):
                level += 1
            levels.append((x, level))
            out.append(np.array([x, y + level * gap, 0.0]))
        return out

    def show_soft_threshold(self):
        d = self.d
        centre = SIDES[0] + 0.1 * RIGHT
        reach = 1.1 * float(np.abs(d.dots_v).max())
        line = Plane((-reach, reach), (-1, 1), (5.6, 2.0), centre)
        top_y, bottom_y = 0.6, -2.2
        x = lambda v: line.c2p(v, 0)[0]  # noqa: E731
        # the threshold is lr * lambda (t already named the diamond's budget): one symbol, one meaning
        formula = MathTex(r"S(v) = \mathrm{sign}(v)\,\max(|v| - \mathrm{lr}\,\lambda,\ 0)", font_size=FORMULA_SIZE, color=L1)
        formula.move_to(centre[0] * RIGHT + HEAD_Y * UP)
        zone = Rectangle(width=2 * d.dots_t * line.sx, height=0.5, stroke_width=0, fill_color=L1, fill_opacity=0.3)
        zone.move_to([x(0), top_y, 0])
        # rows over the v line, bottom up: the zone's edge values (on the background, clear of the trails,
        # which run down), the zone's name, the line's name
        zone_lab = VGroup(MathTex(r"|v| \le \mathrm{lr}\,\lambda", font_size=FORMULA_SIZE, color=L1),
                          mono(f"lr·λ = {fmt(d.dots_t)}", size=NUMBER_SIZE, color=L1)).arrange(RIGHT, buff=0.25)
        zone_lab.next_to([x(reach), zone.get_top()[1] + 0.44, 0], UP, buff=0, aligned_edge=RIGHT)
        lines = VGroup()
        for y, name, side in ((top_y, r"v = w - \mathrm{lr}\,\nabla \mathrm{loss}", UP),
                              (bottom_y, r"S(v)", DOWN)):  # names outside the band the dots travel through
            lines.add(Line([x(-reach), y, 0], [x(reach), y, 0], color=MUTED, stroke_width=2),
                      Line([x(0), y - 0.1, 0], [x(0), y + 0.1, 0], color=MUTED, stroke_width=2),
                      MathTex(name, font_size=FORMULA_SIZE, color=TEXT)
                      .next_to([x(-reach), y, 0], side, buff=0.15, aligned_edge=LEFT))
        lines[2].next_to([x(-reach), zone_lab.get_top()[1] + 0.2, 0], UP, buff=0, aligned_edge=LEFT)
        order = np.argsort(d.dots_v)
        starts = self.stacked([x(d.dots_v[j]) for j in order], top_y + 0.12)
        ends = self.stacked([x(d.dots_out[j]) for j in order], bottom_y + 0.12)
        dots = VGroup(*(Dot(p, radius=0.07, color=TEXT) for p in starts))
        trails = VGroup(*(Line(a, b, color=MUTED, stroke_width=1.5) for a, b in zip(starts, ends)))
        n_zero = int(np.count_nonzero(d.dots_out == 0))
        count = mono(f"{n_zero} of {len(d.dots_out)}: exactly 0", size=NUMBER_SIZE, color=L1)
        count.next_to([x(0), bottom_y, 0], DOWN, buff=0.6)
        # the zone's edges -lr*lam, +lr*lam, just over the zone: both signs shrink by the same amount
        ticks = VGroup()
        for value in (-d.dots_t, d.dots_t):
            ticks.add(Line([x(value), top_y - 0.08, 0], [x(value), top_y + 0.08, 0], color=L1, stroke_width=2),
                      mono(weight(value), size=SMALL_SIZE, color=L1).next_to([x(value), zone.get_top()[1], 0], UP,
                                                                             buff=0.1))
        # 0 under the S(v) line, where the zeros land (under the v line the trails into the zone would cross it)
        ticks.add(mono("0", size=SMALL_SIZE, color=MUTED).next_to([x(0), bottom_y, 0], DOWN, buff=0.14))

        graph, curve, marks = self.soft_graph()

        seconds = self.cue("The lasso's step: a gradient step to v, then soft-threshold at lr·λ.")
        self.play(Write(formula), FadeIn(graph), run_time=1.4)
        self.play(FadeIn(lines), FadeIn(zone), FadeIn(zone_lab), FadeIn(ticks), Create(curve), run_time=1.0)
        self.play(FadeIn(dots, lag_ratio=0.1), run_time=max(1.0, seconds - 2.4))
        seconds = self.cue("Every |v| ≤ lr·λ lands on exactly 0; the rest move lr·λ toward 0.")
        self.play(
            *(dot.animate.move_to(end) for dot, end in zip(dots, ends)),
            Create(trails),
            FadeIn(marks, lag_ratio=0.2),
            run_time=seconds - 0.8,
        )
        self.play(FadeIn(count), run_time=0.8)
        self.soft = VGroup(formula, lines, zone, zone_lab, ticks, dots, trails, count)
        graph = VGroup(graph, curve, marks)

        # the same 2-D problem as before, lambda as at rest: the proximal step vs a plain subgradient step
        z = d.zero_axis
        k_max = len(d.ista) - 1
        lo = min(float(d.subgradient[:, z].min()), 0.0)
        hi = max(float(d.subgradient[:, z].max()), float(d.ista[:, z].max()))
        pad = 0.08 * (hi - lo)
        self.iter_plane = Plane((0, k_max), (lo - pad, hi + pad), (5.2, 3.4), SIDES[1] + 0.3 * RIGHT + 0.55 * DOWN)
        p = self.iter_plane
        frame = VGroup(
            Line(p.c2p(0, 0), p.c2p(k_max, 0), color=MUTED, stroke_width=2),
            Line(p.c2p(0, lo - pad), p.c2p(0, hi + pad), color=MUTED, stroke_width=2),
            mono("0", size=SMALL_SIZE, color=MUTED).next_to(p.c2p(0, 0), LEFT, buff=0.12),
            MathTex(rf"w_{z + 1}", font_size=SYMBOL_SIZE, color=MUTED).next_to(p.c2p(0, hi + pad), LEFT, buff=0.12),
            label("step", size=SMALL_SIZE, color=MUTED).next_to(p.c2p(k_max, lo - pad), DOWN, buff=0.1, aligned_edge=RIGHT),
        )
        # no second lr·λ beside the S(v) panel's (another problem, another value): the point here is one step for both
        head = label(f"w{z + 1} (2-D fit), the same lr for both", size=BODY_SIZE, color=TEXT)
        head.move_to(SIDES[1] + HEAD_Y * UP)
        self.k_index = ValueTracker(0)
        runs = redraw(lambda: int(round(self.k_index.get_value())), self.iterates)
        wobble = int(np.flatnonzero(d.subgradient[:, z] < 0)[0]) + 6  # past the first overshoot and back
        seconds = self.cue(f"Subgradient steps: w{z + 1} keeps jumping across 0, never landing on it.")
        # the S(v) plot leaves before the new axes come: the two never show through each other
        self.play(swap(graph, VGroup(frame, head)), run_time=0.9)
        self.add(runs)
        self.play(self.k_index.animate.set_value(wobble), run_time=seconds - 0.9, rate_func=linear)
        seconds = self.cue(f"Soft-thresholding puts w{z + 1} on exactly 0 and keeps it there.")
        self.play(self.k_index.animate.set_value(k_max), run_time=seconds, rate_func=linear)
        runs.clear_updaters()
        self.play(FadeOut(VGroup(self.soft, frame, head, runs)), run_time=0.7)

    def soft_graph(self):
        """The graph of S(v) for inputs of both signs, on the right: flat at 0 on [-lr*lam, lr*lam], elsewhere
        the line S = v moved lr*lam toward 0 (dashed). Returns (axes and labels, the curve, the 8 features)."""
        d = self.d
        reach = float(np.abs(d.graph_v).max())
        g = Plane((-reach, reach), (-reach, reach), (5.0, 3.6), SIDES[1] + 0.2 * RIGHT + 0.45 * DOWN, equal=True)
        t = d.dots_t
        frame = VGroup(
            Line(g.c2p(-reach, 0), g.c2p(reach, 0), color=MUTED, stroke_width=2),
            Line(g.c2p(0, -reach), g.c2p(0, reach), color=MUTED, stroke_width=2),
            DashedLine(g.c2p(-reach, -reach), g.c2p(reach, reach), color=MUTED, stroke_width=1.5),
            MathTex("v", font_size=FORMULA_SIZE, color=TEXT).next_to(g.c2p(reach, 0), RIGHT, buff=0.12),
            MathTex("S(v)", font_size=FORMULA_SIZE, color=TEXT).next_to(g.c2p(0, reach), LEFT, buff=0.12),
            MathTex("S = v", font_size=FORMULA_SIZE, color=TEXT).next_to(g.c2p(reach, reach), UP + LEFT, buff=0.05),
        )
        for value, side in ((-t, UP), (t, DOWN)):  # each label on the side of the axis the curve leaves free
            frame.add(Line(g.c2p(value, 0) + 0.08 * DOWN, g.c2p(value, 0) + 0.08 * UP, color=L1, stroke_width=2),
                      mono(fmt(value), size=SMALL_SIZE, color=L1).next_to(g.c2p(value, 0), side, buff=0.14))
        curve = polyline(g, np.stack([d.graph_v, d.graph_s], 1), L1, 4)
        marks = VGroup(*(Dot(g.c2p(v, o), radius=0.06, color=TEXT) for v, o in zip(d.dots_v, d.dots_out)))
        return frame, curve, marks

    def iterates(self, k):
        return self.cached(("iterates", k), lambda: self.build_iterates(k))

    def build_iterates(self, k):
        d, p, z = self.d, self.iter_plane, self.d.zero_axis
        steps = np.arange(k + 1)
        group = VGroup()
        for row, (name, path, color) in enumerate((("subgradient", d.subgradient, GRAD), ("proximal", d.ista, L1))):
            if k > 0:
                group.add(polyline(p, np.stack([steps, path[: k + 1, z]], 1), color, 3))
            group.add(Dot(p.c2p(k, path[k, z]), radius=0.06, color=color))
            group.add(self.number(f"{name:<12}w{z + 1} = {weight(path[k, z], 3)}", color,
                                  SIDES[1] + 2.55 * LEFT + (ROW_Y - 0.45 * (1 - row)) * UP, aligned=LEFT))
        return group

    # ------------------------------------------------------------------ (e) when to use which: twin features
    def bar_set(self, plane, values, color):
        """Bars for the weights `values` on `plane`, each with its value above (exact zeros print as 0)."""
        key = ("bars", id(plane), tuple(float(v) for v in values), str(color))
        return self.cached(key, lambda: self.build_bar_set(plane, values, color))

    def build_bar_set(self, plane, values, color):
        group = VGroup()
        for j, value in enumerate(values):
            base = plane.c2p(j, 0)
            if value != 0:
                bar = Rectangle(width=BAR_WIDTH, height=abs(value) * plane.sy, stroke_width=0, fill_color=color,
                                fill_opacity=0.85)
                group.add(bar.move_to(base, aligned_edge=DOWN if value > 0 else UP))
            group.add(self.number(weight(value), color if value != 0 else TEXT,
                                  base + (max(float(value), 0.0) * plane.sy + 0.25) * UP))
        return group

    def bar_frame(self, plane, low):
        """The base line and the feature names under it (below the lowest bar); returns (frame, names)."""
        names = VGroup(*(mono(f"x{j + 1}", size=NUMBER_SIZE, color=TEXT).next_to(plane.c2p(j, low), DOWN, buff=0.15)
                         for j in range(self.d.Xt.shape[1])))
        twins = Line(plane.c2p(-0.35, low) + 0.6 * DOWN, plane.c2p(1.35, low) + 0.6 * DOWN, color=MUTED, stroke_width=2)
        corr = mono(f"twins, corr {fmt(self.d.twin_corr)}", size=SMALL_SIZE, color=TEXT)
        corr.next_to(twins, DOWN, buff=0.1, aligned_edge=LEFT)  # wider than the bracket: it runs inward
        base = Line(plane.c2p(-0.6, 0), plane.c2p(BAR_SLOTS - 0.6, 0), color=MUTED, stroke_width=2)
        return VGroup(base, names, twins, corr), names

    def show_twins(self):
        d = self.d
        show = d.twin_show
        shown = np.vstack([d.twin_l1[: show + 1], d.twin_l2[: show + 1], d.mix_w, d.decayed[None]])
        top, low = float(shown.max()), min(0.0, float(shown.min()))
        size = (BAR_SLOTS * BAR_STEP, 3.0)
        self.bar_planes = [Plane((-0.6, BAR_SLOTS - 0.6), (low, top), size, side + 0.55 * DOWN) for side in SIDES]
        frames, names = zip(*(self.bar_frame(p, low) for p in self.bar_planes))
        heads = VGroup()
        for which, side in enumerate(SIDES):
            head = label(("Lasso", "Ridge")[which], size=BODY_SIZE, color=(L1, L2)[which]).move_to(side + HEAD_Y * UP)
            heads.add(head.align_to(HEAD_Y * UP + 0.15 * UP, UP))  # tops level: "Ridge" has a descender
        self.bar_index = ValueTracker(0)
        index = lambda: int(round(self.bar_index.get_value()))  # noqa: E731
        lasso = redraw(index, lambda i: self.bar_set(self.bar_planes[0], d.twin_l1[i], L1))
        ridge = redraw(index, lambda i: self.bar_set(self.bar_planes[1], d.twin_l2[i], L2))
        lam = redraw(index, lambda i: self.number(f"λ = {fmt(d.twin_lams[i])}", TEXT, HEAD_Y * UP))
        third = show // 3
        seconds = self.cue(f"Twins x1, x2 carry one signal (corr {fmt(d.twin_corr)}); x3 another; x4 is noise.")
        self.play(FadeIn(VGroup(*frames, heads)), run_time=0.7)
        self.add(lasso, ridge, lam)
        self.play(self.bar_index.animate.set_value(third), run_time=seconds - 0.7, rate_func=linear)
        kept, other = d.twin_kept + 1, 2 - d.twin_kept
        seconds = self.cue(f"Lasso keeps x{kept} (arbitrary); x{other}, x4 stay 0. Ridge splits twins, gives x4 weight.")
        self.play(self.bar_index.animate.set_value(show), run_time=seconds, rate_func=linear)
        for group in (lasso, ridge, lam):
            group.clear_updaters()
        self.when_to_use(frames, names, heads, lasso, ridge, lam)

    def when_to_use(self, frames, names, heads, lasso, ridge, lam):
        """The answer, acted out on the twins: L1 selects, L2 is the default and SGD's weight decay, and the
        elastic net shares correlated features while the noise feature stays at exactly 0."""
        d = self.d
        left, right = SIDES
        # L1: a sparse model; the features it drops are struck through
        zeros = np.flatnonzero(d.twin_l1[d.twin_show] == 0)
        strikes = VGroup(*(Line(names[0][j].get_left() + 0.08 * LEFT, names[0][j].get_right() + 0.08 * RIGHT,
                                color=DROPPED, stroke_width=4) for j in zeros))
        l1_tag = label("sparse: selects features", size=SMALL_SIZE, color=L1).move_to(left + ROW_Y * UP)
        model = mono(model_text(d.twin_l1[d.twin_show]), size=SMALL_SIZE, color=L1).move_to(left + 1.7 * UP)
        # the model's coefficients are the kept bars' values: copies of them rise into the model's line
        w = d.twin_l1[d.twin_show]
        plane = self.bar_planes[0]
        flies, spots, starts = VGroup(), [], []
        for j in np.flatnonzero(w):
            start = plane.c2p(j, 0) + (max(float(w[j]), 0.0) * plane.sy + 0.25) * UP
            flies.add(self.number(weight(w[j]), L1, start).copy())  # the bar's own label, glyph for glyph
            spots.append(model_glyphs(model, model_text(w), j, w[j]))
            starts.append(start)
        # the bar labels themselves rise (hidden at their bars while their copies fly, so no two overlap) and
        # come back as the model line appears
        left_behind = VGroup(*(m for m in lasso[0] if any(np.allclose(m.get_center(), at, atol=1e-3) for at in starts)))
        seconds = self.cue("When to use which? L1 for a sparse, readable model: it selects features.")
        self.play(FadeIn(l1_tag, shift=0.1 * DOWN), run_time=0.8)
        assert len(left_behind) == len(starts), "every kept bar's label is found"
        left_behind.set_opacity(0)
        self.add(flies)
        self.play(
            LaggedStart(*(Create(s) for s in strikes), lag_ratio=0.6),
            *(fly.animate.scale(SMALL_SIZE / NUMBER_SIZE).move_to(spot) for fly, spot in zip(flies, spots)),
            run_time=2.0,
        )
        # each label animated on its own: a handle group added to the scene would take them out of the bars' group
        self.play(FadeIn(model), FadeOut(flies), *(m.animate.set_opacity(1) for m in left_behind), run_time=0.5)

        # L2: the default; for plain SGD one step of it is weight decay, then the data gradient
        factor = 1 - 2 * d.decay_lr * d.twin_lam
        w = d.twin_l2[d.twin_show]
        states = [w * (1 - s * (1 - factor)) for s in np.linspace(0, 1, DECAY_FRAMES)]
        states += [d.decayed + s * (d.stepped - d.decayed) for s in np.linspace(0, 1, DECAY_FRAMES)[1:]]
        l2_tag = label("default: many small effects", size=SMALL_SIZE, color=L2).move_to(right + ROW_Y * UP)
        rule = MathTex(r"w \leftarrow (1 - 2\,\mathrm{lr}\,\lambda)\,w - \mathrm{lr}\,\nabla \mathrm{loss}",
                       font_size=FORMULA_SIZE, color=L2).move_to(right + 1.6 * UP)
        self.decay_index = ValueTracker(0)
        step = lambda: int(round(self.decay_index.get_value()))  # noqa: E731
        stepping = redraw(step, lambda k: self.bar_set(self.bar_planes[1], states[k], L2))
        # the factor of ONE step at fit's lr, fixed: the bars shrink to it (no count that could read as k steps)
        scale = self.number(f"one step, lr {fmt(d.decay_lr)}: w × {fmt(factor)}", L2, right + 1.0 * UP)
        self.remove(ridge)
        self.add(stepping)  # the same bars (state 0 is the ridge optimum), from here driven by the step
        seconds = self.cue("L2 is the default. With SGD it is weight decay: w × (1 − 2·lr·λ),")
        self.play(FadeIn(l2_tag, shift=0.1 * DOWN), Write(rule), FadeIn(scale), run_time=0.9)
        self.play(self.decay_index.animate.set_value(DECAY_FRAMES - 1), run_time=seconds - 0.9, rate_func=smooth)
        adam = label("Adam: use AdamW", size=SMALL_SIZE, color=L2).move_to(right + 1.0 * UP)
        seconds = self.cue("then the data gradient restores w. With Adam it isn't: use AdamW.")
        # the factor goes first: it is the decay half's, and the bars are about to leave it
        self.play(FadeOut(scale), run_time=0.4)
        self.play(self.decay_index.animate.set_value(len(states) - 1), run_time=max(1.0, seconds - 1.6), rate_func=smooth)
        self.play(FadeIn(adam), run_time=0.6)  # where the factor was: after it, never crossfading with it
        stepping.clear_updaters()

        # correlated features: the elastic net, at the same lambda, its L1 ratio falling from 1 (the lasso)
        spread = (TWIN_SPREAD - abs(left[0])) * RIGHT
        p = self.bar_planes[0]
        self.en_plane = Plane((p.x0, p.x1), (p.y0, p.y1), ((p.x1 - p.x0) * p.sx, (p.y1 - p.y0) * p.sy), 0.55 * DOWN)
        en_frame, _ = self.bar_frame(self.en_plane, p.y0)
        en_head = label("Elastic net", size=BODY_SIZE, color=ENET).move_to(HEAD_Y * UP)
        en_head.align_to(HEAD_Y * UP + 0.15 * UP, UP)
        self.mix_index = ValueTracker(0)
        mixing = redraw(lambda: int(round(self.mix_index.get_value())), self.mixed)
        seconds = self.cue("Correlated: elastic net (L1 + L2, sklearn's l1_ratio) shares the twins.")
        self.play(
            VGroup(frames[0], heads[0], lasso, strikes, l1_tag, model).animate.shift(-spread),
            VGroup(frames[1], heads[1], stepping, l2_tag, rule, adam).animate.shift(spread),
            lam.animate.move_to(LAM_LOW * UP),
            run_time=1.0,
        )
        self.play(FadeIn(VGroup(en_frame, en_head)), FadeIn(mixing), run_time=0.8)
        self.play(self.mix_index.animate.set_value(len(d.mix) - 1), run_time=max(1.5, seconds - 1.8), rate_func=linear)
        mixing.clear_updaters()
        self.wait(max(0.6, self._cue_end - self.renderer.time + 0.3))

    def mixed(self, k):
        """The elastic net's weights for L1 ratio mix[k] (scikit-learn's l1_ratio), on the centre panel, with it above."""
        d = self.d
        return VGroup(self.bar_set(self.en_plane, d.mix_w[k], ENET),
                      self.number(f"l1_ratio = {fmt(d.mix[k])}", ENET, ROW_Y * UP))
