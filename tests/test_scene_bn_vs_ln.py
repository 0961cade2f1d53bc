"""The BN-vs-LN clip shows what regviz.BatchNorm and regviz.LayerNorm compute for its seed (no rendering)."""
import numpy as np
import pytest

import regviz
from scenes.bn_vs_ln import B, D, LENGTHS, T, data
from scenes.common import fmt

SEEDS = [0, 1, 7]
EPS = 1e-5


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_norm_averages_each_feature_over_every_sentence_and_token_pads_included(seed):
    d = data(seed)
    assert d.x.shape == (B, T, D)
    np.testing.assert_array_equal(d.real.sum(axis=1), LENGTHS)
    assert np.all(d.x[~d.real] == 0)  # padded slots hold zeros
    # the core, fed the block as BatchNorm1d's (N, C, L), normalises with the statistics on screen
    np.testing.assert_allclose(d.bn_out, regviz.BatchNorm(D)(d.x.transpose(0, 2, 1)).transpose(0, 2, 1))
    np.testing.assert_allclose(d.bn_out, (d.x - d.bn_mean) / np.sqrt(d.bn_var + EPS), rtol=1e-9, atol=1e-12)
    # "without the pads, mu and sigma^2 would differ": the real-token statistics read differently on screen
    kept = d.x[d.real]
    np.testing.assert_allclose(d.real_mean, kept.mean(axis=0))
    np.testing.assert_allclose(d.real_var, kept.var(axis=0))
    assert all(fmt(a) != fmt(b) or fmt(v) != fmt(w)
               for a, b, v, w in zip(d.bn_mean, d.real_mean, d.bn_var, d.real_var))


@pytest.mark.parametrize("seed", SEEDS)
def test_layer_norm_averages_each_token_over_its_features_and_never_sees_padding(seed):
    d = data(seed)
    np.testing.assert_allclose(d.ln_out, regviz.LayerNorm(D)(d.x))
    std = np.sqrt(d.ln_var + EPS)[..., None]
    np.testing.assert_allclose(d.ln_out, (d.x - d.ln_mean[..., None]) / std, rtol=1e-9, atol=1e-12)
    # the real tokens alone, without any padding in the batch, get exactly the same outputs
    np.testing.assert_allclose(regviz.LayerNorm(D)(d.x[d.real]), d.ln_out[d.real], rtol=1e-12)
    # a pad token's statistics are its own zeros
    np.testing.assert_array_equal(d.ln_mean[~d.real], 0)
    np.testing.assert_array_equal(d.ln_var[~d.real], 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_of_one_gives_variance_zero_and_every_output_beta(seed):
    d = data(seed)
    assert not np.array_equal(d.ones[0], d.ones[1])  # two different inputs ...
    np.testing.assert_array_equal(d.one_mean, d.ones)  # each feature's batch is the value itself
    np.testing.assert_array_equal(d.one_var, 0)
    np.testing.assert_allclose(d.one_out, np.broadcast_to(d.beta, d.one_out.shape), atol=1e-12)  # ... one output
    # that output is the formula on screen: gamma (x - mu) / sqrt(sigma^2 + eps) + beta
    np.testing.assert_allclose(d.one_out, d.gamma * (d.ones - d.one_mean) / np.sqrt(d.one_var + EPS) + d.beta)
    # the core refuses it in training, as PyTorch's BatchNorm1d does (the fact the clip names)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        regviz.BatchNorm(D)(d.ones[:1])
    # layer norm works on the same sample and its output follows the input
    ln = regviz.LayerNorm(D)
    ln.gamma, ln.beta = d.gamma.copy(), d.beta.copy()
    np.testing.assert_allclose(d.one_ln, ln(d.ones))
    np.testing.assert_allclose(d.one_ln[:1], ln(d.ones[:1]))  # one sample alone: the same
    assert np.abs(d.one_ln[0] - d.one_ln[1]).max() > 0.01


def test_pytorch_batchnorm1d_refuses_one_value_per_channel_in_training():
    torch = pytest.importorskip("torch")
    layer = torch.nn.BatchNorm1d(D)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        layer(torch.zeros(1, D))
    layer.eval()
    assert layer(torch.zeros(1, D)).shape == (1, D)


def test_same_seed_same_data_different_seed_different_data():
    a, b, c = data(0), data(0), data(1)
    for field in ("x", "bn_mean", "ln_var", "one_out", "one_ln"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.one_ln, c.one_ln)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_padding_chart_shows_one_token_in_the_batches_behind_its_dots(seed):
    """The why segment's block shows the batch each dot came from: the same token at sequence 1, position 1,
    other sequences' lengths changing; normalising those batches gives the dots, and the spread it names is
    their standard deviation."""
    from scenes.why import padding_data

    d = padding_data(seed)
    token = d["batches"][0][0, 0]
    assert len(d["batches"]) == len(d["bn_token_feature_0"]) == len(d["lengths"])
    for x, lengths, bn, ln in zip(d["batches"], d["lengths"], d["bn_token_feature_0"], d["ln_token_feature_0"]):
        np.testing.assert_array_equal(x[0, 0], token)  # the one token, in every batch
        assert np.all((lengths >= 1) & (lengths <= d["max_len"]))
        real = np.arange(x.shape[1])[None, :] < lengths[:, None]
        assert np.all(x[~real] == 0) and np.all(np.abs(x[real]).sum(axis=-1) > 0)  # the block's pads are zeros
        # batch norm over this batch (pads included), read at the token, is the dot; layer norm needs only the token
        assert regviz.BatchNorm(x.shape[2])(x.transpose(0, 2, 1))[0, 0, 0] == pytest.approx(bn, abs=1e-12)
        assert regviz.LayerNorm(x.shape[2])(x[:1, :1])[0, 0, 0] == pytest.approx(ln, abs=1e-12)
    assert len({tuple(lengths) for lengths in d["lengths"]}) > 10  # the padding changes from batch to batch
    dots = np.array(d["bn_token_feature_0"])
    assert d["bn_sd"] == pytest.approx(np.sqrt(np.mean((dots - dots.mean()) ** 2)))
    assert fmt(d["ln_sd"]) == fmt(0.0) and d["bn_sd"] > 0.1  # what the caption reads: 0.00 against a swing


@pytest.mark.parametrize("seed", SEEDS)
def test_layer_norm_readout_visits_real_tokens_then_a_pad_with_mean_and_variance_zero(seed):
    """The tokens the layer-norm box holds on: each readout is that token's own mean and variance over its
    features; the last one is a pad, all zeros, so its readout is 0 and 0 whatever the other tokens hold."""
    from scenes.bn_vs_ln import LN_ORDER

    d = data(seed)
    for b, t in LN_ORDER:
        assert d.ln_mean[b, t] == pytest.approx(d.x[b, t].mean()) and d.ln_var[b, t] == pytest.approx(d.x[b, t].var())
    *real, pad = LN_ORDER
    assert all(d.real[b, t] for b, t in real) and not d.real[pad]
    assert (fmt(d.ln_mean[pad]), fmt(d.ln_var[pad])) == (fmt(0.0), fmt(0.0))
