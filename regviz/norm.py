"""Q3 + Q4: BatchNorm and LayerNorm, forward and backward, with PyTorch's semantics.

Both compute  y = gamma * xhat + beta,  xhat = (x - mean) / sqrt(var + eps),  var biased (divide by m).
They differ only in the axes the statistics run over:
    BatchNorm  (N, C) or (N, C, L): over the batch (and length), one mean/var per feature C;
    LayerNorm  (..., *normalized_shape): over the trailing features, one mean/var per sample.
So a BatchNorm output depends on the other samples in the batch (in training), a LayerNorm output never.

BatchNorm at training time also tracks running statistics for inference:
    running = (1 - momentum) * running + momentum * batch_stat,   momentum = 0.1 by default,
with the *unbiased* batch variance (var * m / (m - 1)) for running_var, as PyTorch does. Interview
traps: the textbook snippet writes 0.9*running + 0.1*batch (CS231n and numpy-ml call 0.9 the
momentum, PyTorch calls 0.1 the momentum) and feeds it the biased variance. In eval mode the running
statistics replace the batch's, so a sample's output no longer depends on the rest of the batch.

Backward through the batch statistics (m values per statistic, xhat and std = sqrt(var + eps) cached
by forward). With d mean / dx_i = 1/m and d std / dx_i = (x_i - mean) / (m * std) = xhat_i / m,
    d xhat_j / d x_i = (delta_ij - 1/m - xhat_i * xhat_j / m) / std,   so with dxhat = dy * gamma:
    dx    = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std         (means over the m values)
The two mean terms are the gradient flowing through `mean` and `var`; dropping them gives the naive
(wrong) gradient dy * gamma / std, which is right only in eval mode, where mean and var are constants.
    dgamma = sum(dy * xhat), dbeta = sum(dy), summed over every axis except the parameters' own.

batchnorm_forward/backward and layernorm_forward/backward are the reference: these formulas as
a strong candidate writes them on a whiteboard, for x (N, C) and for rows (..., D). The BatchNorm and
LayerNorm layers compute the same maps with the blocked, threaded kernels of regviz._kernels (the
data's dtype, float64 merging, a rounding-safe mean); tests/test_kernels.py proves them equal.
"""
import numpy as np

from . import _checks, _kernels


def _one_per_feature(x, **arguments):
    """gamma, beta (and the running statistics) hold one value per feature: x's last axis."""
    for name in ("gamma", "beta", "running_mean", "running_var"):
        if name in arguments:
            _checks.same_shape(name, arguments[name], x.shape[-1:], "x's feature axis")


def _enough_values(shape, m):
    """Training BatchNorm needs two values per channel: the batch variance of one value is 0."""
    if m < 2:
        raise ValueError(
            f"x must have more than 1 value per channel in training mode (the batch variance of one value "
            f"is 0), got shape {shape}; use eval() or a larger batch"
        )


def _batch_in_training(x, training, **_):
    if training:
        _enough_values(x.shape, len(x))


def _dy_fits(dy, cache):
    _checks.same_shape("dy", dy, cache[0].shape, "the forward output")


@_checks.validated(
    _one_per_feature, _batch_in_training,
    x=_checks.float_array_of((2,), "2-D (N, C)"), gamma=_checks.float_array, beta=_checks.float_array,
    running_mean=_checks.float_buffer, running_var=_checks.float_buffer,
    momentum=_checks.probability, eps=_checks.positive,
)
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True,
                      momentum=0.1, eps=1e-5):
    """BatchNorm of x (N, C) over the batch: returns y (N, C) and the cache for backward.

    gamma, beta, running_mean, running_var: (C,). Training: normalise with the batch's mean and
    biased variance and update running_mean, running_var IN PLACE (N >= 2). Eval (training=False):
    normalise with the running statistics, which stay as they are. For (N, C, L) input, move L
    next to N and reshape to (N * L, C): the statistics run over both.
    """
    if training:
        mean = x.mean(axis=0)  # (C,)
        var = x.var(axis=0)  # (C,) biased: divide by N, as the normalisation does
        n = len(x)
        # momentum weights the NEW batch (CS231n's 0.9 weights the old one)
        running_mean[:] = (1 - momentum) * running_mean + momentum * mean
        # the running variance is UNBIASED (times N / (N - 1)), as PyTorch's is
        running_var[:] = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var  # (C,) fixed: samples no longer interact
    std = np.sqrt(var + eps)  # (C,)
    xhat = (x - mean) / std  # (N, C)
    return gamma * xhat + beta, (xhat, gamma, std, training)


@_checks.validated(_dy_fits, dy=_checks.float_array)
def batchnorm_backward(dy, cache):
    """(dx (N, C), dgamma (C,), dbeta (C,)) for dy (N, C) and batchnorm_forward's cache.

    Training: dx flows through the batch mean and variance too (see the module docstring).
    Eval: mean and var were constants, so dx = dy * gamma / std, the plain affine map's gradient.
    """
    xhat, gamma, std, training = cache
    dbeta = dy.sum(axis=0)  # (C,)
    dgamma = (dy * xhat).sum(axis=0)  # (C,)
    dxhat = dy * gamma  # (N, C)
    if not training:
        return dxhat / std, dgamma, dbeta  # mean and var were constants
    mean_dxhat = dxhat.mean(axis=0)  # (C,) the gradient through the mean
    mean_dxhat_xhat = (dxhat * xhat).mean(axis=0)  # (C,) ... and through the variance
    dx = (dxhat - mean_dxhat - xhat * mean_dxhat_xhat) / std  # (N, C)
    return dx, dgamma, dbeta


@_checks.validated(
    _one_per_feature,
    x=_checks.float_array_of(range(1, 33), "at least 1-D (..., D)"),
    gamma=_checks.float_array, beta=_checks.float_array, eps=_checks.positive,
)
def layernorm_forward(x, gamma, beta, eps=1e-5):
    """LayerNorm of x (..., D) over its last axis: returns y (..., D) and the cache for backward.

    gamma, beta: (D,). Every leading index is a sample, normalised alone: any batch size, 1 included,
    and the same in training and eval (there are no running statistics).
    """
    mean = x.mean(axis=-1, keepdims=True)  # (..., 1) one mean per sample
    var = x.var(axis=-1, keepdims=True)  # (..., 1) biased, as PyTorch
    std = np.sqrt(var + eps)  # (..., 1)
    xhat = (x - mean) / std  # (..., D)
    return gamma * xhat + beta, (xhat, gamma, std)


@_checks.validated(_dy_fits, dy=_checks.float_array)
def layernorm_backward(dy, cache):
    """(dx (..., D), dgamma (D,), dbeta (D,)) for dy (..., D) and layernorm_forward's cache.

    BatchNorm's formula with the roles of the axes swapped: the means run over a sample's features.
    """
    xhat, gamma, std = cache
    samples = tuple(range(dy.ndim - 1))  # every axis but the features'
    dbeta = dy.sum(axis=samples)  # (D,)
    dgamma = (dy * xhat).sum(axis=samples)  # (D,)
    dxhat = dy * gamma  # (..., D)
    mean_dxhat = dxhat.mean(axis=-1, keepdims=True)  # (..., 1)
    mean_dxhat_xhat = (dxhat * xhat).mean(axis=-1, keepdims=True)  # (..., 1)
    dx = (dxhat - mean_dxhat - xhat * mean_dxhat_xhat) / std  # (..., D)
    return dx, dgamma, dbeta


class _Norm:
    """The part BatchNorm and LayerNorm share: parameters, modes, and the forward -> backward cache."""

    PARAMS = ("gamma", "beta")  # learned; backward stores their gradients as dgamma, dbeta

    def __init__(self, shape, eps):
        self.eps = _checks.positive("eps", eps)
        self.gamma = np.ones(shape)
        self.beta = np.zeros(shape)
        self.dgamma = None
        self.dbeta = None
        self.training = True
        self._cache = None

    def train(self, mode=True):
        self.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)

    @staticmethod
    def _work_dtype(x):
        """float32 and float64 are computed in their own dtype; other floats (float16, longdouble) in float64."""
        return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)

    def _contiguous(self, x):
        """x in its working dtype and in C order: the kernels walk rows in blocks, and a Fortran-ordered x
        would make every block a strided gather (20-40 times slower); one copy up front costs far less."""
        return np.ascontiguousarray(self._work_dtype(x))

    def _reusable(self, x):
        """The last forward's x-hat buffer when it fits x: a training loop's repeated forwards then write
        into memory they already own (a fresh array costs a page fault per 4 KiB on first write)."""
        xhat = self._cache[0] if self._cache is not None else None
        return xhat if xhat is not None and xhat.shape == x.shape and xhat.dtype == x.dtype else None

    def _upstream(self, dy):
        if self._cache is None:
            raise _checks.CallOrderError(f"{type(self).__name__}.backward() called before forward()")
        shape = self._cache[-1]  # the forward output's
        return _checks.same_shape("dy", _checks.float_array("dy", dy), shape, "the forward output")

    def __call__(self, x):
        return self.forward(x)


class BatchNorm(_Norm):
    """torch.nn.BatchNorm1d(num_features, eps, momentum) in NumPy.

    x: (N, C) or (N, C, L). gamma, beta, running_mean, running_var: (C,).
    momentum weights the NEW batch: running = (1 - momentum) * running + momentum * batch.
    batchnorm_forward/backward's maps, computed by regviz._kernels in the data's dtype.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.num_features = _checks.positive_int("num_features", num_features)
        super().__init__(self.num_features, eps)
        self.momentum = _checks.probability("momentum", momentum)
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)

    def _check_input(self, x):
        x = _checks.ndim_in("x", _checks.float_array("x", x), (2, 3), "2-D (N, C) or 3-D (N, C, L)")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"x must have {self.num_features} features in dim 1 (BatchNorm(num_features={self.num_features})), "
                f"got shape {x.shape}"
            )
        if x.size == 0:
            raise ValueError(f"x must hold at least one value per channel, got an empty array of shape {x.shape}")
        return x

    def forward(self, x):
        x = self._check_input(x)
        x3 = self._contiguous(x).reshape(len(x), self.num_features, -1)  # (N, C, L), L = 1 for 2-D input
        if self.training:
            m = x.size // self.num_features  # values per channel
            _enough_values(x.shape, m)
            mean, var = _kernels.batch_moments(x3)
            inv_std = 1.0 / np.sqrt(var + self.eps)
            # running stats use the UNBIASED variance (m / (m - 1)), as PyTorch does
            mom = self.momentum
            self.running_mean = (1 - mom) * self.running_mean + mom * mean
            self.running_var = (1 - mom) * self.running_var + mom * var * (m / (m - 1))
        else:
            mean, inv_std = self.running_mean, 1.0 / np.sqrt(self.running_var + self.eps)
        xhat, y = _kernels.batch_normalize(x3, mean, inv_std, self.gamma, self.beta, self._reusable(x3))
        self._cache = (xhat, inv_std, self.training, x.shape)
        return y.reshape(x.shape).astype(x.dtype, copy=False)

    def backward(self, dy):
        """dx (shape of x); stores dgamma, dbeta (C,). Through the batch statistics in training mode."""
        dy = self._upstream(dy)
        xhat, inv_std, training, _ = self._cache
        rows = self._contiguous(dy).reshape(xhat.shape)  # (N, C, L)
        dx, dgamma, dbeta = _kernels.batch_grads(rows, xhat, inv_std, self.gamma, training)
        self.dgamma, self.dbeta = dgamma.astype(dy.dtype), dbeta.astype(dy.dtype)
        return dx.reshape(dy.shape).astype(dy.dtype, copy=False)

    def __repr__(self):
        return f"BatchNorm({self.num_features}, eps={self.eps}, momentum={self.momentum}, training={self.training})"


class LayerNorm(_Norm):
    """torch.nn.LayerNorm(normalized_shape, eps) in NumPy (elementwise affine on).

    normalized_shape: int or tuple, the trailing dims normalised together; gamma, beta have that shape.
    x: (..., *normalized_shape), any leading dims, batch size 1 included. Same in train and eval.
    layernorm_forward/backward's maps (over all of normalized_shape), computed by regviz._kernels.
    """

    def __init__(self, normalized_shape, eps=1e-5):
        shape = (normalized_shape,) if not isinstance(normalized_shape, (tuple, list)) else tuple(normalized_shape)
        if not shape:
            raise ValueError("normalized_shape must name at least one dim, got ()")
        for dim in shape:
            _checks.positive_int("normalized_shape", dim)
        self.normalized_shape = tuple(int(d) for d in shape)
        super().__init__(self.normalized_shape, eps)

    def forward(self, x):
        x = _checks.float_array("x", x)
        k = len(self.normalized_shape)
        if x.ndim <= k - 1 or x.shape[x.ndim - k :] != self.normalized_shape:
            raise ValueError(
                f"x must end with the normalized_shape {self.normalized_shape} (LayerNorm), got shape {x.shape}"
            )
        rows = self._contiguous(x).reshape(-1, self.gamma.size)  # (R, D): every leading index is a sample
        xhat, y, inv_std = _kernels.layer_normalize(rows, self.eps, self.gamma.reshape(-1),
                                                    self.beta.reshape(-1), self._reusable(rows))
        self._cache = (xhat, inv_std, x.shape)
        return y.reshape(x.shape).astype(x.dtype, copy=False)

    def backward(self, dy):
        """dx (shape of x); stores dgamma, dbeta (normalized_shape)."""
        dy = self._upstream(dy)
        xhat, inv_std, _ = self._cache
        rows = self._contiguous(dy).reshape(xhat.shape)
        dx, dgamma, dbeta = _kernels.layer_grads(rows, xhat, inv_std, self.gamma.reshape(-1))
        self.dgamma = dgamma.reshape(self.normalized_shape).astype(dy.dtype)
        self.dbeta = dbeta.reshape(self.normalized_shape).astype(dy.dtype)
        return dx.reshape(dy.shape).astype(dy.dtype, copy=False)

    def __repr__(self):
        return f"LayerNorm({self.normalized_shape}, eps={self.eps})"
