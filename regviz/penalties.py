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


_weights_and_lam = _checks.validated(w=_checks.float_array, lam=_checks.non_negative)


@_weights_and_lam
def l1_penalty(w, lam):
    """lam * sum(|w|) (lasso). w: any shape; returns a scalar."""
    return lam * np.abs(w).sum()


@_weights_and_lam
def l2_penalty(w, lam):
    """lam * sum(w**2) (ridge / weight decay, without the 1/2 some texts put in front)."""
    return lam * np.vdot(w, w) if w.size else lam * w.sum()


@_weights_and_lam
def l1_grad(w, lam):
    """lam * sign(w): the subgradient of l1_penalty, taking 0 at w_i = 0 (as torch.sign does)."""
    return lam * np.sign(w)


@_weights_and_lam
def l2_grad(w, lam):
    """2 * lam * w: the gradient of l2_penalty."""
    return 2 * lam * w


@_checks.validated(w=_checks.float_array, t=_checks.non_negative)
def soft_threshold(w, t):
    """sign(w) * max(|w| - t, 0): the proximal step of t*|w|, exactly 0 wherever |w| <= t.

    w: any shape, its dtype kept (float32 stays float32); t >= 0. Never returns -0.0.
    """
    out = np.sign(w) * np.maximum(np.abs(w) - t, 0)  # shrink |w| by t, stop at 0
    return out + 0.0  # -0.0 + 0.0 is 0.0: zeros print as 0, never as -0
