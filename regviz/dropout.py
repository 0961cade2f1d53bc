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

Speed: the mask is drawn as raw random bits, 8 per element where p is a multiple of 1/256, 16 where it
is a multiple of 1/65536 and 32 otherwise (p then rounded to the nearest multiple of 2**-32), and
compared with an integer threshold: one pass over cheap integers instead of a float per element.
"""
import numpy as np

from . import _checks


def _bits_for(p):
    """(dtype, threshold): draw `dtype` integers r and drop where r < threshold, so P(drop) = p."""
    for dtype, bits in ((np.uint8, 8), (np.uint16, 16)):
        scaled = p * (1 << bits)
        if scaled == int(scaled):
            return dtype, int(scaled)
    return np.uint32, round(p * (1 << 32))


def keep_mask(shape, p, rng):
    """A boolean keep-mask of `shape`, True with probability 1 - p, drawn from Generator `rng`."""
    dtype, threshold = _bits_for(p)
    size = int(np.prod(shape, dtype=np.int64))
    itemsize = np.dtype(dtype).itemsize
    if threshold >= 1 << (8 * itemsize):  # p == 1: everything dropped, no bits needed
        return np.zeros(shape, dtype=bool)
    raw = np.frombuffer(rng.bytes(size * itemsize), dtype=dtype)
    return (raw >= dtype(threshold)).reshape(shape)


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
        self.mask = None  # (x.shape) bool: True where kept, from the last training forward
        self._cache = None  # (shape, training, scale) of the last forward, for backward

    def train(self, mode=True):
        self.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)

    @property
    def scale(self):
        """1/(1-p) for the survivors; 0 when p = 1 (nothing survives, and nothing is divided by 0)."""
        return 0.0 if self.p == 1.0 else 1.0 / (1.0 - self.p)

    def forward(self, x):
        x = _checks.float_array("x", x)
        if not self.training or self.p == 0.0:
            # identity: no mask, no scaling (p = 0 keeps every unit; eval turns dropout off)
            self.mask = np.ones(x.shape, dtype=bool) if self.training else self.mask
            self._cache = (x.shape, self.training, 1.0)
            return x.copy()
        self.mask = keep_mask(x.shape, self.p, self.rng)
        scale = self.scale
        self._cache = (x.shape, True, scale)
        out = np.multiply(x, self.mask, dtype=x.dtype)  # (x.shape), dropped units are 0
        out *= x.dtype.type(scale)
        return out

    def backward(self, dy):
        """dx = dy * mask / (1 - p) with the forward's mask; dy unchanged after an eval forward."""
        if self._cache is None:
            raise _checks.CallOrderError("Dropout.backward() called before forward(): there is no mask to reuse yet")
        shape, training, scale = self._cache
        dy = _checks.same_shape("dy", _checks.float_array("dy", dy), shape, "the forward input")
        if not training or scale == 1.0:
            return dy.copy()
        dx = np.multiply(dy, self.mask, dtype=dy.dtype)
        dx *= dy.dtype.type(scale)
        return dx

    __call__ = forward

    def __repr__(self):
        return f"Dropout(p={self.p}, training={self.training})"
