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

Numerics: the kernels compute in the data's dtype (float32 stays float32, as in PyTorch) but never
let a large mean eat the digits of a small spread: each block is shifted by its own rounded mean
before its sums are taken (the corrected two-pass formula), the blocks' statistics are merged in
float64, and x - mean is formed as (x - hi) - lo, where hi is the mean rounded to the dtype (x - hi is
exact for x near the mean) and lo the float64 remainder, applied after scaling. A column sum adds at
most SHORT rows in the dtype before its partial sum goes to float64.

Speed: every pass walks the leading axis in blocks of about BLOCK elements, so a block and its scratch
buffers stay in cache while a handful of NumPy operations run over them; each input is read from memory
at most twice. The blocks are shared out over THREADS threads (NumPy releases the GIL inside its loops);
each block writes only its own rows and partial sums, merged afterwards in block order, so the result is
the same bit for bit on any number of threads. LayerNorm's statistics live inside a block (whole rows);
BatchNorm's span all blocks, so each block's mean and sum of squared deviations M2 are merged into the
totals with the pairwise update of Chan, Golub and LeVeque (k_a values so far, k_b in the block, k = k_a + k_b):
    delta = mean_b - mean,   mean += delta * k_b / k,   M2 += M2_b + delta**2 * k_a * k_b / k
which is as exact as the two-pass variance, unlike the cancelling one-pass E[x^2] - E[x]^2.
"""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import _checks

BLOCK = 1 << 17  # elements per block: big enough that a thread rarely waits for the GIL, small enough for L2/L3
SHORT = 64  # rows added in the data's dtype before a column's partial sum goes to float64
THREADS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
PARALLEL_MIN = 1 << 18  # elements: smaller arrays stay on the calling thread (a hand-off costs ~50 us)
_pool = None


def _spans(a):
    """([(i, slice)], block shape): a's leading axis cut into blocks of about BLOCK elements (at least
    one row each), and the shape of the first (largest) block, for the kernels' scratch buffers."""
    n = len(a)
    rows = max(1, BLOCK // max(a[:1].size, 1))
    spans = list(enumerate(slice(start, min(start + rows, n)) for start in range(0, n, rows)))
    return spans, (min(rows, n),) + a.shape[1:]


def _parallel(work, spans, size):
    """work(run) for contiguous runs of the spans, one run per thread when the data has `size` >=
    PARALLEL_MIN elements. NumPy releases the GIL inside its loops, so the threads really run at once.
    Each block writes only its own rows and its own partial sums, which are combined afterwards in
    block order: the result is the same, bit for bit, whatever THREADS is and whichever thread wins."""
    global _pool
    threads = min(THREADS, len(spans)) if size >= PARALLEL_MIN else 1
    if threads <= 1:
        work(spans)
        return
    if _pool is None or _pool._max_workers < threads:
        _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="regviz-norm")
    cuts = [len(spans) * t // threads for t in range(threads + 1)]
    for future in [_pool.submit(work, spans[a:b]) for a, b in zip(cuts, cuts[1:])]:
        future.result()  # re-raises a worker's exception


def _column_sum(a):
    """Sums over axis 0 of a block (r, C), as float64: SHORT rows at a time are added in the block's
    dtype (at most SHORT roundings per sum), and those partial sums in float64."""
    return sum(np.add.reduce(a[i : i + SHORT], axis=0).astype(np.float64) for i in range(0, len(a), SHORT))


def _channel_sum(block):
    """Per-channel sums of a BatchNorm block (r, C, L) as float64 (C,)."""
    if block.shape[2] > 1:
        block = np.add.reduce(block, axis=2)  # contiguous: NumPy's pairwise summation
    return _column_sum(block.reshape(block.shape[0], -1))


def _tile(values, block_shape, dtype):
    """Values (C,) repeated to a block (r, C, L) or (r, C). NumPy 2 runs an elementwise operation between
    arrays of one shape up to ten times faster than one that broadcasts a vector over rows, so the
    kernels broadcast once, into a tile, and then work on equal shapes."""
    values = np.asarray(values)
    return np.broadcast_to(values.reshape((1, -1, 1)[: len(block_shape)]), block_shape).astype(dtype, order="C")


def _column(values, dtype):
    """Per-row values (r,) rounded to dtype, as a column (r, 1): broadcast over a row's values, an
    elementwise operation runs as fast as on equal shapes (unlike a row vector broadcast over rows)."""
    return values.astype(dtype)[:, None]


def _negligible(dtype):
    """The largest rounding correction worth skipping: below it, no x-hat moves by more than eps/4."""
    return np.finfo(dtype).eps / 4


def _split(mean, dtype):
    """mean (float64) as a value of the data's dtype plus what rounding to it lost, so that x - mean
    can be formed in that dtype without losing digits: (x - hi) is exact when x is near hi (Sterbenz),
    and the small float64 residual lo is subtracted after scaling."""
    hi = mean.astype(dtype)
    return hi, mean - hi


def _batch_moments(x):
    """(mean, var) per channel of x (N, C, L), float64 (C,): var biased, as PyTorch normalises with.

    Each block: its own mean in x's dtype as a shift s, then d = x - s and the sums S1 = sum(d),
    S2 = sum(d**2); its mean is s + S1/k and its sum of squared deviations M2 = S2 - S1**2/k (the
    corrected two-pass formula: exact to rounding because s is within a rounding of the mean).
    The blocks are merged in order with the pairwise update of Chan, Golub and LeVeque."""
    _, c, length = x.shape
    spans, shape = _spans(x)
    parts = np.empty((len(spans), 3, c))  # per block: shift, S1, S2

    def work(run):
        d, tile = np.empty(shape, x.dtype), np.empty(shape, x.dtype)
        for i, s in run:
            r = s.stop - s.start
            shift = _channel_sum(x[s]) / (r * length)
            np.copyto(tile[:r], shift.reshape(1, -1, 1))  # rounded to x's dtype
            np.subtract(x[s], tile[:r], out=d[:r])
            parts[i] = tile[0, :, 0], _channel_sum(d[:r]), _channel_sum(np.square(d[:r], out=d[:r]))

    _parallel(work, spans, x.size)
    count, mean, m2 = 0, np.zeros(c), np.zeros(c)
    for (_, s), (shift, s1, s2) in zip(spans, parts):
        k = (s.stop - s.start) * length
        mean_b, m2_b = shift + s1 / k, s2 - s1 * s1 / k
        delta = mean_b - mean
        mean += delta * (k / (count + k))
        m2 += m2_b + delta * delta * (count * k / (count + k))  # Chan et al.'s merge
        count += k
    return mean, m2 / count


def _batch_normalize(x, mean, inv_std, gamma, beta, xhat=None):
    """(xhat, y) for x (N, C, L): xhat = (x - mean) * inv_std, y = gamma * xhat + beta, in x's dtype.
    xhat: an array to reuse for x-hat (the previous forward's), or None for a new one."""
    xhat, y = np.empty_like(x) if xhat is None else xhat, np.empty_like(x)
    hi, lo = _split(mean, x.dtype)
    correction = lo * inv_std
    spans, shape = _spans(x)
    hi, inv_std, gamma, beta, correction = (_tile(v, shape, x.dtype) for v in (hi, inv_std, gamma, beta, correction))
    correct = np.abs(correction).max() > _negligible(x.dtype)

    def work(run):
        for _, s in run:
            r = s.stop - s.start
            xh, yb = xhat[s], y[s]
            np.subtract(x[s], hi[:r], out=xh)  # exact for x near the mean, however large the mean
            xh *= inv_std[:r]
            if correct:
                xh -= correction[:r]
            np.multiply(xh, gamma[:r], out=yb)
            yb += beta[:r]

    _parallel(work, spans, x.size)
    return xhat, y


def _batch_grads(dy, xhat, inv_std, gamma, training):
    """(dx, dgamma, dbeta) for BatchNorm on (N, C, L); dgamma, dbeta float64 (C,).

    With dxhat = dy * gamma, constant per channel: mean(dxhat) = gamma * dbeta / m and
    mean(dxhat * xhat) = gamma * dgamma / m, so dx = gamma * inv_std * (dy - dbeta/m - xhat * dgamma/m).
    """
    n, c, length = dy.shape
    spans, shape = _spans(dy)
    parts = np.empty((len(spans), 2, c))  # per block: its share of dbeta and dgamma

    def sums(run):
        product = np.empty(shape, dy.dtype)
        for i, s in run:
            r = s.stop - s.start
            parts[i] = _channel_sum(dy[s]), _channel_sum(np.multiply(dy[s], xhat[s], out=product[:r]))

    _parallel(sums, spans, dy.size)
    dbeta, dgamma = parts.sum(axis=0)  # block order: deterministic
    dx = np.empty_like(dy)
    scale = gamma * inv_std  # (C,)
    if training:  # in eval dx needs no sums: mean and var are constants
        m = n * length  # values per channel
        through_mean = _tile(scale * dbeta / m, shape, dy.dtype)  # the gradient through the batch mean
        through_var = _tile(scale * dgamma / m, shape, dy.dtype)  # ... and through the batch variance
    scale = _tile(scale, shape, dy.dtype)

    def grads(run):
        direct = np.empty(shape, dy.dtype)
        for _, s in run:
            r = s.stop - s.start
            dxb = dx[s]
            if not training:  # eval: mean and var are constants, so dx is the naive dy * gamma * inv_std
                np.multiply(dy[s], scale[:r], out=dxb)
                continue
            np.multiply(dy[s], scale[:r], out=direct[:r])
            np.multiply(xhat[s], through_var[:r], out=dxb)
            dxb += through_mean[:r]
            np.subtract(direct[:r], dxb, out=dxb)

    _parallel(grads, spans, dy.size)
    return dx, dgamma, dbeta


def _layer_normalize(x, eps, gamma, beta, xhat=None):
    """(xhat, y, inv_std) for rows x (R, D): each row standardised over its D values, inv_std (R,) float64.
    xhat: an array to reuse for x-hat (the previous forward's), or None for a new one."""
    d = x.shape[1]
    xhat, y, inv_std = np.empty_like(x) if xhat is None else xhat, np.empty_like(x), np.empty(len(x))
    spans, shape = _spans(x)
    gamma, beta = _tile(gamma, shape, x.dtype), _tile(beta, shape, x.dtype)

    def work(run):
        for _, s in run:
            r = s.stop - s.start
            xb, xh, yb = x[s], xhat[s], y[s]
            hi = np.add.reduce(xb, axis=1) / x.dtype.type(d)  # each row's mean, rounded to x's dtype
            np.subtract(xb, hi[:, None], out=xh)  # exact for x near the mean, however large the mean
            s1 = np.add.reduce(xh, axis=1).astype(np.float64)  # pairwise along the row: ~log2(D) roundings
            s2 = np.add.reduce(np.square(xh, out=yb), axis=1).astype(np.float64)  # y's rows as scratch
            lo = s1 / d  # what the rounded mean missed
            inv = 1.0 / np.sqrt(s2 / d - lo * lo + eps)  # variance biased, like PyTorch
            inv_std[s] = inv
            xh *= _column(inv, x.dtype)
            correction = lo * inv
            needed = np.abs(correction) > _negligible(x.dtype)  # decided row by row: a row never depends on the others
            if needed.any():
                xh -= _column(np.where(needed, correction, 0), x.dtype)  # x - 0 is x, bit for bit
            np.multiply(xh, gamma[:r], out=yb)
            yb += beta[:r]

    _parallel(work, spans, x.size)
    return xhat, y, inv_std


def _layer_grads(dy, xhat, inv_std, gamma):
    """(dx, dgamma, dbeta) for rows (R, D): dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))."""
    d = dy.shape[1]
    dx = np.empty_like(dy)
    spans, shape = _spans(dy)
    parts = np.empty((len(spans), 2, d))  # per block: its share of dbeta and dgamma
    gamma = _tile(gamma, shape, dy.dtype)

    def work(run):
        dxhat = np.empty(shape, dy.dtype)
        for i, s in run:
            r = s.stop - s.start
            dyb, xhb, dxb, dxh = dy[s], xhat[s], dx[s], dxhat[:r]
            prod = dxb  # dx's rows as scratch until dx is written
            parts[i, 0] = _column_sum(dyb)
            parts[i, 1] = _column_sum(np.multiply(dyb, xhb, out=prod))
            np.multiply(dyb, gamma[:r], out=dxh)
            mean_dxhat = np.add.reduce(dxh, axis=1).astype(np.float64) / d
            mean_dxhat_xhat = np.add.reduce(np.multiply(prod, gamma[:r], out=prod), axis=1).astype(np.float64) / d
            inv = inv_std[s]
            dxh *= _column(inv, dy.dtype)  # inv_std * dxhat
            np.multiply(xhb, _column(inv * mean_dxhat_xhat, dy.dtype), out=dxb)
            dxb += _column(inv * mean_dxhat, dy.dtype)
            np.subtract(dxh, dxb, out=dxb)

    _parallel(work, spans, dy.size)
    dbeta, dgamma = parts.sum(axis=0)  # block order: deterministic
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

    @staticmethod
    def _work_dtype(x):
        """float32 and float64 are computed in their own dtype; other floats (float16, longdouble) in float64."""
        return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)

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
        x3 = self._work_dtype(x).reshape(len(x), self.num_features, -1)  # (N, C, L), L = 1 for 2-D input
        if self.training:
            m = x.size // self.num_features  # values per channel
            if m < 2:
                raise ValueError(
                    f"x must have more than 1 value per channel in training mode (the batch variance of one value "
                    f"is 0), got shape {x.shape}; use eval() or a larger batch"
                )
            mean, var = _batch_moments(x3)
            inv_std = 1.0 / np.sqrt(var + self.eps)
            # running stats use the UNBIASED variance (m / (m - 1)), as PyTorch does
            mom = self.momentum
            self.running_mean = (1 - mom) * self.running_mean + mom * mean
            self.running_var = (1 - mom) * self.running_var + mom * var * (m / (m - 1))
        else:
            mean, inv_std = self.running_mean, 1.0 / np.sqrt(self.running_var + self.eps)
        xhat, y = _batch_normalize(x3, mean, inv_std, self.gamma, self.beta, self._reusable(x3))
        self._cache = (xhat, inv_std, self.training, x.shape)
        return y.reshape(x.shape).astype(x.dtype, copy=False)

    def backward(self, dy):
        """dx (shape of x); stores dgamma, dbeta (C,). Through the batch statistics in training mode."""
        dy = self._upstream(dy)
        xhat, inv_std, training, _ = self._cache
        dx, dgamma, dbeta = _batch_grads(self._work_dtype(dy).reshape(xhat.shape), xhat, inv_std, self.gamma, training)
        self.dgamma, self.dbeta = dgamma.astype(dy.dtype), dbeta.astype(dy.dtype)
        return dx.reshape(dy.shape).astype(dy.dtype, copy=False)

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
        rows = self._work_dtype(x).reshape(-1, self.gamma.size)  # (R, D): every leading index is a sample
        xhat, y, inv_std = _layer_normalize(rows, self.eps, self.gamma.reshape(-1), self.beta.reshape(-1),
                                            self._reusable(rows))
        self._cache = (xhat, inv_std, x.shape)
        return y.reshape(x.shape).astype(x.dtype, copy=False)

    def backward(self, dy):
        """dx (shape of x); stores dgamma, dbeta (normalized_shape)."""
        dy = self._upstream(dy)
        xhat, inv_std, _ = self._cache
        rows = self._work_dtype(dy).reshape(xhat.shape)
        dx, dgamma, dbeta = _layer_grads(rows, xhat, inv_std, self.gamma.reshape(-1))
        self.dgamma = dgamma.reshape(self.normalized_shape).astype(dy.dtype)
        self.dbeta = dbeta.reshape(self.normalized_shape).astype(dy.dtype)
        return dx.reshape(dy.shape).astype(dy.dtype, copy=False)

    def __repr__(self):
        return f"LayerNorm({self.normalized_shape}, eps={self.eps})"
