"""The fast paths behind the layers: the same maths as the reference functions in dropout.py and
norm.py, arranged for speed. tests/test_kernels.py proves them equal to those references.

Nothing here checks its arguments: the layers validate once, at the boundary, and call in.

Dropout
-------
The mask costs exactly the random bits it needs. For p = 1/2 that is one bit per element: the
generator's raw 64-bit words ARE the mask, bit-packed (8 elements per byte). Otherwise 8 bits per element
where p is a multiple of 1/256, 16 where it is a multiple of 1/65536 and 32 otherwise (p then rounded to
the nearest multiple of 2**-32), compared with an integer threshold and then bit-packed. The layer keeps
only the packed mask (1/32 of a float32 activation); forward and backward unpack it one cache-sized block
at a time and write x * mask * (1/(1-p)) straight into the output, so nothing as big as x is made twice.

BatchNorm and LayerNorm
-----------------------
Numerics: the kernels compute in the data's dtype (float32 stays float32, as in PyTorch) but never
let a large mean eat the digits of a small spread: each block is shifted by its own rounded mean
before its sums are taken (the corrected two-pass formula), the blocks' statistics are merged in
float64, and x - mean is formed as (x - hi) - lo, where hi is the mean rounded to the dtype (x - hi is
exact for x near the mean) and lo the float64 remainder, applied after scaling. A column sum adds at
most SHORT rows in the dtype before its partial sum goes to float64.

Speed: every pass walks the leading axis in blocks of about NORM_BLOCK elements, so a block and its
scratch buffers stay in cache while a handful of NumPy operations run over them; each input is read from
memory at most twice. The blocks are shared out over THREADS threads (NumPy releases the GIL inside its
loops); each block writes only its own rows and partial sums, merged afterwards in block order, so the
result is the same bit for bit on any number of threads. LayerNorm's statistics live inside a block
(whole rows); BatchNorm's span all blocks, so each block's mean and sum of squared deviations M2 are
merged into the totals with the pairwise update of Chan, Golub and LeVeque (k_a values so far, k_b in
the block, k = k_a + k_b):
    delta = mean_b - mean,   mean += delta * k_b / k,   M2 += M2_b + delta**2 * k_a * k_b / k
which is as exact as the two-pass variance, unlike the cancelling one-pass E[x^2] - E[x]^2.
"""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# --- Dropout: bit-packed masks -----------------------------------------------------------------------

DROPOUT_BLOCK = 1 << 16  # elements per block (a multiple of 8): one block of x, mask and output stays in L2 cache

# bit generators whose random_raw() words carry 64 random bits (MT19937's carry 32; others: use rng.bytes)
_RAW_64 = (np.random.PCG64, np.random.PCG64DXSM, np.random.Philox, np.random.SFC64)


def _bits_for(p):
    """(bits, threshold): draw `bits`-bit integers r and drop where r < threshold, so P(drop) = p."""
    for bits in (1, 8, 16):
        scaled = p * (1 << bits)
        if scaled == int(scaled):
            return bits, int(scaled)
    return 32, round(p * (1 << 32))


def _random_bytes(rng, nbytes):
    """`nbytes` uniform random bytes (uint8) from Generator `rng`, straight from its bit generator."""
    bit_generator = rng.bit_generator
    if isinstance(bit_generator, _RAW_64):
        words = bit_generator.random_raw(-(-nbytes // 8)).astype("<u8", copy=False)  # little-endian bytes
        return words.view(np.uint8)[:nbytes]
    return np.frombuffer(rng.bytes(nbytes), dtype=np.uint8)


def keep_bits(size, p, rng):
    """The keep-mask of `size` elements, bit-packed (np.packbits order 'little'), each bit 1 with probability 1 - p."""
    bits, threshold = _bits_for(p)
    nbytes = -(-size // 8)
    if threshold >= 1 << bits:  # p == 1: everything dropped, no random bits needed
        return np.zeros(nbytes, dtype=np.uint8)
    if bits == 1:  # p == 1/2: every random bit is a fair coin, so the bytes are the packed mask
        packed = _random_bytes(rng, nbytes)
    else:
        dtype = np.dtype(f"uint{bits}")
        raw = _random_bytes(rng, size * dtype.itemsize).view(dtype)  # (size,)
        packed = np.packbits(raw >= dtype.type(threshold), bitorder="little")
    return packed


def keep_all_bits(size):
    """The packed mask that keeps all `size` elements (p = 0)."""
    return np.full(-(-size // 8), 0xFF, dtype=np.uint8)


def unpack(packed, shape):
    """The boolean mask of `shape` stored in `packed` (see keep_bits)."""
    size = int(np.prod(shape, dtype=np.int64))
    return np.unpackbits(packed, count=size, bitorder="little").view(bool).reshape(shape)


def keep_mask(shape, p, rng):
    """A boolean keep-mask of `shape`, True with probability 1 - p, drawn from Generator `rng`."""
    return unpack(keep_bits(int(np.prod(shape, dtype=np.int64)), p, rng), shape)


def apply_mask(x, packed, scale):
    """x * mask * scale as a new array of x's shape and dtype, with the mask unpacked block by block."""
    x = x if x.flags.c_contiguous else np.ascontiguousarray(x)  # (ascontiguousarray alone makes a 0-d x 1-d)
    out = np.empty_like(x)
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)  # views: x and out are contiguous
    fits = scale <= float(np.finfo(x.dtype).max)  # float16 at p near 1: 1/(1-p) is inf there, and 0 * inf is NaN
    scale = x.dtype.type(scale) if fits else float(scale)
    for start in range(0, x.size, DROPOUT_BLOCK):
        stop = min(start + DROPOUT_BLOCK, x.size)
        mask = np.unpackbits(packed[start // 8 : -(-stop // 8)], count=stop - start, bitorder="little").view(bool)
        block = flat_out[start:stop]
        np.multiply(flat_x[start:stop], mask, out=block)  # dropped units are 0
        if fits:
            block *= scale  # in cache: the block was just written
        else:  # scaled in float64: dropped units stay 0, a survivor may overflow to inf (as in PyTorch)
            with np.errstate(over="ignore"):
                block[...] = block.astype(np.float64) * scale
    return out


# --- BatchNorm and LayerNorm: blocked, threaded, in the data's dtype ---------------------------------

NORM_BLOCK = 1 << 17  # elements per block: big enough that a thread rarely waits for the GIL, small enough for L2/L3
SHORT = 64  # rows added in the data's dtype before a column's partial sum goes to float64
THREADS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
PARALLEL_MIN = 1 << 18  # elements: smaller arrays stay on the calling thread (a hand-off costs ~50 us)
_pool = None


def _forget_pool():
    """In a forked child: the parent's pool came along without its threads (fork copies only the calling
    thread), so work handed to it would wait forever; the child makes its own pool when it needs one."""
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _spans(a):
    """([(i, slice)], block shape): a's leading axis cut into blocks of about NORM_BLOCK elements (at least
    one row each), and the shape of the first (largest) block, for the kernels' scratch buffers."""
    n = len(a)
    rows = max(1, NORM_BLOCK // max(a[:1].size, 1))
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


def batch_moments(x):
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


def batch_normalize(x, mean, inv_std, gamma, beta, xhat=None):
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


def batch_grads(dy, xhat, inv_std, gamma, training):
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


def layer_normalize(x, eps, gamma, beta, xhat=None):
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


def layer_grads(dy, xhat, inv_std, gamma):
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
