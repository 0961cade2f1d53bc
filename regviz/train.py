"""A tiny training harness built from the verified layers: enough to *demonstrate* why they help.

    model = mlp([10, 64, 64, 1], rng=0, norm="batch")     # Linear -> BatchNorm -> ReLU, ..., Linear
    history = fit_model(model, X, y, mse_loss, lr=0.1, steps=200, batch_size=32, rng=0)

Layers follow the regviz layer protocol: `forward(x)`, `backward(dy)` (returns dx and stores the
parameters' gradients as d<name>), `train()`/`eval()`, and `PARAMS`, the names of their parameters
(Linear: W, b; BatchNorm and LayerNorm: gamma, beta). SGD updates every parameter in place:
    param -= lr * d_param
A run that produces a non-finite loss stops there and is reported as diverged, never as a number.
"""
import numpy as np

from . import _checks
from .dropout import Dropout
from .norm import BatchNorm, LayerNorm

NORMS = {None: None, "batch": BatchNorm, "layer": LayerNorm}


class Linear:
    """y = x @ W + b for x (N, fan_in); W (fan_in, fan_out) He-initialised from rng, b (fan_out,) zeros."""

    PARAMS = ("W", "b")

    def __init__(self, fan_in, fan_out, rng):
        rng = _checks.rng("rng", rng)
        self.W = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)  # keeps ReLU activations' scale
        self.b = np.zeros(fan_out)
        self.dW = self.db = None
        self.training = True

    def forward(self, x):
        self.x = x  # (N, fan_in), what backward needs
        return x @ self.W + self.b  # (N, fan_out)

    def backward(self, dy):
        self.dW = self.x.T @ dy  # (fan_in, fan_out)
        self.db = dy.sum(axis=0)  # (fan_out,)
        return dy @ self.W.T  # (N, fan_in)


class ReLU:
    """max(x, 0); the gradient passes where x > 0."""

    PARAMS = ()
    training = True

    def forward(self, x):
        self.positive = x > 0
        return x * self.positive

    def backward(self, dy):
        return dy * self.positive


class Sequential:
    """Layers applied in order; backward runs them in reverse (the chain rule)."""

    def __init__(self, *layers):
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy):
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy

    def train(self, mode=True):
        for layer in self.layers:
            layer.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)

    def parameters(self):
        """(layer, name) for every parameter: the value is getattr(layer, name), its gradient 'd' + name."""
        return [(layer, name) for layer in self.layers for name in getattr(layer, "PARAMS", ())]


def mlp(sizes, rng, norm=None, dropout=0.0):
    """Linear layers of the given sizes with ReLU between them, optionally BatchNorm/LayerNorm before each
    ReLU (norm="batch" or "layer") and Dropout(p=dropout) after it. sizes: [inputs, hidden..., outputs]."""
    rng = _checks.rng("rng", rng)
    _checks.choice("norm", norm, tuple(NORMS))
    dropout = _checks.probability("dropout", dropout)
    if len(sizes) < 2:
        raise ValueError(f"sizes must name at least an input and an output size, got {sizes!r}")
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(Linear(_checks.positive_int("sizes", fan_in), _checks.positive_int("sizes", fan_out), rng))
        if i < len(sizes) - 2:  # hidden layers only
            if norm is not None:
                layers.append(NORMS[norm](fan_out))
            layers.append(ReLU())
            if dropout > 0:
                layers.append(Dropout(dropout, rng=rng))
    return Sequential(*layers)


def mse_loss(pred, target):
    """(loss, dpred): the mean squared error mean((pred - target)**2) and its gradient."""
    diff = pred - target.reshape(pred.shape)  # (N, K)
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


def softmax_cross_entropy(logits, labels):
    """(loss, dlogits) for logits (N, K) and integer labels (N,): mean of -log softmax(logits)[label]."""
    shifted = logits - logits.max(axis=1, keepdims=True)  # (N, K) the same softmax, no overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(labels)
    loss = -float(log_probs[np.arange(n), labels].mean())
    dlogits = np.exp(log_probs)  # softmax (N, K)
    dlogits[np.arange(n), labels] -= 1.0
    return loss, dlogits / n


def sgd_step(model, lr):
    """param -= lr * d_param for every parameter of the model (in place)."""
    for layer, name in model.parameters():
        getattr(layer, name)[...] -= lr * getattr(layer, "d" + name)


def fit_model(model, X, y, loss, lr, steps, batch_size, rng):
    """Train with minibatch SGD; returns the training loss of each step (a shorter list if it diverged:
    the first non-finite or overflowing loss ends the run and is the last entry, as inf)."""
    rng = _checks.rng("rng", rng)
    model.train()
    history = []
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported as inf, not a warning
        for _ in range(_checks.positive_int("steps", steps)):
            batch = rng.choice(len(X), size=min(batch_size, len(X)), replace=False)
            value, dpred = loss(model.forward(X[batch]), y[batch])
            if not np.isfinite(value) or not np.all(np.isfinite(dpred)):
                history.append(float("inf"))
                break
            history.append(value)
            model.backward(dpred)
            sgd_step(model, lr)
    return history


def evaluate(model, X, y, loss):
    """The loss on (X, y) in eval mode (no dropout, running statistics), the model left in eval mode."""
    model.eval()
    with np.errstate(over="ignore", invalid="ignore"):
        value, _ = loss(model.forward(X), y)
    return value if np.isfinite(value) else float("inf")
