"""Same scene, same settings, same frames: every render, serial or split over forked processes.

The suite compares renders with tolerance 0 (tests/test_redraw.py, tests/test_split.py), so a render that is
not the same every time makes those tests fail at random. Rendered many times, a small scene that exercises
what could let one frame's state leak into another (text, strokes and fills on moving mobjects, plays short
enough that several segments are encoded while the next is drawn, frozen waits, a play under an updater)
must decode to identical frames in every render.
"""
import hashlib

import numpy as np
import pytest
from manim import (
    DOWN, LEFT, RIGHT, UP, Circle, Create, FadeIn, FadeOut, LaggedStart, Square, Text, Transform, always_redraw,
)

import regviz.app.render
import regviz.app.split
from scenes.common import RegvizScene

from .conftest import TINY, decode_frames

RENDERS = 4  # serial renders; plus two split ones
SIZE = {**TINY, "frame_rate": 10}  # tiny frames, but enough of them for every play to span several


class BusyScene(RegvizScene):
    def construct(self):
        title = Text("same frames").to_edge(UP)
        circle, square = Circle(radius=0.6, fill_opacity=0.5).shift(3 * LEFT), Square(1.0).shift(3 * RIGHT)
        self.add(title, square)
        for k in range(4):  # short plays: several segments are in the encoders while the next is drawn
            self.play(circle.animate.shift(1.5 * RIGHT).rotate(0.3), square.animate.scale(0.9), run_time=0.5)
        self.wait(0.75)  # a frozen frame: one frame written several times
        dots = [Circle(radius=0.15, fill_opacity=1).shift(x * RIGHT + DOWN) for x in (-2, 0, 2)]
        self.play(LaggedStart(*(FadeIn(d, shift=0.5 * UP) for d in dots), lag_ratio=0.4), run_time=1)
        ring = always_redraw(lambda: Circle(radius=0.3).next_to(circle, DOWN))  # an updater: drawn serially
        self.add(ring)
        self.play(circle.animate.shift(2 * LEFT), run_time=0.75)
        ring.clear_updaters()
        self.play(Transform(square, Circle(radius=0.4).shift(2 * RIGHT)), Create(Square(0.5).shift(UP)), run_time=0.75)
        self.play(FadeOut(title), FadeOut(ring), run_time=0.5)


def fingerprint(frames):
    return [hashlib.sha256(frame.tobytes()).hexdigest() for frame in frames]


@pytest.mark.render
def test_a_scene_renders_to_the_same_frames_every_time(tmp_path, monkeypatch):
    monkeypatch.setattr(regviz.app.render, "load_scene", lambda name: BusyScene)
    jobs = [1] * RENDERS + ([2, 2] if regviz.app.split.available() else [])
    renders = []
    for k, j in enumerate(jobs):
        out = tmp_path / f"render{k}"
        result = regviz.app.render.render_scene("dropout", quality="low", out_dir=out, cache_dir=out / "cache",
                                                progress=False, overrides=SIZE, jobs=j)
        renders.append(decode_frames(result.path))
    first = renders[0]
    assert len(first) > 50 and not np.array_equal(first[0], first[-1])  # frames that really change
    for k, frames in enumerate(renders[1:], start=1):
        assert len(frames) == len(first), f"render {k} (jobs={jobs[k]}) has {len(frames)} frames, not {len(first)}"
        different = [i for i, (a, b) in enumerate(zip(first, frames)) if not np.array_equal(a, b)]
        assert different == [], f"render {k} (jobs={jobs[k]}) differs from the first in frames {different}"
