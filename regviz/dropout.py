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

dropout_forward and dropout_backward are the reference: the code to write on a whiteboard. The
Dropout layer computes the same map with the fast kernels of regviz._kernels (a bit-packed mask that
costs one random bit per element at p = 1/2, applied block by block); tests/test_kernels.py proves
the two equal.
"""
import numpy as np

from . import _checks, _kernels


def _mask_fits(dy, mask, p):
    """dropout_backward's mask: None (forward was the identity) or forward's bool array, dy's shape."""
    if mask is None:
        return
    if not isinstance(mask, np.ndarray) or mask.dtype != bool:
        raise TypeError(f"mask must be the bool array dropout_forward returned (or None), got {mask!r:.60}")
    _checks.same_shape("dy", dy, mask.shape, "the mask")


@_checks.validated(x=_checks.float_array, p=_checks.probability, rng=_checks.rng)
def dropout_forward(x, p, rng, training=True):
    """Inverted dropout of x (any shape): returns (y, mask), both of x's shape.

    p: the probability of DROPPING a unit, as in torch.nn.Dropout (CS231n's p is the probability of
    keeping one). rng: a numpy.random.Generator (or an int seed): the same seed draws the same mask.
    Training: mask is True where a unit is kept and y = x * mask / (1 - p), so E[y] = x; p = 1 drops
    every unit and returns zeros, as PyTorch does. Inference (training=False) or p = 0: dropout is
    off, y is x itself and mask is None (there is nothing to remember for backward).
    """
    if not training or p == 0:
        return x, None  # the identity: no mask, no scaling
    mask = rng.random(x.shape) > p  # keep each unit with probability 1 - p
    if p == 1:
        return np.zeros_like(x), mask  # all dropped, as PyTorch: x * mask / 0 is NaN
    return x * mask / (1 - p), mask  # survivors scaled up, so E[y] = x


@_checks.validated(_mask_fits, dy=_checks.float_array, p=_checks.probability)
def dropout_backward(dy, mask, p):
    """dx (dy's shape) for y = dropout_forward(x, p, ...)[0], given that call's mask and p.

    The forward is the linear map x -> x * mask / (1 - p), so backward is the same map applied to dy,
    with the SAME mask (drawing a new one is the classic bug). mask None: forward was the identity.
    """
    if mask is None:
        return dy  # forward was the identity (inference, or p = 0)
    if p == 1:
        return np.zeros_like(dy)  # nothing was kept, so no gradient flows back
    return dy * mask / (1 - p)  # the SAME mask and scale as forward


class Dropout:
    """Inverted dropout with PyTorch's semantics (torch.nn.Dropout).

    p: probability of dropping a unit, in [0, 1] (default 0.5).
    rng: a numpy.random.Generator, an int seed, or None for fresh entropy.
    x: any shape; float32 stays float32, ints become float64.

    The same map as dropout_forward / dropout_backward, computed by regviz._kernels: the mask is drawn
    from the generator's raw bits and kept bit-packed, so for one seed it is a different (equally
    Bernoulli(1 - p)) mask from the one dropout_forward draws.
    """

    PARAMS = ()  # nothing learned

    def __init__(self, p=0.5, rng=None):
        self.p = _checks.probability("p", p)
        self.rng = _checks.rng("rng", rng)
        self.training = True
        self._keep_bits = None  # the last training forward's mask, bit-packed (see _kernels.keep_bits)
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
        return None if self._keep_bits is None else _kernels.unpack(self._keep_bits, self._mask_shape)

    @property
    def scale(self):
        """1/(1-p) for the survivors; 0 when p = 1 (nothing survives, and nothing is divided by 0)."""
        return 0.0 if self.p == 1.0 else 1.0 / (1.0 - self.p)

    def forward(self, x):
        x = _checks.float_array("x", x)
        if not self.training or self.p == 0.0:
            # identity: no mask, no scaling (p = 0 keeps every unit; eval turns dropout off)
            if self.training:
                self._keep_bits, self._mask_shape = _kernels.keep_all_bits(x.size), x.shape
            self._cache = (x.shape, self.training, 1.0)
            return x.copy()
        self._keep_bits, self._mask_shape = _kernels.keep_bits(x.size, self.p, self.rng), x.shape
        self._cache = (x.shape, True, self.scale)
        return _kernels.apply_mask(x, self._keep_bits, self.scale)  # (x.shape), dropped units are 0

    def backward(self, dy):
        """dx = dy * mask / (1 - p) with the forward's mask; dy unchanged after an eval forward."""
        if self._cache is None:
            raise _checks.CallOrderError("Dropout.backward() called before forward(): there is no mask to reuse yet")
        shape, training, scale = self._cache
        dy = _checks.same_shape("dy", _checks.float_array("dy", dy), shape, "the forward input")
        if not training or scale == 1.0:
            return dy.copy()
        return _kernels.apply_mask(dy, self._keep_bits, scale)

    __call__ = forward

    def __repr__(self):
        return f"Dropout(p={self.p}, training={self.training})"
