"""Q1: L1 gives exact zeros, L2 shrinks smoothly; the solver reaches the true optimum.

The lasso claims grade regviz's fit, the reference lasso_step iterated, and (under `regviz check`) a
learner's soft_threshold and lasso alike (implementations.py); ridge's claims are regviz's own.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import regviz

from .implementations import first, implementations, words
from .strategies import activations, regression_problems

LASSOS = implementations("lasso")

fractions = st.floats(0.02, 0.95)  # lam as a fraction of lam_max: some but not all weights are zero


@pytest.mark.claim("Q1", "Soft-thresholding (L1's proximal step) gives exact zeros wherever |w| <= t")
@pytest.mark.parametrize("impl", LASSOS)
@given(w=activations(), t=st.floats(0, 20))
def test_soft_threshold_gives_exact_zeros(impl, w, t):
    out = np.asarray(impl.soft_threshold(w, t))
    case = f"soft_threshold(w, t) with w = {words(w)} and t = {words(t)} gave {words(out)}"
    small = (np.abs(w) <= t) & (out != 0)
    assert out.shape == w.shape and not small.any(), (
        f"{case}: |w| <= t at unit {first(small)} must give exactly 0" if small.any() else f"{case}: not w's shape")
    big = np.abs(w) > t
    off = big & ~np.isclose(out, w - t * np.sign(w), rtol=1e-12, atol=0)
    assert not off.any(), f"{case}: |w| > t at unit {first(off)} must shrink by t towards 0, to {words((w - t * np.sign(w))[off][0])}"


@given(w=activations(), t=st.floats(0, 20))
def test_soft_threshold_is_the_l1_proximal_step(w, t):
    # the minimiser of 0.5 (v - w)^2 + t |v|: checked against nearby points, element by element
    v = regviz.soft_threshold(w, t)
    obj = lambda z: 0.5 * (z - w) ** 2 + t * np.abs(z)  # noqa: E731
    for dv in (1e-3, -1e-3):
        assert np.all(obj(v) <= obj(v + dv) + 1e-12)


def kkt_residual(X, y, w, lam):
    """How far w is from satisfying the lasso optimality conditions (0 at the optimum)."""
    corr = X.T @ (y - X @ w) / len(y)  # (d,) = -grad of the smooth part
    on = w != 0
    res_on = np.abs(corr[on] - lam * np.sign(w[on]))  # active: correlation equals lam * sign(w)
    res_off = np.maximum(np.abs(corr[~on]) - lam, 0)  # inactive: |correlation| <= lam
    return max(res_on.max(initial=0), res_off.max(initial=0))


@pytest.mark.claim("Q1", "The L1 fit satisfies the lasso optimality (KKT) conditions and has exact zeros")
@pytest.mark.parametrize("impl", LASSOS)
@given(problem=regression_problems(), frac=fractions)
def test_lasso_satisfies_kkt(impl, problem, frac):
    X, y = problem
    lam = frac * regviz.lam_max(X, y)
    w = impl.lasso(X, y, lam)
    # converged to tol 1e-12 per step on a problem with curvature >= ~0.1: residual ~1e-11; 1e-8 is ample
    residual = kkt_residual(X, y, w, lam)
    tiny = (w != 0) & (np.abs(w) < 1e-4)
    assert residual <= 1e-8, (
        f"on a problem with {X.shape[0]} samples and {X.shape[1]} features and lam = {words(lam)}, your w = "
        f"{words(w, 8)} misses the optimality conditions by {residual:.2g}"
        + (f": weight {first(tiny)} is {w[tiny][0]:.2g}, near but not exactly 0 (a subgradient step jitters around 0; "
           "the proximal step, soft-thresholding, lands on it)" if tiny.any() else ""))


def test_lasso_fit_records_its_path():
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((40, 5)), rng.standard_normal(40)
    res = regviz.fit(X, y, "l1", 0.3 * regviz.lam_max(X, y))
    assert res.converged
    assert res.path.shape == (res.steps + 1, X.shape[1]) and res.loss.shape == (res.steps + 1,)
    assert res.loss[-1] <= res.loss[0]


@pytest.mark.claim("Q1", "The L1 fit is all zeros for lam >= max|X^T y|/n")
@pytest.mark.parametrize("impl", LASSOS)
@given(problem=regression_problems(), factor=st.floats(1.0, 10.0))
def test_lasso_is_all_zeros_above_lam_max(impl, problem, factor):
    X, y = problem
    # another implementation computes max|X^T y|/n in another order, a few ulps away from lam_max's
    slack = 0 if impl.id == "regviz" else 1e-12
    lam = factor * regviz.lam_max(X, y) * (1 + slack)
    w = impl.lasso(X, y, lam)
    assert np.all(w == 0.0), (
        f"with lam = {words(lam)} >= max|X^T y|/n = {words(regviz.lam_max(X, y))} the optimum is w = 0 exactly; "
        f"your lasso returned {words(w, 8)} (largest |w| {np.abs(w).max():.2g})")


@pytest.mark.claim("Q1", "Converged fits agree with the true optimum to 1e-6")
@pytest.mark.parametrize("impl", LASSOS)
@given(problem=regression_problems(orthonormal=True), frac=fractions)
def test_fits_reach_the_closed_form_optimum(impl, problem, frac):
    X, y = problem
    n, d = X.shape
    lam = frac * regviz.lam_max(X, y)
    c = X.T @ y / n
    # with X^T X / n = I the lasso is one soft-threshold of X^T y / n, and ridge is a division
    w, optimum = impl.lasso(X, y, lam), regviz.soft_threshold(c, lam)
    assert np.allclose(w, optimum, atol=1e-6, rtol=0), (
        f"with orthonormal features (X^T X / n = I) and lam = {words(lam)}, the optimum is soft_threshold(X^T y / n, "
        f"lam) = {words(optimum, 8)}; your lasso returned {words(w, 8)}")
    ridge = impl.ridge(X, y, lam)
    if ridge is not None:
        np.testing.assert_allclose(ridge, c / (1 + 2 * lam), atol=1e-6, rtol=0)


@given(problem=regression_problems(), lam=st.floats(0.0, 5.0))
def test_ridge_reaches_the_normal_equations(problem, lam):
    X, y = problem
    n, d = X.shape
    exact = np.linalg.solve(X.T @ X / n + 2 * lam * np.eye(d), X.T @ y / n)
    np.testing.assert_allclose(regviz.fit(X, y, "l2", lam).w, exact, atol=1e-6, rtol=0)


@pytest.mark.claim("Q1", "Along the L1 path the number of exact zeros grows with lam (orthogonal features)")
@pytest.mark.parametrize("impl", LASSOS)
@given(problem=regression_problems(orthonormal=True))
def test_lasso_zeros_grow_along_the_path(impl, problem):
    # A theorem for orthogonal designs (each weight is soft_threshold(c_j, lam)). With correlated
    # features a weight can leave the active set as lam falls, so the count need not be monotone there.
    X, y = problem
    lams = np.geomspace(regviz.lam_max(X, y) * 1.01, 1e-3, 25)  # increasing index = decreasing lam
    zeros = (impl.lasso_path(X, y, lams) == 0).sum(axis=1)
    assert zeros[0] == X.shape[1] and np.all(np.diff(zeros) <= 0), (
        f"with orthonormal features, as lam falls from {words(lams[0])} to {words(lams[-1])} your lasso's count "
        f"of exact zeros goes {zeros.tolist()}: it should start at {X.shape[1]} and never grow")


def test_lasso_path_on_a_correlated_design_keeps_the_strongest_feature_longest():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 8)) @ (np.eye(8) + 0.3 * rng.standard_normal((8, 8)))
    y = X[:, :3] @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.standard_normal(200)
    lams = np.geomspace(1e-4, regviz.lam_max(X, y), 30)
    path = regviz.regularization_path(X, y, "l1", lams)
    zeros = (path == 0).sum(axis=1)
    assert zeros[0] == 0 and zeros[-1] == 8
    assert ((zeros > 0) & (zeros < 8)).any()  # sparse models in between
    # the strongest true feature (weight 2) is the last to leave
    assert set(np.flatnonzero(path[zeros == 7][0])) == {0}


@pytest.mark.claim("Q1", "The L2 fit has no exact zeros and its norm shrinks monotonically with lam")
@given(problem=regression_problems())
def test_ridge_shrinks_smoothly_without_exact_zeros(problem):
    X, y = problem
    lams = np.geomspace(1e-3, 1e3, 20)
    path = regviz.regularization_path(X, y, "l2", lams)
    assert np.all(path != 0.0)  # generic continuous data: X^T y has no exact zero (probability 1)
    norms = np.linalg.norm(path, axis=1)
    assert np.all(np.diff(norms) < 0)


@pytest.mark.claim("Q1", "The penalties' gradients and the fit's loss gradient equal the numerical gradient")
@given(problem=regression_problems(max_n=30, max_d=4), penalty=st.sampled_from(["l1", "l2"]), lam=st.floats(0, 2))
def test_loss_gradient_matches_numerical_gradient(problem, penalty, lam):
    X, y = problem
    w = np.random.default_rng(len(y)).uniform(0.2, 1.5, X.shape[1]) * np.random.default_rng(1).choice([-1, 1], X.shape[1])
    # |w| >= 0.2 >> h = 1e-6, so |w| is differentiable on the whole stencil; quadratic terms make
    # central differences exact up to rounding (~1e-9 here)
    grad = regviz.objective_grad(X, y, w, penalty, lam)
    assert regviz.gradcheck(lambda v: regviz.objective(X, y, v, penalty, lam), w, grad, rtol=1e-6, atol=1e-7)
    for value, gradient in ((regviz.l1_penalty, regviz.l1_grad), (regviz.l2_penalty, regviz.l2_grad)):
        assert regviz.gradcheck(lambda v: value(v, lam), w, gradient(w, lam), rtol=1e-6, atol=1e-7)


def test_penalty_values_and_the_l1_subgradient_at_zero():
    w = np.array([-2.0, 0.0, 3.0])
    assert regviz.l1_penalty(w, 0.5) == 2.5
    assert regviz.l2_penalty(w, 0.5) == 6.5
    np.testing.assert_array_equal(regviz.l1_grad(w, 0.5), [-0.5, 0.0, 0.5])
    np.testing.assert_array_equal(regviz.l2_grad(w, 0.5), [-2.0, 0.0, 3.0])
    w32 = w.astype(np.float32)
    for f in (regviz.l1_grad, regviz.l2_grad, regviz.soft_threshold):
        assert f(w32, 0.5).dtype == np.float32


def test_ista_and_fista_agree():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((80, 5)), rng.standard_normal(80)
    lam = 0.3 * regviz.lam_max(X, y)
    fista, ista = regviz.fit(X, y, "l1", lam), regviz.fit(X, y, "l1", lam, accelerate=False)
    np.testing.assert_allclose(fista.w, ista.w, atol=1e-9)
    assert fista.steps < ista.steps
    assert np.all(np.diff(ista.loss) <= 1e-12)  # ISTA with step 1/L never increases the objective


def test_float32_data_gives_float32_results_with_the_same_zeros():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((60, 5)), rng.standard_normal(60)
    lam = 0.3 * regviz.lam_max(X, y)
    res32 = regviz.fit(X.astype(np.float32), y.astype(np.float32), "l1", lam)
    res64 = regviz.fit(X, y, "l1", lam)
    assert res32.w.dtype == res32.path.dtype == res32.loss.dtype == np.float32
    assert regviz.regularization_path(X.astype(np.float32), y.astype(np.float32), "l2", [0.1, 1.0]).dtype == np.float32
    # the solver runs in float64 either way; only the float32 rounding of the data differs (~1e-7 relative)
    np.testing.assert_array_equal(res32.w == 0, res64.w == 0)
    np.testing.assert_allclose(res32.w, res64.w, atol=1e-5)



def test_soft_threshold_takes_scalars_as_l1_penalty_does():
    for w in (2.0, 2, np.float32(2.0), np.float64(2.0), np.int64(2)):
        assert regviz.soft_threshold(w, 0.5) == 1.5 and regviz.l1_penalty(w, 0.5) == 1.0
        assert regviz.soft_threshold(-w, np.float32(3.0)) == 0.0


def problem(scale=1.0):
    X = np.random.default_rng(3).normal(size=(40, 5))
    return X, scale * (X @ np.array([1.5, -2.0, 0.0, 0.5, 0.0]))


def test_ridge_with_a_huge_finite_lam_is_zero_not_nan():
    X, y = problem()
    w = regviz.fit(X, y, "l2", lam=1e308).w  # 2 * lam overflows to inf: the step must not form it
    assert np.isfinite(w).all() and np.abs(w).max() < 1e-300


def test_one_huge_lam_does_not_poison_the_rest_of_the_path():
    X, y = problem()
    lams = np.array([1.0, 0.1, 0.01])
    with_huge = regviz.regularization_path(X, y, "l2", np.r_[1e308, lams])
    assert np.isfinite(with_huge).all()
    np.testing.assert_allclose(with_huge[1:], regviz.regularization_path(X, y, "l2", lams), rtol=1e-9, atol=1e-12)


def test_the_path_warns_about_fits_that_did_not_converge():
    X, y = problem()
    with pytest.warns(regviz.ConvergenceWarning, match=r"2 of 2 fits did not converge in 3 steps \(lam = 0.1, 0.01\)"):
        regviz.regularization_path(X, y, "l1", [0.1, 0.01], steps=3)


@pytest.mark.parametrize("scale", [1e-9, 1.0, 1e6])
def test_fit_converges_to_the_same_relative_accuracy_whatever_the_units_of_y(scale):
    """The stopping rule is relative: y in nanometres or in kilometres, the same fit (it was an absolute step
    of 1e-12, met after 10 steps at 2e-4 relative error for y*1e-9, and never met for y*1e6)."""
    X, y = problem(scale)
    result = regviz.fit(X, y, "l1", lam=0.0)
    exact = np.linalg.lstsq(X, y, rcond=None)[0]
    assert result.converged
    np.testing.assert_allclose(result.w, exact, rtol=1e-9, atol=1e-9 * np.abs(exact).max())
