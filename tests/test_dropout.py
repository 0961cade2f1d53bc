"""Q2 + Q5: inverted dropout keeps the expectation, and backward reuses the forward's mask.

The claims are relations every correct dropout obeys whatever its random draws, so they grade regviz's
layer, the reference functions and (under `regviz check`) a learner's Dropout alike: see
implementations.py. A unit whose output is 0 for a non-zero input was dropped; the others were kept.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given

import regviz
from regviz._kernels import keep_mask

from .implementations import first, implementations, words
from .strategies import activations, probabilities, seeds

DROPOUTS = implementations("dropout")


@pytest.mark.claim("Q2", "Inverted dropout keeps the expectation: the mean of forward(x) over many seeds tends to x")
@pytest.mark.parametrize("impl", DROPOUTS)
@given(x=activations(max_dims=2, max_side=4), p=probabilities(0.9), seed=seeds)
def test_dropout_preserves_expectation(impl, x, p, seed):
    k = 400
    layer = impl.dropout(p, seed)  # each forward draws a new mask from the seeded stream
    runs = np.stack([layer.forward(x) for _ in range(k)])
    # Each output is x/(1-p) with probability 1-p, else 0: mean x, variance x^2 * p / (1-p).
    # The mean of k independent runs is within 6 standard errors with probability 1 - 2e-9 per element.
    std_err = np.abs(x) * np.sqrt(p / (1 - p) / k)
    mean = runs.mean(axis=0)
    off = ~(np.abs(mean - x) <= 6 * std_err + 1e-12)
    assert not off.any(), (
        f"with x = {words(x)} and p = {words(p)}, the mean of {k} training forwards is {words(mean)}, "
        f"not x: unit {first(off)} averages {words(mean[off][0])} instead of {words(x[off][0])}"
    )


def test_dropout_drop_rate_matches_p():
    # p = 0.5 takes 8 random bits per element, 1/1024 takes 16, 0.3 takes 32 (rounded to 2^-32)
    n = 1_000_000
    for p in (0.5, 1 / 1024, 0.3, 0.9):
        mask = keep_mask((n,), p, np.random.default_rng(0))
        # binomial count of drops: standard deviation sqrt(n p (1-p)); 6 sigma
        assert abs((n - mask.sum()) - n * p) <= 6 * np.sqrt(n * p * (1 - p))


@pytest.mark.claim("Q5", "Dropout backward uses the forward's mask and the same 1/(1-p) scale")
@pytest.mark.parametrize("impl", DROPOUTS)
@given(x=activations(), p=probabilities(0.95), seed=seeds)
def test_dropout_backward_uses_forward_mask(impl, x, p, seed):
    layer = impl.dropout(p, seed)
    y = layer.forward(x)
    dy = np.random.default_rng(seed).standard_normal(x.shape)
    dx = layer.backward(dy)
    scale = 1 / (1 - p)
    case = f"with x = {words(x)}, p = {words(p)} and dy = {words(dy)}"
    dropped, kept = (y == 0) & (x != 0), y != 0  # forward's mask, as its output shows it
    leak = dropped & (dx != 0)
    assert not leak.any(), (
        f"{case}, your backward sent gradient {words(dx[leak][0])} to unit {first(leak)}, which forward "
        "dropped: a new mask in backward?"
    )
    bad_y = kept & ~np.isclose(y, x * scale, rtol=1e-12, atol=0)
    assert not bad_y.any(), (
        f"{case}, forward kept unit {first(bad_y)} as {words(y[bad_y][0])}; x/(1-p) is "
        f"{words((x * scale)[bad_y][0])}"
    )
    bad_dx = kept & ~np.isclose(dx, dy * scale, rtol=1e-12, atol=0)
    assert not bad_dx.any(), (
        f"{case}, your backward gave kept unit {first(bad_dx)} the gradient {words(dx[bad_dx][0])}; "
        f"dy/(1-p) is {words((dy * scale)[bad_dx][0])}: the same 1/(1-p) scale as forward?"
    )
    # where x = 0 forward's output is 0 whether the unit was kept or not: dx is 0 or dy/(1-p)
    odd = (x == 0) & ~((dx == 0) | np.isclose(dx, dy * scale, rtol=1e-12, atol=0))
    assert not odd.any(), f"{case}, your backward gave unit {first(odd)} the gradient {words(dx[odd][0])}"
    mask = getattr(layer, "mask", None)  # regviz's layer and the reference keep theirs: check it too
    if mask is not None:
        assert mask.shape == x.shape and mask.dtype == bool
        np.testing.assert_array_equal(dx == 0, ~mask | (dy == 0))  # gradient only through kept units
        np.testing.assert_array_equal(y == 0, ~mask | (x == 0))  # the same units as forward


@pytest.mark.claim("Q2", "At inference (eval) and with p = 0, dropout is the identity in forward and backward")
@pytest.mark.parametrize("impl", DROPOUTS)
@given(x=activations(), p=probabilities(), seed=seeds)
def test_dropout_eval_and_p0_are_identity(impl, x, p, seed):
    for case, layer in ((f"in eval mode with p = {words(p)}", impl.dropout(p, seed).eval()),
                        ("in training with p = 0", impl.dropout(0.0, seed))):
        y = layer.forward(x)
        assert np.array_equal(y, x), f"{case}, forward(x) for x = {words(x)} gave {words(y)}, not x"
        dx = layer.backward(x)
        assert np.array_equal(dx, x), f"{case}, backward(dy) for dy = {words(x)} gave {words(dx)}, not dy"


@pytest.mark.claim("Q2", "The same seed draws the same mask")
@pytest.mark.parametrize("impl", DROPOUTS)
@given(x=activations(), p=probabilities(), seed=seeds)
def test_dropout_same_seed_same_mask(impl, x, p, seed):
    if not impl.seedable:
        pytest.skip("your Dropout draws from a Generator the checker cannot seed: accept an `rng` argument "
                    "or draw from np.random to have this graded")
    a = impl.dropout(p, seed)
    ya = a.forward(x)
    b = impl.dropout(p, seed)
    yb = b.forward(x)
    assert np.array_equal(ya, yb, equal_nan=True), f"with x = {words(x)} and p = {words(p)}, one seed gave {words(ya)} and {words(yb)}"
    if getattr(a, "mask", None) is not None:
        np.testing.assert_array_equal(a.mask, b.mask)


def test_dropout_seed_or_generator_draw_the_same_mask():
    x = np.ones((5, 7))
    a, b = regviz.Dropout(0.3, rng=11), regviz.Dropout(0.3, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(a.forward(x), b.forward(x))
    np.testing.assert_array_equal(a.mask, b.mask)


def test_dropout_successive_forwards_draw_new_masks():
    layer = regviz.Dropout(0.5, rng=0)
    x = np.ones(64)
    first = layer.forward(x).copy()
    assert not np.array_equal(first, layer.forward(x))


def test_dropout_p1_returns_zeros_without_nan_or_warning():
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    layer = regviz.Dropout(1.0, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = layer.forward(x)
        dx = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(y, 0)
    np.testing.assert_array_equal(dx, 0)
    assert not layer.mask.any()


@given(x=activations(dtype=np.float32), p=probabilities(0.9), seed=seeds)
def test_dropout_keeps_float32(x, p, seed):
    layer = regviz.Dropout(p, rng=seed)
    assert layer.forward(x).dtype == np.float32
    assert layer.backward(x).dtype == np.float32


@given(x=activations(), p=probabilities(0.9), seed=seeds)
def test_dropout_leaves_its_input_alone(x, p, seed):
    before = x.copy()
    regviz.Dropout(p, rng=seed).forward(x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.claim("Q5", "Dropout's backward equals the numerical gradient")
@pytest.mark.parametrize("impl", DROPOUTS)
@given(x=activations(max_side=4), p=probabilities(0.9), seed=seeds)
def test_dropout_backward_matches_numerical_gradient(impl, x, p, seed):
    if not impl.seedable:
        pytest.skip("your Dropout draws from a Generator the checker cannot seed, so its forward cannot be "
                    "replayed with the same mask: accept an `rng` argument or draw from np.random")
    dy = np.random.default_rng(seed).standard_normal(x.shape)
    layer = impl.dropout(p, seed)
    layer.forward(x)
    dx = layer.backward(dy)
    # a fresh layer with the same seed draws the same mask, so f is the map forward applied
    f = lambda z: impl.dropout(p, seed).forward(z)  # noqa: E731
    # the map is linear, so central differences are exact up to rounding (1e-10 relative in float64)
    try:
        regviz.gradcheck(f, x, dx, dy=dy, rtol=1e-6, atol=1e-8)
    except regviz.GradcheckError as error:
        raise AssertionError(f"with x = {words(x)}, p = {words(p)} and dy = {words(dy)}, backward's dx = "
                             f"{words(dx)} is not the numerical gradient ({error})") from None



@pytest.mark.parametrize("training", [True, False])
def test_dropout_keeps_a_0d_input_0d(training):
    """A scalar activation stays a scalar: forward and backward keep shape () in training and in eval."""
    layer = regviz.Dropout(0.5, rng=0).train(training)
    y = layer.forward(np.float32(3.0))
    assert y.shape == () and y.dtype == np.float32 and float(y) in ((0.0, 6.0) if training else (3.0,))
    dx = layer.backward(np.float32(1.0))
    assert dx.shape == () and float(dx) == float(y) / 3.0


def test_float16_dropout_near_p1_gives_zeros_not_nan():
    """1/(1-p) overflows float16 for p this close to 1 (PyTorch: zeros); a dropped unit must stay 0, not 0 * inf."""
    x = np.ones(20_000, dtype=np.float16)
    layer = regviz.Dropout(1 - 1e-6, rng=0)
    y, dx = layer.forward(x), layer.backward(x)
    assert y.dtype == dx.dtype == np.float16
    assert not np.isnan(y).any() and not np.isnan(dx).any()
    np.testing.assert_array_equal(y[~layer.mask], 0)  # every dropped unit (all but about 0.02 of them)
