"""Exercise: the lasso.                                        Grade it:  regviz check practice/lasso.py

    minimise  (1/(2n)) * ||y - X w||^2 + lam * ||w||_1       X: (n, d), y: (n,), w: (d,)

|w| has no derivative at 0: a (sub)gradient step jitters around zero and never lands there. The
proximal step, soft-thresholding, does land on exactly 0, so the answer has exact zeros.

The contract the checker relies on:
  * soft_threshold(w, t) = sign(w) * max(|w| - t, 0), elementwise, for any shape of w and t >= 0;
  * lasso(X, y, lam) returns the minimising w (d,), converged (the checker wants the optimality
    conditions to hold to about 1e-8) and with exact zeros where the optimum has them.
"""
import numpy as np


def soft_threshold(w, t):
    """sign(w) * max(|w| - t, 0): exactly 0 wherever |w| <= t."""
    raise NotImplementedError("write soft_threshold")


def lasso(X, y, lam):
    """The w (d,) that minimises (1/(2n)) * ||y - X w||^2 + lam * ||w||_1."""
    raise NotImplementedError("write lasso")
