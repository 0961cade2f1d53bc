"""The dropout clip (Q2) shows what regviz.Dropout computes for the clip's seed, and its claims hold."""
import numpy as np

from scenes import dropout as scene


def test_training_output_is_masked_and_scaled():
    d = scene.data(0)
    # survivors are x / (1 - p) = 2x, dropped units are exactly 0
    np.testing.assert_allclose(d.outputs, d.x * d.masks / (1 - d.p))
    assert np.all(d.outputs[~d.masks] == 0)


def test_each_step_draws_a_different_mask():
    d = scene.data(0)
    masks = {tuple(m) for m in d.masks}
    assert len(masks) == scene.STEPS


def test_average_converges_to_the_input():
    d = scene.data(0)
    # each shown mean is the mean of that many training outputs of the same x
    for n, mean in zip(d.counts, d.means):
        if n <= len(d.outputs):
            np.testing.assert_allclose(mean, d.outputs[:n].mean(axis=0), rtol=1e-12)
    assert d.errors[-1] < d.errors[0]
    # a unit's output is 2x or 0 with equal odds: standard deviation x, so the mean of 1000 is
    # within 5 standard errors (5 x / sqrt(1000)) of x for every unit
    assert np.all(np.abs(d.means[-1] - d.x) <= 5 * d.x / np.sqrt(1000))


def test_inference_is_the_identity():
    d = scene.data(0)
    np.testing.assert_array_equal(d.eval_output, d.x)


def test_seed_fixes_the_data():
    a, b, c = scene.data(3), scene.data(3), scene.data(4)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.masks, b.masks)
    np.testing.assert_array_equal(a.means, b.means)
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.masks, c.masks)


