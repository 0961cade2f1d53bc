"""The fast kernels (blocked, bit-packed) agree with plain, straightforward versions of the same maths.

Each property patches the kernel's BLOCK down to a few elements, so small Hypothesis data crosses many
block boundaries (BatchNorm's Chan merge, the packed mask's byte offsets); the plain tests at the end
run the real block size on arrays that span several blocks.
"""
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import regviz
from regviz import dropout, norm

from .strategies import activations, batches, float_dtypes, probabilities, samples, seeds

dropout_blocks = st.sampled_from([8, 16, 64, dropout.BLOCK])  # multiples of 8: whole bytes of the mask
norm_blocks = st.sampled_from([1, 5, 64, norm.BLOCK])
short_runs = st.sampled_from([1, 3, norm.SHORT])  # rows added in the dtype before a partial sum goes to float64
shifts = st.sampled_from([0.0, 1e3])  # 1e3: a large mean over a small spread, the cancellation trap


def tolerance(dtype, m=32, spread=1e4):
    # The kernels compute in the data's dtype: 4 ulps for each value's few roundings, plus up to
    # norm.SHORT ulps for a block's column sums (at most SHORT rows are added in the dtype before the
    # blocks are combined in float64), plus the float64 summation-order bound for m values per statistic
    # with |x|/std <= spread: m * 2.2e-16 * spread (7e-11 for the Hypothesis data: m <= 32,
    # |x| <= 1.1e3, std >= 0.1). Relative to the size of the terms (see plain_norm).
    return (4 + norm.SHORT) * np.finfo(dtype).eps + m * np.finfo(np.float64).eps * spread


def plain_norm(x, axes, gamma, beta, dy, eps=1e-5):
    """y, dx, dgamma, dbeta and the size of their terms: two-pass float64, the textbook formulas.

    The statistics are only known to a relative rounding error, which moves x-hat by that much of 1
    (a standard deviation): hence |xhat| + 1 wherever x-hat enters a size."""
    x, dy = x.astype(np.float64), dy.astype(np.float64)
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    dxhat = dy * gamma
    dx = inv_std * (dxhat - dxhat.mean(axis=axes, keepdims=True) - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True))
    big_xhat = np.abs(xhat) + 1
    size_dx = np.abs(gamma) * inv_std * (np.abs(dy) + np.abs(dy).mean(axis=axes, keepdims=True)
                                         + big_xhat * np.abs(dy * big_xhat).mean(axis=axes, keepdims=True))
    param_axes = tuple(i for i in range(x.ndim) if gamma.shape[i] == 1)
    dgamma, dbeta = (dy * xhat).sum(axis=param_axes), dy.sum(axis=param_axes)
    size_dgamma, size_dbeta = np.abs(dy * big_xhat).sum(axis=param_axes), np.abs(dy).sum(axis=param_axes)
    y = gamma * xhat + beta
    size_y = np.abs(gamma * big_xhat) + np.abs(beta)
    return (y, size_y), (dx, size_dx), (dgamma, size_dgamma), (dbeta, size_dbeta)


def assert_close(got, expected_and_size, dtype, tol):
    expected, size = expected_and_size
    assert got.dtype == dtype
    assert np.all(np.abs(got - expected.reshape(got.shape)) <= tol * (size.reshape(got.shape) + 1e-30))


def check_norm(layer, x, axes, param_shape, seed, **spread):
    rng = np.random.default_rng(seed)
    layer.gamma = rng.uniform(0.5, 2.0, layer.gamma.shape)
    layer.beta = rng.normal(size=layer.beta.shape)
    dy = rng.standard_normal(x.shape).astype(x.dtype)
    before = x.copy()
    y = layer.forward(x)
    dx = layer.backward(dy)
    np.testing.assert_array_equal(x, before)  # the caller's input is never modified
    gamma, beta = layer.gamma.reshape(param_shape), layer.beta.reshape(param_shape)
    ref_y, ref_dx, ref_dgamma, ref_dbeta = plain_norm(x, axes, gamma, beta, dy, layer.eps)
    tol = tolerance(x.dtype, **spread)
    assert_close(y, ref_y, x.dtype, tol)
    assert_close(dx, ref_dx, x.dtype, tol)
    assert_close(layer.dgamma, ref_dgamma, x.dtype, tol)
    assert_close(layer.dbeta, ref_dbeta, x.dtype, tol)


@given(data=st.data(), dtype=float_dtypes, shift=shifts, block=norm_blocks, short=short_runs, seed=seeds)
def test_fast_batchnorm_equals_plain_two_pass_float64(data, dtype, shift, block, short, seed):
    x = (data.draw(batches(dtype=dtype)) + shift).astype(dtype)
    three_d = x.ndim == 3
    with mock.patch.multiple(norm, BLOCK=block, SHORT=short):
        check_norm(regviz.BatchNorm(x.shape[1]), x, (0, 2) if three_d else (0,), (1, -1, 1) if three_d else (1, -1), seed)


@given(data=st.data(), dtype=float_dtypes, shift=shifts, block=norm_blocks, short=short_runs, seed=seeds)
def test_fast_layernorm_equals_plain_two_pass_float64(data, dtype, shift, block, short, seed):
    x = (data.draw(samples(dtype=dtype)) + shift).astype(dtype)
    with mock.patch.multiple(norm, BLOCK=block, SHORT=short):
        check_norm(regviz.LayerNorm(x.shape[1]), x, (1,), (1, -1), seed)


@given(data=st.data(), x=activations(), dtype=float_dtypes, p=probabilities(0.95), block=dropout_blocks, seed=seeds)
def test_fast_dropout_equals_x_times_mask_over_keep_probability(data, x, dtype, p, block, seed):
    x = x.astype(dtype)
    dy = np.random.default_rng(seed).standard_normal(x.shape).astype(dtype)
    before = x.copy()
    layer = regviz.Dropout(p, rng=seed)
    with mock.patch.object(dropout, "BLOCK", block):
        y, dx = layer.forward(x), layer.backward(dy)
    mask = layer.mask
    np.testing.assert_array_equal(x, before)  # the caller's input is never modified
    assert y.dtype == dx.dtype == dtype and mask.shape == x.shape
    # the plain formula from the same mask; multiplying by 1/(1-p) rounds at most once more than dividing
    expected_y, expected_dx = x * mask / (1 - p), dy * mask / (1 - p)
    np.testing.assert_allclose(y, expected_y.astype(dtype), rtol=2 * np.finfo(dtype).eps, atol=0)
    np.testing.assert_allclose(dx, expected_dx.astype(dtype), rtol=2 * np.finfo(dtype).eps, atol=0)


@given(size=st.integers(1, 300), p=st.sampled_from([0.5, 0.25, 0.1, 1 / 1024, 0.3, 1.0]), seed=seeds)
def test_packed_mask_is_the_plain_threshold_of_the_raw_bits(size, p, seed):
    # the plain draw: the same Generator's raw 64-bit words, as little-endian bytes, cut into `bits`-bit
    # integers r; keep where r >= p * 2**bits (one bit per element for p = 1/2)
    bits, threshold = dropout._bits_for(p)
    mask = dropout.keep_mask((size,), p, np.random.default_rng(seed))
    raw = np.random.default_rng(seed).bit_generator.random_raw(size * 4 // 8 + 1).astype("<u8").view(np.uint8)
    if bits == 1:
        r = np.unpackbits(raw, bitorder="little")[:size]
    else:
        r = raw[: size * bits // 8].view(f"<u{bits // 8}")
    np.testing.assert_array_equal(mask, r.astype(np.uint64) >= threshold)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_kernels_across_real_blocks(dtype):
    # several real blocks (and a ragged last one); a large mean over a small spread in float32
    rng = np.random.default_rng(0)
    x = (1e3 + 1e-2 * rng.standard_normal((1500, 70))).astype(dtype)
    check_norm(regviz.BatchNorm(70), x, (0,), (1, -1), 1, m=1500, spread=1e5)  # |x|/std = 1e3/1e-2
    check_norm(regviz.LayerNorm(70), x, (1,), (1, -1), 2, m=70, spread=1e5)
    layer = regviz.Dropout(0.5, rng=3)
    y = layer.forward(x)
    np.testing.assert_allclose(y, (x * layer.mask / 0.5).astype(dtype), rtol=2 * np.finfo(dtype).eps, atol=0)


def run_layer(layer, x, dy, mode_eval=False):
    if mode_eval:
        layer.eval()
    y = layer.forward(x)
    return y, layer.backward(dy), layer.dgamma, layer.dbeta


@given(data=st.data(), dtype=float_dtypes, threads=st.integers(2, 4), block=st.sampled_from([1, 5, 64]),
       mode_eval=st.booleans(), seed=seeds)
def test_threads_change_no_bit_of_the_result(data, dtype, threads, block, mode_eval, seed):
    # Blocks run on several threads; each writes its own rows and partial sums, combined in block
    # order afterwards, so the answer is the same bit for bit as on one thread.
    layer_kind = data.draw(st.sampled_from(["batch", "layer"]))
    x = data.draw(batches(dtype=dtype) if layer_kind == "batch" else samples(dtype=dtype))
    dy = np.random.default_rng(seed).standard_normal(x.shape).astype(dtype)
    results = []
    for n_threads in (1, threads):
        layer = regviz.BatchNorm(x.shape[1]) if layer_kind == "batch" else regviz.LayerNorm(x.shape[1])
        with mock.patch.multiple(norm, BLOCK=block, THREADS=n_threads, PARALLEL_MIN=0):
            results.append(run_layer(layer, x, dy, mode_eval and layer_kind == "batch"))
    for one, many in zip(*results):
        np.testing.assert_array_equal(one, many)


@pytest.mark.parametrize("make", [lambda: regviz.BatchNorm(6), lambda: regviz.LayerNorm(6)], ids=["batch", "layer"])
def test_reused_xhat_buffer_leaves_earlier_outputs_alone(make):
    # A second forward of the same shape writes x-hat into the first one's buffer: the first call's
    # returned y must be untouched, and backward must use the second call's x-hat.
    rng = np.random.default_rng(0)
    x1, x2, dy = (rng.standard_normal((9, 6)).astype(np.float32) for _ in range(3))
    layer = make()
    y1 = layer.forward(x1)
    kept = y1.copy()
    layer.forward(x2)
    dx = layer.backward(dy)
    np.testing.assert_array_equal(y1, kept)
    fresh = make()
    fresh.forward(x2)
    np.testing.assert_array_equal(dx, fresh.backward(dy))


def test_threads_on_real_blocks_match_one_thread():
    # the real block size and parallel threshold, several blocks per thread, a ragged last block
    rng = np.random.default_rng(1)
    x = (3 + rng.standard_normal((700, 600))).astype(np.float32)
    dy = rng.standard_normal(x.shape).astype(np.float32)
    assert x.size >= norm.PARALLEL_MIN
    for make in (lambda: regviz.BatchNorm(600), lambda: regviz.LayerNorm(600)):
        with mock.patch.object(norm, "THREADS", 1):
            one = run_layer(make(), x, dy)
        with mock.patch.object(norm, "THREADS", 2):
            two = run_layer(make(), x, dy)
        for a, b in zip(one, two):
            np.testing.assert_array_equal(a, b)
