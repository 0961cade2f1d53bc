"""The `regviz` command: list, render's choices and errors, atomic output (CliRunner, in-process)."""
import os
import signal
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from manim import RIGHT, UP, Animation, Circle, Create, Dot, FadeIn, FadeOut, MovingCameraScene, Square, always_redraw

import regviz.render
import regviz.split
from regviz.cli import main
from regviz.render import SCENE_NAMES
from scenes.palette import RegvizScene

needs_fork = pytest.mark.skipif(not regviz.split.available(), reason="split renders fork (POSIX)")


class TinyScene(RegvizScene):
    """Two seconds of a circle: the CLI's plumbing without a real clip's render time."""

    def construct(self):
        self.play(Create(Circle()), run_time=1, subcaption="a circle")
        self.wait(1)


class BrokenScene(RegvizScene):
    def construct(self):
        self.play(Create(Circle()), run_time=0.5)
        raise ZeroDivisionError("the scene's own bug")


class InterruptedScene(RegvizScene):
    def construct(self):
        self.play(Create(Circle()), run_time=0.5)
        raise KeyboardInterrupt  # what Ctrl-C raises mid-render


class TimingScene(RegvizScene):
    """Run times that are not whole frames (so a skipped play's clock must follow the frames), frozen waits,
    captions, and a play with an updater (the split render's parent draws that one itself)."""

    def construct(self):
        dot = Dot()
        self.play(FadeIn(dot), run_time=0.35, subcaption="a dot", subcaption_duration=1.1)
        self.wait(0.7)
        ring = always_redraw(lambda: Circle(radius=0.3).next_to(dot, UP))
        self.add(ring)
        self.play(dot.animate.shift(2 * RIGHT), run_time=0.55, subcaption="a ring follows it")
        ring.clear_updaters()
        self.play(FadeOut(dot), FadeOut(ring), run_time=0.45, subcaption="both leave")
        self.wait(0.3)


class ZoomScene(MovingCameraScene):
    """Its own camera class: a split render must draw with it too."""

    def construct(self):
        circle = Circle()
        self.play(Create(circle), run_time=0.6)
        self.play(self.camera.frame.animate.scale(0.5).move_to(circle.get_right()), run_time=0.8)
        self.wait(0.5)


class SoundScene(RegvizScene):
    """Sounds added between plays: the parent of a split render skips plays, but must still add them."""

    beep = None  # a .wav path, set by the test

    def construct(self):
        self.play(Create(Circle()), run_time=0.6)
        self.add_sound(self.beep)
        self.play(FadeIn(Square()), run_time=0.7)
        self.add_sound(self.beep, time_offset=0.2)
        self.wait(0.4)


class FailsWhenDrawn(Animation):
    """Fails on a frame strictly inside the animation: only where frames are drawn, i.e. in a split
    render's child, never in its parent (which only finishes the play)."""

    def interpolate_mobject(self, alpha):
        if 0 < alpha < 1:
            raise ValueError("a frame could not be drawn")


class DiesWhenDrawn(Animation):
    def interpolate_mobject(self, alpha):
        if 0 < alpha < 1:
            os.kill(os.getpid(), signal.SIGKILL)  # only ever in a split render's child


class FailingPartScene(RegvizScene):
    def construct(self):
        self.play(Create(Circle()), run_time=0.5)
        self.play(FailsWhenDrawn(Circle()), run_time=0.5)
        self.wait(0.5)


class DyingPartScene(RegvizScene):
    def construct(self):
        self.play(Create(Circle()), run_time=0.5)
        self.play(DiesWhenDrawn(Circle()), run_time=0.5)
        self.wait(0.5)


def child_processes():
    """Pids of this process's children (Linux)."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    return {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke the CLI with `scene` standing in for every scene name; output under tmp_path."""

    def invoke(args, scene=TinyScene):
        monkeypatch.setattr(regviz.render, "load_scene", lambda name: scene)
        return CliRunner().invoke(main, [*args, "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")])

    return invoke


def test_list_names_every_scene_with_a_description():
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(SCENE_NAMES)
    assert [line.split()[1] for line in lines] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert all(len(line.split()) > 4 for line in lines)  # a real description, not just the name


def test_unknown_scene_exits_2_and_lists_the_valid_names():
    result = CliRunner().invoke(main, ["render", "dropuot"])
    assert result.exit_code == 2
    assert "'dropuot' is not one of" in result.output
    for name in SCENE_NAMES:
        assert name in result.output


@pytest.mark.parametrize("args", [["-q", "ultra"], ["--format", "avi"], ["--jobs", "0"], ["--seed", "-1"]])
def test_bad_options_are_usage_errors(args):
    result = CliRunner().invoke(main, ["render", "dropout", *args])
    assert result.exit_code == 2
    assert "Invalid value" in result.output


def test_render_writes_the_clip_and_captions_and_prints_the_path_last(run, tmp_path):
    result = run(["render", "dropout", "-q", "low"])
    assert result.exit_code == 0, result.output
    clip = tmp_path / "out" / "dropout.mp4"
    assert clip.is_file() and (tmp_path / "out" / "dropout.srt").read_text().count("a circle") == 1
    assert result.output.strip().splitlines()[-1].startswith(str(clip))
    assert list((tmp_path / "out").glob(".*")) == []  # no temporary files left behind
    assert regviz.render.clip_duration(clip) == pytest.approx(2.0, abs=0.2)


def test_render_png_writes_the_last_frame(run, tmp_path):
    result = run(["render", "dropout", "--format", "png", "-q", "low"])
    assert result.exit_code == 0, result.output
    from PIL import Image

    with Image.open(tmp_path / "out" / "dropout.png") as image:
        assert image.size == (854, 480)


@pytest.mark.parametrize("scene, cause", [(BrokenScene, "ZeroDivisionError: the scene's own bug")])
def test_a_failing_scene_exits_1_and_keeps_the_previous_clip(run, tmp_path, scene, cause):
    out = tmp_path / "out"
    out.mkdir()
    (out / "dropout.mp4").write_bytes(b"the previous good clip")
    result = run(["render", "dropout", "-q", "low"], scene=scene)
    assert result.exit_code == 1
    assert "scene dropout failed" in result.output and cause in result.output
    assert (out / "dropout.mp4").read_bytes() == b"the previous good clip"
    assert sorted(p.name for p in out.iterdir()) == ["dropout.mp4"]  # no partial file


def test_an_interrupted_render_keeps_the_previous_clip(run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "dropout.mp4").write_bytes(b"the previous good clip")
    result = run(["render", "dropout", "-q", "low"], scene=InterruptedScene)
    assert result.exit_code != 0
    assert (out / "dropout.mp4").read_bytes() == b"the previous good clip"
    assert sorted(p.name for p in out.iterdir()) == ["dropout.mp4"]


def test_publish_is_atomic_even_when_the_copy_fails(tmp_path, monkeypatch):
    dest = tmp_path / "clip.mp4"
    dest.write_bytes(b"old")
    src = tmp_path / "new.mp4"
    src.write_bytes(b"new" * 1000)

    def copy_then_fail(a, b):
        Path(b).write_bytes(b"ne")  # a half-written copy, then the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(regviz.render.shutil, "copyfile", copy_then_fail)
    with pytest.raises(OSError):
        regviz.render._publish(src, dest)
    assert dest.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["clip.mp4", "new.mp4"]  # the partial copy is gone


@pytest.mark.parametrize("quality, size", [("low", (854, 480)), ("medium", (1280, 720))])
def test_quality_sets_the_resolution(run, tmp_path, quality, size):
    import av

    result = run(["render", "dropout", "-q", quality])
    assert result.exit_code == 0, result.output
    with av.open(str(tmp_path / "out" / "dropout.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == size
        assert stream.codec_context.name == "h264"


def test_captions_never_overlap(tmp_path):
    from regviz.render import _tidy_captions

    raw = tmp_path / "raw.srt"
    raw.write_text("1\n00:00:00,000 --> 00:00:05,000\nfirst\n\n2\n00:00:03,000 --> 00:00:06,000\nsecond\n\n")
    tidy = _tidy_captions(raw).read_text()
    assert "00:00:00,000 --> 00:00:03,000" in tidy and "00:00:03,000 --> 00:00:06,000" in tidy


def decoded(path):
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


@needs_fork
def test_a_split_render_gives_the_serial_frames_and_caption_times(tmp_path, monkeypatch):
    monkeypatch.setattr(regviz.render, "load_scene", lambda name: TimingScene)
    made = []

    class Recording(regviz.split.ForkingRenderer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(regviz.split, "ForkingRenderer", Recording)
    serial, split = (
        regviz.render.render_scene("dropout", quality="low", out_dir=tmp_path / f"j{jobs}", cache_dir=tmp_path / "c",
                                   progress=False, jobs=jobs)
        for jobs in (1, 2)
    )
    assert [r.forked for r in made] == [4]  # five plays: the one with an updater was drawn by the parent
    frames_serial, frames_split = decoded(serial.path), decoded(split.path)
    assert len(frames_serial) == len(frames_split) == 36  # 6 + 10 + 9 + 7 + 4 frames at 15 fps
    assert all(np.array_equal(a, b) for a, b in zip(frames_serial, frames_split))  # exactly: see test_render
    captions = split.captions.read_text(encoding="utf-8")
    assert captions == serial.captions.read_text(encoding="utf-8")
    assert "00:00:01,066 --> 00:00:01,666\na ring follows it" in captions  # 16 frames in (not 0.35 + 0.7 s), 9 long


@needs_fork
@pytest.mark.parametrize("scene", [ZoomScene, SoundScene])
def test_a_split_render_keeps_the_scenes_camera_and_sound(tmp_path, monkeypatch, scene):
    import wave

    beep = tmp_path / "beep.wav"
    with wave.open(str(beep), "w") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes((8000 * np.sin(np.arange(4000) / 3)).astype("<i2").tobytes())
    monkeypatch.setattr(SoundScene, "beep", str(beep))
    monkeypatch.setattr(regviz.render, "load_scene", lambda name: scene)
    serial, split = (
        regviz.render.render_scene("dropout", quality="low", out_dir=tmp_path / f"j{jobs}", cache_dir=tmp_path / "c",
                                   progress=False, jobs=jobs)
        for jobs in (1, 2)
    )
    assert split.path.read_bytes() == serial.path.read_bytes()  # the same frames and, for SoundScene, audio
    with av.open(str(split.path)) as container:
        assert len(container.streams.audio) == (scene is SoundScene)


@needs_fork
@pytest.mark.parametrize("scene, cause", [
    (FailingPartScene, "ValueError: a frame could not be drawn"),
    (DyingPartScene, "PlayFailed: the process drawing play 1 died (signal SIGKILL)"),
])
def test_a_failure_in_one_part_keeps_the_previous_clip(run, tmp_path, scene, cause):
    out = tmp_path / "out"
    out.mkdir()
    (out / "dropout.mp4").write_bytes(b"the previous good clip")
    before = child_processes()
    result = run(["render", "dropout", "-q", "low", "--jobs", "2"], scene=scene)
    assert result.exit_code == 1
    assert "scene dropout failed" in result.output and cause in result.output
    assert (out / "dropout.mp4").read_bytes() == b"the previous good clip"
    assert sorted(p.name for p in out.iterdir()) == ["dropout.mp4"]  # no partial file
    assert child_processes() <= before  # every part was reaped


def test_one_clip_is_shared_by_the_cpus_by_default(run, monkeypatch):
    monkeypatch.setattr(regviz.cli, "default_jobs", lambda: 2)
    shared = run(["render", "dropout", "-q", "low"])
    assert shared.exit_code == 0, shared.output
    assert "(2 job(s))" in shared.output and "[1/1] rendering dropout, its plays in parallel ..." in shared.output
    alone = run(["render", "dropout", "-q", "low", "--jobs", "1"])
    assert alone.exit_code == 0, alone.output
    assert "[1/1] rendering dropout ..." in alone.output
