"""Wrong: the old, non-inverted dropout: no scaling in training, (1-p) at inference."""
import numpy as np


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.training = True

    def forward(self, x):
        if not self.training:
            return x * (1 - self.p)
        self.mask = np.random.rand(*x.shape) >= self.p  # keep with probability 1 - p
        return x * self.mask

    def backward(self, grad_output):
        if not self.training:
            return grad_output
        return grad_output * self.mask
