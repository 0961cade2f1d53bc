"""The classic mistakes, recognised by their signatures: `regviz check` names them.

The claims say *that* an implementation is wrong and show the smallest input where it is; these probes
say *which* well-known mistake it most likely is. Each probe runs an implementation (through the same
adapters as the claims, implementations.py) on a large, seeded input where the mistakes look
different from each other, and compares with what each mistake would produce. diagnose(impl) returns
[(key, message)]: the catalogue test (test_check.py) asserts the keys.
"""
import numpy as np

import regviz

MISTAKES = {
    # dropout
    "p_as_keep": "p used as the keep probability: PyTorch's p is the probability of DROPPING a unit "
                 "(if you follow CS231n, where p keeps, grade with --convention cs231n)",
    "p_as_drop": "--convention cs231n reads p as the probability of KEEPING a unit, but your Dropout drops a "
                 "fraction p (that is PyTorch's convention, the default: leave out --convention cs231n)",
    "no_scaling": "no 1/(1-p) scaling: the kept units must be divided by 1 - p so that E[y] = x",
    "inverse_scaling": "kept units multiplied by (1 - p) instead of divided by it",
    "scaling_at_inference": "scaling at inference: with inverted dropout eval is the identity; the old "
                            "(non-inverted) dropout scaled by (1 - p) at test time instead",
    "dropout_in_eval": "dropout still active in eval: at inference every unit is kept and nothing is scaled",
    "fresh_mask_in_backward": "a fresh mask in backward: backward must reuse the mask forward drew",
    "backward_ignores_mask": "backward ignores the mask: dropped units must get no gradient",
    "backward_without_scale": "backward without the 1/(1-p) scale: dx = dy * mask / (1 - p), as forward",
    "backward_in_eval": "backward in eval mode is not the identity: forward was the identity there",
    "same_mask_every_forward": "the same mask on every forward: each training forward draws a new mask",
    "modifies_input": "forward changes its input x in place: return a new array",
    # batch norm and layer norm
    "batch_statistics_in_eval": "batch statistics used in eval: eval normalises with running_mean and "
                                "running_var, so a sample's output does not depend on its batch",
    "biased_running_var": "biased running variance: PyTorch's running_var takes the UNBIASED batch variance "
                          "(times m / (m - 1)); the biased one is CS231n's convention (--convention cs231n)",
    "momentum_weights_old": "momentum weighting the old value: PyTorch's momentum = 0.1 weights the NEW batch, "
                            "running = 0.9 * running + 0.1 * batch",
    "running_stats_not_updated": "running statistics never updated in training",
    "running_stats_updated_in_eval": "running statistics updated in eval: only training moves them",
    "wrong_axis": "normalising over the wrong axis",
    "unbiased_variance_in_normalisation": "the unbiased variance (ddof=1) in the normalisation: BatchNorm and "
                                          "LayerNorm divide by the biased one (ddof=0); only running_var is unbiased",
    "eps_outside_sqrt": "eps added outside the square root: divide by sqrt(var + eps), not sqrt(var) + eps",
    "backward_ignores_statistics": "a backward that ignores the gradient through the batch statistics: "
                                   "dy * gamma / std is the gradient only when mean and var are constants",
    "eval_backward_through_statistics": "in eval mode the backward still goes through the batch statistics: "
                                        "there mean and var are constants, dx = dy * gamma / sqrt(running_var + eps)",
    "wrong_dgamma": "dgamma is wrong: dgamma = sum over the batch of dy * xhat",
    "wrong_dbeta": "dbeta is wrong: dbeta = sum over the batch of dy",
    # lasso
    "subgradient_no_exact_zeros": "subgradient descent never reaches exact zeros: lam * sign(w) makes small "
                                  "weights jitter around 0; the proximal step (soft-thresholding) lands on 0",
    "soft_threshold_overshoots": "soft_threshold shrinks past zero: weights with |w| <= t must become exactly 0, "
                                 "not change sign (max(|w| - t, 0))",
    "hard_threshold": "hard thresholding: soft_threshold also shrinks the large weights by t",
    "objective_scale": "a differently scaled objective: the lasso here is (1/(2n)) * ||y - X w||^2 + lam * ||w||_1",
    "not_converged": "not converged: run more steps, or stop when no weight moves (the optimality conditions "
                     "should hold to about 1e-8)",
}


def _close(a, b, rtol=1e-9, atol=1e-12):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return (a.shape == b.shape or b.ndim == 0) and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _try(probe, impl):
    """Run one probe; a crash in the learner's code names nothing (the claims report crashes)."""
    found = []
    try:
        probe(impl, found.append)
    except Exception:  # noqa: BLE001 - the learner's code may raise anything; the claims show it
        pass
    return found


def diagnose(impl):
    """[(key, message)] for the classic mistakes whose signature impl shows, most telling first."""
    probes = {"dropout": DROPOUT_PROBES, "batchnorm": BATCHNORM_PROBES, "layernorm": LAYERNORM_PROBES,
              "lasso": LASSO_PROBES}[impl.exercise]
    keys = []
    for probe in probes:
        for key in _try(probe, impl):
            if key not in keys:
                keys.append(key)
    return [(key, MISTAKES[key]) for key in keys]


# --- dropout ----------------------------------------------------------------------------------------

N = 20_000  # units: the dropped fraction is within 0.01 of its probability (binomial sd <= 0.0036)


def dropout_train(impl, seen):
    x = np.linspace(1, 3, N)
    for p in (0.2, 0.7):  # several p: at p = 0.5 keeping and dropping look the same
        given = x.copy()
        layer = impl.dropout(p, 11)
        y = np.array(layer.forward(given))  # a copy: forward may hand back its input
        if not np.array_equal(given, x):
            seen("modifies_input")
        dropped = np.mean(y == 0)
        if abs(dropped - (1 - p)) < 0.03:
            seen("p_as_drop" if impl.convention == "cs231n" else "p_as_keep")
        ratio = y[y != 0] / x[y != 0]
        if ratio.size and _close(ratio, 1):
            seen("no_scaling")
        elif ratio.size and _close(ratio, 1 - p):
            seen("inverse_scaling")
        dy = np.linspace(-1, 1, N) + 2.0  # no zeros
        dx = layer.backward(dy)
        leaked = (y == 0) & (dx != 0)
        if leaked.any():
            seen("backward_ignores_mask" if _close(dx, dy) else "fresh_mask_in_backward")
        kept = (y != 0) & (dx != 0)
        if kept.any() and not _close(ratio, 1) and _close(dx[kept], dy[kept]):
            seen("backward_without_scale")
        if _close(layer.forward(x.copy()), y, 0, 0):
            seen("same_mask_every_forward")


def dropout_eval(impl, seen):
    x = np.linspace(1, 3, N)
    for p in (0.2, 0.7):
        layer = impl.dropout(p, 12).eval()
        y = layer.forward(x)
        if np.any(y == 0):
            seen("dropout_in_eval")
        elif _close(y, x * (1 - p)) or _close(y, x / (1 - p)):
            seen("scaling_at_inference")
        dy = np.linspace(1, 2, N)
        if not np.any(y == 0) and not _close(layer.backward(dy), dy):
            seen("backward_in_eval")


DROPOUT_PROBES = (dropout_train, dropout_eval)


# --- batch norm -------------------------------------------------------------------------------------

def _normalise(x, axis, ddof=0, eps=1e-5, outside=False):
    mean, var = x.mean(axis, keepdims=True), x.var(axis, ddof=ddof, keepdims=True)
    return (x - mean) / (np.sqrt(var) + eps if outside else np.sqrt(var + eps))


def _data(n=16, c=4, seed=0, scale=0.1):
    rng = np.random.default_rng(seed)
    # small variances (about 0.01 to 0.04) make eps's place visible; different means per feature and row
    return rng.normal(3.0, scale, (n, c)) * np.linspace(1, 2, c) + np.linspace(-1, 1, n)[:, None] * scale


def norm_forward(impl, seen):
    bn = impl.exercise == "batchnorm"
    x = _data()
    layer = impl.batchnorm(4) if bn else impl.layernorm(4)
    y = layer.forward(x)
    axis, other = (0, 1) if bn else (1, 0)
    if _close(y, _normalise(x, axis), 1e-7, 1e-9):
        return
    if _close(y, _normalise(x, other), 1e-7, 1e-9):
        seen("wrong_axis")
    elif _close(y, _normalise(x, axis, ddof=1), 1e-7, 1e-9):
        seen("unbiased_variance_in_normalisation")
    elif _close(y, _normalise(x, axis, outside=True), 1e-7, 1e-9):
        seen("eps_outside_sqrt")


def bn_running(impl, seen):
    x = _data(seed=1) * 10
    bn = impl.batchnorm(4)
    bn.forward(x)
    mean, biased, unbiased = x.mean(0), x.var(0), x.var(0, ddof=1)
    if _close(bn.running_mean, 0) and _close(bn.running_var, 1):
        seen("running_stats_not_updated")
        return
    if _close(bn.running_mean, 0.9 * mean) or _close(bn.running_var, 0.1 + 0.9 * unbiased) or \
            _close(bn.running_var, 0.1 + 0.9 * biased):
        seen("momentum_weights_old")
    for var in (0.9 + 0.1 * biased, 0.1 + 0.9 * biased):
        if impl.convention != "cs231n" and _close(bn.running_var, var):
            seen("biased_running_var")


def bn_eval(impl, seen):
    bn = impl.batchnorm(4)
    for seed in range(3):
        bn.forward(_data(seed=seed) * 10)
    gamma, beta = np.linspace(0.5, 2, 4), np.linspace(-1, 1, 4)
    bn.gamma, bn.beta = gamma.copy(), beta.copy()
    running = np.array(bn.running_mean, dtype=float), np.array(bn.running_var, dtype=float)
    bn.eval()
    x = _data(seed=5)
    y = bn.forward(x)
    expected = gamma * (x - running[0]) / np.sqrt(running[1] + 1e-5) + beta
    if not _close(y, expected, 1e-7, 1e-9) and _close(y, gamma * _normalise(x, 0) + beta, 1e-6, 1e-9):
        seen("batch_statistics_in_eval")
    if not (_close(bn.running_mean, running[0], 0, 0) and _close(bn.running_var, running[1], 0, 0)):
        seen("running_stats_updated_in_eval")
    dy = np.random.default_rng(6).normal(size=x.shape)
    dx = bn.backward(dy)
    through = _backward(x, dy, gamma, 0)[0]
    if not _close(dx, dy * gamma / np.sqrt(running[1] + 1e-5), 1e-6, 1e-9) and _close(dx, through, 1e-6, 1e-9):
        seen("eval_backward_through_statistics")


def _backward(x, dy, gamma, axis):
    """The right dx, dgamma, dbeta of gamma * normalise(x over axis) + beta, and the naive dx."""
    std = np.sqrt(x.var(axis, keepdims=True) + 1e-5)
    xhat = (x - x.mean(axis, keepdims=True)) / std
    dxhat = dy * gamma
    dx = (dxhat - dxhat.mean(axis, keepdims=True) - xhat * (dxhat * xhat).mean(axis, keepdims=True)) / std
    return dx, (dy * xhat).sum(0), dy.sum(0), dxhat / std


def norm_backward(impl, seen):
    bn = impl.exercise == "batchnorm"
    x = _data(seed=3)
    layer = impl.batchnorm(4) if bn else impl.layernorm(4)
    gamma = np.linspace(0.5, 2, 4)
    layer.gamma, layer.beta = gamma.copy(), np.linspace(-1, 1, 4)
    y = layer.forward(x)
    dy = np.random.default_rng(4).normal(size=x.shape)
    dx = layer.backward(dy)
    right, dgamma, dbeta, naive = _backward(x, dy, gamma, 0 if bn else 1)
    if not _close(dx, right, 1e-6, 1e-9) and _close(dx, naive, 1e-6, 1e-9):
        seen("backward_ignores_statistics")
    if not _close(y, gamma * _normalise(x, 0 if bn else 1) + np.linspace(-1, 1, 4), 1e-7, 1e-9):
        return  # a wrong forward makes dgamma differ too: norm_forward names that mistake
    if not _close(layer.dgamma, dgamma, 1e-6, 1e-9):
        seen("wrong_dgamma")
    if not _close(layer.dbeta, dbeta, 1e-6, 1e-9):
        seen("wrong_dbeta")


BATCHNORM_PROBES = (norm_forward, bn_running, bn_eval, norm_backward)
LAYERNORM_PROBES = (norm_forward, norm_backward)


# --- lasso ------------------------------------------------------------------------------------------

def soft_threshold_probe(impl, seen):
    w = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    out = np.asarray(impl.soft_threshold(w, 1.0), dtype=np.float64)
    if _close(out, [-2.0, 0.5, 0.0, -0.5, 2.0]):
        seen("soft_threshold_overshoots")
    elif _close(out, [-3.0, 0.0, 0.0, 0.0, 3.0]):
        seen("hard_threshold")


def lasso_probe(impl, seen):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 5))
    y = X @ np.array([2.0, 0.0, -1.0, 0.0, 0.05]) + 0.3 * rng.standard_normal(60)
    lam_max = regviz.lam_max(X, y)
    above = impl.lasso(X, y, 2 * lam_max)
    lam = 0.3 * lam_max
    w = impl.lasso(X, y, lam)
    exact = regviz.fit(X, y, "l1", lam).w
    # the optimum has exact zeros at both lams; a subgradient method leaves every weight a little off 0
    if (np.all(above != 0) or np.all(w[exact == 0] != 0)) and np.any(exact == 0):
        seen("subgradient_no_exact_zeros")
        return
    if _close(w, exact, 0, 1e-6):
        return
    for factor in (0.5, 2.0, 1 / len(y), len(y)):
        if _close(w, regviz.fit(X, y, "l1", lam * factor).w, 0, 1e-4):
            seen("objective_scale")
            return
    if _close(w, exact, 0, 1e-2):
        seen("not_converged")


LASSO_PROBES = (soft_threshold_probe, lasso_probe)
