"""The BN-vs-LN clip shows what regviz.BatchNorm and regviz.LayerNorm compute for its seed (no rendering)."""
import numpy as np
import pytest

import regviz
from scenes.bn_vs_ln import C, SHARED_ROW_A, SHARED_ROW_B, data

SEEDS = [0, 1, 7]
EPS = 1e-5


@pytest.mark.parametrize("seed", SEEDS)
def test_shown_means_are_the_axes_each_layer_normalises_over(seed):
    d = data(seed)
    np.testing.assert_allclose(d.bn_out, regviz.BatchNorm(C)(d.x))
    np.testing.assert_allclose(d.ln_out, regviz.LayerNorm(C)(d.x))
    # batch norm: one mean per column (over the batch); layer norm: one mean per row (over the features)
    bn_var, ln_var = d.x.var(axis=0), d.x.var(axis=1, keepdims=True)
    np.testing.assert_allclose(d.bn_out, (d.x - d.bn_mean) / np.sqrt(bn_var + EPS), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(d.ln_out, (d.x - d.ln_mean[:, None]) / np.sqrt(ln_var + EPS), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(d.bn_out.mean(axis=0), 0.0, atol=1e-12)  # columns centred by BN
    np.testing.assert_allclose(d.ln_out.mean(axis=1), 0.0, atol=1e-12)  # rows centred by LN


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_of_one_shows_the_cores_error_and_layer_norms_output(seed):
    d = data(seed)
    with pytest.raises(ValueError) as caught:
        regviz.BatchNorm(C)(d.single)
    assert d.bn_error == str(caught.value)
    assert "more than 1 value per channel" in d.bn_error
    np.testing.assert_allclose(d.ln_single, regviz.LayerNorm(C)(d.single))
    np.testing.assert_allclose(d.ln_single, d.ln_out[:1])  # the same row, alone or in the batch


@pytest.mark.parametrize("seed", SEEDS)
def test_same_sample_two_batches_batch_norm_differs_layer_norm_identical(seed):
    d = data(seed)
    np.testing.assert_array_equal(d.x[SHARED_ROW_A], d.batch_b[SHARED_ROW_B])
    np.testing.assert_allclose(d.bn_a, regviz.BatchNorm(C)(d.x)[SHARED_ROW_A])
    np.testing.assert_allclose(d.bn_b, regviz.BatchNorm(C)(d.batch_b)[SHARED_ROW_B])
    np.testing.assert_allclose(d.ln_b, regviz.LayerNorm(C)(d.batch_b)[SHARED_ROW_B])
    assert np.abs(d.bn_a - d.bn_b).max() > 0.01  # visibly different at 2 decimals
    np.testing.assert_array_equal(d.ln_a, d.ln_b)


def test_same_seed_same_data_different_seed_different_data():
    a, b, c = data(0), data(0), data(1)
    for field in ("x", "bn_mean", "ln_mean", "ln_single", "bn_b", "batch_b"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.bn_error == b.bn_error
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.bn_b, c.bn_b)


def test_the_summary_tables_batch_size_one_row_agrees_with_the_core():
    # the table's batch-size-1 and train/eval rows agree with the core
    bn = regviz.BatchNorm(C)
    with pytest.raises(ValueError):
        bn(np.zeros((1, C)))
    bn.eval()
    assert bn(np.zeros((1, C))).shape == (1, C)  # eval works for one sample: running statistics
