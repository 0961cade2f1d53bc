"""Q3 + Q4: BatchNorm in train vs eval mode, LayerNorm, and what each normalises over."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import regviz

from .strategies import batches, samples, seeds


def trained_bn(c, seed, steps=3, n=8):
    """A BatchNorm whose running statistics have moved away from (0, 1), and non-trivial gamma/beta."""
    rng = np.random.default_rng(seed)
    bn = regviz.BatchNorm(c)
    for _ in range(steps):
        bn.forward(rng.normal(3.0, 2.0, size=(n, c)))
    bn.gamma = rng.uniform(0.5, 2.0, c)
    bn.beta = rng.normal(size=c)
    return bn


@pytest.mark.claim("Q3", "BatchNorm in eval mode is deterministic and each sample's output depends only on that sample")
@given(x=batches(min_n=1), seed=seeds)
def test_bn_eval_is_deterministic_and_per_sample(x, seed):
    bn = trained_bn(x.shape[1], seed).eval()
    running = bn.running_mean.copy(), bn.running_var.copy()
    y = bn.forward(x)
    np.testing.assert_array_equal(bn.forward(x), y)
    one_by_one = np.concatenate([bn.forward(x[i : i + 1]) for i in range(len(x))])
    np.testing.assert_allclose(one_by_one, y, rtol=1e-12, atol=1e-12)
    # eval never touches the running statistics
    np.testing.assert_array_equal(bn.running_mean, running[0])
    np.testing.assert_array_equal(bn.running_var, running[1])


@pytest.mark.claim("Q3", "In training, each feature of BatchNorm's output has batch mean 0 and variance 1")
@given(x=batches())
def test_bn_train_normalises_each_feature(x):
    bn = regviz.BatchNorm(x.shape[1])
    y = bn.forward(x)
    axes = (0, 2) if x.ndim == 3 else (0,)
    var = x.var(axis=axes)
    # mean 0 up to float64 rounding of values of size |x| <= 110 (1e-12 relative)
    np.testing.assert_allclose(y.mean(axis=axes), 0, atol=1e-9)
    # variance var / (var + eps) exactly, which is 1 - eps/var: within 1e-3 of 1 since var >= 1e-2
    np.testing.assert_allclose(y.var(axis=axes), var / (var + bn.eps), rtol=1e-9)
    np.testing.assert_allclose(y.var(axis=axes), 1, atol=1e-3)


@pytest.mark.claim("Q3", "Running statistics: running = (1 - momentum) running + momentum batch (0.9/0.1 by default), with the unbiased batch variance")
@given(x=batches(), momentum=st.sampled_from([0.1, 0.5, 1.0]))
def test_bn_running_update_uses_momentum_and_unbiased_variance(x, momentum):
    bn = regviz.BatchNorm(x.shape[1], momentum=momentum)
    bn.forward(x)
    axes = (0, 2) if x.ndim == 3 else (0,)
    m = x.size // x.shape[1]
    np.testing.assert_allclose(bn.running_mean, momentum * x.mean(axis=axes), rtol=1e-12, atol=1e-12)
    unbiased = x.var(axis=axes, ddof=1)
    np.testing.assert_allclose(bn.running_var, (1 - momentum) * 1.0 + momentum * unbiased, rtol=1e-12)
    assert m >= 2


@pytest.mark.claim("Q3", "Running statistics converge to the data's mean and variance")
def test_bn_running_stats_converge_to_data_statistics():
    rng = np.random.default_rng(0)
    mu, sigma = np.array([5.0, -2.0, 0.0]), np.array([3.0, 0.5, 1.0])
    bn = regviz.BatchNorm(3)
    for _ in range(300):
        bn.forward(rng.normal(mu, sigma, size=(32, 3)))
    # An exponential average with momentum 0.1 averages about (2 - 0.1)/0.1 = 19 batches of 32: the
    # sampling error of the mean is sigma/sqrt(608) ~ 0.04 sigma, of the variance sqrt(2/608) ~ 0.06 var;
    # 5 of those standard errors leaves no room for a wrong convention (0.9 instead of 0.1 stays at 0.1 of the way).
    np.testing.assert_allclose(bn.running_mean, mu, atol=5 * 0.041 * sigma.max())
    np.testing.assert_allclose(bn.running_var, sigma**2, rtol=5 * 0.058)


@pytest.mark.claim("Q4", "BatchNorm in training mode makes a sample's output depend on the other samples")
@given(data=st.data())
def test_bn_train_depends_on_other_samples(data):
    x = data.draw(batches(min_n=3, with_length=False), label="batch")
    other = data.draw(batches(min_n=len(x), max_n=len(x), max_c=x.shape[1], with_length=False)
                      .filter(lambda b: b.shape == x.shape), label="other samples")
    other[0] = x[0]  # the same sample 0, different company
    standardize = lambda b: (b[0] - b.mean(0)) / np.sqrt(b.var(0) + 1e-5)  # noqa: E731
    # other samples can leave the statistics' effect on sample 0 unchanged by coincidence (e.g. x0 = x2
    # among 3 samples pins x0's z-score at -1/sqrt(2)); those batches say nothing, so skip them
    assume(not np.allclose(standardize(x), standardize(other), atol=1e-6))
    a = regviz.BatchNorm(x.shape[1]).forward(x)[0]
    b = regviz.BatchNorm(x.shape[1]).forward(other)[0]
    assert not np.allclose(a, b, atol=1e-6)


@pytest.mark.claim("Q4", "LayerNorm works with batch size 1 and equals per-sample normalisation")
@given(x=samples())
def test_ln_is_per_sample_normalisation(x):
    ln = regviz.LayerNorm(x.shape[1])
    y = ln.forward(x)
    expected = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + ln.eps)
    np.testing.assert_allclose(y, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ln.forward(x[:1]), expected[:1], rtol=1e-10, atol=1e-10)  # batch size 1


@pytest.mark.claim("Q4", "A LayerNorm output never depends on the other samples, in train or eval mode")
@given(x=samples(max_batch=5), seed=seeds)
def test_ln_sample_independent_of_others(x, seed):
    ln = regviz.LayerNorm(x.shape[1])
    ln.gamma = np.random.default_rng(seed).uniform(0.5, 2, x.shape[1])
    alone = ln.forward(x[:1])
    rng = np.random.default_rng(seed)
    # Some of the others sit at a large mean: their rows need the kernel's rounding correction and x[:1]'s may not
    others = rng.normal(0, 9, (3, x.shape[1])) + rng.choice([0.0, 1e3], size=(3, 1))
    with_others = ln.forward(np.concatenate([x[:1], others]))
    np.testing.assert_array_equal(with_others[:1], alone)
    np.testing.assert_array_equal(ln.eval().forward(x[:1]), alone)


def test_ln_normalized_shape_tuple_over_trailing_dims():
    x = np.random.default_rng(1).normal(size=(2, 3, 4, 5))
    y = regviz.LayerNorm((4, 5)).forward(x)
    flat = x.reshape(2, 3, 20)
    expected = (flat - flat.mean(-1, keepdims=True)) / np.sqrt(flat.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, expected.reshape(x.shape), rtol=1e-10, atol=1e-12)


def _check_layer_gradients(layer, x, seed):
    """backward(dy) = numerical VJP for dx, dgamma and dbeta, in float64 (see regviz.gradcheck)."""
    rng = np.random.default_rng(seed)
    layer.gamma = rng.uniform(0.5, 2.0, layer.gamma.shape)
    layer.beta = rng.normal(size=layer.beta.shape)
    dy = rng.standard_normal(x.shape)
    layer.forward(x)
    dx = layer.backward(dy)
    state = (getattr(layer, "running_mean", None), getattr(layer, "running_var", None))

    def run(x=x, gamma=layer.gamma, beta=layer.beta):
        layer.gamma, layer.beta = gamma, beta
        if state[0] is not None:  # keep eval-mode statistics fixed while we probe
            layer.running_mean, layer.running_var = state[0].copy(), state[1].copy()
        return layer.forward(x)

    gamma, beta = layer.gamma.copy(), layer.beta.copy()
    dgamma, dbeta = layer.dgamma, layer.dbeta
    # Smooth maps with |x| <= 110 and variance >= 1e-2: central differences with h = 1e-6 are accurate to
    # about 1e-7 absolute here (truncation h^2 * f''' plus rounding 1e-16 * |f| / h), hence rtol/atol 1e-5.
    assert regviz.gradcheck(lambda z: run(x=z), x, dx, dy=dy, rtol=1e-5, atol=1e-5)
    assert regviz.gradcheck(lambda g: run(gamma=g), gamma, dgamma, dy=dy, rtol=1e-5, atol=1e-5)
    assert regviz.gradcheck(lambda b: run(beta=b), beta, dbeta, dy=dy, rtol=1e-5, atol=1e-5)


@pytest.mark.claim("Q3", "BatchNorm's backward (train: through the batch statistics; eval) equals the numerical gradient")
@given(x=batches(max_n=5, max_c=3), seed=seeds, training=st.booleans())
def test_bn_backward_matches_numerical_gradient(x, seed, training):
    bn = trained_bn(x.shape[1], seed).train(training)
    _check_layer_gradients(bn, x, seed)


@pytest.mark.claim("Q4", "LayerNorm's backward equals the numerical gradient")
@given(x=samples(max_batch=3, max_features=5), seed=seeds)
def test_ln_backward_matches_numerical_gradient(x, seed):
    _check_layer_gradients(regviz.LayerNorm(x.shape[1]), x, seed)


def test_bn_training_backward_is_not_the_naive_gradient():
    x = np.random.default_rng(0).normal(size=(6, 3))
    bn = regviz.BatchNorm(3)
    bn.forward(x)
    dy = np.random.default_rng(1).normal(size=(6, 3))
    naive = dy * bn.gamma / np.sqrt(x.var(axis=0) + bn.eps)
    full = bn.backward(dy)
    assert not np.allclose(full, naive, atol=1e-3)
    np.testing.assert_allclose(full.sum(axis=0), 0, atol=1e-12)  # the mean's share of the gradient is removed


@pytest.mark.parametrize("make", [regviz.BatchNorm, regviz.LayerNorm])
def test_norm_forward_and_backward_keep_float32_and_survive_a_large_mean(make):
    rng = np.random.default_rng(0)
    x = (1e3 + 1e-2 * rng.standard_normal((64, 4))).astype(np.float32)
    dy = rng.standard_normal((64, 4)).astype(np.float32)
    layer = make(4)
    y = layer.forward(x)
    dx = layer.backward(dy)
    x64, dy64 = x.astype(np.float64), dy.astype(np.float64)
    axis = 0 if make is regviz.BatchNorm else 1
    inv_std = 1 / np.sqrt(x64.var(axis, keepdims=True) + 1e-5)
    xhat = (x64 - x64.mean(axis, keepdims=True)) * inv_std
    ref_dx = inv_std * (dy64 - dy64.mean(axis, keepdims=True) - xhat * (dy64 * xhat).mean(axis, keepdims=True))
    assert y.dtype == dx.dtype == np.float32
    # the float32 input is exact; a naive float32 E[x^2]-E[x]^2 loses every digit here (var 1e-4 vs mean^2 1e6).
    # We keep float32's own precision: 1e-5 absolute on outputs of size ~3; dx is of size inv_std ~ 1e2
    # times that, so 1e-5 relative to its largest value.
    np.testing.assert_allclose(y, xhat, atol=1e-5)
    np.testing.assert_allclose(dx, ref_dx, atol=1e-5 * np.abs(ref_dx).max())
