"""The `regviz` command: list, render's choices and errors, atomic output (CliRunner, in-process)."""
import os
from pathlib import Path

import av
import pytest
from click.testing import CliRunner

import regviz.app.cli
import regviz.app.render
from regviz.app.cli import main
from regviz.app.syllabus import SCENE_NAMES

from .toy_scenes import BrokenScene, InterruptedScene


def test_list_names_every_scene_with_a_description():
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert [line.split()[1] for line in lines] == list(SCENE_NAMES)
    assert all(len(line.split()) > 4 for line in lines)  # a real description, not just the name
    assert all(line.count(line.split()[0]) == 1 for line in lines)  # the question id is not repeated


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
    assert regviz.app.render.clip_duration(clip) == pytest.approx(2.0, abs=0.2)


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

    monkeypatch.setattr(regviz.app.render.shutil, "copyfile", copy_then_fail)
    with pytest.raises(OSError):
        regviz.app.render._publish(src, dest)
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
    from regviz.app.render import _tidy_captions

    raw = tmp_path / "raw.srt"
    raw.write_text("1\n00:00:00,000 --> 00:00:05,000\nfirst\n\n2\n00:00:03,000 --> 00:00:06,000\nsecond\n\n")
    tidy = _tidy_captions(raw).read_text()
    assert "00:00:00,000 --> 00:00:03,000" in tidy and "00:00:03,000 --> 00:00:06,000" in tidy


def test_one_clip_is_shared_by_the_cpus_by_default(run, monkeypatch):
    monkeypatch.setattr(regviz.app.cli, "default_jobs", lambda: 2)
    shared = run(["render", "dropout", "-q", "low"])
    assert shared.exit_code == 0, shared.output
    assert "(2 job(s))" in shared.output and "[1/1] rendering dropout, its plays in parallel ..." in shared.output
    alone = run(["render", "dropout", "-q", "low", "--jobs", "1"])
    assert alone.exit_code == 0, alone.output
    assert "[1/1] rendering dropout ..." in alone.output
