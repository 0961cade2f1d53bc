"""regviz matches PyTorch's own numbers (recorded by bench/make_torch_reference.py from torch 2.13 CPU).

All in float64; the two implementations sum in different orders, so they agree to rounding
(about 1e-15 relative); rtol 1e-10 leaves room for that and for nothing else.
"""
from pathlib import Path

import numpy as np
import pytest

import regviz

REF = np.load(Path(__file__).parent / "data" / "torch_reference.npz")
TOL = dict(rtol=1e-10, atol=1e-12)


@pytest.mark.claim("Q3", "BatchNorm matches torch.nn.BatchNorm1d: train and eval outputs, gradients and running stats")
@pytest.mark.parametrize("key", ["bn16x4", "bn8x3x5"])
def test_batchnorm_matches_pytorch(key):
    r = lambda name: REF[f"{key}_{name}"]  # noqa: E731
    bn = regviz.BatchNorm(r("gamma").size)
    bn.gamma, bn.beta = r("gamma").copy(), r("beta").copy()
    bn.forward(r("x0"))
    bn.forward(r("x1"))
    np.testing.assert_allclose(bn.forward(r("x2")), r("train_y"), **TOL)
    np.testing.assert_allclose(bn.backward(r("dy")), r("train_dx"), **TOL)
    np.testing.assert_allclose(bn.dgamma, r("train_dgamma"), **TOL)
    np.testing.assert_allclose(bn.dbeta, r("train_dbeta"), **TOL)
    np.testing.assert_allclose(bn.running_mean, r("running_mean"), **TOL)
    np.testing.assert_allclose(bn.running_var, r("running_var"), **TOL)  # the unbiased variance
    bn.eval()
    np.testing.assert_allclose(bn.forward(r("x0")), r("eval_y"), **TOL)
    np.testing.assert_allclose(bn.backward(r("dy")), r("eval_dx"), **TOL)
    np.testing.assert_allclose(bn.dgamma, r("eval_dgamma"), **TOL)
    np.testing.assert_allclose(bn.dbeta, r("eval_dbeta"), **TOL)


@pytest.mark.claim("Q4", "LayerNorm matches torch.nn.LayerNorm, batch size 1 included")
@pytest.mark.parametrize("key", ["ln1x6", "ln3x4x6", "ln2x3x4"])
def test_layernorm_matches_pytorch(key):
    r = lambda name: REF[f"{key}_{name}"]  # noqa: E731
    ln = regviz.LayerNorm(r("gamma").shape)
    ln.gamma, ln.beta = r("gamma").copy(), r("beta").copy()
    np.testing.assert_allclose(ln.forward(r("x")), r("y"), **TOL)
    np.testing.assert_allclose(ln.backward(r("dy")), r("dx"), **TOL)
    np.testing.assert_allclose(ln.dgamma, r("dgamma"), **TOL)
    np.testing.assert_allclose(ln.dbeta, r("dbeta"), **TOL)


def test_dropout_p1_matches_pytorch():
    x = np.linspace(-2, 2, 10)
    np.testing.assert_array_equal(regviz.Dropout(1.0, rng=0).forward(x), REF["dropout_p1"])
