"""Correct under --convention cs231n: p is the probability of KEEPING a unit (CS231n's assignment)."""
import numpy as np


class Dropout:
    def __init__(self, p=0.5):
        self.p = p  # keep probability
        self.training = True

    def forward(self, x):
        if not self.training:
            return x
        self.mask = (np.random.rand(*x.shape) < self.p) / self.p
        return x * self.mask

    def backward(self, grad_output):
        return grad_output * self.mask if self.training else grad_output
