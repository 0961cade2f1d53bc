"""Exercise: layer normalisation, forward and backward.    Grade it:  regviz check practice/layernorm.py

    y = gamma * (x - mean) / sqrt(var + eps) + beta,  mean and (biased) var over the LAST axis,
    one per sample: batch size 1 works, and train and eval are the same.
Backward: the gradient also flows through each sample's mean and variance.

The contract the checker relies on:
  * x has shape (N, num_features), N = 1 included; gamma and beta have shape (num_features,) and
    the checker may set them itself;
  * backward(grad_output) returns dx (x's shape) and sets self.dgamma and self.dbeta.
"""
import numpy as np


class LayerNorm:
    def __init__(self, num_features, eps=1e-5):
        self.eps = eps
        self.gamma = np.ones(num_features)
        self.beta = np.zeros(num_features)

    def forward(self, x):
        """y (N, num_features)."""
        raise NotImplementedError("write forward")

    def backward(self, grad_output):
        """dx (N, num_features); sets self.dgamma and self.dbeta (num_features,)."""
        raise NotImplementedError("write backward")
