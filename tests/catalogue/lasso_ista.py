"""Correct: ISTA, a gradient step then soft-thresholding, until no weight moves."""
import numpy as np


def soft_threshold(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def lasso(X, y, lam, iters=5000):
    n, d = X.shape
    lr = n / np.linalg.norm(X, 2) ** 2  # 1/L, L = largest eigenvalue of X^T X / n
    w = np.zeros(d)
    for _ in range(iters):
        grad = X.T @ (X @ w - y) / n
        w_new = soft_threshold(w - lr * grad, lr * lam)
        if np.max(np.abs(w_new - w)) < 1e-13:
            return w_new
        w = w_new
    return w
