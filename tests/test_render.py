"""Every real scene renders, in parallel processes, its frames have content, and the registry finds it."""

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
