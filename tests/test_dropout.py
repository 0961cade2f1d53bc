"""Q2 + Q5: inverted dropout keeps the expectation, and backward reuses the forward's mask."""
import warnings

import numpy as np
import pytest
from hypothesis import given

import regviz
from regviz._kernels import keep_mask

from .strategies import activations, probabilities, seeds


@pytest.mark.claim("Q2", "Inverted dropout keeps the expectation: the mean of forward(x) over many seeds tends to x")
@given(x=activations(max_dims=2, max_side=4), p=probabilities(0.9), seed=seeds)
def test_dropout_preserves_expectation(x, p, seed):
    k = 400
    runs = np.stack([regviz.Dropout(p, rng=seed + i).forward(x) for i in range(k)])
    # Each output is x/(1-p) with probability 1-p, else 0: mean x, variance x^2 * p / (1-p).
    # The mean of k independent runs is within 6 standard errors with probability 1 - 2e-9 per element.
    std_err = np.abs(x) * np.sqrt(p / (1 - p) / k)
    assert np.all(np.abs(runs.mean(axis=0) - x) <= 6 * std_err + 1e-12)


def test_dropout_drop_rate_matches_p():
    # p = 0.5 takes 8 random bits per element, 1/1024 takes 16, 0.3 takes 32 (rounded to 2^-32)
    n = 1_000_000
    for p in (0.5, 1 / 1024, 0.3, 0.9):
        mask = keep_mask((n,), p, np.random.default_rng(0))
        # binomial count of drops: standard deviation sqrt(n p (1-p)); 6 sigma
        assert abs((n - mask.sum()) - n * p) <= 6 * np.sqrt(n * p * (1 - p))


@pytest.mark.claim("Q5", "Dropout backward uses the forward's mask and the same 1/(1-p) scale")
@given(x=activations(), p=probabilities(0.95), seed=seeds)
def test_dropout_backward_uses_forward_mask(x, p, seed):
    layer = regviz.Dropout(p, rng=seed)
    y = layer.forward(x)
    dy = np.random.default_rng(seed).standard_normal(x.shape)
    dx = layer.backward(dy)
    scale = 1 / (1 - p)
    assert layer.mask.shape == x.shape and layer.mask.dtype == bool
    np.testing.assert_array_equal(dx == 0, ~layer.mask | (dy == 0))  # gradient only through kept units
    np.testing.assert_array_equal(y == 0, ~layer.mask | (x == 0))  # the same units as forward
    np.testing.assert_allclose(dx[layer.mask], dy[layer.mask] * scale, rtol=1e-12)
    np.testing.assert_allclose(y[layer.mask], x[layer.mask] * scale, rtol=1e-12)


@pytest.mark.claim("Q2", "At inference (eval) and with p = 0, dropout is the identity in forward and backward")
@given(x=activations(), p=probabilities(), seed=seeds)
def test_dropout_eval_and_p0_are_identity(x, p, seed):
    layer = regviz.Dropout(p, rng=seed).eval()
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(x), x)
    layer = regviz.Dropout(0.0, rng=seed)
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(x), x)


@pytest.mark.claim("Q2", "The same seed draws the same mask")
@given(x=activations(), p=probabilities(), seed=seeds)
def test_dropout_same_seed_same_mask(x, p, seed):
    a, b = regviz.Dropout(p, rng=seed), regviz.Dropout(p, rng=np.random.default_rng(seed))
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
@given(x=activations(max_side=4), p=probabilities(0.9), seed=seeds)
def test_dropout_backward_matches_numerical_gradient(x, p, seed):
    dy = np.random.default_rng(seed).standard_normal(x.shape)
    layer = regviz.Dropout(p, rng=seed)
    layer.forward(x)
    # a fresh layer with the same seed draws the same mask, so f is the map forward applied
    f = lambda z: regviz.Dropout(p, rng=seed).forward(z)  # noqa: E731
    # the map is linear, so central differences are exact up to rounding (1e-10 relative in float64)
    assert regviz.gradcheck(f, x, layer.backward(dy), dy=dy, rtol=1e-6, atol=1e-8)
