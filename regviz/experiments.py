"""Why it works: small seeded experiments behind the reasons interviewers probe.

Each function runs one experiment on synthetic data made here (no downloads) with the verified layers
and the training harness (regviz.train), for one seed, and returns plain numbers: the tests turn them
into `demonstrated` claims ("in at least 9 of 10 seeds ..."), the study page draws them from
verify.json, and the clips draw them for their own seed. What an experiment shows is stated in its
docstring, and so is what it does not show.
"""
import numpy as np

from . import _checks
from .linear import fit, lasso_step
from .norm import BatchNorm, LayerNorm
from .penalties import l1_grad
from .train import evaluate, fit_model, mlp, mse_loss, softmax_cross_entropy

# --- Q3: batch norm allows larger learning rates (Bjorck et al. 2018; Santurkar et al. 2018) ---
LEARNING_RATES = tuple(0.1 * 2.0**k for k in range(7))  # 0.1 ... 6.4, doubling
DEPTH, WIDTH, CLASSES, FEATURES = 8, 16, 3, 8  # hidden layers of an MLP of 10 linear layers


def classification_data(seed, n=256):
    """(X (n, 8), labels (n,)) for a 3-class problem: the argmax of a random linear map plus noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, FEATURES))
    W = rng.standard_normal((FEATURES, CLASSES))
    return X, np.argmax(X @ W + 0.3 * rng.standard_normal((n, CLASSES)), axis=1)


def learning_rate_sweep(seed, norm, steps=80, learning_rates=LEARNING_RATES):
    """Train the same 10-layer MLP (with norm="batch" or without, norm=None) at each learning rate and
    return {"lr": [...], "loss": [...]}: the mean training loss of the last 10 steps (inf if it diverged).

    "Trains" means that loss ends below 0.7 * ln(3) (ln 3 is chance level). The sweep stops after two
    rates in a row that do not train: larger ones only diverge faster. It shows that batch norm keeps
    training at rates where the plain network does not; it does not show why (Santurkar et al. argue a
    smoother loss landscape, not reduced internal covariate shift) or that it holds for every model."""
    X, y = classification_data(seed)
    out = {"lr": [], "loss": []}
    misses = 0
    for lr in learning_rates:
        model = mlp([FEATURES] + [WIDTH] * DEPTH + [CLASSES], rng=seed, norm=norm)
        history = fit_model(model, X, y, softmax_cross_entropy, lr=lr, steps=steps, batch_size=32, rng=seed)
        loss = float(np.mean(history[-10:])) if len(history) == steps else float("inf")
        out["lr"].append(lr)
        out["loss"].append(loss)
        misses = 0 if trains(loss) else misses + 1
        if misses == 2:
            break
    return out


def trains(loss):
    """A run trains when its final loss is below 0.7 * ln(3), clearly under chance level for 3 classes."""
    return loss < 0.7 * np.log(CLASSES)


def largest_stable_rate(sweep):
    """The largest learning rate of a sweep at which the network trained (0.0 if none did)."""
    return max((lr for lr, loss in zip(sweep["lr"], sweep["loss"]) if trains(loss)), default=0.0)


# --- Q3: batch norm's noise (a sample's output depends on its batch-mates) ---
BATCH_SIZES = (8, 16, 32, 64)


def batch_noise(seed, batch_sizes=BATCH_SIZES, draws=300, features=4):
    """For one fixed sample x0, the variance (mean over features) of its training-mode BatchNorm output
    over `draws` random batches of standard-normal batch-mates, for each batch size m.

    The batch mean and variance are estimates from m values, so their noise, and the output's, falls
    about as 1/m: {"m": [...], "variance": [...]}. It shows the noise that acts as a regularizer; it does
    not show that the noise helps generalisation by itself."""
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal(features)
    variances = []
    for m in batch_sizes:
        outputs = np.empty((draws, features))
        for i in range(draws):
            batch = np.vstack([x0, rng.standard_normal((m - 1, features))])  # (m, features), x0 first
            outputs[i] = BatchNorm(features).forward(batch)[0]
        variances.append(float(outputs.var(axis=0).mean()))
    return {"m": list(batch_sizes), "variance": variances}


# --- Q2: dropout narrows the gap between training and held-out loss (Srivastava et al. 2014) ---
DROPOUT_P = 0.3  # not 0.5: p is the probability of DROPPING


def regression_data(seed, n_train=30, n_test=200, d=5):
    """A small noisy regression problem: y = sin(2 x.w / sqrt(d)) + 0.5 noise; (X, y, X_test, y_test)."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d)

    def draw(n):
        X = rng.standard_normal((n, d))
        return X, (np.sin(2 * X @ w / np.sqrt(d)) + 0.5 * rng.standard_normal(n))[:, None]

    return (*draw(n_train), *draw(n_test))


def dropout_gap(seed, p=DROPOUT_P, steps=300, hidden=96):
    """Train an over-parameterised MLP (5 -> 96 -> 96 -> 1, about 10k weights for 30 samples) without and
    with dropout(p), full batch; return {"p": [0, p], "train": [...], "test": [...], "curves": ...}.

    Each network's losses are measured in eval mode (no dropout) on its 30 training samples and on 200
    held-out ones; the curves are the training loss per step. It shows dropout narrowing the gap between
    the two on this problem; it does not show that dropout always lowers the held-out loss."""
    X, y, X_test, y_test = regression_data(seed)
    out = {"p": [0.0, p], "train": [], "test": [], "curves": []}
    for rate in (0.0, p):
        model = mlp([X.shape[1], hidden, hidden, 1], rng=seed, dropout=rate)
        out["curves"].append(fit_model(model, X, y, mse_loss, lr=0.05, steps=steps, batch_size=len(X), rng=seed))
        out["train"].append(evaluate(model, X, y, mse_loss))
        out["test"].append(evaluate(model, X_test, y_test, mse_loss))
    return out


# --- Q4: padded sequences of variable length (Ba, Kiros & Hinton 2016) ---
def padded_batch(rng, batch, max_len, features, token=None):
    """A batch (batch, max_len, features) of sequences of random lengths 1..max_len, zero-padded; if `token`
    is given it is placed at position 0 of sequence 0 (every sequence has at least one token)."""
    x = np.zeros((batch, max_len, features))
    for i, length in enumerate(rng.integers(1, max_len + 1, batch)):
        x[i, :length] = rng.normal(1.0, 1.0, (length, features))
    if token is not None:
        x[0, 0] = token
    return x


def padding_swing(seed, draws=200, batch=4, max_len=6, features=8):
    """One fixed token in `draws` small batches of variable-length, zero-padded sequences: the spread of
    its normalised output over the batches (mean over features of the standard deviation), under batch
    norm (training mode, statistics over batch and positions, pads included) and under layer norm.

    Batch norm's statistics depend on how many pads and which other sequences share the batch, so the
    token's output swings; layer norm normalises the token by its own features, so it never moves."""
    rng = np.random.default_rng(seed)
    token = rng.normal(1.0, 1.0, features)
    bn_out, ln_out, bn_means = [], [], []
    for _ in range(draws):
        x = padded_batch(rng, batch, max_len, features, token)
        bn_in = x.transpose(0, 2, 1)  # (batch, features, positions): BatchNorm1d's layout
        bn_out.append(BatchNorm(features).forward(bn_in)[0, :, 0])
        bn_means.append(bn_in.mean(axis=(0, 2)))  # (features,) the statistics batch norm used
        ln_out.append(LayerNorm(features).forward(x)[0, 0])
    return {
        "bn_spread": float(np.std(bn_out, axis=0).mean()),
        "ln_spread": float(np.std(ln_out, axis=0).mean()),
        "bn_mean_of_feature_0": [float(m[0]) for m in bn_means[:40]],  # the swing, for a chart
        "bn_token_feature_0": [float(y[0]) for y in bn_out[:40]],  # the token's output, batch by batch
        "ln_token_feature_0": [float(y[0]) for y in ln_out[:40]],
        "data_mean": 1.0,
    }


# --- Q1: plain subgradient descent never lands on zero; the proximal step does ---
def subgradient_vs_prox(seed, steps=2000, n=60, d=8, lam=0.2):
    """Minimise the lasso objective from w = 0 with plain subgradient steps, w -= lr * (grad + lam sign(w)),
    and with the proximal step (lasso_step: soft-thresholding), same step size 1/L, same number of steps.

    Returns {"zeros_at_optimum": k, "prox_zeros": ..., "subgradient_zeros": ..., "prox_path": ...,
    "subgradient_path": ...}: exact zeros of the last iterate, and the trajectory of one coordinate that
    is zero at the optimum (for a chart). The subgradient iterate jitters around 0 by about lr * lam."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = np.where(rng.random(d) < 0.5, rng.standard_normal(d) * 2, 0.0)
    y = X @ w_true + 0.5 * rng.standard_normal(n)
    optimum = fit(X, y, "l1", lam).w
    lr = 1.0 / np.linalg.eigvalsh(X.T @ X / n)[-1]
    zero = int(np.flatnonzero(optimum == 0)[0]) if np.any(optimum == 0) else 0
    w_sub, w_prox = np.zeros(d), np.zeros(d)
    sub_path, prox_path = [], []
    for _ in range(steps):
        grad = X.T @ (X @ w_sub - y) / n
        w_sub = w_sub - lr * (grad + l1_grad(w_sub, lam))
        w_prox = lasso_step(w_prox, X, y, lam, lr)
        sub_path.append(float(w_sub[zero]))
        prox_path.append(float(w_prox[zero]))
    return {
        "zeros_at_optimum": int(np.count_nonzero(optimum == 0)),
        "prox_zeros": int(np.count_nonzero(w_prox == 0)),
        "subgradient_zeros": int(np.count_nonzero(w_sub == 0)),
        "subgradient_ever_zero": bool(np.any(np.array(sub_path[1:]) == 0)),
        "prox_matches_optimum": bool(np.array_equal(w_prox == 0, optimum == 0)),
        "subgradient_path": sub_path[:200],
        "prox_path": prox_path[:200],
    }


def seeds(count):
    """The seeds an experiment is run over: 0 .. count-1 (a claim states how many of them held)."""
    return range(_checks.positive_int("count", count))
