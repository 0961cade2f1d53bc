"""Q3 + Q4: BatchNorm in train vs eval mode, LayerNorm, and what each normalises over.

The claims grade regviz's layers, the reference functions and (under `regviz check`) a learner's
BatchNorm or LayerNorm alike (implementations.py); their messages say what was seen in plain words.
"""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import regviz

from .implementations import first, implementations, words
from .strategies import batches, samples, seeds

BATCHNORMS = implementations("batchnorm")
LAYERNORMS = implementations("layernorm")


def trained_bn(impl, c, seed, steps=3, n=8):
    """A BatchNorm whose running statistics have moved away from (0, 1), and non-trivial gamma/beta."""
    rng = np.random.default_rng(seed)
    bn = impl.batchnorm(c)
    for _ in range(steps):
        bn.forward(rng.normal(3.0, 2.0, size=(n, c)))
    bn.gamma = rng.uniform(0.5, 2.0, c)
    bn.beta = rng.normal(size=c)
    return bn


@pytest.mark.claim("Q3", "BatchNorm in eval mode is deterministic and each sample's output depends only on that sample")
@pytest.mark.parametrize("impl", BATCHNORMS)
@given(x=batches(min_n=1), seed=seeds)
def test_bn_eval_is_deterministic_and_per_sample(impl, x, seed):
    x = impl.batch(x)
    bn = trained_bn(impl, x.shape[1], seed).eval()
    running = bn.running_mean.copy(), bn.running_var.copy()
    y = bn.forward(x)
    case = f"in eval mode, with running_mean = {words(running[0])}, running_var = {words(running[1])} and x = {words(x)}"
    assert np.array_equal(bn.forward(x), y), f"{case}, two forwards of the same x differ"
    one_by_one = np.concatenate([bn.forward(x[i : i + 1]) for i in range(len(x))])
    off = ~np.isclose(one_by_one, y, rtol=1e-12, atol=1e-12)
    assert not off.any(), (
        f"{case}, sample {int(np.argwhere(off)[0][0])} gives "
        f"{words(one_by_one[off][0])} alone but {words(y[off][0])} in the batch: batch statistics in eval? "
        "Eval normalises with running_mean and running_var"
    )
    # eval never touches the running statistics
    assert np.array_equal(bn.running_mean, running[0]) and np.array_equal(bn.running_var, running[1]), (
        f"{case}, a forward in eval mode changed the running statistics to {words(bn.running_mean)}, "
        f"{words(bn.running_var)}: update them in training only"
    )


@pytest.mark.claim("Q3", "In training, each feature of BatchNorm's output has batch mean 0 and variance 1")
@pytest.mark.parametrize("impl", BATCHNORMS)
@given(x=batches())
def test_bn_train_normalises_each_feature(impl, x):
    x = impl.batch(x)
    bn = impl.batchnorm(x.shape[1])
    y = bn.forward(x)
    axes = (0, 2) if x.ndim == 3 else (0,)
    var = x.var(axis=axes)
    case = f"in training with x = {words(x)}, your output {words(y)}"
    # mean 0 up to float64 rounding of values of size |x| <= 110 (1e-12 relative)
    assert np.allclose(y.mean(axis=axes), 0, atol=1e-9), (
        f"{case} has feature means {words(y.mean(axis=axes))}, not 0: normalise each feature (column) over the batch"
    )
    # variance var / (var + eps) exactly, which is 1 - eps/var: within 1e-3 of 1 since var >= 1e-2
    assert np.allclose(y.var(axis=axes), var / (var + bn.eps), rtol=1e-9, atol=0), (
        f"{case} has feature variances {words(y.var(axis=axes), 9)}; (x - mean) / sqrt(var + eps) with the biased "
        f"batch variance gives {words(var / (var + bn.eps), 9)}"
    )
    np.testing.assert_allclose(y.var(axis=axes), 1, atol=1e-3)


@pytest.mark.claim("Q3", "Running statistics: running = (1 - momentum) running + momentum batch (0.9/0.1 by default), with the unbiased batch variance")
@pytest.mark.parametrize("impl", BATCHNORMS)
@given(x=batches(), momentum=st.sampled_from([0.1, 0.5, 1.0]))
def test_bn_running_update_uses_momentum_and_unbiased_variance(impl, x, momentum):
    x = impl.batch(x)
    bn = impl.batchnorm(x.shape[1], momentum=momentum)
    bn.forward(x)
    axes = (0, 2) if x.ndim == 3 else (0,)
    m = x.size // x.shape[1]
    mean = x.mean(axis=axes)
    case = f"after one training forward with momentum = {momentum} and x = {words(x)} (batch mean {words(mean)})"
    ok = np.allclose(bn.running_mean, momentum * mean, rtol=1e-12, atol=1e-12)
    assert ok, (f"{case}, running_mean is {words(bn.running_mean)}; (1 - momentum) * 0 + momentum * mean is "
                f"{words(momentum * mean)}" + (": momentum weights the NEW batch in PyTorch (0.9 * running + "
                "0.1 * batch), not the old value" if np.allclose(bn.running_mean, (1 - momentum) * mean) else ""))
    # PyTorch stores the unbiased variance (m / (m - 1)); the cs231n convention the biased one
    ddof = 0 if impl.convention == "cs231n" else 1
    expected = (1 - momentum) * 1.0 + momentum * x.var(axis=axes, ddof=ddof)
    biased = (1 - momentum) * 1.0 + momentum * x.var(axis=axes, ddof=1 - ddof)
    hint = ""
    if np.allclose(bn.running_var, biased, rtol=1e-12):
        hint = (": you store the biased batch variance (divide by m); PyTorch's running_var is unbiased (divide by "
                "m - 1). Grade with --convention cs231n if you follow CS231n") if ddof else (
                ": you store the unbiased variance; the cs231n convention stores the biased one")
    assert np.allclose(bn.running_var, expected, rtol=1e-12, atol=0), (
        f"{case}, running_var is {words(bn.running_var)}; expected {words(expected)}{hint}")
    assert m >= 2


@pytest.mark.claim("Q3", "Running statistics converge to the data's mean and variance")
@pytest.mark.parametrize("impl", BATCHNORMS)
def test_bn_running_stats_converge_to_data_statistics(impl):
    rng = np.random.default_rng(0)
    mu, sigma = np.array([5.0, -2.0, 0.0]), np.array([3.0, 0.5, 1.0])
    bn = impl.batchnorm(3)
    for _ in range(300):
        bn.forward(rng.normal(mu, sigma, size=(32, 3)))
    # An exponential average with momentum 0.1 averages about (2 - 0.1)/0.1 = 19 batches of 32: the
    # sampling error of the mean is sigma/sqrt(608) ~ 0.04 sigma, of the variance sqrt(2/608) ~ 0.06 var;
    # 5 of those standard errors leaves no room for a wrong convention (0.9 instead of 0.1 stays at 0.1 of the way).
    case = f"after 300 batches of 32 samples with mean {words(mu)} and variance {words(sigma**2)}"
    assert np.allclose(bn.running_mean, mu, atol=5 * 0.041 * sigma.max(), rtol=0), (
        f"{case}, running_mean is {words(bn.running_mean, 3)}")
    assert np.allclose(bn.running_var, sigma**2, rtol=5 * 0.058, atol=0), f"{case}, running_var is {words(bn.running_var, 3)}"


@pytest.mark.claim("Q4", "BatchNorm in training mode makes a sample's output depend on the other samples")
@pytest.mark.parametrize("impl", BATCHNORMS)
@given(data=st.data())
def test_bn_train_depends_on_other_samples(impl, data):
    x = data.draw(batches(min_n=3, with_length=False), label="batch")
    other = data.draw(batches(min_n=len(x), max_n=len(x), max_c=x.shape[1], with_length=False)
                      .filter(lambda b: b.shape == x.shape), label="other samples")
    other[0] = x[0]  # the same sample 0, different company
    standardize = lambda b: (b[0] - b.mean(0)) / np.sqrt(b.var(0) + 1e-5)  # noqa: E731
    # other samples can leave the statistics' effect on sample 0 unchanged by coincidence (e.g. x0 = x2
    # among 3 samples pins x0's z-score at -1/sqrt(2)); those batches say nothing, so skip them
    assume(not np.allclose(standardize(x), standardize(other), atol=1e-6))
    a = impl.batchnorm(x.shape[1]).forward(x)[0]
    b = impl.batchnorm(x.shape[1]).forward(other)[0]
    assert not np.allclose(a, b, atol=1e-6), (
        f"in training, sample 0 = {words(x[0])} gives {words(a)} in the batch {words(x)} and in the batch "
        f"{words(other)}: training normalises with the batch's own statistics"
    )


@pytest.mark.claim("Q4", "LayerNorm works with batch size 1 and equals per-sample normalisation")
@pytest.mark.parametrize("impl", LAYERNORMS)
@given(x=samples())
def test_ln_is_per_sample_normalisation(impl, x):
    ln = impl.layernorm(x.shape[1])
    y = ln.forward(x)
    expected = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + ln.eps)
    assert y.shape == x.shape and np.allclose(y, expected, rtol=1e-10, atol=1e-10), (
        f"with x = {words(x)}, your output is {words(y)}; normalising each sample (row) over its features "
        f"(the last axis, biased variance) gives {words(expected)}")
    one = ln.forward(x[:1])  # batch size 1
    assert np.allclose(one, expected[:1], rtol=1e-10, atol=1e-10), (
        f"with a batch of one sample x = {words(x[:1])}, your output is {words(one)}, not {words(expected[:1])}")


@pytest.mark.claim("Q4", "A LayerNorm output never depends on the other samples, in train or eval mode")
@pytest.mark.parametrize("impl", LAYERNORMS)
@given(x=samples(max_batch=5), seed=seeds)
def test_ln_sample_independent_of_others(impl, x, seed):
    ln = impl.layernorm(x.shape[1])
    ln.gamma = np.random.default_rng(seed).uniform(0.5, 2, x.shape[1])
    alone = ln.forward(x[:1])
    rng = np.random.default_rng(seed)
    # Some of the others sit at a large mean: their rows need the kernel's rounding correction and x[:1]'s may not
    others = rng.normal(0, 9, (3, x.shape[1])) + rng.choice([0.0, 1e3], size=(3, 1))
    with_others = ln.forward(np.concatenate([x[:1], others]))
    assert np.array_equal(with_others[:1], alone), (
        f"the sample {words(x[:1])} gives {words(alone)} alone but {words(with_others[:1])} next to "
        f"{words(others, 2)}: a sample's statistics must come from its own features only")
    assert np.array_equal(ln.eval().forward(x[:1]), alone), "LayerNorm must give the same output in eval mode"


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
    mode = "" if state[0] is None else " in training" if layer.training else " in eval mode"
    case = f"{mode} with x = {words(x)}, gamma = {words(gamma)}, beta = {words(beta)} and dy = {words(dy)}"
    for name, f, at, analytic in (("dx", lambda z: run(x=z), x, dx), ("dgamma", lambda g: run(gamma=g), gamma, dgamma),
                                  ("dbeta", lambda b: run(beta=b), beta, dbeta)):
        try:
            regviz.gradcheck(f, at, analytic, dy=dy, rtol=1e-5, atol=1e-5)
        except regviz.GradcheckError as error:
            numeric = regviz.numerical_vjp(f, at, dy)
            raise AssertionError(f"{case.strip()}, your {name} is {words(analytic)} but the numerical gradient is "
                                 f"{words(numeric)} ({error})") from None


@pytest.mark.claim("Q3", "BatchNorm's backward (train: through the batch statistics; eval) equals the numerical gradient")
@pytest.mark.parametrize("impl", BATCHNORMS)
@given(x=batches(max_n=5, max_c=3), seed=seeds, training=st.booleans())
def test_bn_backward_matches_numerical_gradient(impl, x, seed, training):
    x = impl.batch(x)
    bn = trained_bn(impl, x.shape[1], seed).train(training)
    _check_layer_gradients(bn, x, seed)


@pytest.mark.claim("Q4", "LayerNorm's backward equals the numerical gradient")
@pytest.mark.parametrize("impl", LAYERNORMS)
@given(x=samples(max_batch=3, max_features=5), seed=seeds)
def test_ln_backward_matches_numerical_gradient(impl, x, seed):
    _check_layer_gradients(impl.layernorm(x.shape[1]), x, seed)


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



@pytest.mark.parametrize("layer, shape", [(lambda: regviz.BatchNorm(64), (600, 64)),
                                          (lambda: regviz.BatchNorm(16), (60, 16, 40)),
                                          (lambda: regviz.LayerNorm(64), (600, 64))])
def test_fortran_ordered_input_reaches_the_kernels_in_c_order(layer, shape, monkeypatch):
    """A Fortran-ordered x (a transpose, a slice) is made contiguous once: the kernels walk blocks of rows,
    which in Fortran order are strided gathers (BN/LN 20-40 times slower). Same outputs as C order."""
    from regviz import _kernels

    seen = []
    for name in ("batch_moments", "batch_normalize", "batch_grads", "layer_normalize", "layer_grads"):
        kernel = getattr(_kernels, name)
        monkeypatch.setattr(_kernels, name, lambda a, *rest, _kernel=kernel: seen.append(a.flags.c_contiguous)
                            or _kernel(a, *rest))
    x = np.random.default_rng(0).normal(size=shape)
    fortran, c_order = layer(), layer()
    y = fortran.forward(np.asfortranarray(x))
    dx = fortran.backward(np.asfortranarray(np.ones_like(x)))
    assert seen and all(seen)
    np.testing.assert_array_equal(y, c_order.forward(x))
    np.testing.assert_array_equal(dx, c_order.backward(np.ones_like(x)))
