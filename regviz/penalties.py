"""Q1: the L1 and L2 penalties, their (sub)gradients, and soft-thresholding.

    l1_penalty(w, lam) = lam * sum |w_i|        l1_grad = lam * sign(w)   (0 at w_i = 0)
    l2_penalty(w, lam) = lam * sum w_i^2        l2_grad = 2 * lam * w

L2's gradient shrinks a weight in proportion to its size, so it slows down near zero and never gets
there; L1's gradient has the same size lam for every non-zero weight, so it pushes small weights all
the way. Gradient steps on |w| oscillate around zero instead of landing on it, which is why the L1
solver uses the proximal step instead: soft_threshold(w, t) = sign(w) * max(|w| - t, 0), the exact
minimiser of 0.5*(v - w)^2 + t*|v|, which sets every |w_i| <= t to exactly 0.
"""
import numpy as np

from . import _checks


def _weights(w):
    return _checks.float_array("w", w)


def l1_penalty(w, lam):
    """lam * sum(|w|) (lasso). w: any shape; returns a scalar."""
    lam = _checks.non_negative("lam", lam)
    return lam * np.abs(_weights(w)).sum()


def l2_penalty(w, lam):
    """lam * sum(w**2) (ridge / weight decay, without the 1/2 some texts put in front)."""
    lam = _checks.non_negative("lam", lam)
    w = _weights(w)
    return lam * np.vdot(w, w) if w.size else lam * w.sum()


def l1_grad(w, lam):
    """lam * sign(w): the subgradient of l1_penalty, taking 0 at w_i = 0 (as torch.sign does)."""
    lam = _checks.non_negative("lam", lam)
    w = _weights(w)
    return (lam * np.sign(w)).astype(w.dtype, copy=False)


def l2_grad(w, lam):
    """2 * lam * w: the gradient of l2_penalty."""
    lam = _checks.non_negative("lam", lam)
    w = _weights(w)
    return (2.0 * lam * w).astype(w.dtype, copy=False)


def soft_threshold(w, t):
    """sign(w) * max(|w| - t, 0): the proximal step of t*|w|; exactly 0 wherever |w| <= t."""
    t = _checks.non_negative("t", t)
    w = _weights(w)
    out = np.abs(w) - w.dtype.type(t)
    np.maximum(out, 0, out=out)
    out *= np.sign(w)
    out += 0.0  # turn -0.0 into +0.0 so zeros print as 0
    return out
