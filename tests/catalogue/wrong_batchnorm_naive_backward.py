"""Wrong: backward ignores the gradient through the batch mean and variance."""
import numpy as np


class BatchNorm:
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.eps, self.momentum = eps, momentum
        self.gamma, self.beta = np.ones(num_features), np.zeros(num_features)
        self.running_mean, self.running_var = np.zeros(num_features), np.ones(num_features)
        self.training = True

    def forward(self, x):
        if self.training:
            mean, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * np.var(x, axis=0, ddof=1)
        else:
            mean, var = self.running_mean, self.running_var
        self.std = np.sqrt(var + self.eps)
        self.xhat = (x - mean) / self.std
        return self.gamma * self.xhat + self.beta

    def backward(self, grad_output):
        self.dgamma = (grad_output * self.xhat).sum(axis=0)
        self.dbeta = grad_output.sum(axis=0)
        dxhat = grad_output * self.gamma
        return dxhat / self.std
        n = len(dxhat)
        return (n * dxhat - dxhat.sum(axis=0) - self.xhat * (dxhat * self.xhat).sum(axis=0)) / (n * self.std)
