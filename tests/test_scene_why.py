"""The why segments (scenes/why.py) show what the demonstrated claims measure, for the clip's seed: the
relations their pictures and captions state hold for the numbers they draw."""
import numpy as np
import pytest

from regviz import experiments, train
from scenes import why

SEEDS = [0, 1]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_shaded_band_is_where_only_batch_norm_trains(seed):
    d = why.learning_rate_data(seed)
    lo, hi = d["largest_plain"], d["largest_batch"]
    assert hi >= 4 * lo > 0  # what the caption states, as the claim does over 5 seeds
    for lr, loss in zip(d["batch"]["lr"], d["batch"]["loss"]):
        if lo < lr <= hi:
            assert experiments.trains(loss)
    for lr, loss in zip(d["plain"]["lr"], d["plain"]["loss"]):
        if lr > lo:
            assert not experiments.trains(loss)  # the plain net ran there and did not train
    assert d["threshold"] == pytest.approx(0.7 * np.log(3))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_gap_bars_show_dropout_narrowing_the_gap(seed):
    d = why.dropout_gap_data(seed)
    gaps = [test - train for train, test in zip(d["train"], d["test"])]
    assert gaps[0] > gaps[1] > 0  # "the gap shrinks": held-out above training in both, less with dropout
    assert d["p"][1] != 0.5  # p is the drop probability; 0.5 would hide which one it is


def test_the_dropout_problem_listed_is_the_one_the_experiment_trains():
    problem = why.dropout_problem(21)
    X, y, X_test, _ = experiments.regression_data(21)
    assert (problem["train"], problem["held_out"]) == (len(X), len(X_test)) and problem["sizes"][0] == X.shape[1]
    model = train.mlp(problem["sizes"], rng=0)
    count = sum(getattr(layer, name).size for layer in model.layers for name in getattr(layer, "PARAMS", ()))
    assert problem["weights"] == count  # "(9,985 weights)": every W and b of the network trained
    assert problem["weights"] > 100 * problem["train"]  # "a network far too big" for its samples


@pytest.mark.parametrize("seed", SEEDS)
def test_the_padding_dots_swing_for_batch_norm_and_line_up_for_layer_norm(seed):
    d = why.padding_data(seed)
    ln, bn = np.array(d["ln_token_feature_0"]), np.array(d["bn_token_feature_0"])
    np.testing.assert_allclose(ln, ln[0], rtol=0, atol=1e-12)  # one value, up to rounding
    assert bn.std() > 0.1 and d["bn_spread"] > 0.1
