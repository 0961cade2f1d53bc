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

Backward through the batch statistics (m values per statistic, xhat and inv_std cached by forward):
    dxhat = dy * gamma
    dx    = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))       (means over the m values)
The two mean terms are the gradient flowing through `mean` and `var`; dropping them gives the naive
(wrong) gradient dy * gamma * inv_std, which is right only in eval mode, where mean and var are constants.
    dgamma = sum(dy * xhat), dbeta = sum(dy), summed over every axis except the parameters' own.

Numerics: statistics are accumulated in float64 and x - mean is formed in float64 before rounding,
so inputs with a large mean (1e3) and small spread keep their precision; float32 in, float32 out.
"""
import numpy as np

from . import _checks


def _standardize(x, axes, eps):
    """(xhat, inv_std, mean, var) with statistics over `axes` (kept as size-1 dims)."""
    mean = x.mean(axis=axes, dtype=np.float64, keepdims=True)
    xc = x - mean  # float64: no cancellation when the mean is large and the spread small
    var = np.mean(np.square(xc), axis=axes, keepdims=True)  # biased, like PyTorch's normalisation
    inv_std = 1.0 / np.sqrt(var + eps)
    xc *= inv_std
    return xc.astype(x.dtype, copy=False), inv_std, mean, var


def _grad_through_stats(dxhat, xhat, inv_std, axes):
    """dx for xhat = (x - mean) * inv_std with mean and var computed from x over `axes`."""
    mean_dxhat = dxhat.mean(axis=axes, dtype=np.float64, keepdims=True)
    mean_dxhat_xhat = np.mean(dxhat * xhat, axis=axes, dtype=np.float64, keepdims=True)
    dx = dxhat - mean_dxhat - xhat * mean_dxhat_xhat
    dx *= inv_std
    return dx.astype(xhat.dtype, copy=False)


class _Norm:
    """The part BatchNorm and LayerNorm share: parameters, modes, and the forward -> backward cache."""

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

    def _affine(self, xhat, shape):
        dtype = xhat.dtype.type
        out = xhat * self.gamma.reshape(shape).astype(dtype)
        out += self.beta.reshape(shape).astype(dtype)
        return out

    def _upstream(self, dy):
        if self._cache is None:
            raise _checks.CallOrderError(f"{type(self).__name__}.backward() called before forward()")
        xhat = self._cache[0]
        return _checks.same_shape("dy", _checks.float_array("dy", dy), xhat.shape, "the forward output")

    def __call__(self, x):
        return self.forward(x)


class BatchNorm(_Norm):
    """torch.nn.BatchNorm1d(num_features, eps, momentum) in NumPy.

    x: (N, C) or (N, C, L). gamma, beta, running_mean, running_var: (C,).
    momentum weights the NEW batch: running = (1 - momentum) * running + momentum * batch.
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
        return x

    def forward(self, x):
        x = self._check_input(x)
        axes = (0, 2) if x.ndim == 3 else (0,)
        param_shape = (1, -1, 1) if x.ndim == 3 else (1, -1)  # broadcast (C,) over the batch
        if self.training:
            m = x.size // self.num_features  # values per channel
            if m < 2:
                raise ValueError(
                    f"x must have more than 1 value per channel in training mode (the batch variance of one value "
                    f"is 0), got shape {x.shape}; use eval() or a larger batch"
                )
            xhat, inv_std, mean, var = _standardize(x, axes, self.eps)
            # running stats use the UNBIASED variance (m / (m - 1)), as PyTorch does
            mom = self.momentum
            self.running_mean = (1 - mom) * self.running_mean + mom * mean.reshape(-1)
            self.running_var = (1 - mom) * self.running_var + mom * var.reshape(-1) * (m / (m - 1))
        else:
            inv_std = 1.0 / np.sqrt(self.running_var.reshape(param_shape) + self.eps)
            xhat = ((x - self.running_mean.reshape(param_shape)) * inv_std).astype(x.dtype, copy=False)
        self._cache = (xhat, inv_std, axes, param_shape, self.training)
        return self._affine(xhat, param_shape)

    def backward(self, dy):
        """dx (shape of x); stores dgamma, dbeta (C,). Through the batch statistics in training mode."""
        dy = self._upstream(dy)
        xhat, inv_std, axes, param_shape, training = self._cache
        self.dbeta = dy.sum(axis=axes, dtype=np.float64).astype(dy.dtype)
        self.dgamma = np.sum(dy * xhat, axis=axes, dtype=np.float64).astype(dy.dtype)
        dxhat = dy * self.gamma.reshape(param_shape).astype(dy.dtype)
        if training:
            return _grad_through_stats(dxhat, xhat, inv_std, axes)
        return (dxhat * inv_std).astype(dy.dtype, copy=False)  # eval: running stats are constants

    def __repr__(self):
        return f"BatchNorm({self.num_features}, eps={self.eps}, momentum={self.momentum}, training={self.training})"


class LayerNorm(_Norm):
    """torch.nn.LayerNorm(normalized_shape, eps) in NumPy (elementwise affine on).

    normalized_shape: int or tuple, the trailing dims normalised together; gamma, beta have that shape.
    x: (..., *normalized_shape), any leading dims, batch size 1 included. Same in train and eval.
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
        axes = tuple(range(x.ndim - k, x.ndim))
        xhat, inv_std, _, _ = _standardize(x, axes, self.eps)
        self._cache = (xhat, inv_std, axes)
        return self._affine(xhat, self.normalized_shape)

    def backward(self, dy):
        """dx (shape of x); stores dgamma, dbeta (normalized_shape)."""
        dy = self._upstream(dy)
        xhat, inv_std, axes = self._cache
        batch_axes = tuple(range(dy.ndim - len(axes)))
        self.dbeta = dy.sum(axis=batch_axes, dtype=np.float64).astype(dy.dtype)
        self.dgamma = np.sum(dy * xhat, axis=batch_axes, dtype=np.float64).astype(dy.dtype)
        dxhat = dy * self.gamma.astype(dy.dtype)
        return _grad_through_stats(dxhat, xhat, inv_std, axes)

    def __repr__(self):
        return f"LayerNorm({self.normalized_shape}, eps={self.eps})"
