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

Speed: every pass walks the leading axis in blocks of about BLOCK elements, copied into float64 buffers
that are reused and so stay in cache: the float64 work makes no float64 array as big as x, and each
input is read from memory at most twice. LayerNorm's statistics live inside a block (whole rows);
BatchNorm's span all blocks, so each block's mean and sum of squared deviations M2 are merged into the
totals with the pairwise update of Chan, Golub and LeVeque (k_a values so far, k_b in the block, k = k_a + k_b):
    delta = mean_b - mean,   mean += delta * k_b / k,   M2 += M2_b + delta**2 * k_a * k_b / k
which is as exact as the two-pass variance, unlike the cancelling one-pass E[x^2] - E[x]^2.
"""
import numpy as np

from . import _checks

BLOCK = 1 << 15  # elements per block: a float64 block buffer (256 KiB) and its neighbours stay in L2 cache


def _blocks(*arrays):
    """Yield (rows, a, b, ...): a slice of the leading axis holding about BLOCK elements, and float64
    copies of each array's rows in buffers reused from block to block."""
    n, row_size = len(arrays[0]), arrays[0][:1].size
    rows = max(1, BLOCK // max(row_size, 1))
    buffers = [np.empty((min(rows, n),) + a.shape[1:]) for a in arrays]
    for start in range(0, n, rows):
        s = slice(start, min(start + rows, n))
        blocks = [buffer[: s.stop - s.start] for buffer in buffers]
        for block, a in zip(blocks, arrays):
            np.copyto(block, a[s])
        yield (s, *blocks)


def _sum(a, axes):
    return np.add.reduce(a, axis=axes, keepdims=True)


def _batch_moments(x, axes):
    """(mean, var) per channel of x (N, C) or (N, C, L) over `axes`, float64, shaped (1, C) or (1, C, 1)."""
    per_sample = x[:1].size // x.shape[1]  # values of a channel in one sample: 1 or L
    count, mean, m2 = 0, 0.0, 0.0
    for _, xb in _blocks(x):
        k = len(xb) * per_sample  # values per channel in this block
        mean_b = _sum(xb, axes) / k  # (1, C) or (1, C, 1)
        xb -= mean_b
        m2_b = _sum(np.square(xb, out=xb), axes)
        delta = mean_b - mean
        mean = mean + delta * (k / (count + k))
        m2 = m2 + m2_b + np.square(delta) * (count * k / (count + k))  # Chan et al.'s merge
        count += k
    return mean, m2 / count  # biased variance, like PyTorch's normalisation


def _batch_normalize(x, mean, inv_std, gamma, beta):
    """(xhat, y): xhat = (x - mean) * inv_std rounded to x's dtype, y = gamma * xhat + beta."""
    xhat, y = np.empty_like(x), np.empty_like(x)
    for s, xb in _blocks(x):
        xb -= mean  # float64: no cancellation when the mean is large and the spread small
        xb *= inv_std
        xhat[s] = xb
        np.multiply(xhat[s], gamma, out=y[s])
        y[s] += beta
    return xhat, y


def _batch_grads(dy, xhat, inv_std, gamma, axes, training):
    """(dx, dgamma, dbeta) for BatchNorm; dgamma, dbeta (1, C) or (1, C, 1) in float64.

    With dxhat = dy * gamma, constant per channel: mean(dxhat) = gamma * dbeta / m and
    mean(dxhat * xhat) = gamma * dgamma / m, so dx = gamma * inv_std * (dy - dbeta/m - xhat * dgamma/m).
    """
    dbeta, dgamma = 0.0, 0.0
    for _, dyb, xhb in _blocks(dy, xhat):
        dbeta = dbeta + _sum(dyb, axes)
        dgamma = dgamma + _sum(np.multiply(dyb, xhb, out=xhb), axes)
    dx = np.empty_like(dy)
    scale = gamma * inv_std  # (1, C) or (1, C, 1)
    if not training:  # eval: the running statistics are constants
        for s, dyb in _blocks(dy):
            dyb *= scale
            dx[s] = dyb
        return dx, dgamma, dbeta
    m = dy.size // dy.shape[1]  # values per channel
    for s, dyb, xhb in _blocks(dy, xhat):
        dyb -= dbeta / m  # the gradient through the batch mean
        xhb *= dgamma / m  # ... and through the batch variance
        dyb -= xhb
        dyb *= scale
        dx[s] = dyb
    return dx, dgamma, dbeta


def _layer_normalize(x, eps, gamma, beta):
    """(xhat, y, inv_std) for rows x (R, D): each row standardised over its D values, inv_std (R, 1)."""
    d = x.shape[1]
    xhat, y = np.empty_like(x), np.empty_like(x)
    inv_std = np.empty((len(x), 1))
    for s, xb in _blocks(x):
        xb -= _sum(xb, 1) / d  # (r, 1) row means, subtracted in float64
        var = np.einsum("ij,ij->i", xb, xb) / d  # (r,) biased, like PyTorch
        inv_std[s, 0] = 1.0 / np.sqrt(var + eps)
        xb *= inv_std[s]
        xhat[s] = xb
        np.multiply(xhat[s], gamma, out=y[s])
        y[s] += beta
    return xhat, y, inv_std


def _layer_grads(dy, xhat, inv_std, gamma):
    """(dx, dgamma, dbeta) for rows (R, D): dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))."""
    d = dy.shape[1]
    dx = np.empty_like(dy)
    dgamma, dbeta = np.zeros(d), np.zeros(d)
    for s, dyb, xhb in _blocks(dy, xhat):
        dbeta += np.add.reduce(dyb, axis=0)  # (D,)
        dgamma += np.einsum("ij,ij->j", dyb, xhb)  # (D,)
        dyb *= gamma  # dxhat
        mean_dxhat = _sum(dyb, 1) / d  # (r, 1)
        mean_dxhat_xhat = np.einsum("ij,ij->i", dyb, xhb)[:, None] / d  # (r, 1)
        xhb *= mean_dxhat_xhat
        dyb -= mean_dxhat
        dyb -= xhb
        dyb *= inv_std[s]
        dx[s] = dyb
    return dx, dgamma, dbeta


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

    def _params(self, dtype, shape):
        """gamma and beta in the data's dtype, shaped to broadcast against it."""
        return self.gamma.astype(dtype).reshape(shape), self.beta.astype(dtype).reshape(shape)

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
        gamma, beta = self._params(x.dtype, param_shape)
        if self.training:
            m = x.size // self.num_features  # values per channel
            if m < 2:
                raise ValueError(
                    f"x must have more than 1 value per channel in training mode (the batch variance of one value "
                    f"is 0), got shape {x.shape}; use eval() or a larger batch"
                )
            mean, var = _batch_moments(x, axes)
            inv_std = 1.0 / np.sqrt(var + self.eps)
            # running stats use the UNBIASED variance (m / (m - 1)), as PyTorch does
            mom = self.momentum
            self.running_mean = (1 - mom) * self.running_mean + mom * mean.reshape(-1)
            self.running_var = (1 - mom) * self.running_var + mom * var.reshape(-1) * (m / (m - 1))
        else:
            mean = self.running_mean.reshape(param_shape)
            inv_std = 1.0 / np.sqrt(self.running_var.reshape(param_shape) + self.eps)
        xhat, y = _batch_normalize(x, mean, inv_std, gamma, beta)
        self._cache = (xhat, inv_std, axes, param_shape, self.training)
        return y

    def backward(self, dy):
        """dx (shape of x); stores dgamma, dbeta (C,). Through the batch statistics in training mode."""
        dy = self._upstream(dy)
        xhat, inv_std, axes, param_shape, training = self._cache
        dx, dgamma, dbeta = _batch_grads(dy, xhat, inv_std, self.gamma.reshape(param_shape), axes, training)
        self.dgamma, self.dbeta = dgamma.reshape(-1).astype(dy.dtype), dbeta.reshape(-1).astype(dy.dtype)
        return dx

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
        rows = x.reshape(-1, self.gamma.size)  # (R, D): every leading index is a sample
        gamma, beta = self._params(x.dtype, -1)
        xhat, y, inv_std = _layer_normalize(rows, self.eps, gamma, beta)
        self._cache = (xhat.reshape(x.shape), inv_std)
        return y.reshape(x.shape)

    def backward(self, dy):
        """dx (shape of x); stores dgamma, dbeta (normalized_shape)."""
        dy = self._upstream(dy)
        xhat, inv_std = self._cache
        d = self.gamma.size
        dx, dgamma, dbeta = _layer_grads(dy.reshape(-1, d), xhat.reshape(-1, d), inv_std, self.gamma.reshape(-1))
        self.dgamma = dgamma.reshape(self.normalized_shape).astype(dy.dtype)
        self.dbeta = dbeta.reshape(self.normalized_shape).astype(dy.dtype)
        return dx.reshape(dy.shape)

    def __repr__(self):
        return f"LayerNorm({self.normalized_shape}, eps={self.eps})"
