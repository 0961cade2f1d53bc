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


TINY = {"pixel_height": 144, "pixel_width": 256, "frame_rate": 4}  # every frame's layout, few pixels: fast


@pytest.fixture(scope="session")
def tiny_renders(tmp_path_factory):
    """Every real scene rendered once per session at a tiny size, two processes at a time:
    {name: (RenderResult or None, error or None)}. Shared by the render and page tests."""
    from regviz.app.render import render_many
    from regviz.app.syllabus import SCENE_NAMES

    out = tmp_path_factory.mktemp("renders")
    runs = render_many(list(SCENE_NAMES), jobs=2, quality="low", fmt="mp4", out_dir=out,
                       cache_dir=out / ".cache", overrides=TINY)
    return {name: (result, error) for name, result, error in runs}


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
