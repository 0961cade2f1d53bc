"""The implementations the claim tests grade: one claim suite, many answers.

Each claim test of test_dropout.py, test_norm.py and test_linear.py takes an `impl` parameter and
asks it for a layer (or the lasso functions), so the same properties prove

    regviz      the layers and fit() the library ships (fast kernels);
    reference   the whiteboard functions (dropout_forward, batchnorm_forward, ...) as layers;
    learner     a learner's own file, for `regviz check`.

`regviz check` names the learner's files in the environment variable REGVIZ_CHECK, a JSON list of
{"id", "file", "exercise", "convention"}; when it is set, the lists below hold those files only.
The adapters speak one language to the tests: p is always the probability of dropping (a CS231n
learner's Dropout gets 1 - p), and eval()/train() work whether or not the learner wrote them. BatchNorm
inputs go through impl.batch(x): regviz's layer takes (N, C, L); the reference and the learners'
take (N, C), so they get the same values as (N * L, C) rows, and a failing example shows those.
"""
import importlib.util
import inspect
import json
import os
import sys

import numpy as np
import pytest

import regviz

CHECK = json.loads(os.environ.get("REGVIZ_CHECK") or "[]")
CONVENTIONS = ("pytorch", "cs231n")


def words(a, digits=4):
    """An array or number as a learner would write it: [1.0, -2.5], 0.3 (never -0.0)."""
    a = np.round(np.asarray(a, dtype=np.float64), digits) + 0.0
    return str(a.tolist()) if a.ndim else f"{float(a):.{digits}g}"


def first(where):
    """The index (a tuple) of the first True element, in words: unit 3 or unit (1, 2)."""
    i = tuple(int(j) for j in np.argwhere(where)[0])
    return str(i[0]) if len(i) == 1 else str(i)


class Impl:
    """One implementation of one exercise, as the claim tests see it."""

    def __init__(self, id, exercise, convention="pytorch", file=None):
        self.id, self.exercise, self.convention, self.file = id, exercise, convention, file  # file: a learner's
        self._module = self._seedable = None

    def __repr__(self):  # what Hypothesis prints in a failing example: impl=regviz
        return self.id

    @property
    def learner(self):
        return self.file is not None

    @property
    def module(self):
        """The learner's module, imported once."""
        if self._module is None:
            spec = importlib.util.spec_from_file_location(f"learner_{self.id}", self.file)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            self._module = module
        return self._module

    # --- the layers ---------------------------------------------------------------------------

    def dropout(self, p, seed):
        """A Dropout layer dropping with probability p whose randomness is fixed by seed."""
        if self.id == "regviz":
            return regviz.Dropout(p, rng=seed)
        if self.id == "reference":
            return ReferenceDropout(p, seed)
        return LearnerDropout(self.module.Dropout, p, seed, self.convention)

    def batchnorm(self, c, momentum=0.1):
        if self.id == "regviz":
            return regviz.BatchNorm(c, momentum=momentum)
        if self.id == "reference":
            return ReferenceBatchNorm(c, momentum)
        return LearnerNorm(self.module.BatchNorm(c, eps=1e-5, momentum=momentum), eps=1e-5)

    def batch(self, x):
        """A BatchNorm input as this implementation takes it: (N, C, L) stays for regviz's layer and becomes
        (N * L, C) rows for the 2-D ones (the statistics run over N and L either way)."""
        if x.ndim == 2 or self.id == "regviz":
            return x
        return x.transpose(0, 2, 1).reshape(-1, x.shape[1])

    def layernorm(self, d):
        if self.id == "regviz":
            return regviz.LayerNorm(d)
        if self.id == "reference":
            return ReferenceLayerNorm(d)
        return LearnerNorm(self.module.LayerNorm(d, eps=1e-5), eps=1e-5)

    @property
    def seedable(self):
        """Whether the same seed draws the same mask (a learner's own unseeded Generator does not)."""
        if self._seedable is None:
            x = np.ones(64)
            self._seedable = bool(np.array_equal(self.dropout(0.5, 7).forward(x), self.dropout(0.5, 7).forward(x)))
        return self._seedable

    # --- Q1 -----------------------------------------------------------------------------------

    def soft_threshold(self, w, t):
        return self.module.soft_threshold(w, t) if self.learner else regviz.soft_threshold(w, t)

    def lasso(self, X, y, lam):
        """The L1 fit's weights (d,)."""
        if self.id == "regviz":
            return regviz.fit(X, y, "l1", lam).w
        if self.id == "reference":
            return reference_lasso(X, y, lam)
        return np.asarray(self.module.lasso(X, y, lam), dtype=np.float64)

    def lasso_path(self, X, y, lams):
        """The L1 fits' weights (len(lams), d), one row per lam."""
        if self.id == "regviz":
            return regviz.regularization_path(X, y, "l1", lams)
        return np.stack([self.lasso(X, y, lam) for lam in lams])

    def ridge(self, X, y, lam):
        """The L2 fit's weights, or None: the exercises ask for the lasso only."""
        return regviz.fit(X, y, "l2", lam).w if self.id == "regviz" else None


def reference_lasso(X, y, lam, steps=20_000, tol=1e-13):
    """ISTA: regviz.lasso_step with lr = 1/L until no weight moves more than tol."""
    lr = 1 / np.linalg.eigvalsh(X.T @ X / len(X))[-1]
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        new = regviz.lasso_step(w, X, y, lam, lr)
        if np.max(np.abs(new - w), initial=0) <= tol:
            return new
        w = new
    return w


# --- adapters: the reference functions as layers ----------------------------------------------------

class _Modes:
    training = True

    def train(self, mode=True):
        self.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)


class ReferenceDropout(_Modes):
    """dropout_forward / dropout_backward as a layer; .mask as the tests of regviz's own layer read it."""

    def __init__(self, p, seed):
        self.p, self.rng, self.mask = p, np.random.default_rng(seed), None

    def forward(self, x):
        y, mask = regviz.dropout_forward(x, self.p, self.rng, self.training)
        self.mask = mask if mask is not None else self.mask
        self._mask = mask
        return y

    def backward(self, dy):
        return regviz.dropout_backward(dy, self._mask, self.p)


class ReferenceBatchNorm(_Modes):
    def __init__(self, c, momentum=0.1, eps=1e-5):
        self.gamma, self.beta = np.ones(c), np.zeros(c)
        self.running_mean, self.running_var = np.zeros(c), np.ones(c)
        self.momentum, self.eps = momentum, eps

    def forward(self, x):
        y, self._cache = regviz.batchnorm_forward(x, self.gamma, self.beta, self.running_mean,
                                                  self.running_var, self.training, self.momentum, self.eps)
        return y

    def backward(self, dy):
        dx, self.dgamma, self.dbeta = regviz.batchnorm_backward(dy, self._cache)
        return dx


class ReferenceLayerNorm(_Modes):
    def __init__(self, d, eps=1e-5):
        self.gamma, self.beta, self.eps = np.ones(d), np.zeros(d), eps

    def forward(self, x):
        y, self._cache = regviz.layernorm_forward(x, self.gamma, self.beta, self.eps)
        return y

    def backward(self, dy):
        dx, self.dgamma, self.dbeta = regviz.layernorm_backward(dy, self._cache)
        return dx


# --- adapters: a learner's classes ----------------------------------------------------------------

def _set_mode(layer, training):
    """Switch a learner's layer to training or eval: its train()/eval() if it has them, else .training."""
    method = getattr(layer, "train" if training else "eval", None)
    if callable(method):
        method(True) if training and _takes_argument(method) else method()
    else:
        layer.training = training


def _takes_argument(method):
    try:
        return len(inspect.signature(method).parameters) >= 1
    except (TypeError, ValueError):
        return False


class LearnerDropout(_Modes):
    """A learner's Dropout, seeded both ways a learner may draw: an `rng` argument gets a Generator made
    from seed, and np.random's global state is seeded as the layer is made (so a layer made and used
    before the next is made replays the same masks)."""

    def __init__(self, cls, p, seed, convention):
        p_given = 1 - p if convention == "cs231n" else p  # CS231n's p keeps
        seed = int(seed) % 2**32
        np.random.seed(seed)
        params = inspect.signature(cls).parameters
        kwargs = {"rng": np.random.default_rng(seed)} if "rng" in params else {}
        self.layer = cls(p_given, **kwargs)

    def train(self, mode=True):
        _set_mode(self.layer, bool(mode))
        self.training = bool(mode)
        return self

    def forward(self, x):
        return np.asarray(self.layer.forward(x))

    def backward(self, dy):
        return np.asarray(self.layer.backward(dy))


class LearnerNorm(_Modes):
    """A learner's BatchNorm or LayerNorm: attributes read and written through, arrays copied in and out."""

    _passed = ("gamma", "beta", "running_mean", "running_var", "dgamma", "dbeta")

    def __init__(self, layer, eps):
        object.__setattr__(self, "layer", layer)
        object.__setattr__(self, "eps", eps)

    def __getattr__(self, name):
        if name in self._passed:
            return getattr(self.layer, name)
        raise AttributeError(name)

    def __setattr__(self, name, value):
        if name in self._passed:
            setattr(self.layer, name, value)
        else:
            object.__setattr__(self, name, value)

    def train(self, mode=True):
        _set_mode(self.layer, bool(mode))
        object.__setattr__(self, "training", bool(mode))
        return self

    def forward(self, x):
        return np.asarray(self.layer.forward(x.copy()), dtype=np.float64)

    def backward(self, dy):
        return np.asarray(self.layer.backward(dy.copy()), dtype=np.float64)


# --- the lists the claim tests are parametrised by -------------------------------------------------

_learners = {}


def learner(entry):
    """The Impl of one REGVIZ_CHECK entry, made once: its file is imported once per process."""
    if entry["id"] not in _learners:
        _learners[entry["id"]] = Impl(entry["id"], entry["exercise"], entry.get("convention", "pytorch"),
                                      entry["file"])
    return _learners[entry["id"]]


def implementations(exercise):
    """pytest params: regviz and its reference, or (under `regviz check`) the learners' files."""
    if CHECK:
        return [pytest.param(learner(e), id=e["id"]) for e in CHECK if e["exercise"] == exercise]
    return [pytest.param(Impl(name, exercise), id=name) for name in ("regviz", "reference")]
