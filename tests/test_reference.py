"""The reference functions: the code the study page lists and a candidate writes on a whiteboard.

Their backward passes equal the numerical gradients, their masks drop a fraction p, the lasso and
ridge steps are the steps fit takes, and their source stays whiteboard-sized. (The layers' fast
kernels are proved equal to them in test_kernels.py.)
"""
import ast
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import regviz
from scenes.listing import listing, resolve  # what the page and the Q5 clip show

from .strategies import activations, batches, probabilities, regression_problems, samples, seeds

# what the page lists together: forward and backward of a concept, the steps of Q1
CONCEPTS = {
    "penalties": ("penalties.l1_penalty", "penalties.l2_penalty", "penalties.l1_grad", "penalties.l2_grad"),
    "lasso and ridge steps": ("penalties.soft_threshold", "linear.lasso_step", "linear.ridge_step"),
    "dropout": ("dropout.dropout_forward", "dropout.dropout_backward"),
    "batchnorm": ("norm.batchnorm_forward", "norm.batchnorm_backward"),
    "layernorm": ("norm.layernorm_forward", "norm.layernorm_backward"),
}
MAX_LINES, MAX_WIDTH = 30, 88  # a laptop screen; the width the page shows without cutting


def names_used(code):
    """Every name and attribute the code uses."""
    nodes = list(ast.walk(ast.parse(code)))
    return {n.id for n in nodes if isinstance(n, ast.Name)} | {n.attr for n in nodes if isinstance(n, ast.Attribute)}


@pytest.mark.parametrize("functions", CONCEPTS.values(), ids=CONCEPTS.keys())
def test_reference_source_fits_a_whiteboard(functions):
    shown = []
    for name in functions:
        code = listing(f"regviz.{name}")
        assert getattr(regviz, name.split(".")[1]) is resolve(f"regviz.{name}")  # exported by regviz
        assert not [n for n in names_used(code.text) if n.startswith("_")], f"{name} uses private helpers"
        shown += [*code.lines, ""]
    shown.pop()  # the page puts one blank line between functions
    assert len(shown) <= MAX_LINES, "\n".join(shown)
    assert [line for line in shown if len(line) > MAX_WIDTH] == []


# --- gradients -----------------------------------------------------------------------------------

# The maps are smooth with |x| <= 110 and variance >= 1e-2 (the strategies): central differences with
# h = 1e-6 are accurate to about 1e-7 absolute (truncation h^2 * f''' plus rounding 1e-16 * |f| / h).
GRAD_TOL = dict(rtol=1e-5, atol=1e-5)


@given(x=activations(max_side=4), p=probabilities(0.9), training=st.booleans(), seed=seeds)
def test_dropout_backward_is_the_gradient_of_dropout_forward(x, p, training, seed):
    dy = np.random.default_rng(seed).standard_normal(x.shape)
    _, mask = regviz.dropout_forward(x, p, seed, training)
    # the same seed draws the same mask, so f is the very map forward applied; it is linear, so
    # central differences are exact up to rounding (1e-10 relative in float64)
    f = lambda z: regviz.dropout_forward(z, p, seed, training)[0]  # noqa: E731
    assert regviz.gradcheck(f, x, regviz.dropout_backward(dy, mask, p), dy=dy, rtol=1e-6, atol=1e-8)


def check_gradients(forward, backward, x, gamma, beta, seed):
    """backward's dx, dgamma, dbeta against the numerical gradients of forward(x, gamma, beta)[0]."""
    dy = np.random.default_rng(seed).standard_normal(x.shape)
    dx, dgamma, dbeta = backward(dy, forward(x, gamma, beta)[1])
    assert regviz.gradcheck(lambda z: forward(z, gamma, beta)[0], x, dx, dy=dy, **GRAD_TOL)
    assert regviz.gradcheck(lambda g: forward(x, g, beta)[0], gamma, dgamma, dy=dy, **GRAD_TOL)
    assert regviz.gradcheck(lambda b: forward(x, gamma, b)[0], beta, dbeta, dy=dy, **GRAD_TOL)


def parameters(c, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 2.0, c), rng.normal(size=c)


@given(x=batches(max_n=5, max_c=3, with_length=False), training=st.booleans(), seed=seeds)
def test_batchnorm_backward_is_the_gradient_of_batchnorm_forward(x, training, seed):
    c = x.shape[1]
    running_mean, running_var = np.random.default_rng(seed).normal(size=c), np.linspace(0.5, 2, c)

    def forward(x, gamma, beta):  # fresh running statistics each call: training updates them
        return regviz.batchnorm_forward(x, gamma, beta, running_mean.copy(), running_var.copy(), training)

    check_gradients(forward, regviz.batchnorm_backward, x, *parameters(c, seed), seed)


@given(x=samples(max_batch=3, max_features=5), new_axes=st.sampled_from([(), (0,), (1,)]), seed=seeds)
def test_layernorm_backward_is_the_gradient_of_layernorm_forward(x, new_axes, seed):
    x = np.expand_dims(x, new_axes)  # (B, D), (1, B, D) or (B, 1, D): any leading dims index samples
    check_gradients(regviz.layernorm_forward, regviz.layernorm_backward, x, *parameters(x.shape[-1], seed), seed)


# --- dropout's mask ---------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [1 / 1024, 0.1, 0.3, 0.5, 0.9])
def test_dropout_forward_drops_a_fraction_p(p):
    n = 200_000
    y, mask = regviz.dropout_forward(np.ones(n), p, np.random.default_rng(0))
    dropped = n - mask.sum()
    # the count of drops is binomial(n, p): standard deviation sqrt(n p (1 - p)); 6 of them is a
    # 2e-9 chance of a false alarm for a right mask, while a mask that keeps with probability p
    # (CS231n's convention) misses by n |1 - 2p| >= 4e4 drops for every p here but 0.5
    assert abs(dropped - n * p) <= 6 * np.sqrt(n * p * (1 - p))
    np.testing.assert_array_equal(y == 0, ~mask)


def test_dropout_forward_p1_and_eval():
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0 at p = 1
        y, mask = regviz.dropout_forward(x, 1.0, 0)
        dx = regviz.dropout_backward(np.ones_like(x), mask, 1.0)
    assert not mask.any() and not y.any() and not dx.any()
    y, mask = regviz.dropout_forward(x, 0.5, 0, training=False)
    assert y is x and mask is None
    np.testing.assert_array_equal(regviz.dropout_backward(x, mask, 0.5), x)


# --- Q1: soft-thresholding and the steps fit takes ---------------------------------------------------

@given(w=activations(dtype=np.float32), t=st.floats(0, 20))
def test_soft_threshold_keeps_dtype_and_never_returns_negative_zero(w, t):
    out = regviz.soft_threshold(np.concatenate([w.ravel(), [-0.0, -1e-3]]).astype(np.float32), t)
    assert out.dtype == np.float32
    assert not np.signbit(out[out == 0]).any()


def lr_of(X, lam=0.0):
    """1/L: L the largest eigenvalue of the smooth part's Hessian, X^T X / n (+ 2 lam for ridge)."""
    return 1 / (np.linalg.eigvalsh(X.T @ X / len(X))[-1] + 2 * lam)


@given(problem=regression_problems(), fraction=st.floats(0.05, 0.9), penalty=st.sampled_from(["l1", "l2"]),
       scale=st.sampled_from([0.1, 1.0]))
def test_fit_optimum_is_a_fixed_point_of_the_step(problem, fraction, penalty, scale):
    # proximal gradient's fixed points are exactly the optima, whatever the step size lr
    X, y = problem
    lam = fraction * regviz.lam_max(X, y)
    w = regviz.fit(X, y, penalty, lam).w
    step = regviz.lasso_step if penalty == "l1" else regviz.ridge_step
    # fit stops when no weight moves more than 1e-12 in a step of 1/L; a step of scale/L moves less
    np.testing.assert_allclose(step(w, X, y, lam, scale * lr_of(X, lam if penalty == "l2" else 0.0)), w,
                               rtol=0, atol=1e-9)


@given(problem=regression_problems(), fraction=st.floats(0.05, 0.9), seed=seeds)
def test_ridge_step_is_a_gradient_step_on_the_objective(problem, fraction, seed):
    X, y = problem
    lam, lr = fraction * regviz.lam_max(X, y), 0.1
    w = np.random.default_rng(seed).standard_normal(X.shape[1])
    step = (w - regviz.ridge_step(w, X, y, lam, lr)) / lr
    np.testing.assert_allclose(step, regviz.objective_grad(X, y, w, "l2", lam), rtol=1e-9, atol=1e-9)


@given(problem=regression_problems(), fraction=st.floats(0.05, 0.9))
def test_lasso_steps_of_one_over_l_never_increase_the_objective(problem, fraction):
    # ISTA with lr <= 1/L decreases the objective at every step (Beck & Teboulle 2009, Lemma 2.3)
    X, y = problem
    lam = fraction * regviz.lam_max(X, y)
    w, lr = np.zeros(X.shape[1]), lr_of(X)
    losses = []
    for _ in range(30):
        w = regviz.lasso_step(w, X, y, lam, lr)
        losses.append(regviz.objective(X, y, w, "l1", lam))
    assert np.all(np.diff(losses) <= 1e-12 * np.abs(losses[:-1]))
