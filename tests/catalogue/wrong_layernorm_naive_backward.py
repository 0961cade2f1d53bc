"""Wrong: backward ignores the gradient through each sample's mean and variance."""
import numpy as np


class LayerNorm:
    def __init__(self, num_features, eps=1e-5):
        self.eps = eps
        self.gamma, self.beta = np.ones(num_features), np.zeros(num_features)

    def forward(self, x):
        mu = np.mean(x, axis=-1, keepdims=True)
        sigma2 = np.mean((x - mu) ** 2, axis=-1, keepdims=True)
        self.inv = 1.0 / np.sqrt(sigma2 + self.eps)
        self.xhat = (x - mu) * self.inv
        return self.xhat * self.gamma + self.beta

    def backward(self, grad_output):
        self.dbeta = np.sum(grad_output, axis=0)
        self.dgamma = np.einsum("nd,nd->d", grad_output, self.xhat)
        g = grad_output * self.gamma
        d = g.shape[-1]
        return g * self.inv
