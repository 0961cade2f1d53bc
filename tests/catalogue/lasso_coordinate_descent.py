"""Correct: cyclic coordinate descent, each coordinate's exact minimiser by soft-thresholding."""
import numpy as np


def soft_threshold(w, t):
    return np.where(np.abs(w) > t, w - t * np.sign(w), 0.0)


def lasso(X, y, lam, sweeps=10000):
    n, d = X.shape
    w = np.zeros(d)
    r = y.astype(float).copy()  # residual y - X w
    col = (X ** 2).sum(axis=0) / n
    for _ in range(sweeps):
        biggest = 0.0
        for j in range(d):
            rho = X[:, j] @ r / n + col[j] * w[j]
            new = soft_threshold(rho, lam) / col[j]
            r -= X[:, j] * (new - w[j])
            biggest = max(biggest, abs(new - w[j]))
            w[j] = new
        if biggest < 1e-14:
            break
    return w
