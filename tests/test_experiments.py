"""Why it works: the reasons behind the answers, as claims of two kinds.

`proved` claims are properties that hold for every input Hypothesis tries. `demonstrated` claims are
seeded experiments (regviz/experiments.py) run over several seeds, with the number of seeds that held
and an honest threshold; each records its numbers as `evidence` (verify.json keeps them, the study page
draws them). The experiments are deterministic for their seeds, so a threshold is not a coin flip here:
it states how often the effect showed, and a change that weakens it fails the test.
"""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import regviz
from regviz import experiments
from regviz.train import Linear, ReLU, Sequential, mlp, mse_loss, softmax_cross_entropy

from .strategies import batches, seeds


EPS = 1e-12  # BatchNorm's eps for the invariance property: small, so that only rounding is left


def demonstrate(record_property, kind, count, at_least, run, holds, keep=lambda seed, result: result):
    """Run the experiment `run(seed)` for seeds 0..count-1, record the evidence verify.json keeps (how many
    seeds held, the threshold, each seed's numbers as `keep` trims them) and require `at_least` to hold."""
    runs, held = [], []
    for seed in experiments.seeds(count):
        result = run(seed)
        held.append(bool(holds(result)))
        runs.append(keep(seed, result))
    threshold = f"{count} of {count}" if at_least == count else f"at least {at_least} of {count}"
    record_property("evidence", {"kind": kind, "held": f"{sum(held)} of {count} seeds", "threshold": threshold,
                                 "runs": runs})
    assert sum(held) >= at_least, runs


# --- the harness itself is verified like every layer ---
@given(seed=seeds)
def test_linear_relu_and_losses_backward_equal_the_numerical_gradient(seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((5, 4))
    net = Sequential(Linear(4, 6, rng), ReLU(), Linear(6, 3, rng))
    labels = rng.integers(0, 3, 5)
    targets = rng.standard_normal((5, 3))
    # ReLU kinks: a pre-activation this close to 0 is where central differences straddle the kink
    assume(np.min(np.abs(x @ net.layers[0].W + net.layers[0].b)) > 1e-4)
    for loss, target in ((softmax_cross_entropy, labels), (mse_loss, targets)):
        value, dout = loss(net.forward(x), target)
        dx = net.backward(dout)
        first = net.layers[0]
        W = first.W.copy()

        def loss_of_x(z):
            return loss(net.forward(z), target)[0]

        def loss_of_W(w):
            first.W = w
            return loss(net.forward(x), target)[0]

        assert regviz.gradcheck(loss_of_x, x, dx, rtol=1e-5, atol=1e-7)
        dW = first.dW.copy()
        assert regviz.gradcheck(loss_of_W, W, dW, rtol=1e-5, atol=1e-7)
        first.W = W


def test_a_diverging_run_ends_as_inf_never_as_a_number():
    X, y = experiments.classification_data(0)
    model = mlp([8, 16, 16, 3], rng=0)
    history = regviz.train.fit_model(model, X, y, softmax_cross_entropy, lr=1e6, steps=50, batch_size=32, rng=0)
    assert history[-1] == float("inf") and len(history) < 50


# --- Q3 ---
@pytest.mark.claim("Q3", "BatchNorm is scale invariant: BN(a·Wx) = BN(Wx) for a > 0, and its gradient in W scales as 1/a")
@given(x=batches(min_n=4, with_length=False), a=st.floats(0.5, 20.0), seed=seeds)
def test_batchnorm_is_scale_invariant_and_its_weight_gradient_scales_as_one_over_a(x, a, seed):
    rng = np.random.default_rng(seed)
    linear = Linear(x.shape[1], 3, rng)
    z = x @ linear.W
    assume(np.min(z.var(axis=0)) >= 1e-2)  # a direction the batch barely spans: eps, not the data, sets the scale
    dy = rng.standard_normal((len(x), 3))

    def run(W):
        linear.W = W
        bn = regviz.BatchNorm(3, eps=EPS)
        y = bn.forward(linear.forward(x))
        linear.backward(bn.backward(dy))
        return y, linear.dW.copy()

    W = linear.W.copy()
    y1, dW1 = run(W)
    ya, dWa = run(a * W)
    # With eps the invariance is exact only up to eps / var: eps = 1e-12 here, so what is left is rounding.
    # Outputs are O(1): 1e-9. dW's terms are of size |x| |dy| / std(z) summed over the batch (the gradient can
    # be ~0 when the batch spans one direction only, so the tolerance is absolute on that scale).
    np.testing.assert_allclose(ya, y1, rtol=1e-9, atol=1e-9)
    scale = np.abs(x).max() * np.abs(dy).sum(axis=0).max() / np.sqrt(np.min(z.var(axis=0)))
    np.testing.assert_allclose(a * dWa, dW1, rtol=1e-7, atol=1e-9 * scale)


@pytest.mark.claim("Q3", "Batch norm trains a 10-layer MLP at learning rates at least 4x larger than without it",
                   kind="demonstrated")
def test_batchnorm_allows_larger_learning_rates(record_property):
    def run(seed):
        plain = experiments.learning_rate_sweep(seed, norm=None)
        batch = experiments.learning_rate_sweep(seed, norm="batch")
        return {"seed": seed, "plain": plain, "batch": batch, "largest_plain": experiments.largest_stable_rate(plain),
                "largest_batch": experiments.largest_stable_rate(batch)}

    demonstrate(record_property, "lr_sweep", 5, 4, run,
                holds=lambda r: r["largest_batch"] >= 4 * r["largest_plain"] > 0)


@pytest.mark.claim("Q3", "Batch norm's noise: a sample's training output varies with its batch-mates, about as 1/m",
                   kind="demonstrated")
def test_batchnorm_noise_falls_about_as_one_over_the_batch_size(record_property):
    def holds(result):
        variance, m = np.array(result["variance"]), np.array(result["m"])
        scaled = variance * m  # constant if the variance is exactly c / m
        # falls at every doubling, and var * m stays within a factor 2 of its value at the smallest batch
        # (300 draws per size: the variance estimates carry ~8% noise, well inside the factor 2)
        return np.all(np.diff(variance) < 0) and np.all(np.abs(np.log2(scaled / scaled[0])) < 1)

    demonstrate(record_property, "batch_noise", 10, 9, experiments.batch_noise, holds)


# --- Q2 ---
@pytest.mark.claim("Q2", "Dropout narrows the gap between training and held-out loss of an over-parameterised MLP",
                   kind="demonstrated")
def test_dropout_narrows_the_generalisation_gap(record_property):
    def holds(result):
        return result["test"][1] - result["train"][1] < result["test"][0] - result["train"][0]

    demonstrate(record_property, "dropout_gap", 10, 9, experiments.dropout_gap, holds,
                keep=lambda seed, r: r if seed == 0 else {**r, "curves": []})  # one seed's curves is enough


# --- Q4 ---
@pytest.mark.claim("Q4", "A token's LayerNorm output is the same whatever the batch and padding around it")
@given(seed=seeds, batch=st.integers(1, 5), max_len=st.integers(1, 7))
def test_layernorm_of_a_token_ignores_the_batch_and_the_padding(seed, batch, max_len):
    rng = np.random.default_rng(seed)
    token = rng.normal(1.0, 1.0, 8)
    x = experiments.padded_batch(rng, batch, max_len, 8, token)
    alone = regviz.LayerNorm(8).forward(token[None])[0]
    # the same row's statistics; summed in a block of another height, they may round differently (~1 ulp)
    np.testing.assert_allclose(regviz.LayerNorm(8).forward(x)[0, 0], alone, rtol=1e-13, atol=1e-13)


@pytest.mark.claim("Q4", "Batch-norm statistics of small padded batches swing; a token's layer-norm output does not",
                   kind="demonstrated")
def test_padding_swings_batchnorm_not_layernorm(record_property):
    # batch norm moves the token by a tenth of a standard deviation or more; layer norm only by rounding
    demonstrate(record_property, "padding_swing", 10, 9, experiments.padding_swing,
                holds=lambda r: r["bn_spread"] > 0.1 and r["ln_spread"] < 1e-12)


# --- Q1 ---
@pytest.mark.claim("Q1", "Plain subgradient descent on the lasso never lands on exactly 0; the proximal step does",
                   kind="demonstrated")
def test_subgradient_descent_never_lands_on_zero_where_the_prox_step_does(record_property):
    def holds(r):
        return (r["zeros_at_optimum"] > 0 and r["prox_matches_optimum"] and r["subgradient_zeros"] == 0
                and not r["subgradient_ever_zero"])

    demonstrate(record_property, "subgradient", 10, 10, experiments.subgradient_vs_prox, holds,
                keep=lambda seed, r: r if seed == 0 else {k: v for k, v in r.items() if "path" not in k})
