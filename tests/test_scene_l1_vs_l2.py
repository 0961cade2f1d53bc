"""The L1 vs L2 clip shows what the regviz core computes for its seed, and its claims hold (no rendering)."""
import numpy as np
import pytest

import regviz
from scenes import l1_vs_l2
from scenes.l1_vs_l2 import data

SEEDS = [0, 1]


@pytest.fixture(scope="module")
def shown():
    return {seed: data(seed) for seed in SEEDS}


def test_same_seed_same_data(shown):
    again = data(0)
    for name in ("X2", "y2", "geo_l1", "geo_l2", "Xp", "yp", "path_l1", "path_l2", "pull_l1"):
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
    np.testing.assert_array_equal(d.geo_lams[0], regviz.lam_max(d.X2, d.y2))
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
    first, last = d.one_zero
    assert np.all((d.geo_l1[first:last + 1] == 0).sum(axis=1) == 1)  # a whole range of lambda, not luck
    assert np.all(d.geo_l1[0] == 0)  # at lam_max the lasso is all zeros
    assert np.all((d.geo_l1[d.sweep_low] != 0))  # the sweep goes far enough for the lasso to leave the axis


@pytest.mark.parametrize("seed", SEEDS)
def test_touching_contour_does_not_enter_the_constraint(shown, seed):
    """The optimum is where the lowest loss ellipse meets the diamond/circle: no point of the region does better."""
    d = shown[seed]
    loss = lambda w: l1_vs_l2.quad_radius(d.ols, d.gram, w)  # noqa: E731  monotone in the data loss
    angles = np.linspace(0, 2 * np.pi, 721)
    unit = np.stack([np.cos(angles), np.sin(angles)], 1)
    s = np.abs(d.geo_l1[d.i_star]).sum()
    diamond = s * unit / np.abs(unit).sum(axis=1, keepdims=True)
    r = np.linalg.norm(d.geo_l2[d.i_star])
    # Loss tolerance: the solver stops at 1e-12 steps, far below 1e-8 in the quadratic form.
    assert min(loss(p) for p in diamond) >= loss(d.geo_l1[d.i_star]) - 1e-8
    # Ridge solves the penalised problem, which at this r is the constrained optimum on the circle.
    assert min(loss(p) for p in r * unit) >= loss(d.geo_l2[d.i_star]) - 1e-3  # 721-point circle: O(dθ^2)


@pytest.mark.parametrize("seed", SEEDS)
def test_contours_are_level_sets_of_the_data_loss(shown, seed):
    d = shown[seed]
    np.testing.assert_allclose(d.gram, d.X2.T @ d.X2 / len(d.y2))
    np.testing.assert_allclose(d.ols, np.linalg.lstsq(d.X2, d.y2, rcond=None)[0])
    radius = l1_vs_l2.quad_radius(d.ols, d.gram, d.geo_l1[d.i_star])
    for run in d.touch_l1[d.i_star]:
        np.testing.assert_allclose([l1_vs_l2.quad_radius(d.ols, d.gram, p) for p in run], radius)
        assert np.all((run >= d.box[0]) & (run <= d.box[1]))


@pytest.mark.parametrize("seed", SEEDS)
def test_path_is_the_core_path(shown, seed):
    d = shown[seed]
    assert d.lam_max == regviz.lam_max(d.Xp, d.yp)
    np.testing.assert_array_equal(d.path_l1, regviz.regularization_path(d.Xp, d.yp, "l1", d.path_lams))
    np.testing.assert_array_equal(d.path_l2, regviz.regularization_path(d.Xp, d.yp, "l2", d.path_lams))
    np.testing.assert_array_equal(d.zeros_l1, (d.path_l1 == 0).sum(axis=1))


@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_reaches_exact_zeros_ridge_never(shown, seed):
    d = shown[seed]
    assert np.all(np.diff(d.path_lams) > 0)
    assert d.zeros_l1[-1] == d.path_l1.shape[1]  # past lam_max every lasso coefficient is exactly 0
    assert d.zeros_l1[0] < d.zeros_l1[-1]
    assert np.all(d.zeros_l2 == 0) and d.ridge_min_abs > 0  # ridge shrinks but never lands on 0
    assert d.ridge_min_abs == np.abs(d.path_l2[-1]).min()
    assert np.abs(d.path_l2[-1]).max() < np.abs(d.path_l2[0]).max()  # ...while shrinking
    for j, k in enumerate(d.zero_from):  # the marked points: exactly 0 from there on, not just before
        assert np.all(d.path_l1[k:, j] == 0)
        assert k == 0 or d.path_l1[k - 1, j] != 0


def test_zero_from_on_a_small_path():
    path = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 1.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(l1_vs_l2.zero_from(path), [3, 0, 2])


def test_clip_to_box_joins_the_wrapped_run():
    t = np.linspace(0, 2 * np.pi, 200)
    circle = np.stack([np.cos(t), np.sin(t)], 1) * 2 + [1.5, 0]  # crosses x = 2 twice
    runs = l1_vs_l2.clip_to_box(circle, (-3.0, 2.0))
    assert len(runs) == 1 and np.all(runs[0] <= 2.0)
