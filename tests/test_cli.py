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


def test_a_mistyped_clip_gets_a_suggestion():
    result = CliRunner().invoke(main, ["render", "droput_backward"])
    assert result.exit_code == 2
    assert "Did you mean 'dropout_backward'?" in result.output
    result = CliRunner().invoke(main, ["verify", "--question", "batchnrom"])
    assert result.exit_code == 2 and "Did you mean 'batchnorm'?" in result.output


@pytest.mark.parametrize("name", ["Q2", "q2", "dropout"])
def test_a_clip_is_named_by_its_clip_name_or_question_id(run, tmp_path, name):
    result = run(["render", name, "--format", "png", "-q", "low"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "dropout.png").is_file()
    from regviz.app.terminal import ClipChoice

    assert ClipChoice(as_="id").convert(name, None, None) == "Q2"  # what `verify --question` receives


def test_tables_wrap_to_the_terminal_width():
    from regviz.app.terminal import table

    claim = "A claim long enough that no narrow terminal shows it on one line without wrapping it " * 2
    lines = table(("Q", "claim", "result"), [("Q1", claim, "pass"), ("Q2", "short", "FAIL")], wrap=1, width=60)
    assert all(len(line) <= 60 for line in lines)
    start, stop = lines[0].index("claim"), lines[0].index("result")  # the claim column
    assert " ".join(line[start:stop].strip() for line in lines[1:-1]) == claim.strip()  # every word, in order
    assert lines[1].endswith("pass") and lines[-1].startswith("Q2") and lines[-1].endswith("FAIL")


def test_verify_prints_its_table_within_the_terminal_width(tmp_path):
    import subprocess
    import sys
    import textwrap

    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(
        'def pytest_configure(config):\n    config.addinivalue_line("markers", "claim(question, text): a claim")\n')
    (tests / "test_long.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.mark.claim("Q1", "A claim whose text is far longer than a narrow terminal is wide, as several of "
                                 "the real claims are, so the table must wrap it rather than run off the edge")
        def test_long():
            pass
    '''))
    proc = subprocess.run([sys.executable, "-m", "regviz", "verify", "--tests", str(tests), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "70"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = proc.stdout[proc.stdout.index("\nQ "):proc.stdout.index("1 of 1 claims hold")].strip().splitlines()
    assert len(table) >= 3 and all(len(line) <= 70 for line in table)


TOY_EVERYWHERE = """
import regviz.app.render
regviz.app.render.load_scene = lambda name: __import__("tests.toy_scenes", fromlist=["TinyScene"]).TinyScene
"""


def test_render_all_says_which_clips_run_and_how_far(tmp_path, monkeypatch):
    """Two clips in two spawned workers (each loads the toy scene through sitecustomize): the command says
    when each starts, and, while they run, how many seconds of each clip are drawn."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(TOY_EVERYWHERE)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(Path(__file__).resolve().parents[1])]))
    monkeypatch.setattr(regviz.app.cli, "PROGRESS_EVERY", 0)  # a line at every play
    monkeypatch.setattr(regviz.app.cli, "SCENE_NAMES", ("l1_vs_l2", "dropout"))  # `all`, two clips
    result = CliRunner().invoke(main, ["render", "all", "-q", "low", "--jobs", "2", "--format", "webm",
                                       "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "[1/2] rendering l1_vs_l2 ..." in lines and "[2/2] rendering dropout ..." in lines
    running = [line for line in lines if line.startswith("  running: ")]
    assert any("l1_vs_l2 2.0 s of clip (2 plays)" in line for line in running)  # TinyScene: 1 s + a 1 s wait
    assert any("dropout 2.0 s of clip (2 plays)" in line for line in running)
