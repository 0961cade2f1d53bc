"""`regviz practice`: starter files for the whiteboard exercises, graded by `regviz check`.

Each starter (regviz/app/starters/NAME.py) states the contract the checker relies on, the class or
function signatures, and leaves the bodies to the learner.
"""
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Exercise:
    name: str
    questions: tuple  # the syllabus questions it practises
    defines: tuple  # the names a learner's file defines; `regviz check` infers the exercise from them
    summary: str


EXERCISES = (
    Exercise("dropout", ("Q2", "Q5"), ("Dropout",), "class Dropout: inverted dropout, forward and backward"),
    Exercise("batchnorm", ("Q3",), ("BatchNorm",), "class BatchNorm: train vs eval, running statistics, backward"),
    Exercise("layernorm", ("Q4",), ("LayerNorm",), "class LayerNorm: per-sample normalisation, forward and backward"),
    Exercise("lasso", ("Q1",), ("soft_threshold", "lasso"), "soft_threshold and lasso(X, y, lam) with exact zeros"),
)
BY_NAME = {e.name: e for e in EXERCISES}
NAMES = tuple(BY_NAME)


def starter(name):
    """The starter file's text for exercise `name`."""
    return (resources.files("regviz.app") / "starters" / f"{name}.py").read_text(encoding="utf-8")


def write_starter(name, folder=Path("practice")):
    """Write folder/NAME.py from the starter and return (path, written): an existing file is kept."""
    path = Path(folder) / f"{name}.py"
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as f:  # "x": never overwrite, even in a race
        f.write(starter(name))
    return path, True
