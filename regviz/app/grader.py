"""The process `regviz check` runs: the claim tests against learners' files, results as JSON lines.

    python -m regviz.app.grader RESULTS.jsonl STACK.txt SECONDS      (REGVIZ_CHECK names the files)

It imports each learner's file (a crash at import is reported with its line), runs the claim tests of
tests/ through pytest with only the learners' parameters (tests/implementations.py), then the probes
of tests/mistakes.py that name classic mistakes. Every finished test appends one JSON line, so a run
killed by the time limit still tells which claims held and which one was running; faulthandler dumps
the stack to STACK.txt just before the limit, which shows the learner's line that was looping.
"""
import contextlib
import faulthandler
import importlib
import io
import json
import linecache
import os
import re
import sys
import time
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS_DIR = ROOT / "tests"
TEST_FILES = {"dropout": "test_dropout.py", "batchnorm": "test_norm.py", "layernorm": "test_norm.py",
              "lasso": "test_linear.py"}


class Log:
    """Appends one JSON object per line and flushes it at once (the parent may kill us any time)."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")

    def __call__(self, **record):
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()


def learner_frame(tb, files):
    """(file, line number, source line) of the innermost traceback frame in a learner's file, or None."""
    found = None
    for frame, lineno in traceback.walk_tb(tb):
        name = os.path.realpath(frame.f_code.co_filename)
        if name in files:
            found = (name, lineno)
    if found is None:
        return None
    return {"file": found[0], "line": found[1], "source": linecache.getline(found[0], found[1]).strip()}


def describe(exc, files):
    """What a learner reads about an exception: its message, and the line of their file it came from."""
    notes = getattr(exc, "__notes__", [])
    if isinstance(exc, BaseExceptionGroup):  # several distinct failures, or Hypothesis' flaky replay
        flaky = type(exc).__name__.startswith("Flaky")
        inner = describe(exc.exceptions[0], files)
        inner["flaky"] = inner.get("flaky", False) or flaky
        return inner
    text = str(exc)
    ours = isinstance(exc, AssertionError)
    if ours:
        text = re.split(r"\nassert |\n(?=Mismatched elements|Arrays are not)", text)[0].strip()
    example = next((n for n in notes if n.startswith(("Falsifying example", "Failing test case"))), "")
    return {"assertion": ours, "type": type(exc).__name__, "message": text, "example": example,
            "where": None if ours else learner_frame(exc.__traceback__, files), "flaky": False}


class Collector:
    """A pytest plugin: keeps only the learners' parameters of claim tests and logs each outcome."""

    def __init__(self, log, ids, files):
        self.log, self.ids, self.files = log, ids, files
        self.started = {}

    def pytest_collection_modifyitems(self, config, items):
        keep = []
        for item in items:
            impl = getattr(item, "callspec", None) and item.callspec.params.get("impl")
            if item.get_closest_marker("claim") and impl is not None and getattr(impl, "id", None) in self.ids:
                keep.append(item)
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep

    def _key(self, item):
        marker = item.get_closest_marker("claim")
        return {"id": item.callspec.params["impl"].id, "question": marker.args[0], "claim": marker.args[1],
                "test": item.originalname}

    def pytest_runtest_logstart(self, nodeid, location):
        self.started[nodeid] = time.perf_counter()

    def pytest_runtest_setup(self, item):
        self.log(event="start", **self._key(item))

    def pytest_runtest_makereport(self, item, call):
        if call.when != "call" and not (call.excinfo and call.when == "setup"):
            return
        key = self._key(item)
        seconds = round(time.perf_counter() - self.started.get(item.nodeid, time.perf_counter()), 2)
        if call.excinfo is None:
            self.log(event="done", status="pass", seconds=seconds, **key)
        elif call.excinfo.errisinstance(pytest.skip.Exception):
            self.log(event="done", status="skip", seconds=seconds, reason=str(call.excinfo.value), **key)
        else:
            self.log(event="done", status="fail", seconds=seconds, **describe(call.excinfo.value, self.files), **key)


def bound_shrinking(seconds):
    """Stop shrinking a failure after `seconds` (Hypothesis allows 300): a learner waits for the answer,
    and a few seconds already shrink these small arrays to readable ones. Hypothesis has no setting for
    it, so this sets its engine's constant; without that constant the default stands."""
    from hypothesis.internal.conjecture import engine

    if hasattr(engine, "MAX_SHRINKING_SECONDS"):
        engine.MAX_SHRINKING_SECONDS = seconds


def load(entries, log, files):
    """Import each learner's file once; a crash is logged with its line and that file is dropped."""
    from tests.implementations import learner  # the claim tests' own list, so the file is imported once

    loaded = []
    for entry in entries:
        impl = learner(entry)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                impl.module
        except BaseException as exc:  # noqa: BLE001 - anything the learner's module raises, SystemExit too
            log(event="load_error", id=entry["id"], **describe(exc, files))
            continue
        loaded.append((entry, impl))
    return loaded


def main(results, stack, seconds):
    entries = json.loads(os.environ["REGVIZ_CHECK"])
    files = {os.path.realpath(e["file"]) for e in entries}
    log = Log(results)
    stack_file = open(stack, "w", encoding="utf-8")
    faulthandler.dump_traceback_later(max(seconds, 1), exit=True, file=stack_file)
    sys.path.insert(0, str(ROOT))
    from hypothesis import HealthCheck, Phase, settings

    # one failure per claim, shrunk to its minimal example (the catalogue's test skips the shrinking: it
    # asks only whether a claim fails and which mistake the probes name)
    phases = [p for p in Phase if p is not Phase.shrink or os.environ.get("REGVIZ_CHECK_SHRINK", "1") == "1"]
    examples = int(os.environ.get("REGVIZ_CHECK_EXAMPLES", "40"))
    settings.register_profile("check", derandomize=True, deadline=None, max_examples=examples, database=None,
                              suppress_health_check=list(HealthCheck), report_multiple_bugs=False, phases=phases)
    os.environ["HYPOTHESIS_PROFILE"] = "check"
    bound_shrinking(float(os.environ.get("REGVIZ_CHECK_SHRINK_SECONDS", "3")))
    loaded = load(entries, log, files)
    if loaded:
        tests = sorted({str(TESTS_DIR / TEST_FILES[e["exercise"]]) for e, _ in loaded})
        collector = Collector(log, {e["id"] for e, _ in loaded}, files)
        args = [*tests, "-m", "claim", "-p", "no:cacheprovider", "-q", "--rootdir", str(ROOT),
                "-W", "ignore", "--tb=no", "-o", "addopts="]
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = pytest.main(args, plugins=[collector])
        if code not in (0, 1):
            log(event="error", message=f"pytest could not run the claim tests (exit {int(code)}):\n"
                                       f"{out.getvalue()[-2000:]}")
        mistakes = importlib.import_module("tests.mistakes")
        for entry, impl in loaded:
            for key, message in mistakes.diagnose(impl):
                log(event="mistake", id=entry["id"], key=key, message=message)
    log(event="finished")
    faulthandler.cancel_dump_traceback_later()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
