"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (Hypothesis' recommended CI pattern).

ci:  derandomized (the same examples on every run, so CI is repeatable) and no deadline (a loaded
     2-core CI machine must not turn slowness into failures); `make test` uses it.
dev: fewer examples, for a quick edit-test loop.
"""
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


TINY = {"pixel_height": 144, "pixel_width": 256, "frame_rate": 3}  # every frame's layout, few pixels: fast


def once_per_run(tmp_path_factory, name, compute):
    """compute(folder) run once per pytest run, even when `make test` splits the suite over pytest-xdist
    workers: the first worker to ask computes it in a folder all workers share (under a lock) and saves the
    result; the others wait for it and load it. Plain pytest: computed here, as a session fixture would."""
    import pickle

    from regviz.app.files import locked

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # .../pytest-N/popen-gwK: pytest-N is the run's, shared by its workers
    folder, saved = root / name, root / f"{name}.pickle"
    with locked(root / f"{name}.lock"):
        if not saved.exists():
            folder.mkdir()
            saved.write_bytes(pickle.dumps(compute(folder)))
        return pickle.loads(saved.read_bytes())


@pytest.fixture(scope="session")
def tiny_renders(tmp_path_factory):
    """Every real scene rendered once per run at a tiny size, two processes at a time:
    {name: (RenderResult or None, error or None)}. Shared by the render, page, layout and freeze tests; the
    layout at the end of every play is recorded on the way into OUT/layout/NAME.jsonl (scenes/layout.py)."""

    def render(out):
        from regviz.app.render import render_many
        from regviz.app.syllabus import SCENE_NAMES
        from scenes import layout

        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(layout.ENVIRONMENT, str(out / "layout"))  # the render processes inherit it
            runs = render_many(list(SCENE_NAMES), jobs=2, quality="low", fmt="mp4", out_dir=out,
                               cache_dir=out / ".cache", overrides=TINY)
            return {name: (result, error) for name, result, error in runs}

    return once_per_run(tmp_path_factory, "tiny_renders", render)


# Clips whose re-cut for issue 13 has not landed: the layout and freeze tests mark them strict xfail (the check
# itself is never weakened; the day a clip passes, its name must leave this set).
NOT_RECUT = set()


def clips(names):
    """The clip names as pytest params, the ones not re-cut yet marked xfail(strict=True)."""
    mark = pytest.mark.xfail(strict=True, reason="issue 13: clip not re-cut yet")
    return [pytest.param(name, marks=mark) if name in NOT_RECUT else name for name in names]


def frozen_stretches(path, noise_db=-60, seconds=2.0):
    """[(start, end)] in seconds: the clip's stretches of at least `seconds` where the picture stands still, as
    ffmpeg's freezedetect finds them (issue 13's measure, freezedetect=n=-60dB:d=2: each frame's mean absolute
    difference from the stretch's first frame stays under 10^(-60/20) = 0.1% of full scale). The filter compares
    with that first frame, not with the previous one, so slow motion is not lost at a low frame rate; a stretch
    still frozen at the end of the clip ends with it."""
    import re
    import subprocess

    from regviz.app.render import clip_duration

    done = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-map", "0:v:0",
         "-vf", f"freezedetect=n={noise_db}dB:d={seconds}", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )
    starts = [float(t) for t in re.findall(r"freeze_start: ([\d.]+)", done.stderr)]
    ends = [float(t) for t in re.findall(r"freeze_end: ([\d.]+)", done.stderr)]
    ends += [clip_duration(path)] * (len(starts) - len(ends))
    return list(zip(starts, ends))


def frozen_share(path, **kwargs):
    """The fraction of the clip spent in frozen stretches (frozen_stretches)."""
    from regviz.app.render import clip_duration

    return sum(end - start for start, end in frozen_stretches(path, **kwargs)) / clip_duration(path)


def decode_frames(path):
    """Every frame of a clip as an RGB array (H, W, 3), decoded by a real decoder (PyAV)."""
    import av

    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def child_processes():
    """Pids of this process's children (Linux)."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    return {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke the CLI with `scene` standing in for every scene name; output under tmp_path."""

    def invoke(args, scene=None):
        from click.testing import CliRunner

        import regviz.app.render
        from regviz.app.cli import main

        from .toy_scenes import TinyScene

        scene = scene or TinyScene
        monkeypatch.setattr(regviz.app.render, "load_scene", lambda name: scene)
        return CliRunner().invoke(main, [*args, "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")])

    return invoke
