"""The dropout clip (Q2) shows what regviz.Dropout computes for the clip's seed, and its claims hold."""
import numpy as np
import pytest

from scenes import dropout as scene
from scenes.listing import listing

SEED = scene.DropoutScene.seed  # the clip's own seed: what the learner sees


def test_the_panel_is_the_reference_forward_with_the_mask_line():
    assert scene.LISTING == listing("regviz.dropout.dropout_forward").code
    assert scene.LISTING[scene.LINE_MASK].strip() == "mask = rng.random(x.shape) > p"  # the line a candidate writes


@pytest.mark.parametrize("seed", [0, 3])
def test_training_output_is_masked_and_scaled(seed):
    d = scene.data(seed)
    # survivors are x / (1 - p): x2 at p = 0.5, x1.25 at p = 0.2; dropped units are exactly 0
    np.testing.assert_allclose(d.output, d.x * d.mask * 2)
    np.testing.assert_allclose(d.low_output, d.x * d.low_mask * 1.25)
    assert np.all(d.output[~d.mask] == 0) and np.all(d.low_output[~d.low_mask] == 0)


def test_the_clip_shows_both_kinds_of_unit_at_both_p():
    d = scene.data(SEED)
    assert 0 < d.mask.sum() < scene.UNITS and 0 < d.low_mask.sum() < scene.UNITS
    assert d.p != d.p_low and d.p_low != 1 - d.p  # p = 0.2 cannot be read as a keep probability of 0.5


def test_the_running_mean_starts_at_one_forward_and_converges_to_the_input():
    d = scene.data(SEED)
    np.testing.assert_array_equal(d.means[0], d.output)  # the mean of one forward is that forward
    errors = np.abs(d.means - d.x).max(axis=1)
    assert errors[-1] < errors[9] < errors[0]
    # a unit's output is 2x or 0 with equal odds: standard deviation x, so the mean of 1000 is
    # within 5 standard errors (5 x / sqrt(1000)) of x for every unit
    assert np.all(np.abs(d.means[-1] - d.x) <= 5 * d.x / np.sqrt(scene.FORWARDS))


def test_the_thinned_networks_share_weights_and_average_to_the_full_network():
    d = scene.data(SEED)
    hidden = d.w1 @ d.v
    # each thinned network is the one network with its mask applied: the same w1, w2 for all
    np.testing.assert_allclose(d.net_outputs, (d.net_masks * hidden / (1 - d.p)) @ d.w2)
    assert len({tuple(m) for m in d.net_masks}) == scene.NETS  # three different sub-networks
    # eval() is the full network: no mask, no scaling
    assert d.eval_output == pytest.approx(d.w2 @ hidden, rel=1e-12)
    # the mean over n masks: the output's variance is at most sum_k (w2_k h_k)^2 (p / (1 - p)),
    # so the mean of 10000 is within 5 standard errors of eval's output
    assert d.ensemble_means[scene.NETS - 1] == pytest.approx(d.net_outputs.mean())  # the three on screen first
    bound = 5 * np.sqrt(np.sum((d.w2 * hidden) ** 2) * d.p / (1 - d.p) / scene.MASKS)
    assert abs(d.ensemble_means[-1] - d.eval_output) <= bound
    assert abs(d.ensemble_means[-1] - d.eval_output) < abs(d.ensemble_means[scene.NETS - 1] - d.eval_output)


def test_seed_fixes_the_data():
    a, b, c = scene.data(3), scene.data(3), scene.data(4)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.mask, b.mask)
    np.testing.assert_array_equal(a.net_masks, b.net_masks)
    np.testing.assert_array_equal(a.means, b.means)
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.net_masks, c.net_masks)


def test_the_clips_seed_makes_the_two_p_look_different_and_keeps_every_net_alive():
    d = scene.data(SEED)
    assert (~d.mask).sum() > (~d.low_mask).sum()  # p = 0.5 drops more units than p = 0.2, visibly
    assert np.all(d.net_masks.sum(axis=1) > 0)  # no thinned network without a hidden unit
    assert np.all(d.net_masks, axis=0).any()  # a unit all three keep: the shared-edges bundle lands on it


def test_the_factor_counting_with_p_is_what_the_survivors_grow_by():
    d = scene.data(SEED)
    # the clip counts p from 0.5 to 0.2 with 1/(1-p) beside it: at both ends it is the survivors' y / x
    for p, mask, output in ((d.p, d.mask, d.output), (d.p_low, d.low_mask, d.low_output)):
        np.testing.assert_allclose(output[mask] / d.x[mask], 1 / (1 - p))
        assert np.all(output[~mask] == 0)


def test_the_cs231n_note_is_the_share_of_units_the_layer_keeps():
    d = scene.data(SEED)
    # "CS231n: keep prob. = 1 - p": regviz's p drops, so over many forwards the share kept is 1 - p, not p
    layer = scene.regviz.Dropout(d.p_low, rng=SEED)
    kept = np.mean([layer.forward(d.x) != 0 for _ in range(4000)])
    assert abs(kept - (1 - d.p_low)) < 0.01
    assert abs(kept - d.p_low) > 0.5
