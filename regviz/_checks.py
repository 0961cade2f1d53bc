"""Argument validation shared by every layer and function: one place for the error wording.

Each check runs once, at the public boundary, and raises a TypeError (wrong kind of thing) or a
ValueError (right kind, wrong value) whose message names the argument, the value it got, and what
was expected. Inside the library the data is then trusted.
"""
import functools
import inspect
import math
import numbers

import numpy as np


def validated(*relations, **checks):
    """Decorator: check a function's arguments before its body runs, so the body can stay plain maths.

    checks: {argument name: check(name, value) -> the value to use}, e.g. p=probability,
    x=float_array; an argument left out is passed through as given.
    relations: functions called with every (checked) argument by keyword, after the checks, for facts
    that tie arguments together (gamma has one value per feature of x); they raise or return None.
    """

    def decorate(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def checked(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            for name, check in checks.items():
                bound.arguments[name] = check(name, bound.arguments[name])
            for relation in relations:
                relation(**bound.arguments)
            return function(*bound.args, **bound.kwargs)

        return checked

    return decorate


class CallOrderError(RuntimeError, ValueError):
    """A method was called out of order, e.g. `backward` before any `forward`.

    A RuntimeError like PyTorch's, and a ValueError so callers catching bad input catch it too.
    """


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped at its step limit before meeting its tolerance (shown by default)."""


def _show(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def real_number(name, value):
    """A finite real number (bool is refused: `p=True` is almost certainly a bug)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_show(value)} of type {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value


def probability(name, value):
    """A number in [0, 1]."""
    value = real_number(name, value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return value


def non_negative(name, value):
    value = real_number(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def positive(name, value):
    value = real_number(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int, got {_show(value)} of type {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return int(value)


def choice(name, value, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {_show(value)}")
    return value


def float_array(name, x):
    """`x` as a floating-point ndarray: float32/float64 kept as they are, ints and bools become float64."""
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be array-like numbers, got {_show(x)} ({exc})") from None
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    return arr


def float_array_of(ndims, layout):
    """A check like float_array that also wants one of `ndims` dimensions, described as `layout`."""

    def check(name, x):
        return ndim_in(name, float_array(name, x), ndims, layout)

    return check


def finite(name, arr):
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {np.count_nonzero(~np.isfinite(arr))} NaN/inf value(s)")
    return arr


def ndim_in(name, arr, allowed, layout):
    if arr.ndim not in allowed:
        raise ValueError(f"{name} must be {layout}, got a {arr.ndim}-D array of shape {arr.shape}")
    return arr


def rng(name, value):
    """A numpy Generator from a Generator, an int seed, or None (fresh entropy)."""
    if isinstance(value, np.random.Generator):
        return value
    if value is None or (isinstance(value, numbers.Integral) and not isinstance(value, bool)):
        if value is not None and value < 0:
            raise ValueError(f"{name} seed must be >= 0, got {value}")
        return np.random.default_rng(value)
    raise TypeError(f"{name} must be a numpy.random.Generator, an int seed or None, got {_show(value)}")


def float_buffer(name, value):
    """A float ndarray that can be written: running statistics are updated in place."""
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a float numpy array (it is updated in place), "
                        f"got {_show(value)} of type {type(value).__name__}")
    if value.dtype.kind != "f" or not value.flags.writeable:
        kind = "an" if value.flags.writeable else "a read-only"
        raise TypeError(f"{name} must be a writeable float array (it is updated in place), "
                        f"got {kind} array of dtype {value.dtype}")
    return value


def same_shape(name, arr, shape, what):
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of {what} {tuple(shape)}, got {arr.shape}")
    return arr
