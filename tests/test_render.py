"""Every real scene renders, in parallel processes, and its frames have content; one real CLI render."""
import subprocess
import sys

import av
import numpy as np
import pytest

from regviz.app.render import load_scene
from regviz.app.syllabus import QUESTIONS, SCENE_NAMES, lookup

from .conftest import decode_frames


def frames(path, count=6):
    """`count` RGB frames spread evenly over the clip, the last one included."""
    decoded = decode_frames(path)
    picks = np.linspace(0, len(decoded) - 1, count).round().astype(int)
    return [decoded[i] for i in picks]


def has_content(frame):
    """More than a blank background: a few percent of the pixels differ clearly from the corner colour."""
    background = frame[0, 0].astype(int)
    return np.mean(np.abs(frame.astype(int) - background).sum(axis=2) > 60) > 0.01


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.scene)
def test_the_registry_finds_each_question_by_clip_name_and_id(question):
    """One registry: scenes/NAME.py holds the question's one scene; NAME, Q2 and q2 all find it."""
    assert load_scene(question.scene).__module__ == f"scenes.{question.scene}"
    assert lookup(question.scene) is lookup(question.id) is lookup(question.id.lower()) is question
    assert [q.id for q in QUESTIONS] == [f"Q{i}" for i in range(1, 6)]


@pytest.mark.render
@pytest.mark.parametrize("name", SCENE_NAMES)
def test_every_scene_renders_with_content_and_captions(tiny_renders, name):
    result, error = tiny_renders[name]
    assert error is None, error
    assert result.path.name == f"{name}.mp4"
    assert 20 <= result.duration <= 120  # paced for a learner
    shots = frames(result.path)
    assert has_content(shots[-1]), "the last frame is blank"
    assert sum(map(has_content, shots)) >= len(shots) - 1
    assert result.captions is not None and result.captions.read_text(encoding="utf-8").count("-->") >= 3


@pytest.mark.render
def test_cli_renders_a_real_clip_in_a_subprocess(tmp_path):
    """The installed command, in its own process, renders a real scene at a real resolution. The last frame
    (png) runs the whole construct() without drawing every frame: the mp4s of every clip are checked on the
    tiny renders, and the same frames on a second render in test_split.py."""
    out = tmp_path / "renders"
    proc = subprocess.run(
        [sys.executable, "-m", "regviz", "render", "q5", "-q", "low", "--format", "png", "--out", str(out),
         "--cache", str(tmp_path / "c")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    still = out / "dropout_backward.png"
    assert proc.stdout.strip().splitlines()[-1].startswith(str(still))
    with av.open(str(still)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert frame.shape == (480, 854, 3) and has_content(frame)
