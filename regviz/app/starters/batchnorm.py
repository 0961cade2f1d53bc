"""Exercise: batch normalisation, forward and backward.    Grade it:  regviz check practice/batchnorm.py

Training:   y = gamma * (x - mean) / sqrt(var + eps) + beta, mean and (biased) var over the batch,
            one per feature; then update the running statistics
            running = (1 - momentum) * running + momentum * batch    (momentum = 0.1 weights the NEW batch)
            with the UNBIASED batch variance for running_var, as torch.nn.BatchNorm1d does.
Eval:       the same formula with running_mean and running_var; the running statistics stay put.
Backward:   in training the gradient also flows through the batch mean and variance.

The contract the checker relies on:
  * x has shape (N, num_features); gamma, beta, running_mean, running_var have shape (num_features,);
  * `training` is True after __init__; the checker sets it to False for eval (or calls your
    eval()/train() if you write them), and may set gamma and beta itself;
  * backward(grad_output) returns dx (x's shape) and sets self.dgamma and self.dbeta.
  (CS231n stores the biased running variance: grade that with `regviz check --convention cs231n`.)
"""
import numpy as np


class BatchNorm:
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.gamma = np.ones(num_features)
        self.beta = np.zeros(num_features)
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.training = True

    def forward(self, x):
        """y (N, num_features)."""
        raise NotImplementedError("write forward")

    def backward(self, grad_output):
        """dx (N, num_features); sets self.dgamma and self.dbeta (num_features,)."""
        raise NotImplementedError("write backward")
