"""`regviz verify`: run the claim properties of the test suite and report each claim.

A claim is an ordinary test marked `@pytest.mark.claim("Q2", "what it proves")` in tests/; the suite
runs it with everything else and `regviz verify` runs exactly those tests (one source for both) through
pytest, collecting per claim: pass/fail, how many examples Hypothesis tried, the time, and on failure
the falsifying example.
"""
import contextlib
import hashlib
import io
import json
import os
import platform
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from regviz import __version__
from .files import atomic_path
from .render import ROOT

TESTS_DIR = ROOT / "tests"


KINDS = ("proved", "demonstrated")


@dataclass
class Claim:
    question: str
    claim: str
    tests: list = field(default_factory=list)  # pytest node ids
    passed: bool = True
    examples: int = 0  # Hypothesis examples tried (plain tests count 1 per case)
    seconds: float = 0.0
    failure: str = ""  # the falsifying example and assertion, when it failed
    kind: str = "proved"  # proved: holds for every input Hypothesis tried; demonstrated: a seeded experiment
    evidence: list = field(default_factory=list)  # what a demonstrated claim's tests recorded (seeds held, numbers)


class _ClaimCollector:
    """A pytest plugin that groups test outcomes by their claim marker."""

    def __init__(self, question=None, on_claim_done=None):
        self.question = question
        self.claims = {}  # (question, text) -> Claim
        self._pending = {}  # claim key -> test ids not finished yet
        self._claim_of = {}
        self.on_claim_done = on_claim_done

    def pytest_collection_modifyitems(self, config, items):
        if self.question is not None:  # one question's claims only
            keep = [i for i in items if (m := i.get_closest_marker("claim")) and m.args[0] == self.question]
            config.hook.pytest_deselected(items=[i for i in items if i not in keep])
            items[:] = keep
        for item in items:
            marker = item.get_closest_marker("claim")
            if marker is None:
                continue
            key = tuple(marker.args[:2])
            kind = marker.kwargs.get("kind", "proved")
            if kind not in KINDS:
                raise ValueError(f"{item.nodeid}: claim kind must be one of {', '.join(KINDS)}, got {kind!r}")
            self.claims.setdefault(key, Claim(*key, kind=kind)).tests.append(item.nodeid)
            self._pending.setdefault(key, set()).add(item.nodeid)
            self._claim_of[item.nodeid] = key

    def pytest_runtest_makereport(self, item, call):
        key = self._claim_of.get(item.nodeid)
        if key is None or call.when != "call":
            return
        claim = self.claims[key]
        stats = getattr(item, "hypothesis_statistics", "")
        # "- 60 passing, 0 failing, and 8 invalid test cases" per phase (older Hypothesis: "examples")
        counts = re.findall(r"(\d+) passing(?: examples)?, (\d+) failing", stats)
        claim.examples += sum(int(a) + int(b) for a, b in counts) if stats else 1

    def pytest_runtest_logreport(self, report):
        key = self._claim_of.get(report.nodeid)
        if key is None:
            return
        claim = self.claims[key]
        claim.seconds += report.duration
        if report.when == "call":  # every phase's report carries the properties: count them once
            claim.evidence += [value for name, value in report.user_properties if name == "evidence"]
        if report.failed:
            claim.passed = False
            claim.failure += f"{report.nodeid}\n{report.longreprtext}\n"
        if report.when == "teardown" or (report.failed and report.when == "setup"):
            self._pending[key].discard(report.nodeid)
            if not self._pending[key] and self.on_claim_done:
                self.on_claim_done(claim)


def run_claims(tests_dir=TESTS_DIR, question=None, profile="ci", on_claim_done=None, cache_dir=None):
    """Run the claim tests in tests_dir (optionally one question's) and return their Claims, in order.
    Hypothesis keeps its example database in cache_dir/hypothesis (default: the user's cache), not in the
    working folder. A Ctrl-C (or Stopped) that pytest catches is raised again here as KeyboardInterrupt."""
    tests_dir = Path(tests_dir)
    if not tests_dir.is_dir():
        raise FileNotFoundError(f"the claim tests are not at {tests_dir}: run regviz verify from a checkout of regviz")
    import pytest
    from hypothesis.configuration import set_hypothesis_home_dir

    from .render import default_cache_dir

    set_hypothesis_home_dir(Path(cache_dir or default_cache_dir()) / "hypothesis")

    collector = _ClaimCollector(question, on_claim_done)
    args = [str(tests_dir), "-m", "claim", "-p", "no:cacheprovider", "-q", "--hypothesis-show-statistics",
            "--rootdir", str(tests_dir.parent), "-W", "ignore::DeprecationWarning"]
    os.environ["HYPOTHESIS_PROFILE"] = profile
    with contextlib.redirect_stdout(io.StringIO()) as log:
        code = pytest.main(args, plugins=[collector])
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    claims = list(collector.claims.values())
    if code not in (0, 1) or not claims:
        raise RuntimeError(f"pytest could not run the claim tests (exit {int(code)}):\n{log.getvalue()[-3000:]}")
    return sorted(claims, key=lambda c: c.question)


def report(claims, started):
    """The JSON document `regviz verify` writes (OUT/verify.json) and the study page reads."""
    return {
        "regviz": __version__,
        "source": source_hash(),  # the page compares it with the code it is built from: stale results say so
        "date": started.isoformat(timespec="seconds"),
        "machine": f"{platform.node()} ({platform.machine()}, Python {platform.python_version()})",
        "passed": all(c.passed for c in claims),
        "claims": [asdict(c) for c in claims],
    }


def source_hash(root=ROOT):
    """A SHA-256 of the code the claims are about and the tests that prove them: the core (regviz/*.py,
    not the app) and tests/*.py, by relative path and content."""
    digest = hashlib.sha256()
    for path in sorted([*(root / "regviz").glob("*.py"), *(root / "tests").glob("*.py")]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def verify(json_path=None, question=None, profile="ci", on_claim_done=None, tests_dir=None, cache_dir=None):
    """Run the claims, write the JSON report to json_path (atomically) if given, and return it."""
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    claims = run_claims(tests_dir or TESTS_DIR, question=question, profile=profile, on_claim_done=on_claim_done,
                        cache_dir=cache_dir)
    doc = report(claims, started)
    doc["seconds"] = round(time.perf_counter() - t0, 2)
    if json_path is not None:
        json_path = Path(json_path)
        json_path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(json_path) as tmp:
            tmp.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return doc
