"""`regviz check` grades a learner's file with the claim properties: the catalogue of answers proves it.

tests/catalogue/ holds answers a learner might write: correct ones written unlike regviz's core
(np.random's global state, rng.binomial, np.var(ddof=1), einsum, coordinate descent) and wrong ones,
each with a classic mistake. One grader process grades them all (without shrinking: only pass/fail
and the named mistake matter here); every correct one must pass, every wrong one fail with its mistake.
"""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from regviz.app.check import example_words, grade_many, infer_exercise

CATALOGUE = Path(__file__).parent / "catalogue"

# file stem (or stem@convention) -> the mistake the checker must name; None: a correct answer
EXPECTED = {
    "dropout_global_state": None, "dropout_binomial": None, "dropout_cs231n@cs231n": None,
    "batchnorm_textbook": None, "batchnorm_cs231n@cs231n": None, "layernorm_einsum": None,
    "lasso_ista": None, "lasso_coordinate_descent": None,
    "wrong_dropout_p_keep": "p_as_keep",
    "dropout_cs231n": "p_as_keep",  # CS231n's p keeps: wrong under the default convention, and says why
    "dropout_global_state@cs231n": "p_as_drop",
    "wrong_dropout_no_scaling": "no_scaling",
    "wrong_dropout_old_style": "scaling_at_inference",
    "wrong_dropout_fresh_mask": "fresh_mask_in_backward",
    "wrong_dropout_active_in_eval": "dropout_in_eval",
    "wrong_dropout_backward_no_scale": "backward_without_scale",
    "wrong_dropout_same_mask": "same_mask_every_forward",
    "wrong_dropout_in_place": "modifies_input",
    "batchnorm_cs231n": "biased_running_var",  # a textbook BatchNorm with biased running_var, default convention
    "wrong_batchnorm_eval_batch_stats": "batch_statistics_in_eval",
    "wrong_batchnorm_momentum_old": "momentum_weights_old",
    "wrong_batchnorm_wrong_axis": "wrong_axis",
    "wrong_batchnorm_naive_backward": "backward_ignores_statistics",
    "wrong_batchnorm_eps_outside": "eps_outside_sqrt",
    "wrong_batchnorm_unbiased_norm": "unbiased_variance_in_normalisation",
    "wrong_batchnorm_dgamma": "wrong_dgamma",
    "wrong_layernorm_wrong_axis": "wrong_axis",
    "wrong_layernorm_naive_backward": "backward_ignores_statistics",
    "wrong_lasso_subgradient": "subgradient_no_exact_zeros",
    "wrong_lasso_overshoot": "soft_threshold_overshoots",
    "wrong_lasso_scale": "objective_scale",
}


def entry(key):
    stem, _, convention = key.partition("@")
    path = CATALOGUE / f"{stem}.py"
    return {"id": key.replace("@", "-"), "file": str(path), "exercise": infer_exercise(path),
            "convention": convention or "pytorch"}


@pytest.fixture(scope="module")
def graded():
    return grade_many([entry(key) for key in EXPECTED], timeout=280, examples=20, shrink=False)


def test_the_catalogue_is_big_enough():
    wrong = [key for key, mistake in EXPECTED.items() if mistake]
    assert len(wrong) >= 15 and len(EXPECTED) - len(wrong) >= 5
    assert {p.stem for p in CATALOGUE.glob("*.py")} == {key.partition("@")[0] for key in EXPECTED}


@pytest.mark.parametrize("key", EXPECTED)
def test_the_grader_passes_right_answers_and_names_each_mistake(graded, key):
    report, mistake = graded[key.replace("@", "-")], EXPECTED[key]
    summary = "\n".join(f"{c.status} {c.claim}: {c.message}" for c in report.claims)
    assert not report.problem, report.problem
    assert len(report.claims) >= 2, summary
    if mistake is None:
        assert report.passed, summary
        assert report.mistakes == [], report.mistakes
    else:
        assert not report.passed and any(c.status == "fail" for c in report.claims), summary
        assert mistake in [key for key, _ in report.mistakes], (report.mistakes, summary)


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
