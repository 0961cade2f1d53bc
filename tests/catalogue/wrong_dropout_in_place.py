"""Wrong (subtle): forward scales its input in place."""
import numpy as np


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.training = True

    def forward(self, x):
        if not self.training:
            return x
        self.mask = np.random.rand(*x.shape) >= self.p  # keep with probability 1 - p
        x *= self.mask / (1 - self.p)
        return x

    def backward(self, grad_output):
        if not self.training:
            return grad_output
        return grad_output * self.mask / (1 - self.p)
