"""Correct: its own Generator (the rng argument), the mask drawn with rng.binomial, eval()/train() methods."""
import numpy as np


class Dropout:
    def __init__(self, p=0.5, rng=None):
        self.p = p
        self.rng = rng if rng is not None else np.random.default_rng()
        self.training = True

    def train(self, mode=True):
        self.training = mode

    def eval(self):
        self.training = False

    def forward(self, x):
        if not self.training or self.p == 0:
            self.scale = None
            return x.copy()
        keep = self.rng.binomial(1, 1 - self.p, size=x.shape)
        self.scale = np.where(keep == 1, 1 / (1 - self.p), 0.0) if self.p < 1 else np.zeros(x.shape)
        return x * self.scale

    def backward(self, grad_output):
        return grad_output.copy() if self.scale is None else grad_output * self.scale
