"""The batch norm clip shows what regviz.BatchNorm computes for its seed (no rendering here)."""
import numpy as np
import pytest

import regviz
from scenes.batchnorm import C, COL, MOMENTUM, N, SHARED_ROW_A, SHARED_ROW_B, STEPS, data, ema_weights
from scenes.common import fmt

SEEDS = [0, 1, 7]


def feed(seed):
    """An independent replay with the core: the clip's batches through one BatchNorm, returning it."""
    d = data(seed)
    bn = regviz.BatchNorm(C, momentum=0.1)
    bn.gamma, bn.beta = d.gamma.copy(), d.beta.copy()
    return d, bn


@pytest.mark.parametrize("seed", SEEDS)
def test_shown_batch_statistics_and_outputs_match_the_core(seed):
    d, bn = feed(seed)
    np.testing.assert_allclose(d.mean, d.x.mean(axis=0))
    np.testing.assert_allclose(d.var, d.x.var(axis=0))  # biased: what normalises the batch
    np.testing.assert_allclose(d.xhat, regviz.BatchNorm(C)(d.x))
    # x-hat is (x - mean) / sqrt(var + eps) with the statistics shown on screen
    np.testing.assert_allclose(d.xhat, (d.x - d.mean) / np.sqrt(d.var + 1e-5), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(d.y, bn(d.x))
    np.testing.assert_allclose(d.y, d.gamma * d.xhat + d.beta, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_step_one_arithmetic_on_screen_is_the_cores_running_update(seed):
    d, bn = feed(seed)
    bn(d.x)
    np.testing.assert_allclose(d.running_mean[1], bn.running_mean)
    np.testing.assert_allclose(d.running_var[1], bn.running_var)
    # momentum 0.1 weights the NEW batch, and running_var takes the unbiased variance m/(m-1)
    np.testing.assert_allclose(d.running_mean[1], 0.9 * 0.0 + MOMENTUM * d.mean)
    np.testing.assert_allclose(d.running_var[1], 0.9 * 1.0 + MOMENTUM * d.var * N / (N - 1))
    assert not np.allclose(d.running_var[1], 0.9 + 0.1 * d.var)  # the textbook's biased version differs


@pytest.mark.parametrize("seed", SEEDS)
def test_normalised_column_reads_mean_0_variance_1_then_beta_and_gamma_squared(seed):
    # the readouts show the mean and (biased) variance of the column on screen: x-hat, then y
    d = data(seed)
    xhat, y = d.xhat[:, COL], d.y[:, COL]
    assert (fmt(xhat.mean()), fmt(xhat.var())) == ("0.00", "1.00")
    assert (fmt(y.mean()), fmt(y.var())) == (fmt(d.beta[COL]), fmt(d.gamma[COL] ** 2))


@pytest.mark.parametrize("seed", SEEDS)
def test_running_mean_moves_a_tenth_of_the_way_to_each_batch_mean(seed):
    d = data(seed)
    means, running = d.batch_means, d.running_mean
    assert means.shape == (STEPS, C) and running.shape == (STEPS + 1, C)
    np.testing.assert_allclose(means[0], d.x.mean(axis=0))  # step 1's batch is the grid on screen
    # the dashed gap at step k runs from running[k-1] to batch k's mean; the line lands a tenth of the way along
    np.testing.assert_allclose(np.diff(running, axis=0), MOMENTUM * (means - running[:-1]), atol=1e-12)
    # so the line wobbles far less than the dots, step to step
    assert np.abs(np.diff(running[:, COL])).mean() < 0.5 * np.abs(np.diff(means[:, COL])).mean()


@pytest.mark.parametrize("seed", SEEDS)
def test_weight_bars_rebuild_the_cores_running_mean(seed):
    d = data(seed)
    for t in range(STEPS + 1):
        start, weights = ema_weights(t)
        assert start + weights.sum() == pytest.approx(1.0)  # a weighted average of the start value and the batches
        if t:
            assert weights[-1] == pytest.approx(MOMENTUM)  # the newest batch: momentum, not 1 - momentum
            np.testing.assert_allclose(weights[:-1], (1 - MOMENTUM) * ema_weights(t - 1)[1])  # the rest x0.9
        np.testing.assert_allclose(start * d.running_mean[0] + weights @ d.batch_means[:t], d.running_mean[t],
                                   atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_squared_deviations_divided_by_m_normalise_and_by_m_minus_1_feed_running_var(seed):
    d = data(seed)
    np.testing.assert_allclose(d.sq_dev.sum(axis=0) / N, d.var)
    bn = regviz.BatchNorm(C, momentum=MOMENTUM)
    bn(d.x)
    np.testing.assert_allclose(bn.running_var, 0.9 * 1.0 + 0.1 * d.sq_dev.sum(axis=0) / (N - 1))
    np.testing.assert_allclose(d.running_var[1], bn.running_var)


@pytest.mark.parametrize("seed", SEEDS)
def test_same_sample_differs_in_training_and_matches_in_eval(seed):
    d = data(seed)
    np.testing.assert_array_equal(d.batch_a[SHARED_ROW_A], d.batch_b[SHARED_ROW_B])
    assert not np.array_equal(np.delete(d.batch_a, SHARED_ROW_A, 0), np.delete(d.batch_b, SHARED_ROW_B, 0))
    # replay with the core, starting from the clip's final running statistics (their replay is tested below)
    _, bn = feed(seed)
    bn.running_mean, bn.running_var = d.running_mean[-1].copy(), d.running_var[-1].copy()
    np.testing.assert_allclose(d.train_a, bn(d.batch_a)[SHARED_ROW_A])
    np.testing.assert_allclose(d.train_b, bn(d.batch_b)[SHARED_ROW_B])
    assert np.abs(d.train_a - d.train_b).max() > 0.01  # visibly different at 2 decimals
    bn.running_mean, bn.running_var = d.running_mean[-1].copy(), d.running_var[-1].copy()
    bn.eval()
    np.testing.assert_allclose(d.eval_a, bn(d.batch_a)[SHARED_ROW_A])
    np.testing.assert_array_equal(d.eval_a, d.eval_b)  # eval: the neighbours do not matter, exactly
    # eval uses the running statistics, not the batch's
    expected = d.gamma * (d.batch_a[SHARED_ROW_A] - d.running_mean[-1]) / np.sqrt(d.running_var[-1] + 1e-5) + d.beta
    np.testing.assert_allclose(d.eval_a, expected, rtol=1e-10)


def test_same_seed_same_data_different_seed_different_data():
    a, b, c = data(0), data(0), data(1)
    for field in ("x", "y", "running_mean", "running_var", "eval_a", "train_b"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.running_var, c.running_var)




@pytest.mark.parametrize("seed", SEEDS)
def test_formula_panel_keeps_the_batch_statistics_while_the_column_reaches_beta_and_gamma_squared(seed):
    """The μ, σ² panel holds the batch's statistics (what x-hat divides by); the separate "column now" line
    counts the column's own mean and variance, which end at β and γ² (scaled by σ²/(σ² + ε)), not at μ, σ²."""
    d = data(seed)
    mu, var = d.x[:, COL].mean(), d.x[:, COL].var()
    np.testing.assert_allclose(d.xhat[:, COL], (d.x[:, COL] - mu) / np.sqrt(var + 1e-5))
    y = d.y[:, COL]
    assert y.mean() == pytest.approx(d.beta[COL])
    assert y.var() == pytest.approx(d.gamma[COL] ** 2 * var / (var + 1e-5))
