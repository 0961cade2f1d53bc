"""Wrong: soft_threshold without the max(., 0): small weights change sign."""
import numpy as np


def soft_threshold(w, t):
    return w - t * np.sign(w)


def lasso(X, y, lam, iters=5000):
    n, d = X.shape
    lr = n / np.linalg.norm(X, 2) ** 2  # 1/L, L = largest eigenvalue of X^T X / n
    w = np.zeros(d)
    for _ in range(iters):
        grad = X.T @ (X @ w - y) / n
        v = w - lr * grad
        w_new = np.sign(v) * np.maximum(np.abs(v) - lr * lam, 0.0)
        if np.max(np.abs(w_new - w)) < 1e-13:
            return w_new
        w = w_new
    return w
