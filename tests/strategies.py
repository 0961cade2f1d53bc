"""Hypothesis strategies: small, finite, valid data (Hypothesis is designed for small data)."""
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

float_dtypes = st.sampled_from([np.float32, np.float64])
seeds = st.integers(0, 2**32 - 1)


def probabilities(max_value=1.0):
    """Drop probabilities p in [0, max_value]."""
    return st.floats(0.0, max_value, allow_nan=False)


def activations(dtype=np.float64, max_dims=3, max_side=6):
    """Arrays of any small shape with bounded finite values, like a layer's activations."""
    return hnp.arrays(
        dtype,
        hnp.array_shapes(min_dims=1, max_dims=max_dims, max_side=max_side),
        elements=st.floats(-10, 10, allow_nan=False, width=np.finfo(dtype).bits),
    )


def _spread(x, axes):
    return x.var(axis=axes, dtype=np.float64)


@st.composite
def batches(draw, min_n=2, max_n=8, max_c=5, with_length=None, dtype=np.float64, min_var=1e-2):
    """BatchNorm inputs (N, C) or (N, C, L) whose every channel has variance >= min_var (>> eps)."""
    three_d = draw(st.booleans()) if with_length is None else with_length
    n = draw(st.integers(min_n, max_n))
    c = draw(st.integers(1, max_c))
    shape = (n, c, draw(st.integers(1, 4))) if three_d else (n, c)
    x = draw(hnp.arrays(dtype, shape, elements=st.floats(-10, 10, width=np.finfo(dtype).bits)))
    axes = (0, 2) if three_d else (0,)
    # shift by a drawn per-channel offset so that not every batch is centred at 0
    x = x + draw(hnp.arrays(dtype, (1, c, 1) if three_d else (1, c), elements=st.floats(-100, 100, width=32)))
    assume(np.all(_spread(x, axes) >= min_var))
    return x


@st.composite
def samples(draw, max_batch=5, max_features=6, dtype=np.float64, min_var=1e-2):
    """LayerNorm inputs (B, D), batch size 1 included, each row with variance >= min_var."""
    b = draw(st.integers(1, max_batch))
    d = draw(st.integers(2, max_features))
    x = draw(hnp.arrays(dtype, (b, d), elements=st.floats(-10, 10, width=np.finfo(dtype).bits)))
    assume(np.all(x.var(axis=1) >= min_var))
    return x


@st.composite
def regression_problems(draw, min_n=20, max_n=60, max_d=6, orthonormal=False):
    """A well-conditioned least-squares problem (X (n, d), y (n,)) from a seed.

    Gaussian designs with n >= 3d have X^T X / n well conditioned (singular values of X/sqrt(n) stay
    in about [1 - sqrt(d/n), 1 + sqrt(d/n)]); orthonormal designs have X^T X / n = I exactly.
    """
    seed = draw(seeds)
    d = draw(st.integers(1, max_d))
    n = draw(st.integers(max(min_n, 3 * d), max_n))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    if orthonormal:
        q, _ = np.linalg.qr(X)
        X = q * np.sqrt(n)  # columns orthogonal with X^T X / n = I
    w_true = rng.standard_normal(d) * (rng.random(d) < 0.6)
    y = X @ w_true + 0.3 * rng.standard_normal(n)
    return X, y
