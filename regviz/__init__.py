"""regviz: small, verified NumPy implementations of the regularizers ML interviews ask about.

Conventions follow PyTorch: Dropout's p is the probability of DROPPING; BatchNorm's momentum=0.1
weights the new batch and its running variance is unbiased. Randomness comes from numpy Generators.
"""
from ._checks import CallOrderError, ConvergenceWarning
from .dropout import Dropout, dropout_backward, dropout_forward
from .gradcheck import GradcheckError, gradcheck, numerical_gradient, numerical_vjp
from .linear import (
    FitResult, fit, lam_max, lasso_step, objective, objective_grad, regularization_path, ridge_step,
)
from .norm import (
    BatchNorm, LayerNorm, batchnorm_backward, batchnorm_forward, layernorm_backward, layernorm_forward,
)
from .penalties import l1_grad, l1_penalty, l2_grad, l2_penalty, soft_threshold

__version__ = "0.1.0"

__all__ = [
    # the reference code: what to write on a whiteboard
    "l1_penalty", "l2_penalty", "l1_grad", "l2_grad", "soft_threshold", "lasso_step", "ridge_step",
    "dropout_forward", "dropout_backward",
    "batchnorm_forward", "batchnorm_backward", "layernorm_forward", "layernorm_backward",
    # the solver and the layers, fast and PyTorch-like
    "fit", "regularization_path", "lam_max", "objective", "objective_grad", "FitResult",
    "Dropout", "BatchNorm", "LayerNorm",
    "gradcheck", "numerical_gradient", "numerical_vjp", "GradcheckError", "CallOrderError", "ConvergenceWarning",
]
