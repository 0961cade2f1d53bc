"""`regviz check FILE`: grade a learner's own implementation with the claim properties.

The learner's code runs in a separate process (regviz/app/grader.py) with a time limit: an infinite
loop, a crash or a syntax error becomes a message that points at the learner's line, never a regviz
traceback. The claims are the very tests that prove regviz's own answers (tests/test_*.py,
parametrised by implementation); tests/mistakes.py names the classic mistakes their signatures show.
"""
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .practice import EXERCISES

# what each convention means for the exercises it changes
CONVENTIONS = {
    ("dropout", "pytorch"): "PyTorch's convention: p is the probability of dropping",
    ("dropout", "cs231n"): "CS231n's convention: p is the probability of keeping",
    ("batchnorm", "pytorch"): "PyTorch's convention: momentum 0.1 weights the new batch, unbiased running_var",
    ("batchnorm", "cs231n"): "CS231n's convention: momentum 0.1 weights the new batch, biased running_var",
}


class CheckError(Exception):
    """The file cannot be graded at all (syntax error, nothing to grade, crash on import)."""


@dataclass
class ClaimResult:
    question: str
    claim: str
    status: str = "not run"  # pass, fail, skip, not run, timeout
    message: str = ""
    example: str = ""
    where: dict = None  # the learner's file and line an exception came from
    seconds: float = 0.0
    flaky: bool = False
    exception: str = ""  # the exception type when the learner's code raised


@dataclass
class Report:
    file: str
    exercise: str
    convention: str
    claims: list = field(default_factory=list)
    mistakes: list = field(default_factory=list)  # [(key, message)]
    problem: str = ""  # the run could not finish: load error, timeout
    seconds: float = 0.0

    @property
    def passed(self):
        return not self.problem and all(c.status in ("pass", "skip") for c in self.claims)


# --- before running anything ------------------------------------------------------------------------

def syntax_problem(path):
    """A learner-facing message for a syntax error in path, or None."""
    source = Path(path).read_text(encoding="utf-8", errors="replace")
    try:
        compile(source, str(path), "exec")
    except SyntaxError as error:
        line = (error.text or "").rstrip("\n")
        caret = " " * max((error.offset or 1) - 1 - (len(line) - len(line.lstrip())), 0) + "^"
        return f"{path}, line {error.lineno}: syntax error: {error.msg}\n    {line.strip()}\n    {caret}"
    return None


def defined_names(path):
    tree = ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    return {node.name for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}


def infer_exercise(path, exercise=None):
    """The exercise path answers: the one named, or the one whose names the file defines."""
    names = defined_names(path)
    if exercise is not None:
        wanted = next(e for e in EXERCISES if e.name == exercise).defines
        missing = [n for n in wanted if n not in names]
        if missing:
            raise CheckError(f"{path} does not define {', '.join(missing)}, which the {exercise} exercise asks for "
                             f"(regviz practice {exercise} writes a starter)")
        return exercise
    matches = [e.name for e in EXERCISES if all(n in names for n in e.defines)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        wanted = "; ".join(f"{' and '.join(e.defines)} ({e.name})" for e in EXERCISES)
        raise CheckError(f"{path} defines none of the exercises' names: {wanted}. regviz practice NAME writes a starter")
    raise CheckError(f"{path} defines several exercises ({', '.join(matches)}): choose one with --exercise")


# --- running the grader -----------------------------------------------------------------------------

def grade_many(entries, timeout=60.0, examples=40, shrink=True):
    """Grade learners' files in one grader process: {id: Report}.

    entries: [{"id", "file", "exercise", "convention"}]; the files must compile (syntax_problem).
    examples: Hypothesis examples per claim; shrink=False reports a failure as first found (quicker,
    for grading many files when only pass/fail and the named mistakes matter).
    """
    started = time.perf_counter()
    entries = [dict(e, file=os.path.realpath(e["file"])) for e in entries]
    reports = {e["id"]: Report(e["file"], e["exercise"], e.get("convention", "pytorch")) for e in entries}
    with tempfile.TemporaryDirectory(prefix="regviz-check-") as tmp:
        results, stack = Path(tmp) / "results.jsonl", Path(tmp) / "stack.txt"
        env = dict(os.environ, REGVIZ_CHECK=json.dumps(entries), PYTHONDONTWRITEBYTECODE="1",
                   REGVIZ_CHECK_EXAMPLES=str(examples), REGVIZ_CHECK_SHRINK="1" if shrink else "0")
        env.pop("HYPOTHESIS_PROFILE", None)
        # faulthandler dumps the stack and exits at `timeout`; the second limit is a backstop
        command = [sys.executable, "-m", "regviz.app.grader", str(results), str(stack), str(timeout)]
        try:
            proc = subprocess.run(command, env=env, cwd=tmp, capture_output=True, text=True, timeout=timeout + 15,
                                  stdin=subprocess.DEVNULL)  # input() in a learner's code must not wait for us
            crashed = proc.returncode != 0 and proc.stderr
        except subprocess.TimeoutExpired:
            crashed = None
        records = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
        stack_text = stack.read_text(errors="replace") if stack.exists() else ""
    finished = any(r["event"] == "finished" for r in records)
    running = {}
    for r in records:
        report = reports.get(r.get("id"))
        if r["event"] == "error":
            for rep in reports.values():
                rep.problem = rep.problem or r["message"]
        elif r["event"] == "load_error":
            report.problem = load_message(report.file, r)
        elif r["event"] == "start":
            running[r["id"]] = _claim(report, r)
            running[r["id"]].status = "running"
        elif r["event"] == "done":
            claim = _claim(report, r)
            claim.status, claim.seconds = r["status"], r["seconds"]
            claim.message = r.get("message") or r.get("reason", "")
            claim.example, claim.where, claim.flaky = r.get("example", ""), r.get("where"), r.get("flaky", False)
            claim.exception = "" if r.get("assertion", True) else r.get("type", "")
            running.pop(r["id"], None)
        elif r["event"] == "mistake":
            report.mistakes.append((r["key"], r["message"]))
    if not finished:
        where = stack_lines(stack_text, {e["file"] for e in entries})
        timed_out = crashed is None or "Timeout" in stack_text
        for id_, report in reports.items():
            claim = running.get(id_)
            if report.problem:
                continue
            if timed_out:
                report.problem = timeout_message(report.file, timeout, where, claim)
                if claim is not None:
                    claim.status = "timeout"
            else:
                report.problem = f"the checker stopped unexpectedly:\n{(crashed or '')[-1500:]}"
    seconds = round(time.perf_counter() - started, 1)
    for report in reports.values():
        report.seconds = seconds
    return reports


def _claim(report, record):
    for claim in report.claims:
        if claim.claim == record["claim"]:
            return claim
    report.claims.append(ClaimResult(record["question"], record["claim"]))
    return report.claims[-1]


def stack_lines(stack_text, files):
    """The learner's lines in faulthandler's dump of the main thread, outermost call first:
    [{'file', 'line', 'function'}]."""
    frames = []
    for line in stack_text.split("\n\n")[-1].splitlines():  # the main thread is dumped last
        match = re.match(r'\s*File "(.+)", line (\d+) in (\S+)', line)
        if match and os.path.realpath(match.group(1)) in files:
            frames.append({"file": match.group(1), "line": int(match.group(2)), "function": match.group(3)})
    return frames[::-1]  # faulthandler lists the most recent call first


def _source_line(where):
    try:
        return Path(where["file"]).read_text(errors="replace").splitlines()[where["line"] - 1].strip()
    except (OSError, IndexError):
        return ""


def timeout_message(path, timeout, where, claim):
    text = f"your code did not finish within {timeout:g} s" + (" (the claim marked TIME)" if claim else "")
    if where:
        text += f"; it was running, in {path}:"
        text += "".join(f"\n  line {w['line']} in {w['function']}:  {_source_line(w)}" for w in where)
        text += "\n(an endless loop? a loop that waits for a condition the numbers never meet?)"
    return text


def load_message(path, record):
    where = record.get("where")
    text = f"importing {path} raised {record['type']}: {record['message']}"
    if where:
        text += f"\n  at line {where['line']}:  {where['source']}"
    return text


def check(path, exercise=None, convention="pytorch", timeout=60.0):
    """Grade one file: a Report. CheckError when the file cannot be graded at all."""
    problem = syntax_problem(path)
    if problem:
        raise CheckError(problem)
    exercise = infer_exercise(path, exercise)
    entry = {"id": "learner", "file": str(path), "exercise": exercise, "convention": convention}
    report = grade_many([entry], timeout)["learner"]
    report.file = str(path)
    return report


# --- what the learner reads -------------------------------------------------------------------------

NUMPY_NAMES = {"array": np.array, "nan": np.nan, "inf": np.inf, "float64": np.float64, "float32": np.float32}


def example_words(example):
    """Hypothesis' 'Failing test case: test(impl=learner, x=array([1., 2.]), p=0.5)' as 'x = [1.0, 2.0], p = 0.5'."""
    call = example.split(": ", 1)[-1].strip()
    try:
        keywords = ast.parse(call, mode="eval").body.keywords
    except (SyntaxError, AttributeError):
        return ""
    parts = []
    for keyword in keywords:
        if keyword.arg in (None, "impl", "data", "seed"):
            continue
        text = ast.get_source_segment(call, keyword.value)
        try:
            value = np.array(eval(text, {"__builtins__": {}}, NUMPY_NAMES), dtype=float)  # our own repr of numbers
            value = str((np.round(value, 4) + 0.0).tolist())
        except Exception:  # noqa: BLE001 - show Hypothesis' own text when it is not plain numbers
            value = " ".join(text.split())
        parts.append(f"{keyword.arg} = {value}")
    return ", ".join(parts)


def render(report, color=lambda text, **_: text):
    """The report as lines of text for the terminal."""
    convention = CONVENTIONS.get((report.exercise, report.convention))
    lines = [f"Checking {report.file} as the {report.exercise} exercise" + (f" ({convention})" if convention else ""), ""]
    wrap = lambda text, indent: textwrap.fill(text, 100, initial_indent=indent, subsequent_indent=indent,  # noqa: E731
                                              break_long_words=False, break_on_hyphens=False)
    for c in report.claims:
        mark = {"pass": color("pass", fg="green"), "fail": color("FAIL", fg="red", bold=True),
                "skip": color("skip", fg="yellow"), "timeout": color("TIME", fg="red", bold=True)}.get(c.status, c.status)
        lines.append(f"  {mark}  {c.question}  {c.claim}")
        if c.status == "skip":
            lines.append(wrap(c.message, " " * 12))
        if c.status != "fail":
            continue
        if c.exception:
            example = example_words(c.example)
            case = f"with {example}, " if example else ""
            if c.where:
                text = f"{case}your code raised {c.exception}: {c.message}"
            else:  # raised in the checker, by what the learner's code returned
                text = f"{case}what your code returned made the checker fail with {c.exception}: {c.message}"
            lines.append(wrap(text, " " * 12))
            if c.where:
                lines.append(f"{' ' * 12}at {c.where['file']}, line {c.where['line']}:  {c.where['source']}")
        else:
            lines.append(wrap(c.message, " " * 12))
        if c.flaky:
            lines.append(wrap("(the same input gave different results on a second run: does your code draw random "
                              "numbers the checker cannot seed, or keep state between calls?)", " " * 12))
    if report.problem:
        lines += ["", color(report.problem, fg="red")] if report.claims else [color(report.problem, fg="red")]
    if report.mistakes:
        lines += ["", "Classic mistakes this looks like:"]
        lines += [textwrap.fill(message, 100, initial_indent="  - ", subsequent_indent="    ", break_long_words=False,
                                break_on_hyphens=False) for _, message in report.mistakes]
    if report.problem and not report.claims:
        return lines + ["", "nothing graded"]
    held = sum(c.status == "pass" for c in report.claims)
    graded = sum(c.status != "skip" for c in report.claims)
    skipped = len(report.claims) - graded
    verdict = "every claim holds" if report.passed else f"{held} of {graded} claims hold"
    if report.problem:
        verdict += "; the others were not run"
    if skipped:
        verdict += f" ({skipped} not graded)" if not report.passed else f" that could be graded ({skipped} skipped)"
    lines += ["", f"{verdict} ({report.seconds:.1f} s)"]
    return lines
