"""Ctrl-C and SIGTERM stop `regviz render` and `regviz verify` promptly and tidily: real signals sent to
real `regviz` processes. Ctrl-C is sent as a terminal sends it, to the command's whole process group;
SIGTERM as `kill PID` sends it, to the command alone."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Every clip name renders tests/toy_scenes.py's SlowScene, in the command and in its spawned workers alike
SITECUSTOMIZE = """
import regviz.app.render
regviz.app.render.load_scene = lambda name: __import__("tests.toy_scenes", fromlist=["SlowScene"]).SlowScene
"""


def start(tmp_path, args, cwd=None):
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return subprocess.Popen([sys.executable, "-m", "regviz", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=cwd or tmp_path, start_new_session=True)


def wait_for(condition, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def descendants(pid):
    """Pids of every process below pid (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        tasks = Path(f"/proc/{todo.pop()}/task")
        for task in tasks.glob("*") if tasks.exists() else []:
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += children - found
            found |= children
    return found


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def send(proc, signum):
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signal.SIGINT)  # the terminal's Ctrl-C: the whole foreground process group
    else:
        proc.send_signal(signum)


@pytest.mark.render
def test_render_all_stops_at_once_on_ctrl_c_and_sigterm(tmp_path):
    runs = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        folder = tmp_path / signum.name
        folder.mkdir()
        out = folder / "out"
        runs[signum] = (folder, out, start(folder, ["render", "all", "-q", "low", "--jobs", "2", "--out", str(out),
                                                    "--cache", str(folder / "cache")]))
    for signum, (folder, out, proc) in runs.items():  # both clips of each command are drawing frames
        segments = (folder / "cache" / "media").glob
        wait_for(lambda: len({p.parts[-6] for p in segments("*/videos/*/partial_movie_files/*/*.mp4")}) == 2)
    workers = {}
    for signum, (folder, out, proc) in runs.items():
        workers[signum] = descendants(proc.pid)
        assert len(workers[signum]) >= 2
        send(proc, signum)
    stopped = time.monotonic()
    for signum, (folder, out, proc) in runs.items():
        stdout, stderr = proc.communicate(timeout=60)
        assert time.monotonic() - stopped < 10  # a few seconds, not the queued clips' render time
        assert proc.returncode == 128 + signum, stderr
        assert stderr.strip().splitlines() == [
            f"Stopped by {signum.name}: kept no new clip; 5 of 5 not rendered (their previous files are untouched)"]
        assert "Traceback" not in stdout + stderr
    time.sleep(2)  # long enough for a worker left behind to publish its clip
    for signum, (folder, out, proc) in runs.items():
        assert sorted(p.name for p in out.iterdir()) == []  # nothing published, no temporary file left
        assert [pid for pid in workers[signum] if alive(pid)] == []  # no process left behind


CLAIMS_CONFTEST = """
from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)

def pytest_configure(config):
    config.addinivalue_line("markers", "claim(question, text): a claim")
"""

SLOW_CLAIM = """
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

@pytest.mark.claim("Q1", "A claim that takes its time")
@settings(max_examples=10_000)
@given(st.integers())
def test_slowly(n):
    Path(__file__).with_name("started").touch()
    time.sleep(0.05)
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_verify_stops_on_a_signal_in_one_line_and_keeps_the_previous_results(tmp_path, signum):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(CLAIMS_CONFTEST)
    (tests / "test_slow.py").write_text(SLOW_CLAIM)
    out = tmp_path / "out"
    out.mkdir()
    (out / "verify.json").write_text('{"previous": "results"}')
    proc = start(tmp_path, ["verify", "--tests", str(tests), "--out", str(out), "--cache", str(tmp_path / "cache")])
    wait_for(lambda: (tests / "started").exists())
    send(proc, signum)
    stopped = time.monotonic()
    stdout, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - stopped < 5
    assert proc.returncode == 128 + signum
    assert stderr.strip().splitlines() == [f"Stopped by {signum.name}: no claims verified; {out / 'verify.json'} is unchanged"]
    assert stdout.strip().splitlines() == ["Running the claim properties (Hypothesis, derandomized)..."]
    assert json.loads((out / "verify.json").read_text()) == {"previous": "results"}
    assert sorted(p.name for p in out.iterdir()) == ["verify.json"]


@pytest.mark.render
def test_a_single_split_render_stops_at_once_on_ctrl_c_and_sigterm(tmp_path):
    """One clip with --jobs 2: its plays are drawn by forked children, which must neither act on the Ctrl-C
    themselves (the command stops them) nor outlive the command."""
    runs = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        folder = tmp_path / signum.name
        folder.mkdir()
        runs[signum] = (folder, start(folder, ["render", "dropout", "-q", "low", "--jobs", "2", "--out",
                                               str(folder / "out"), "--cache", str(folder / "cache")]))
    for folder, proc in runs.values():  # the forked children have drawn a few plays
        wait_for(lambda: len(list((folder / "cache").glob("media/*/videos/*/partial_movie_files/*/*.mp4"))) >= 3)
    processes = {}
    for signum, (folder, proc) in runs.items():
        processes[signum] = descendants(proc.pid)
        send(proc, signum)
    stopped = time.monotonic()
    for signum, (folder, proc) in runs.items():
        stdout, stderr = proc.communicate(timeout=60)
        assert time.monotonic() - stopped < 10
        assert proc.returncode == 128 + signum, stderr
        assert stderr.strip().splitlines() == [
            f"Stopped by {signum.name}: kept no new clip; 1 of 1 not rendered (their previous files are untouched)"]
    time.sleep(1)
    for signum, (folder, proc) in runs.items():
        assert list((folder / "out").iterdir()) == []
        assert [pid for pid in processes[signum] if alive(pid)] == []
