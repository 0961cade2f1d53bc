"""The L1 vs L2 clip shows what the regviz core computes for its seed, and its claims hold (no rendering)."""
import numpy as np
import pytest

import regviz
from scenes import l1_vs_l2
from scenes.common import fmt
from scenes.l1_vs_l2 import data

SEEDS = [0, 1]


@pytest.fixture(scope="module")
def shown():
    return {seed: data(seed) for seed in SEEDS}


def loss_level(d, w):
    """The quad radius of w: monotone in the 2-D problem's data loss."""
    return l1_vs_l2.quad_radius(d.ols, d.gram, w)


def test_same_seed_same_data(shown):
    again = data(0)
    for name in ("X2", "y2", "geo_l1", "geo_l2", "Xp", "yp", "path_l1", "path_l2", "pull_l1", "ista", "Xt", "twin_l1"):
        np.testing.assert_array_equal(getattr(again, name), getattr(shown[0], name))


def test_different_seeds_different_data(shown):
    assert not np.allclose(shown[0].X2, shown[1].X2)
    assert not np.allclose(shown[0].path_l1, shown[1].path_l1)


@pytest.mark.parametrize("seed", SEEDS)
def test_pull_is_the_core_gradient(shown, seed):
    d = shown[seed]
    np.testing.assert_array_equal(d.pull_l1, regviz.l1_grad(d.pull_w, d.pull_lam))
    np.testing.assert_array_equal(d.pull_l2, regviz.l2_grad(d.pull_w, d.pull_lam))
    # L1 pulls every non-zero weight with the same force lam; L2's pull fades linearly to 0
    nonzero = d.pull_w != 0
    np.testing.assert_array_equal(np.abs(d.pull_l1[nonzero]), d.pull_lam)
    small = np.abs(d.pull_w) < 0.05
    assert np.all(np.abs(d.pull_l2[small]) < np.abs(d.pull_l1[small & nonzero]).min())


@pytest.mark.parametrize("seed", SEEDS)
def test_geometry_is_the_core_path_and_fit(shown, seed):
    d = shown[seed]
    assert d.lam_max == regviz.lam_max(d.X2, d.y2)
    for penalty, grid in (("l1", d.geo_l1), ("l2", d.geo_l2)):
        expected = regviz.regularization_path(d.X2, d.y2, penalty, d.geo_lams)
        others = np.arange(len(d.geo_lams)) != d.i_star
        np.testing.assert_array_equal(grid[others], expected[others])
        # the state shown at rest is fit() itself, and it agrees with the path solver
        np.testing.assert_array_equal(grid[d.i_star], regviz.fit(d.X2, d.y2, penalty, d.lam_star).w)
        np.testing.assert_allclose(grid[d.i_star], expected[d.i_star], atol=1e-9)  # both stop at tol=1e-12 steps


@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_touches_a_corner_ridge_does_not(shown, seed):
    d = shown[seed]
    w1, w2 = d.geo_l1[d.i_star], d.geo_l2[d.i_star]
    assert np.count_nonzero(w1 == 0) == 1 and w1[d.zero_axis] == 0.0  # exactly one exact zero: a corner
    assert np.all(w2 != 0) and np.all(np.abs(w2) > 1e-3)  # the circle is touched off the axes
    # ...and on the whole sweep: ridge never has a zero weight
    assert np.all(d.geo_l2[: d.sweep_low + 1] != 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_each_lambda_is_the_budget_its_solution_spends(shown, seed):
    """Penalty form = constraint form: w(lam) minimises the data loss over the diamond of t = ||w(lam)||_1
    (the circle of r = ||w(lam)||_2), so no point of the region's edge has a lower loss level."""
    d = shown[seed]
    angles = np.linspace(0, 2 * np.pi, 1441)
    unit = np.stack([np.cos(angles), np.sin(angles)], 1)
    for i in np.linspace(1, d.sweep_low, 7).astype(int):
        t, r = d.budget_l1[i], d.budget_l2[i]
        assert t == pytest.approx(np.abs(d.geo_l1[i]).sum()) and r == pytest.approx(np.linalg.norm(d.geo_l2[i]))
        diamond = t * unit / np.abs(unit).sum(axis=1, keepdims=True)
        # the solver stops at 1e-12 steps: far below 1e-8 in the quadratic form
        assert min(loss_level(d, p) for p in diamond) >= d.touch_l1[i] - 1e-8
        # 1441 points on the circle: the sampled minimum is within O(dθ^2) of the true one
        assert min(loss_level(d, p) for p in r * unit) >= d.touch_l2[i] - 1e-4
        # the touching ellipse is the one through the optimum
        assert d.touch_l1[i] == pytest.approx(loss_level(d, d.geo_l1[i]))


@pytest.mark.parametrize("seed", SEEDS)
def test_window_holds_every_shape_whole(shown, seed):
    d = shown[seed]
    x0, x1, y0, y1 = d.window
    inside = lambda p: np.all((p[:, 0] > x0) & (p[:, 0] < x1) & (p[:, 1] > y0) & (p[:, 1] < y1))  # noqa: E731
    for r in [*d.levels, *d.touch_l1[: d.sweep_low + 1], *d.touch_l2[: d.sweep_low + 1]]:
        assert inside(l1_vs_l2.ellipse(d.ols, d.gram, r, 400))
    s = max(d.budget_l1[: d.sweep_low + 1].max(), d.budget_l2[: d.sweep_low + 1].max())
    assert inside(np.array([[s, 0], [-s, 0], [0, s], [0, -s]]))
    assert x0 < 0 < x1 and y0 < 0 < y1  # the axes cross inside


@pytest.mark.parametrize("seed", SEEDS)
def test_contours_are_level_sets_of_the_data_loss(shown, seed):
    d = shown[seed]
    np.testing.assert_allclose(d.gram, d.X2.T @ d.X2 / len(d.y2))
    np.testing.assert_allclose(d.ols, np.linalg.lstsq(d.X2, d.y2, rcond=None)[0])
    for r in d.levels:
        np.testing.assert_allclose([loss_level(d, p) for p in l1_vs_l2.ellipse(d.ols, d.gram, r)], r)
    # the outermost static ellipse is the loss at w = 0: where the lasso sits for lam >= lam_max
    assert d.levels.max() == pytest.approx(loss_level(d, np.zeros(2)))


@pytest.mark.parametrize("seed", SEEDS)
def test_band_where_the_lasso_keeps_the_weight_at_zero(shown, seed):
    d = shown[seed]
    z = d.zero_axis
    assert np.all(d.geo_l1[: d.band_low + 1, z] == 0)  # every grid lambda in the band
    assert d.geo_l1[d.band_low + 1, z] != 0  # ... and the next one below leaves the axis
    assert d.sweep_low > d.band_low
    # the edges as printed, rounded up, still lie inside: fit there keeps the zeros the caption names
    assert d.geo_lams[d.band_low] <= d.band_from < d.geo_lams[d.band_low] + 0.01
    for lam in (d.band_from, 0.5 * (d.band_from + d.lam_max), d.lam_max):
        assert regviz.fit(d.X2, d.y2, "l1", lam).w[z] == 0
    assert d.lam_max <= d.all_zero_from < d.lam_max + 0.01
    np.testing.assert_array_equal(regviz.fit(d.X2, d.y2, "l1", d.all_zero_from).w, 0.0)
    assert np.any(regviz.fit(d.X2, d.y2, "l1", 0.98 * d.lam_max).w != 0)  # lam_max is the edge
    assert np.all(d.geo_l1[d.geo_lams >= d.lam_max] == 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_path_is_the_core_path(shown, seed):
    d = shown[seed]
    assert d.path_lam_max == regviz.lam_max(d.Xp, d.yp)
    np.testing.assert_array_equal(d.path_l1, regviz.regularization_path(d.Xp, d.yp, "l1", d.path_lams))
    np.testing.assert_array_equal(d.path_l2, regviz.regularization_path(d.Xp, d.yp, "l2", d.path_lams))
    np.testing.assert_array_equal(d.zeros_l1, (d.path_l1 == 0).sum(axis=1))


@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_reaches_exact_zeros_ridge_stays_above_the_log_axis(shown, seed):
    d = shown[seed]
    assert np.all(np.diff(d.path_lams) > 0)
    assert d.zeros_l1[-1] == d.path_l1.shape[1]  # past lam_max every lasso coefficient is exactly 0
    assert d.zeros_l1[0] < d.zeros_l1[-1]
    assert np.all(d.smallest_l1[d.zeros_l1 > 0] == 0)  # "min |w| 0" is shown exactly when a zero exists
    zero = d.path_l1 == 0  # "...land on exactly 0 as lambda grows, and stay there": once 0, 0 for every larger lambda
    for j in np.flatnonzero(zero.any(axis=0)):
        assert np.all(zero[np.argmax(zero[:, j]):, j])
    assert np.all(d.zeros_l2 == 0)  # ridge shrinks but never lands on 0...
    # ...and every ridge |w_j| is drawn on the log axis, above its floor: small, visibly not 0
    assert np.all(np.abs(d.path_l2) >= 10.0**d.log_floor)
    assert 10.0 ** (d.log_floor + 1) > d.smallest_l2.min()  # the floor is the decade below the smallest
    np.testing.assert_array_equal(d.smallest_l2, np.abs(d.path_l2).min(axis=1))
    assert np.abs(d.path_l2[-1]).max() < 0.1 * np.abs(d.path_l2[0]).max()  # ...while shrinking


@pytest.mark.parametrize("seed", SEEDS)
def test_soft_threshold_dead_zone_makes_the_zeros(shown, seed):
    d = shown[seed]
    np.testing.assert_array_equal(d.dots_out, regviz.soft_threshold(d.dots_v, d.dots_t))
    assert d.dots_t == pytest.approx(d.dots_lr * d.dots_lam)
    # the map is the lasso step: gradient step then threshold, and at the fit it is a fixed point
    step = regviz.lasso_step(d.dots_w, d.Xp, d.yp, d.dots_lam, d.dots_lr)
    np.testing.assert_allclose(d.dots_out, step, atol=1e-12)
    np.testing.assert_allclose(d.dots_out, d.dots_w, atol=1e-9)
    # the zeros are exactly the inputs in the dead zone, and both kinds are on screen
    np.testing.assert_array_equal(d.dots_out == 0, np.abs(d.dots_v) <= d.dots_t)
    assert 0 < np.count_nonzero(d.dots_out == 0) < len(d.dots_out)
    # outside the zone every input moves lr*lam towards 0, keeping its sign; both signs are on screen
    out = d.dots_out != 0
    np.testing.assert_allclose(np.abs(d.dots_v[out]) - np.abs(d.dots_out[out]), d.dots_t)
    np.testing.assert_array_equal(np.sign(d.dots_out[out]), np.sign(d.dots_v[out]))
    # the graph beside them is the same map for inputs of both signs: odd, flat on the dead zone, and
    # elsewhere the line S = v moved lr*lam toward 0; it reaches every dot
    np.testing.assert_array_equal(d.graph_s, regviz.soft_threshold(d.graph_v, d.dots_t))
    np.testing.assert_allclose(d.graph_v, -d.graph_v[::-1])
    np.testing.assert_allclose(d.graph_s, -d.graph_s[::-1])
    dead = np.abs(d.graph_v) <= d.dots_t
    assert np.all(d.graph_s[dead] == 0) and dead.sum() > 1
    np.testing.assert_allclose(d.graph_v[~dead] - d.graph_s[~dead], np.sign(d.graph_v[~dead]) * d.dots_t)
    assert np.abs(d.graph_v).max() >= np.abs(d.dots_v).max()


@pytest.mark.parametrize("seed", SEEDS)
def test_subgradient_wobbles_where_lasso_step_lands(shown, seed):
    d = shown[seed]
    z, lam, lr = d.zero_axis, d.lam_star, d.sub_lr
    np.testing.assert_array_equal(d.ista[0], d.ols)
    np.testing.assert_array_equal(d.subgradient[0], d.ols)
    for k in range(len(d.ista) - 1):  # each row is one step of its method from the previous row
        np.testing.assert_array_equal(d.ista[k + 1], regviz.lasso_step(d.ista[k], d.X2, d.y2, lam, lr))
        grad = d.X2.T @ (d.X2 @ d.subgradient[k] - d.y2) / len(d.y2) + regviz.l1_grad(d.subgradient[k], lam)
        np.testing.assert_allclose(d.subgradient[k + 1], d.subgradient[k] - lr * grad, rtol=1e-12, atol=1e-15)
    landed = int(np.flatnonzero(d.ista[:, z] == 0)[0])
    assert np.all(d.ista[landed:, z] == 0)  # exactly 0 and stays
    assert landed < len(d.ista) // 2
    sub = d.subgradient[:, z]
    assert np.all(sub != 0)  # never exactly 0
    late = sub[landed:]
    assert np.count_nonzero(np.diff(np.sign(late)) != 0) >= 4  # crosses 0 again and again
    assert np.abs(late[-10:]).max() > 0.5 * lr * lam  # and does not settle: it jumps by about lr*lam


@pytest.mark.parametrize("seed", SEEDS)
def test_twins_lasso_keeps_one_ridge_splits(shown, seed):
    d = shown[seed]
    assert d.twin_corr > 0.95
    np.testing.assert_array_equal(d.twin_l1, regviz.regularization_path(d.Xt, d.yt, "l1", d.twin_lams))
    np.testing.assert_array_equal(d.twin_l2, regviz.regularization_path(d.Xt, d.yt, "l2", d.twin_lams))
    i, kept = d.twin_show, d.twin_kept
    other = 1 - kept
    assert d.twin_l1[i, kept] != 0 and d.twin_l1[i, 2] != 0
    assert np.all(d.twin_l1[: i + 1, other] == 0)  # the whole sweep shown: the other twin stays exactly 0
    a, b = d.twin_l2[i, :2]
    assert a > 0 and b > 0 and abs(a - b) < 0.1 * (a + b)  # ridge gives each twin about half
    assert np.all(d.twin_l2[: i + 1] != 0)
    # x4 is noise: the lasso leaves it at exactly 0, ridge gives it a weight ("gives x4 a weight too")
    assert d.twin_l1[i, 3] == 0 and d.twin_l2[i, 3] != 0
    assert d.twin_lam == d.twin_lams[i]


def elastic_net_subgradient_gap(d, w, rho):
    """How far 0 is from the subdifferential of the elastic-net objective at w (0 at the optimum)."""
    lam = d.twin_lam
    # scikit-learn's ElasticNet(alpha=lam, l1_ratio=rho): the L2 part is (1 - rho) * lam / 2 * ||w||^2
    smooth = d.Xt.T @ (d.Xt @ w - d.yt) / len(d.yt) + regviz.l2_grad(w, (1 - rho) * lam / 2)  # (d,)
    nonzero = w != 0
    gap = np.abs(smooth[nonzero] + rho * lam * np.sign(w[nonzero]))  # = 0 off zero
    slack = np.maximum(np.abs(smooth[~nonzero]) - rho * lam, 0)  # |grad| <= rho*lam at an exact zero
    return float(np.concatenate([gap, slack]).max())


@pytest.mark.parametrize("seed", SEEDS)
def test_elastic_net_shares_the_twins_and_keeps_the_noise_at_zero(shown, seed):
    d = shown[seed]
    assert d.mix[0] == 1.0 and np.all(np.diff(d.mix) < 0)
    # every state drawn is the elastic-net optimum for its L1 share: the subgradient condition holds
    for rho, w in zip(d.mix, d.mix_w):
        assert elastic_net_subgradient_gap(d, w, rho) < 1e-6  # fit stops at 1e-12 steps; O(1) features
    # the L1 share 1 is the lasso the left panel shows, at the same lambda
    np.testing.assert_allclose(d.mix_w[0], d.twin_l1[d.twin_show], atol=1e-6)
    # at the end both twins are kept, shared within 10%, and the noise feature is exactly 0
    a, b = d.mix_w[-1, :2]
    assert a > 0 and b > 0 and abs(a - b) < 0.1 * (a + b)
    assert np.all(d.mix_w[:, 3] == 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_ridge_step_is_weight_decay_then_the_data_gradient(shown, seed):
    d = shown[seed]
    w, lam, lr = d.twin_l2[d.twin_show], d.twin_lam, d.decay_lr
    factor = 1 - 2 * lr * lam
    assert 0 < factor < 1
    bound = 1 / (np.linalg.eigvalsh(d.Xt.T @ d.Xt / len(d.yt))[-1] + 2 * lam)
    assert bound / 10 < lr <= bound  # a stable step, as large as one significant digit allows
    # the factor on screen is what the lr and lambda on screen (rounded to 2 digits) give
    assert fmt(1 - 2 * float(fmt(lr)) * float(fmt(lam))) == fmt(factor)
    np.testing.assert_allclose(d.decayed, factor * w)  # the decay half: w shrinks by 1 - 2 lr lam
    data_step = -lr * d.Xt.T @ (d.Xt @ w - d.yt) / len(d.yt)
    np.testing.assert_allclose(d.stepped, d.decayed + data_step, atol=1e-12)  # then the data gradient
    np.testing.assert_allclose(d.stepped, w, atol=1e-9)  # and at the optimum that puts w back


def test_round_up_stays_on_the_true_side():
    assert l1_vs_l2.round_up(0.8627) == 0.87
    assert l1_vs_l2.round_up(0.86) == 0.86
    assert l1_vs_l2.round_up(2.2042) == 2.21


def test_ellipse_box_is_the_bounding_box():
    gram = np.array([[1.0, 0.3], [0.3, 0.8]])
    ols = np.array([1.0, -0.5])
    points = l1_vs_l2.ellipse(ols, gram, 1.3, 20_000)
    lo, hi = l1_vs_l2.ellipse_box(ols, gram, 1.3)
    np.testing.assert_allclose(points.min(axis=0), lo, atol=1e-6)
    np.testing.assert_allclose(points.max(axis=0), hi, atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_pull_is_the_slope_of_the_penalty_curve(shown, seed):
    """Part (a) draws each penalty over one weight and, under it, the pull: the pull is that curve's slope."""
    d = shown[seed]
    for pen, penalty in ((d.pen_l1, regviz.l1_penalty), (d.pen_l2, regviz.l2_penalty)):
        np.testing.assert_array_equal(pen, [penalty(np.array([w]), d.pull_lam) for w in d.pull_w])
    for pen, pull in ((d.pen_l1, d.pull_l1), (d.pen_l2, d.pull_l2)):
        slope = np.diff(pen) / np.diff(d.pull_w)  # (PULL_GRID - 1,) the chord between neighbouring grid points
        mid = 0.5 * (d.pull_w[1:] + d.pull_w[:-1])
        away = np.abs(mid) > 0.02  # the kink of |w| at 0 lies inside one chord
        # |w| is linear off 0 (its chord is its slope); w^2's chord slope is its slope at the midpoint
        np.testing.assert_allclose(slope[away], np.interp(mid[away], d.pull_w, pull), atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_zeros_every_noise_weight_before_any_useful_one(shown, seed):
    """The path plots colour the true model's non-zero weights; the caption says the noise lands on 0 first."""
    d = shown[seed]
    useful = d.w_true != 0
    assert np.count_nonzero(useful) == l1_vs_l2.TRUE_NONZERO
    k = l1_vs_l2.noise_zeroed(d.path_l1, d.w_true)
    assert np.all(d.path_l1[k:, ~useful] == 0)  # from k on, every noise weight is exactly 0 ...
    assert np.any(d.path_l1[k - 1, ~useful] != 0)  # ... and k is the first such lambda
    assert np.all(d.path_l1[: k + 1, useful] != 0)  # no useful weight is 0 yet
    assert np.all(d.path_l1[-1, useful] == 0)  # the useful ones follow at large lambda
    # the caption "Large lambda zeros the useful ones too" starts as the sweep heads to the first lambda where
    # every lasso weight is 0: from there on all stay 0, while ridge keeps every weight non-zero
    all_zero = int(np.flatnonzero(d.zeros_l1 == len(d.w_true))[0])
    assert all_zero > k and np.all(d.path_l1[all_zero:] == 0) and np.all(d.path_l2 != 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_lambda_axis_ticks_lie_on_the_sweep(shown, seed):
    d = shown[seed]
    lo, hi = d.geo_lams[d.sweep_low], d.geo_lams[0]
    ticks = l1_vs_l2.log_ticks(lo, hi)
    assert len(ticks) >= 2 and all(lo <= t <= hi for t in ticks) and ticks == sorted(ticks)
    for t in ticks:  # each is 1, 2, 3 or 5 times a power of ten
        mantissa = t / 10.0 ** np.floor(np.log10(t) + 1e-12)
        assert min(abs(mantissa - m) for m in (1, 2, 3, 5)) < 1e-9
