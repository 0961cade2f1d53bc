"""Wrong: minimises (1/2) ||y - X w||^2 + lam ||w||_1, without the 1/n."""
import numpy as np


def soft_threshold(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def lasso(X, y, lam, iters=5000):
    n, d = X.shape
    lr = 1 / np.linalg.norm(X, 2) ** 2
    w = np.zeros(d)
    for _ in range(iters):
        grad = X.T @ (X @ w - y)
        w_new = soft_threshold(w - lr * grad, lr * lam)
        if np.max(np.abs(w_new - w)) < 1e-13:
            return w_new
        w = w_new
    return w
