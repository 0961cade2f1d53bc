"""Numerical gradients by central differences, to check every backward against.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)

The error is O(h^2) from truncation plus O(eps_machine * |f| / h) from rounding; h = 1e-6 in float64
balances the two at about 1e-10 relative for smooth f, so checks are done in float64.
"""
import numpy as np

from . import _checks


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one."""


def numerical_gradient(f, x, h=1e-6):
    """Gradient of the scalar function f at x (any shape), by central differences, as float64."""
    h = _checks.positive("h", h)
    x = np.array(_checks.float_array("x", x), dtype=np.float64)  # a private copy we perturb in place
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = float(np.sum(f(x)))
        flat[i] = old - h
        f_minus = float(np.sum(f(x)))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_vjp(f, x, dy, h=1e-6):
    """The vector-Jacobian product dy^T (df/dx) for an array-valued f: what a layer's backward(dy) returns.
    dy has the shape of f(x)."""
    x = np.array(_checks.float_array("x", x), dtype=np.float64)
    dy = _checks.float_array("dy", dy).astype(np.float64)
    _checks.same_shape("dy", dy, np.shape(f(x.copy())), "f(x)")
    return numerical_gradient(lambda z: np.vdot(dy, f(z)), x, h)


def gradcheck(f, x, analytic, dy=None, h=1e-6, rtol=1e-5, atol=1e-8):
    """Check `analytic` (an array) against the numerical gradient of f at x; True or GradcheckError.

    Scalar f: analytic is df/dx. Array-valued f: pass dy, and analytic is backward(dy).
    """
    rtol, atol = _checks.non_negative("rtol", rtol), _checks.non_negative("atol", atol)  # finite: inf passes all
    numeric = numerical_gradient(f, x, h) if dy is None else numerical_vjp(f, x, dy, h)
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise GradcheckError(f"analytic gradient has shape {analytic.shape}, expected {numeric.shape}")
    if not np.allclose(analytic, numeric, rtol=rtol, atol=atol):
        i = np.unravel_index(np.argmax(np.abs(analytic - numeric)), numeric.shape)
        raise GradcheckError(
            f"gradients differ: max |analytic - numerical| = {np.abs(analytic - numeric).max():.3g} "
            f"at index {tuple(int(j) for j in i)} (analytic {analytic[i]:.6g}, numerical {numeric[i]:.6g})"
        )
    return True
