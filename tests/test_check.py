"""`regviz check` grades a learner's file with the claim properties: the catalogue of answers proves it.

tests/catalogue/ holds correct answers a learner might write, unlike regviz's core (np.random's global
state, rng.binomial, CS231n's keep probability, np.var(ddof=1), einsum, ISTA, coordinate descent).
WRONG below turns them into wrong answers, each by the few lines a learner gets wrong: the classic
mistakes and subtler ones. One grader process grades them all (without shrinking: only pass/fail and
the named mistake matter here); every correct one must pass, every wrong one fail naming its mistake.
"""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from regviz.app.check import example_words, grade_many, infer_exercise

CATALOGUE = Path(__file__).parent / "catalogue"

# a correct answer (stem@convention), graded as such
RIGHT = ("dropout_global_state", "dropout_binomial", "dropout_cs231n@cs231n", "batchnorm_textbook",
         "batchnorm_cs231n@cs231n", "layernorm_einsum", "lasso_ista", "lasso_coordinate_descent")

UNSCALED = [("x * self.mask / (1 - self.p)", "x * self.mask"),
            ("grad_output * self.mask / (1 - self.p)", "grad_output * self.mask")]
NO_EVAL_BRANCH = ("        if not self.training:\n            return dxhat / self.std\n", "")

# name: (the answer it changes, the mistake the checker must name, [(as written, with the mistake)])
WRONG = {
    # right answers graded under the other convention: the message says which convention they follow
    "dropout_cs231n@pytorch": ("dropout_cs231n", "p_as_keep", []),
    "dropout_global_state@cs231n": ("dropout_global_state", "p_as_drop", []),
    "batchnorm_cs231n@pytorch": ("batchnorm_cs231n", "biased_running_var", []),
    "dropout_p_keep": ("dropout_global_state", "p_as_keep", [
        ("np.random.rand(*x.shape) >= self.p  # keep with probability 1 - p", "np.random.rand(*x.shape) < self.p"),
        ("x * self.mask / (1 - self.p)", "x * self.mask / self.p"),
        ("grad_output * self.mask / (1 - self.p)", "grad_output * self.mask / self.p")]),
    "dropout_no_scaling": ("dropout_global_state", "no_scaling", UNSCALED),
    "dropout_old_style": ("dropout_global_state", "scaling_at_inference", [
        ("            return x\n", "            return x * (1 - self.p)\n"), *UNSCALED]),
    "dropout_fresh_mask": ("dropout_global_state", "fresh_mask_in_backward", [
        ("return grad_output * self.mask / (1 - self.p)",
         "mask = np.random.rand(*grad_output.shape) >= self.p\n        return grad_output * mask / (1 - self.p)")]),
    "dropout_active_in_eval": ("dropout_global_state", "dropout_in_eval", [
        ("        if not self.training:\n            return x\n", ""),
        ("        if not self.training:\n            return grad_output\n", "")]),
    "dropout_backward_no_scale": ("dropout_global_state", "backward_without_scale", UNSCALED[1:]),
    "dropout_same_mask": ("dropout_global_state", "same_mask_every_forward", [
        ("        self.mask = np.random.rand", "        np.random.seed(0)\n        self.mask = np.random.rand")]),
    "dropout_in_place": ("dropout_global_state", "modifies_input", [
        ("        return x * self.mask / (1 - self.p)", "        x *= self.mask / (1 - self.p)\n        return x")]),
    "batchnorm_eval_batch_stats": ("batchnorm_textbook", "batch_statistics_in_eval", [
        ("mean, var = self.running_mean, self.running_var", "mean, var = x.mean(axis=0), x.var(axis=0)"),
        NO_EVAL_BRANCH]),
    "batchnorm_momentum_old": ("batchnorm_textbook", "momentum_weights_old", [
        ("(1 - m) * self.running_mean + m * mean", "m * self.running_mean + (1 - m) * mean"),
        ("(1 - m) * self.running_var + m * np.var", "m * self.running_var + (1 - m) * np.var")]),
    "batchnorm_wrong_axis": ("batchnorm_textbook", "wrong_axis", [
        ("mean, var = x.mean(axis=0), x.var(axis=0)",
         "mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)"),
        ("m * mean\n", "m * x.mean(axis=0)\n")]),
    "batchnorm_naive_backward": ("batchnorm_textbook", "backward_ignores_statistics", [
        ("        if not self.training:\n            return dxhat / self.std\n", "        return dxhat / self.std\n")]),
    "batchnorm_eps_outside": ("batchnorm_textbook", "eps_outside_sqrt", [
        ("self.std = np.sqrt(var + self.eps)", "self.std = np.sqrt(var) + self.eps")]),
    "batchnorm_unbiased_norm": ("batchnorm_textbook", "unbiased_variance_in_normalisation", [
        ("mean, var = x.mean(axis=0), x.var(axis=0)", "mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)")]),
    "batchnorm_dgamma": ("batchnorm_textbook", "wrong_dgamma", [
        ("(grad_output * self.xhat).sum(axis=0)", "(grad_output * self.xhat * self.std).sum(axis=0)")]),
    "layernorm_wrong_axis": ("layernorm_einsum", "wrong_axis", [
        ("mu = np.mean(x, axis=-1, keepdims=True)", "mu = np.mean(x, axis=0, keepdims=True)"),
        ("sigma2 = np.mean((x - mu) ** 2, axis=-1, keepdims=True)", "sigma2 = np.mean((x - mu) ** 2, axis=0, keepdims=True)")]),
    "layernorm_naive_backward": ("layernorm_einsum", "backward_ignores_statistics", [
        ("return self.inv / d * (d * g - g.sum(-1, keepdims=True) - self.xhat * (g * self.xhat).sum(-1, keepdims=True))",
         "return g * self.inv")]),
    "lasso_subgradient": ("lasso_ista", "subgradient_no_exact_zeros", [
        ("w_new = soft_threshold(w - lr * grad, lr * lam)", "w_new = w - lr * (grad + lam * np.sign(w))")]),
    "lasso_overshoot": ("lasso_ista", "soft_threshold_overshoots", [
        ("return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)", "return w - t * np.sign(w)"),
        ("w_new = soft_threshold(w - lr * grad, lr * lam)",
         "v = w - lr * grad\n        w_new = np.sign(v) * np.maximum(np.abs(v) - lr * lam, 0.0)")]),
    "lasso_scale": ("lasso_ista", "objective_scale", [  # (1/2) ||y - X w||^2 + lam ||w||_1: no 1/n
        ("grad = X.T @ (X @ w - y) / n", "grad = X.T @ (X @ w - y)"),
        ("lr = n / np.linalg.norm(X, 2) ** 2", "lr = 1 / np.linalg.norm(X, 2) ** 2")]),
}


def written(base, changes):
    """The text of a correct answer with the lines a learner got wrong."""
    text = (CATALOGUE / f"{base}.py").read_text()
    for right, wrong in changes:
        assert right in text, f"{base}.py has no {right!r}"
        text = text.replace(right, wrong)
    return text


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder, entries = tmp_path_factory.mktemp("answers"), []
    for key in (*RIGHT, *WRONG):
        stem, _, convention = key.partition("@")
        base, _, changes = WRONG.get(key, (stem, None, []))
        path = folder / f"{stem}.py" if changes else CATALOGUE / f"{base}.py"
        if changes:
            path.write_text(written(base, changes))
        entries.append({"id": key.replace("@", "-"), "file": str(path), "exercise": infer_exercise(path),
                        "convention": convention or "pytorch"})
    return grade_many(entries, timeout=280, examples=20, shrink=False)


def test_the_catalogue_is_big_enough():
    assert len(WRONG) >= 15 and len(RIGHT) >= 5
    assert {p.stem for p in CATALOGUE.glob("*.py")} == {key.partition("@")[0] for key in RIGHT}


def _summary(report):
    return "\n".join(f"{c.status} {c.claim}: {c.message}" for c in report.claims)


@pytest.mark.parametrize("key", RIGHT)
def test_the_grader_passes_every_right_answer(graded, key):
    report = graded[key.replace("@", "-")]
    assert not report.problem, report.problem
    assert len(report.claims) >= 2 and report.passed, _summary(report)
    assert report.mistakes == [], report.mistakes


@pytest.mark.parametrize("key", WRONG)
def test_the_grader_fails_every_wrong_answer_and_names_its_mistake(graded, key):
    report, mistake = graded[key.replace("@", "-")], WRONG[key][1]
    assert not report.problem, report.problem
    assert any(c.status == "fail" for c in report.claims), _summary(report)
    assert mistake in [name for name, _ in report.mistakes], (report.mistakes, _summary(report))


# --- the command, as a learner meets it ------------------------------------------------------------

def regviz(*args, cwd):
    return subprocess.run([sys.executable, "-m", "regviz", *args], capture_output=True, text=True, timeout=240, cwd=cwd)


def test_a_syntax_error_shows_the_learners_line_and_exits_2(tmp_path):
    (tmp_path / "mine.py").write_text("class Dropout:\n    def forward(self, x)\n        return x\n")
    run = regviz("check", "mine.py", cwd=tmp_path)
    assert run.returncode == 2
    assert "mine.py, line 2: syntax error" in run.stderr and "Traceback" not in run.stderr + run.stdout


def test_a_file_without_an_exercise_exits_2_and_says_what_to_define(tmp_path):
    (tmp_path / "mine.py").write_text("def hello():\n    return 1\n")
    run = regviz("check", "mine.py", cwd=tmp_path)
    assert run.returncode == 2 and "Dropout" in run.stderr and "regviz practice" in run.stderr


def test_the_untouched_starter_fails_with_its_own_message(tmp_path):
    assert regviz("practice", "layernorm", cwd=tmp_path).returncode == 0
    run = regviz("check", "practice/layernorm.py", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "FAIL" in run.stdout and "NotImplementedError: write forward" in run.stdout
    assert "practice/layernorm.py, line" in run.stdout and "Traceback" not in run.stdout + run.stderr


def test_an_infinite_loop_is_stopped_and_its_line_shown(tmp_path):
    (tmp_path / "mine.py").write_text(textwrap.dedent('''
        import numpy as np


        def soft_threshold(w, t):
            return np.sign(w) * np.maximum(np.abs(w) - t, 0)


        def lasso(X, y, lam):
            w = np.zeros(X.shape[1])
            while True:
                w = soft_threshold(w - X.T @ (X @ w - y) / len(y), lam)
    '''))
    run = regviz("check", "mine.py", "--timeout", "8", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "did not finish within 8 s" in run.stdout
    assert "line 12" in run.stdout and "Traceback" not in run.stdout + run.stderr


def test_a_crash_at_import_points_at_the_learners_line(tmp_path):
    (tmp_path / "mine.py").write_text("import numpy as np\n\nclass Dropout:\n    pass\n\nnp.zeros(3) + np.zeros(4)\n")
    run = regviz("check", "mine.py", cwd=tmp_path)
    assert run.returncode in (1, 2)
    assert "line 6" in run.stdout + run.stderr and "Traceback" not in run.stdout + run.stderr


def test_hypothesis_examples_read_as_plain_numbers():
    example = "Falsifying example: test_x(\n    impl=learner,\n    x=array([1., 2.]),\n    p=0.3,\n)"
    assert example_words(example) == "x = [1.0, 2.0], p = 0.3"
