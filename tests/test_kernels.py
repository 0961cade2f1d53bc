"""The fast kernels behind the layers (regviz._kernels) compute the reference functions' maps.

Each layer (Dropout, BatchNorm, LayerNorm) is run next to its reference (dropout_forward/backward,
batchnorm_, layernorm_forward/backward) on random shapes, dtypes and seeds. The properties patch the
kernels' block sizes down to a few elements, so small Hypothesis data crosses many block boundaries
(BatchNorm's Chan merge, the packed mask's byte offsets); the plain tests at the end run the real
block sizes on arrays that span several blocks.
"""
import os
import signal
import time
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import regviz
from regviz import _kernels

from .strategies import activations, batches, float_dtypes, probabilities, samples, seeds

dropout_blocks = st.sampled_from([8, 16, 64, _kernels.DROPOUT_BLOCK])  # multiples of 8: whole mask bytes
norm_blocks = st.sampled_from([1, 5, 64, _kernels.NORM_BLOCK])
short_runs = st.sampled_from([1, 3, _kernels.SHORT])  # rows added in the dtype before a float64 partial
shifts = st.sampled_from([0.0, 1e3])  # 1e3: a large mean over a small spread, the cancellation trap


# --- Dropout ----------------------------------------------------------------------------------------

class Rigged(np.random.Generator):
    """A Generator whose random() returns 1 where `mask` keeps and 0 where it drops, so that
    dropout_forward (mask = rng.random(x.shape) > p) draws exactly `mask` for any p < 1."""

    def __init__(self, mask):
        super().__init__(np.random.PCG64(0))
        self.uniforms = mask.astype(np.float64)

    def random(self, size=None, dtype=np.float64, out=None):
        return self.uniforms.reshape(size)


@given(x=activations(), dtype=float_dtypes, p=st.one_of(st.just(0.5), probabilities(0.95)),
       block=dropout_blocks, seed=seeds)
def test_dropout_layer_equals_dropout_forward_and_backward_with_its_mask(x, dtype, p, block, seed):
    x = x.astype(dtype)
    dy = np.random.default_rng(seed).standard_normal(x.shape).astype(dtype)
    before = x.copy()
    layer = regviz.Dropout(p, rng=seed)
    with mock.patch.object(_kernels, "DROPOUT_BLOCK", block):
        y, dx = layer.forward(x), layer.backward(dy)
    np.testing.assert_array_equal(x, before)  # the caller's input is never modified
    expected_y, mask = regviz.dropout_forward(x, p, Rigged(layer.mask))
    expected_dx = regviz.dropout_backward(dy, mask, p)
    assert y.dtype == dx.dtype == expected_y.dtype == expected_dx.dtype == dtype
    if p == 0.5:  # x * mask * 2 and x * mask / 0.5 are both exact
        np.testing.assert_array_equal(y, expected_y)
        np.testing.assert_array_equal(dx, expected_dx)
    else:
        # the layer multiplies by 1/(1-p) rounded to the dtype (two roundings, <= 1 eps relative);
        # the reference divides by 1-p rounded to the dtype (two roundings, <= 1 eps): <= 2 eps apart
        rtol = 2 * np.finfo(dtype).eps
        np.testing.assert_allclose(y, expected_y, rtol=rtol, atol=0)
        np.testing.assert_allclose(dx, expected_dx, rtol=rtol, atol=0)


@given(size=st.integers(1, 300), p=st.sampled_from([0.5, 0.25, 0.1, 1 / 1024, 0.3, 1.0]), seed=seeds)
def test_packed_mask_is_the_plain_threshold_of_the_raw_bits(size, p, seed):
    # the plain draw: the same Generator's raw 64-bit words, as little-endian bytes, cut into `bits`-bit
    # integers r; keep where r >= p * 2**bits (one bit per element for p = 1/2)
    bits, threshold = _kernels._bits_for(p)
    mask = _kernels.keep_mask((size,), p, np.random.default_rng(seed))
    raw = np.random.default_rng(seed).bit_generator.random_raw(size * 4 // 8 + 1).astype("<u8").view(np.uint8)
    if bits == 1:
        r = np.unpackbits(raw, bitorder="little")[:size]
    else:
        r = raw[: size * bits // 8].view(f"<u{bits // 8}")
    np.testing.assert_array_equal(mask, r.astype(np.uint64) >= threshold)


# --- BatchNorm and LayerNorm -------------------------------------------------------------------------

def tolerance(dtype, m=32, spread=1e4):
    # The kernels compute in the data's dtype: 4 ulps for each value's few roundings, plus up to
    # SHORT ulps for a block's column sums (at most SHORT rows are added in the dtype before the
    # blocks are combined in float64), plus the float64 summation-order bound for m values per statistic
    # with |x|/std <= spread: m * 2.2e-16 * spread (7e-11 for the Hypothesis data: m <= 32,
    # |x| <= 1.1e3, std >= 0.1). Relative to the size of the terms (see sizes).
    return (4 + _kernels.SHORT) * np.finfo(dtype).eps + m * np.finfo(np.float64).eps * spread


def sizes(dy, xhat, gamma, beta, std, axis, training=True):
    """The size of the terms each output sums: an error relative to them is a rounding error.

    The statistics are only known to a relative rounding error, which moves x-hat by that much of 1
    (a standard deviation): hence |xhat| + 1 wherever x-hat enters a size. axis: the statistics'."""
    big_xhat = np.abs(xhat) + 1
    size_y = np.abs(gamma) * big_xhat + np.abs(beta)
    size_dx = np.abs(gamma) / std * np.abs(dy)
    if training:  # ... plus the terms through the batch statistics
        size_dx = size_dx + np.abs(gamma) / std * (
            np.abs(dy).mean(axis=axis, keepdims=True)
            + big_xhat * np.abs(dy * big_xhat).mean(axis=axis, keepdims=True))
    samples_axes = tuple(range(dy.ndim - 1))  # gamma and beta live on the last axis
    return size_y, size_dx, np.abs(dy * big_xhat).sum(axis=samples_axes), np.abs(dy).sum(axis=samples_axes)


def layer_and_reference(layer, x, seed, tol, training=True):
    """Run `layer` (float32 or float64) on x and dy, and the reference in float64 on the same data, as
    rows (R, C): {name: (layer's, reference's, the error allowed)} for y, dx, dgamma, dbeta and, in
    training, BatchNorm's running statistics."""
    rng = np.random.default_rng(seed)
    layer.gamma = rng.uniform(0.5, 2.0, layer.gamma.shape)
    layer.beta = rng.normal(size=layer.beta.shape)
    is_batch = isinstance(layer, regviz.BatchNorm)
    if is_batch:
        layer.running_mean = rng.normal(size=layer.running_mean.shape)
        layer.running_var = rng.uniform(0.5, 2.0, layer.running_var.shape)
        old = layer.running_mean.copy(), layer.running_var.copy()
        running = old[0].copy(), old[1].copy()  # the reference updates these in place
    dy = rng.standard_normal(x.shape).astype(x.dtype)
    before = x.copy()
    y = layer.train(training).forward(x)
    dx = layer.backward(dy)
    np.testing.assert_array_equal(x, before)  # the caller's input is never modified

    c = x.shape[1] if is_batch else x.shape[-1]
    rows = lambda a: np.moveaxis(a, 1, -1).reshape(-1, c) if is_batch else a  # noqa: E731  (N * L, C)
    x64, dy64 = rows(x).astype(np.float64), rows(dy).astype(np.float64)
    if is_batch:
        ref_y, cache = regviz.batchnorm_forward(x64, layer.gamma, layer.beta, *running, training=training,
                                                momentum=layer.momentum, eps=layer.eps)
        ref_dx, ref_dgamma, ref_dbeta = regviz.batchnorm_backward(dy64, cache)
    else:
        ref_y, cache = regviz.layernorm_forward(x64, layer.gamma, layer.beta, eps=layer.eps)
        ref_dx, ref_dgamma, ref_dbeta = regviz.layernorm_backward(dy64, cache)
    xhat, std = cache[0], cache[2]
    size_y, size_dx, size_dgamma, size_dbeta = sizes(dy64, xhat, layer.gamma, layer.beta, std,
                                                     0 if is_batch else -1, training or not is_batch)
    out = {"y": (rows(y), ref_y, tol * size_y), "dx": (rows(dx), ref_dx, tol * size_dx),
           "dgamma": (layer.dgamma, ref_dgamma, tol * size_dgamma),
           "dbeta": (layer.dbeta, ref_dbeta, tol * size_dbeta)}
    if is_batch and training:
        # momentum times the batch statistic's error (a relative error of a standard deviation for
        # the mean, of the variance for the variance, as for x-hat above), plus a few float64
        # roundings of the blend (1 - momentum) * old + momentum * new, done in float64 by both
        momentum, m = layer.momentum, len(x64)
        blend = [8 * np.finfo(np.float64).eps * (np.abs(o) + np.abs(r)) for o, r in zip(old, running)]
        out["running_mean"] = (layer.running_mean, running[0], tol * momentum * std + blend[0])
        out["running_var"] = (layer.running_var, running[1], tol * momentum * 2 * std**2 * m / (m - 1) + blend[1])
    return out


def check_against_reference(layer, x, seed, training=True, **spread):
    tol = tolerance(x.dtype, **spread)
    for name, (got, expected, allowed) in layer_and_reference(layer, x, seed, tol, training).items():
        assert got.dtype == (np.float64 if name.startswith("running") else x.dtype), name
        excess = np.abs(got - expected.reshape(got.shape)) - allowed.reshape(got.shape)
        assert np.all(excess <= 0), f"{name}: off by {excess.max():.3g} more than allowed"


@given(data=st.data(), dtype=float_dtypes, shift=shifts, block=norm_blocks, short=short_runs,
       training=st.booleans(), seed=seeds)
def test_batchnorm_layer_equals_batchnorm_forward_and_backward(data, dtype, shift, block, short,
                                                                training, seed):
    # (N, C) and (N, C, L); an (N, C, L) input is the reference's (N * L, C) rows
    x = (data.draw(batches(dtype=dtype)) + shift).astype(dtype)
    with mock.patch.multiple(_kernels, NORM_BLOCK=block, SHORT=short):
        check_against_reference(regviz.BatchNorm(x.shape[1]), x, seed, training)


@given(data=st.data(), dtype=float_dtypes, shift=shifts, block=norm_blocks, short=short_runs, seed=seeds)
def test_layernorm_layer_equals_layernorm_forward_and_backward(data, dtype, shift, block, short, seed):
    x = (data.draw(samples(dtype=dtype)) + shift).astype(dtype)
    with mock.patch.multiple(_kernels, NORM_BLOCK=block, SHORT=short):
        check_against_reference(regviz.LayerNorm(x.shape[1]), x, seed)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kernels_across_real_blocks_equal_the_references(dtype):
    # several real blocks (and a ragged last one); a large mean over a small spread in float32
    rng = np.random.default_rng(0)
    x = (1e3 + 1e-2 * rng.standard_normal((1500, 70))).astype(dtype)
    check_against_reference(regviz.BatchNorm(70), x, 1, m=1500, spread=1e5)  # |x|/std = 1e3/1e-2
    check_against_reference(regviz.BatchNorm(70), x, 1, training=False, m=1500, spread=1e5)
    check_against_reference(regviz.LayerNorm(70), x, 2, m=70, spread=1e5)
    check_against_reference(regviz.LayerNorm(70), x.reshape(30, 50, 70), 3, m=70, spread=1e5)
    layer = regviz.Dropout(0.5, rng=3)
    y = layer.forward(x)
    np.testing.assert_array_equal(y, regviz.dropout_forward(x, 0.5, Rigged(layer.mask))[0])


# --- threads and buffers: the kernels' own guarantees -----------------------------------------------

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
        with mock.patch.multiple(_kernels, NORM_BLOCK=block, THREADS=n_threads, PARALLEL_MIN=0):
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
    assert x.size >= _kernels.PARALLEL_MIN
    for make in (lambda: regviz.BatchNorm(600), lambda: regviz.LayerNorm(600)):
        with mock.patch.object(_kernels, "THREADS", 1):
            one = run_layer(make(), x, dy)
        with mock.patch.object(_kernels, "THREADS", 2):
            two = run_layer(make(), x, dy)
        for a, b in zip(one, two):
            np.testing.assert_array_equal(a, b)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
def test_the_norms_work_in_a_forked_child_after_the_parent_used_the_threads():
    """A DataLoader-style worker: forked (multiprocessing's default on Linux) after the parent ran the threaded
    kernels, the child computes the same outputs, and promptly (its copy of the parent's pool has no threads)."""
    x = np.random.default_rng(0).normal(size=(512, 1024)).astype(np.float32)  # above PARALLEL_MIN: threaded
    with mock.patch.multiple(_kernels, THREADS=2, PARALLEL_MIN=1 << 18):
        expected = regviz.BatchNorm(1024).forward(x), regviz.LayerNorm(1024).forward(x)  # the parent's threads
        pid = os.fork()
        if pid == 0:  # the child: exit status 0 if it computes the parent's outputs, whatever happens
            status = 1
            try:
                again = regviz.BatchNorm(1024).forward(x), regviz.LayerNorm(1024).forward(x)
                status = 0 if all(np.array_equal(a, b) for a, b in zip(expected, again)) else 3
            finally:
                os._exit(status)
    deadline = time.monotonic() + 20  # it takes well under a second
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child never returned from BatchNorm/LayerNorm.forward")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(done[1]) == 0
