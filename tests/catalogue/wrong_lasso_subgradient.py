"""Wrong: subgradient descent on lam * |w|: small weights jitter around 0."""
import numpy as np


def soft_threshold(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def lasso(X, y, lam, iters=5000):
    n, d = X.shape
    lr = n / np.linalg.norm(X, 2) ** 2  # 1/L, L = largest eigenvalue of X^T X / n
    w = np.zeros(d)
    for _ in range(iters):
        grad = X.T @ (X @ w - y) / n
        w_new = w - lr * (grad + lam * np.sign(w))
        if np.max(np.abs(w_new - w)) < 1e-13:
            return w_new
        w = w_new
    return w
