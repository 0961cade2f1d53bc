"""Exercise: inverted dropout, forward and backward.      Grade it:  regviz check practice/dropout.py

Training:   y = x * mask / (1 - p),  each mask entry kept with probability 1 - p
Inference:  y = x  (no mask, no scaling)
Backward:   dx = dy * mask / (1 - p), with the SAME mask forward drew.

The contract the checker relies on:
  * p is the probability of DROPPING a unit, as in torch.nn.Dropout (CS231n's code uses the keep
    probability: grade that with `regviz check --convention cs231n`);
  * `training` is True after __init__; the checker sets it to False for inference (or calls your
    eval()/train() if you write them);
  * forward(x) takes an array of any shape and returns an array of the same shape;
  * backward(grad_output) returns the gradient with respect to forward's last x;
  * randomness comes from np.random (the checker seeds it) or from a Generator: accept an optional
    `rng` argument (a numpy.random.Generator) so the checker can seed it.
"""
import numpy as np


class Dropout:
    def __init__(self, p=0.5, rng=None):
        self.p = p  # probability of dropping a unit
        self.rng = rng if rng is not None else np.random.default_rng()
        self.training = True

    def forward(self, x):
        """y, x's shape: inverted dropout in training, the identity at inference."""
        raise NotImplementedError("write forward")

    def backward(self, grad_output):
        """dx, grad_output's shape: the gradient of the last forward."""
        raise NotImplementedError("write backward")
