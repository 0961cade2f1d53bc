"""Wrong: backward draws a fresh mask."""
import numpy as np


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.training = True

    def forward(self, x):
        if not self.training:
            return x
        self.mask = np.random.rand(*x.shape) >= self.p  # keep with probability 1 - p
        return x * self.mask / (1 - self.p)

    def backward(self, grad_output):
        if not self.training:
            return grad_output
        mask = np.random.rand(*grad_output.shape) >= self.p
        return grad_output * mask / (1 - self.p)
