"""Q1: L1- and L2-penalised least squares, and the regularization path.

    minimise  f(w) + g(w),   f(w) = (1/(2n)) * ||y - X w||^2 (+ lam*||w||^2 for L2),   g(w) = lam*||w||_1 for L1

Both penalties run through one proximal-gradient loop (FISTA, Beck & Teboulle 2009, with the
adaptive restart of O'Donoghue & Candes 2015). A step is
    w+ = prox_{t g}(v - t * grad f(v))
with t = 1/L and L the largest eigenvalue of the Hessian of f: X^T X / n (+ 2*lam for L2). For L1 the
prox is soft_threshold(., t*lam), so coefficients land on exactly 0; for L2, g = 0 and the step is a
plain (accelerated) gradient step. `accelerate=False` gives ISTA / plain gradient descent.

lasso_step and ridge_step are the reference: one such step written out on X itself, as on a
whiteboard. fit runs the same steps (with t = 1/L, momentum unless accelerate=False) on the Gram
form below, so the optimum fit finds is a fixed point of lasso_step / ridge_step for any lr > 0.

The loop works with the Gram matrix G = X^T X / n (d x d) and c = X^T y / n, so one iteration costs
one d x d product whatever n is: grad f(w) = G w - c (+ 2*lam*w), and the data term of the objective
is 0.5 w^T G w - c^T w + ||y||^2 / (2n).
"""
import warnings
from dataclasses import dataclass

import numpy as np

from . import _checks
from .penalties import l1_grad, l1_penalty, l2_grad, l2_penalty, soft_threshold

PENALTIES = ("l1", "l2")


@dataclass(frozen=True)
class FitResult:
    """w: (d,) final weights; path: (k, d) weights after each recorded step (row 0 = the start);
    loss: (k,) objective at those weights; steps: iterations run; converged: whether the step fell
    below tol times the largest |w| before `steps` ran out."""

    w: np.ndarray
    path: np.ndarray
    loss: np.ndarray
    steps: int
    converged: bool


def _step_shapes(w, X, y, **_):
    """lasso_step/ridge_step: y has one value per row of X, w one per column."""
    _checks.same_shape("y", y, X.shape[:1], "X's rows")
    _checks.same_shape("w", w, X.shape[1:], "X's columns")


_step_arguments = _checks.validated(
    _step_shapes, w=_checks.float_array, X=_checks.float_array_of((2,), "2-D (n_samples, n_features)"),
    y=_checks.float_array, lam=_checks.non_negative, lr=_checks.positive,
)


@_step_arguments
def lasso_step(w, X, y, lam, lr):
    """One proximal-gradient (ISTA) step for the lasso: the new w (d,).

    Minimises (1/(2n)) * ||y - X w||^2 + lam * ||w||_1 for X (n, d), y (n,): a gradient step of size
    lr on the smooth squared loss, then the proximal step of the L1 term, soft_threshold(., lr * lam),
    which sets every small weight to exactly 0. lr <= 1/L (L: the largest eigenvalue of X^T X / n)
    makes every step decrease the objective; fit(penalty="l1") takes these steps with lr = 1/L.
    """
    grad = X.T @ (X @ w - y) / len(y)  # (d,) gradient of (1/(2n)) * ||y - X w||^2
    return soft_threshold(w - lr * grad, lr * lam)  # L1's proximal step: exact zeros


@_step_arguments
def ridge_step(w, X, y, lam, lr):
    """One gradient step for ridge: the new w (d,).

    Minimises (1/(2n)) * ||y - X w||^2 + lam * ||w||^2 for X (n, d), y (n,); smooth, so a plain
    gradient step, no proximal step. fit(penalty="l2") takes these steps with lr = 1/(L + 2 lam).
    """
    grad = X.T @ (X @ w - y) / len(y) + 2 * lam * w  # (d,) loss + penalty gradients
    return w - lr * grad


def _problem(X, y):
    X = _checks.finite("X", _checks.ndim_in("X", _checks.float_array("X", X), (2,), "2-D (n_samples, n_features)"))
    y = _checks.finite("y", _checks.ndim_in("y", _checks.float_array("y", y), (1,), "1-D (n_samples,)"))
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of samples, got X {X.shape} and y {y.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one sample and one feature, got shape {X.shape}")
    dtype = np.result_type(X.dtype, y.dtype)  # what the results are returned in (float32 stays float32)
    X = X.astype(np.float64, copy=False)  # ... but the solver works in float64
    y = y.astype(np.float64, copy=False)
    n = X.shape[0]
    G = X.T @ X / n  # (d, d)
    c = X.T @ y / n  # (d,)
    return G, c, float(y @ y) / (2 * n), dtype


def _objective(G, c, yy, penalty, lam, w):
    data = 0.5 * w @ G @ w - c @ w + yy
    return data + (l1_penalty(w, lam) if penalty == "l1" else l2_penalty(w, lam))


def _solve(G, c, yy, penalty, lam, w0, steps, tol, accelerate, record):
    d = c.shape[0]
    # L/2, L = eig_max(G) + 2*lam (L2's Hessian folded into f): halved, as 2*lam overflows for lam near 1.8e308
    half_L = 0.5 * float(np.linalg.eigvalsh(G)[-1]) + (lam if penalty == "l2" else 0.0)
    if half_L <= 0:  # X == 0: the optimum is w = 0
        half_L = 0.5
    t = 0.5 / half_L  # 1/L
    decay = lam / half_L if penalty == "l2" else 0.0  # t * 2*lam, L2's shrinking of w in a step: in [0, 1]
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    v, momentum = w.copy(), 1.0
    path = [w.copy()] if record else []
    converged = False
    it = 0
    for it in range(1, steps + 1):
        w_new = v - t * (G @ v - c) - decay * v  # a gradient step on f: the data term, then L2's part
        if penalty == "l1":
            w_new = soft_threshold(w_new, t * lam)
        step = w_new - w
        if record:
            path.append(w_new)
        if accelerate:
            if (v - w_new) @ step > 0:  # adaptive restart: momentum points uphill, drop it
                momentum = 1.0
            m_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * momentum**2))
            v = w_new + ((momentum - 1.0) / m_next) * step
            momentum = m_next
        else:
            v = w_new
        w = w_new
        if np.max(np.abs(step)) <= tol * np.max(np.abs(w)):  # relative: y in any units converges alike
            converged = True
            break
    if not record:
        path = [w]
    return w, np.array(path), it, converged


def fit(X, y, penalty="l1", lam=0.1, steps=10_000, tol=1e-12, *, accelerate=True, w0=None):
    """Minimise (1/(2n))*||y - X w||^2 + penalty(w, lam) by proximal gradient descent.

    X: (n, d), y: (n,) finite real data (no intercept: centre the data first if you need one).
    penalty: "l1" (lasso; soft-thresholding gives exact zeros) or "l2" (ridge).
    lam: the penalty strength, >= 0, in the same units as the losses above (lam*sum|w|, lam*sum w^2).
    steps: the most iterations; tol: stop when no weight moves more than tol times the largest |weight|
    in a step (relative, so y in any units converges to the same relative accuracy).
    accelerate: FISTA with restart (default) or ISTA / plain gradient descent.
    With accelerate=False every step is lasso_step (L1) or ridge_step (L2) with lr = 1/L, computed
    from the Gram matrix X^T X / n instead of X (the same maths, one d x d product per step).
    Returns a FitResult with .w (d,), .path (k, d), .loss (k,), .steps, .converged.
    """
    penalty = _checks.choice("penalty", penalty, PENALTIES)
    lam = _checks.non_negative("lam", lam)
    steps = _checks.positive_int("steps", steps)
    tol = _checks.non_negative("tol", tol)
    G, c, yy, dtype = _problem(X, y)
    if w0 is not None:
        w0 = _checks.same_shape("w0", _checks.finite("w0", _checks.float_array("w0", w0)), c.shape, "(n_features,)")
    w, path, it, converged = _solve(G, c, yy, penalty, lam, w0, steps, tol, accelerate, record=True)
    loss = np.array([_objective(G, c, yy, penalty, lam, p) for p in path])
    return FitResult(w=w.astype(dtype), path=path.astype(dtype), loss=loss.astype(dtype), steps=it, converged=converged)


def objective(X, y, w, penalty="l1", lam=0.1):
    """The objective fit minimises: (1/(2n))*||y - X w||^2 + penalty(w, lam)."""
    penalty = _checks.choice("penalty", penalty, PENALTIES)
    lam = _checks.non_negative("lam", lam)
    G, c, yy, _ = _problem(X, y)
    w = _checks.same_shape("w", _checks.float_array("w", w), c.shape, "(n_features,)")
    return _objective(G, c, yy, penalty, lam, w.astype(np.float64))


def objective_grad(X, y, w, penalty="l1", lam=0.1):
    """Its (sub)gradient: X^T (X w - y) / n + l1_grad or l2_grad (lam * sign(w), 0 at w_i = 0, for L1)."""
    penalty = _checks.choice("penalty", penalty, PENALTIES)
    lam = _checks.non_negative("lam", lam)
    G, c, _, _ = _problem(X, y)
    w = _checks.same_shape("w", _checks.float_array("w", w), c.shape, "(n_features,)").astype(np.float64)
    return G @ w - c + (l1_grad(w, lam) if penalty == "l1" else l2_grad(w, lam))


def lam_max(X, y):
    """The smallest L1 lam whose lasso solution is all zeros: max |X^T y| / n."""
    _, c, _, _ = _problem(X, y)
    return float(np.max(np.abs(c)))


def regularization_path(X, y, penalty="l1", lams=None, steps=10_000, tol=1e-12):
    """Optimal weights for each lam: an array (len(lams), d), row i solving fit(X, y, penalty, lams[i]).

    Solved from the largest lam down, each warm-started from the previous solution (for L1 the
    solution at large lam is all zeros, so the first solves are nearly free). Default lams: 50 values
    log-spaced from lam_max(X, y) down to lam_max/1000. A ConvergenceWarning names the lams whose
    fit did not converge within `steps` (their rows are the last iterate).
    """
    penalty = _checks.choice("penalty", penalty, PENALTIES)
    steps = _checks.positive_int("steps", steps)
    tol = _checks.non_negative("tol", tol)
    G, c, yy, dtype = _problem(X, y)
    if lams is None:
        top = float(np.max(np.abs(c))) or 1.0
        lams = np.geomspace(top, top / 1000, 50)
    lams = _checks.finite("lams", _checks.ndim_in("lams", _checks.float_array("lams", lams), (1,), "1-D"))
    if (lams < 0).any():
        raise ValueError(f"lams must all be >= 0, got {lams[lams < 0][0]}")
    out = np.empty((lams.size, c.size))
    w, unconverged = None, []
    for i in np.argsort(-lams, kind="stable"):
        w, _, _, converged = _solve(G, c, yy, penalty, float(lams[i]), w, steps, tol, True, record=False)
        out[i] = w
        if not converged:
            unconverged.append(float(lams[i]))
    if unconverged:
        shown = ", ".join(f"{lam:.3g}" for lam in unconverged[:5]) + (", ..." if len(unconverged) > 5 else "")
        warnings.warn(f"regularization_path: {len(unconverged)} of {lams.size} fits did not converge in {steps} "
                      f"steps (lam = {shown}); raise steps or tol", _checks.ConvergenceWarning, stacklevel=2)
    return out.astype(dtype, copy=False)
