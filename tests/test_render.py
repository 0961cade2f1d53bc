"""Every real scene renders, in parallel processes, its frames have content, and the registry finds it."""

import numpy as np
import pytest

from regviz.app.render import load_scene
from regviz.app.syllabus import QUESTIONS, SCENE_NAMES, lookup

from .conftest import decode_frames


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
    shots = decode_frames(result.path)
    assert has_content(shots[-1]), "the last frame is blank"
    # Between parts the stage clears and the next part fades in: blank for clear_stage's fade and a frame
    # or two. Longer, the learner looks at an empty stage (a caption still running, or a wait before the
    # next one): at most 1.4 s (4 frames at the suite's 3 fps) after the first picture.
    blank = [not has_content(shot) for shot in shots]
    first = blank.index(False)
    runs, run = [], 0
    for is_blank in blank[first:]:
        run = run + 1 if is_blank else 0
        runs.append(run)
    rate = len(shots) / result.duration
    assert max(runs) / rate <= 1.4, f"an empty stage for {max(runs) / rate:.1f} s, ending at {runs.index(max(runs)) + first + 1} / {rate:.0f} fps"
    assert result.captions is not None and result.captions.read_text(encoding="utf-8").count("-->") >= 3
