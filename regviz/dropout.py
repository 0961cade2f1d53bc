"""Q2 + Q5: inverted dropout, forward and backward.

Training:   y = x * mask / (1 - p),  mask_i ~ Bernoulli(1 - p)     (p = probability of DROPPING)
Inference:  y = x                                                  (no mask, no scaling)

Scaling the survivors by 1/(1-p) at training time keeps E[y_i] = (1-p) * x_i / (1-p) = x_i, so the
network needs no change at inference (the old, non-inverted dropout scaled by (1-p) at test time).
Backward is the same linear map: dx = dy * mask / (1 - p), with the *same* mask the forward drew;
dropped units get no gradient.

Conventions (interview traps): p is the drop probability as in torch.nn.Dropout (CS231n's code uses
the keep probability); p = 1 drops everything and returns zeros (the textbook x*mask/(1-p) would
divide by zero); masks come from an explicit numpy Generator, so a seed fixes them.

Speed: the mask costs exactly the random bits it needs. For p = 1/2 that is one bit per element: the
generator's raw 64-bit words ARE the mask, bit-packed (8 elements per byte). Otherwise 8 bits per element
where p is a multiple of 1/256, 16 where it is a multiple of 1/65536 and 32 otherwise (p then rounded to
the nearest multiple of 2**-32), compared with an integer threshold and then bit-packed. The layer keeps
only the packed mask (1/32 of a float32 activation); forward and backward unpack it one cache-sized block
at a time and write x * mask * (1/(1-p)) straight into the output, so nothing as big as x is made twice.
"""
import numpy as np

from . import _checks

BLOCK = 1 << 16  # elements per block (a multiple of 8): one block of x, mask and output stays in L2 cache

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


def unpack(packed, shape):
    """The boolean mask of `shape` stored in `packed` (see keep_bits)."""
    size = int(np.prod(shape, dtype=np.int64))
    return np.unpackbits(packed, count=size, bitorder="little").view(bool).reshape(shape)


def keep_mask(shape, p, rng):
    """A boolean keep-mask of `shape`, True with probability 1 - p, drawn from Generator `rng`."""
    return unpack(keep_bits(int(np.prod(shape, dtype=np.int64)), p, rng), shape)


def apply_mask(x, packed, scale):
    """x * mask * scale as a new array of x's shape and dtype, with the mask unpacked block by block."""
    x = np.ascontiguousarray(x)
    out = np.empty_like(x)
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)  # views: x and out are contiguous
    scale = x.dtype.type(scale)
    for start in range(0, x.size, BLOCK):
        stop = min(start + BLOCK, x.size)
        mask = np.unpackbits(packed[start // 8 : -(-stop // 8)], count=stop - start, bitorder="little").view(bool)
        block = flat_out[start:stop]
        np.multiply(flat_x[start:stop], mask, out=block)  # dropped units are 0
        block *= scale  # in cache: the block was just written
    return out


class Dropout:
    """Inverted dropout with PyTorch's semantics (torch.nn.Dropout).

    p: probability of dropping a unit, in [0, 1] (default 0.5).
    rng: a numpy.random.Generator, an int seed, or None for fresh entropy.
    x: any shape; float32 stays float32, ints become float64.
    """

    def __init__(self, p=0.5, rng=None):
        self.p = _checks.probability("p", p)
        self.rng = _checks.rng(rng)
        self.training = True
        self._keep_bits = None  # the last training forward's mask, bit-packed (see keep_bits)
        self._mask_shape = None  # (x.shape) of that forward
        self._cache = None  # (shape, training, scale) of the last forward, for backward

    def train(self, mode=True):
        self.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)

    @property
    def mask(self):
        """(x.shape) bool, True where kept, from the last training forward (None before one)."""
        return None if self._keep_bits is None else unpack(self._keep_bits, self._mask_shape)

    @property
    def scale(self):
        """1/(1-p) for the survivors; 0 when p = 1 (nothing survives, and nothing is divided by 0)."""
        return 0.0 if self.p == 1.0 else 1.0 / (1.0 - self.p)

    def forward(self, x):
        x = _checks.float_array("x", x)
        if not self.training or self.p == 0.0:
            # identity: no mask, no scaling (p = 0 keeps every unit; eval turns dropout off)
            if self.training:
                self._keep_bits, self._mask_shape = np.full(-(-x.size // 8), 0xFF, dtype=np.uint8), x.shape
            self._cache = (x.shape, self.training, 1.0)
            return x.copy()
        self._keep_bits, self._mask_shape = keep_bits(x.size, self.p, self.rng), x.shape
        self._cache = (x.shape, True, self.scale)
        return apply_mask(x, self._keep_bits, self.scale)  # (x.shape), dropped units are 0

    def backward(self, dy):
        """dx = dy * mask / (1 - p) with the forward's mask; dy unchanged after an eval forward."""
        if self._cache is None:
            raise _checks.CallOrderError("Dropout.backward() called before forward(): there is no mask to reuse yet")
        shape, training, scale = self._cache
        dy = _checks.same_shape("dy", _checks.float_array("dy", dy), shape, "the forward input")
        if not training or scale == 1.0:
            return dy.copy()
        return apply_mask(dy, self._keep_bits, scale)

    __call__ = forward

    def __repr__(self):
        return f"Dropout(p={self.p}, training={self.training})"
