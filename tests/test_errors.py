"""Bad input gets a clear error, raised before any work: the type, and a message naming the argument,
the value and what was expected. One row per case."""
import numpy as np
import pytest

import regviz

X, Y = np.ones((5, 2)), np.ones(5)


def bn_args():
    """Fresh gamma, beta, running_mean, running_var for 3 features (a training forward updates the last two)."""
    return np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)


def fresh(layer, x):
    """A layer that has run forward on x once."""
    layer.forward(x)
    return layer


CASES = [
    # (id, call, error type, fragments the message must contain)
    ("p<0", lambda: regviz.Dropout(-0.1), ValueError, ["p", "-0.1", "[0, 1]"]),
    ("p>1", lambda: regviz.Dropout(1.5), ValueError, ["p", "1.5", "[0, 1]"]),
    ("p=nan", lambda: regviz.Dropout(float("nan")), ValueError, ["p", "nan", "finite"]),
    ("p=str", lambda: regviz.Dropout("0.5"), TypeError, ["p", "'0.5'", "real number"]),
    ("p=True", lambda: regviz.Dropout(True), TypeError, ["p", "True", "real number"]),
    ("rng=str", lambda: regviz.Dropout(0.5, rng="seed"), TypeError, ["rng", "'seed'", "Generator"]),
    ("dropout x=str", lambda: regviz.Dropout(0.5).forward(["a"]), TypeError, ["x", "dtype"]),
    ("dropout backward first", lambda: regviz.Dropout(0.5).backward(np.ones(3)), RuntimeError, ["backward", "forward"]),
    ("dropout dy shape", lambda: fresh(regviz.Dropout(0.5), np.ones(3)).backward(np.ones(4)), ValueError,
     ["dy", "(3,)", "(4,)"]),
    ("num_features=0", lambda: regviz.BatchNorm(0), ValueError, ["num_features", "0", "positive int"]),
    ("num_features=-3", lambda: regviz.BatchNorm(-3), ValueError, ["num_features", "-3"]),
    ("num_features=2.0", lambda: regviz.BatchNorm(2.0), TypeError, ["num_features", "2.0", "int"]),
    ("eps<=0", lambda: regviz.BatchNorm(2, eps=0), ValueError, ["eps", "0", "> 0"]),
    ("momentum>1", lambda: regviz.BatchNorm(2, momentum=1.5), ValueError, ["momentum", "1.5"]),
    ("bn wrong features", lambda: regviz.BatchNorm(3).forward(np.ones((4, 5))), ValueError,
     ["x", "3 features", "(4, 5)"]),
    ("bn 1-D", lambda: regviz.BatchNorm(3).forward(np.ones(3)), ValueError, ["x", "2-D (N, C)", "1-D", "(3,)"]),
    ("bn 4-D", lambda: regviz.BatchNorm(3).forward(np.ones((2, 3, 4, 5))), ValueError, ["x", "4-D"]),
    ("bn one value per channel", lambda: regviz.BatchNorm(3).forward(np.ones((1, 3))), ValueError,
     ["more than 1 value per channel", "(1, 3)"]),
    ("bn one value per channel 3-D", lambda: regviz.BatchNorm(3).forward(np.ones((1, 3, 1))), ValueError,
     ["more than 1 value per channel", "(1, 3, 1)"]),
    ("bn backward first", lambda: regviz.BatchNorm(3).backward(np.ones((2, 3))), RuntimeError, ["backward", "forward"]),
    ("bn dy shape", lambda: fresh(regviz.BatchNorm(3), np.arange(6.0).reshape(2, 3)).backward(np.ones((3, 3))),
     ValueError, ["dy", "(2, 3)", "(3, 3)"]),
    ("ln trailing shape", lambda: regviz.LayerNorm(4).forward(np.ones((2, 5))), ValueError,
     ["x", "normalized_shape", "(4,)", "(2, 5)"]),
    ("ln too few dims", lambda: regviz.LayerNorm((2, 3)).forward(np.ones(3)), ValueError, ["x", "(2, 3)", "(3,)"]),
    ("ln shape=0", lambda: regviz.LayerNorm(0), ValueError, ["normalized_shape", "0"]),
    ("ln backward first", lambda: regviz.LayerNorm(3).backward(np.ones((2, 3))), RuntimeError, ["backward", "forward"]),
    ("fit X/y mismatch", lambda: regviz.fit(X, np.ones(4)), ValueError, ["X", "y", "(5, 2)", "(4,)"]),
    ("fit X 1-D", lambda: regviz.fit(np.ones(5), Y), ValueError, ["X", "2-D", "(5,)"]),
    ("fit penalty", lambda: regviz.fit(X, Y, penalty="l3"), ValueError, ["penalty", "'l3'", "'l1'", "'l2'"]),
    ("fit lam<0", lambda: regviz.fit(X, Y, lam=-1), ValueError, ["lam", "-1", ">= 0"]),
    ("fit lam=inf", lambda: regviz.fit(X, Y, lam=float("inf")), ValueError, ["lam", "inf", "finite"]),
    ("fit X nan", lambda: regviz.fit(np.full((5, 2), np.nan), Y), ValueError, ["X", "finite", "NaN"]),
    ("fit y inf", lambda: regviz.fit(X, np.full(5, np.inf)), ValueError, ["y", "finite"]),
    ("fit steps=0", lambda: regviz.fit(X, Y, steps=0), ValueError, ["steps", "0"]),
    ("path lams<0", lambda: regviz.regularization_path(X, Y, "l1", [0.1, -1]), ValueError, ["lams", ">= 0", "-1"]),
    ("soft_threshold t<0", lambda: regviz.soft_threshold(np.ones(3), -1), ValueError, ["t", "-1", ">= 0"]),
    ("l1_penalty lam<0", lambda: regviz.l1_penalty(np.ones(3), -0.5), ValueError, ["lam", "-0.5"]),
    # the reference functions: the same voice, from a decorator, before the whiteboard code runs
    ("dropout_forward p>1", lambda: regviz.dropout_forward(np.ones(3), 1.5, 0), ValueError, ["p", "1.5", "[0, 1]"]),
    ("dropout_forward rng=str", lambda: regviz.dropout_forward(np.ones(3), 0.5, "seed"), TypeError,
     ["rng", "'seed'", "Generator"]),
    ("dropout_backward mask shape", lambda: regviz.dropout_backward(np.ones(4), np.ones(3, bool), 0.5), ValueError,
     ["dy", "mask", "(3,)", "(4,)"]),
    ("dropout_backward mask=floats", lambda: regviz.dropout_backward(np.ones(3), np.ones(3), 0.5), TypeError,
     ["mask", "bool array"]),
    ("batchnorm_forward 3-D", lambda: regviz.batchnorm_forward(np.ones((2, 3, 4)), *bn_args()), ValueError,
     ["x", "2-D (N, C)", "(2, 3, 4)"]),
    ("batchnorm_forward gamma", lambda: regviz.batchnorm_forward(np.ones((2, 3)), np.ones(4), *bn_args()[1:]),
     ValueError, ["gamma", "(3,)", "(4,)"]),
    ("batchnorm_forward running list", lambda: regviz.batchnorm_forward(np.ones((2, 3)), *bn_args()[:2], [0, 0, 0],
                                                                        bn_args()[3]), TypeError,
     ["running_mean", "float numpy array", "in place", "[0, 0, 0]"]),
    ("batchnorm_forward running ints", lambda: regviz.batchnorm_forward(np.ones((2, 3)), *bn_args()[:3],
                                                                        np.ones(3, int)), TypeError,
     ["running_var", "float", "int64"]),
    ("batchnorm_forward batch of 1", lambda: regviz.batchnorm_forward(np.ones((1, 3)), *bn_args()), ValueError,
     ["more than 1 value per channel", "(1, 3)"]),
    ("batchnorm_forward momentum", lambda: regviz.batchnorm_forward(np.ones((2, 3)), *bn_args(), momentum=2),
     ValueError, ["momentum", "2", "[0, 1]"]),
    ("batchnorm_backward dy shape", lambda: regviz.batchnorm_backward(
        np.ones((3, 3)), regviz.batchnorm_forward(np.arange(6.0).reshape(2, 3), *bn_args())[1]), ValueError,
     ["dy", "(2, 3)", "(3, 3)"]),
    ("layernorm_forward beta", lambda: regviz.layernorm_forward(np.ones((2, 3)), np.ones(3), np.ones(2)), ValueError,
     ["beta", "(3,)", "(2,)"]),
    ("layernorm_forward eps=0", lambda: regviz.layernorm_forward(np.ones((2, 3)), np.ones(3), np.ones(3), eps=0),
     ValueError, ["eps", "0", "> 0"]),
    ("lasso_step y shape", lambda: regviz.lasso_step(np.ones(2), X, np.ones(4), 0.1, 0.1), ValueError,
     ["y", "X's rows", "(5,)", "(4,)"]),
    ("lasso_step w shape", lambda: regviz.lasso_step(np.ones(3), X, Y, 0.1, 0.1), ValueError,
     ["w", "X's columns", "(2,)", "(3,)"]),
    ("ridge_step lr=0", lambda: regviz.ridge_step(np.ones(2), X, Y, 0.1, 0), ValueError, ["lr", "0", "> 0"]),
    # issue 14: an empty batch failed inside a reshape; atol=inf and a misshapen dy passed every check
    ("bn empty batch", lambda: regviz.BatchNorm(3).forward(np.ones((0, 3))), ValueError,
     ["x", "at least one value per channel", "(0, 3)"]),
    ("bn empty batch in eval", lambda: regviz.BatchNorm(3).eval().forward(np.ones((0, 3, 4))), ValueError,
     ["x", "at least one value per channel", "(0, 3, 4)"]),
    ("gradcheck atol=inf", lambda: regviz.gradcheck(lambda v: (v**2).sum(), np.ones(3), np.zeros(3), atol=np.inf),
     ValueError, ["atol", "inf", "finite"]),
    ("gradcheck rtol<0", lambda: regviz.gradcheck(lambda v: (v**2).sum(), np.ones(3), 2 * np.ones(3), rtol=-1),
     ValueError, ["rtol", "-1", ">= 0"]),
    ("numerical_vjp dy shape", lambda: regviz.numerical_vjp(lambda v: np.outer(v, v), np.ones(3), np.ones(9)),
     ValueError, ["dy", "f(x)", "(3, 3)", "(9,)"]),
]


@pytest.mark.parametrize("call, error, fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(call, error, fragments):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from {message!r}"


def test_call_order_errors_are_value_errors_too():
    with pytest.raises(ValueError):
        regviz.Dropout(0.5).backward(np.ones(3))


def test_a_failed_forward_leaves_the_layer_as_it_was():
    bn = regviz.BatchNorm(3)
    with pytest.raises(ValueError):
        bn.forward(np.ones((1, 3)))
    np.testing.assert_array_equal(bn.running_mean, 0)
    np.testing.assert_array_equal(bn.running_var, 1)
