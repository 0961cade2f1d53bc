"""Redrawing only what moves (scenes/redraw.py) changes no pixel of any frame."""
import numpy as np
import pytest
from manim import (
    BLUE, DOWN, LEFT, RED, RIGHT, UP, Circle, Create, FadeIn, FadeOut, FadeTransform, LaggedStart, Line, Polygon, Rectangle,
    ReplacementTransform, Rotate, Square, Text, config, rate_functions,
)

import regviz.app.render
from scenes import redraw
from scenes.common import RegvizScene

from .conftest import decode_frames

SMALL = {"pixel_height": 180, "pixel_width": 320, "frame_rate": 10}  # a box error of one pixel shows at this size


class LayeredScene(RegvizScene):
    """Mobjects drawn after a moving one, near it and far from it, and plays that keep Manim's rule."""

    def construct(self):
        circle = Circle(radius=0.5).shift(3 * LEFT)
        far = Text("far away").to_corner(UP + RIGHT)  # after the circle in drawing order, never in its way
        near = Square(1.0).shift(LEFT)  # on the circle's path
        over_near = Text("on the square").move_to(near.get_top())  # touches the square only
        self.add(circle, far, near, over_near)
        self.circle, self.far, self.near, self.over_near = circle, far, near, over_near
        self.play(circle.animate.shift(4 * RIGHT), run_time=0.8)
        # A thick stroke with a sharp tip: a 15 degree apex has a miter 7.7 line widths long (under cairo's
        # limit of 10), reaching 3.8 widths (0.6 units here) past the tip. The square sits 0.3 units above it.
        apex = 2 * DOWN + 4 * LEFT
        spike = Polygon(apex, apex + [-0.2, -1.5, 0], apex + [0.2, -1.5, 0], stroke_width=16)
        beside = Square(0.2, fill_opacity=1).move_to(apex + 0.4 * UP)
        self.add(spike, beside)
        self.play(spike.animate.shift(RIGHT), run_time=0.6)
        # fills without strokes, half a pixel apart: anti-aliasing paints both into the pixel column between them
        slab = Rectangle(width=0.5, height=0.5, stroke_width=0, fill_color=RED, fill_opacity=1).shift(3 * RIGHT + 2 * DOWN)
        pixel = config.frame_width / config.pixel_width
        neighbour = Rectangle(width=0.5, height=1.5, stroke_width=0, fill_color=BLUE, fill_opacity=1)
        self.add(slab, neighbour.next_to(slab, RIGHT, buff=0.5 * pixel))
        self.play(slab.animate.shift(0.5 * UP), run_time=0.4)
        line = Line(4 * LEFT + 3 * DOWN, 4 * RIGHT + 3 * DOWN, stroke_width=8)
        self.play(Create(line), run_time=0.6)
        dots = [Circle(radius=0.1, fill_opacity=1).shift(x * RIGHT + 1.5 * UP) for x in (-2, 0, 2)]
        self.play(LaggedStart(*(FadeIn(d, shift=0.5 * DOWN) for d in dots), lag_ratio=0.3), run_time=0.8)
        self.play(ReplacementTransform(dots[0], Square(0.4).move_to(far)), run_time=0.6)
        self.play(Rotate(near, 1.0), run_time=0.5)  # along an arc: Manim's rule
        self.play(circle.animate(rate_func=rate_functions.ease_out_back).shift(2 * LEFT), run_time=0.5)  # overshoots
        self.wait(0.3)
        self.play(FadeOut(far), FadeOut(over_near), run_time=0.4)


def render_frames(tmp_path, monkeypatch, redraw_only_what_moves):
    monkeypatch.setattr(regviz.app.render, "load_scene", lambda name: LayeredScene)
    monkeypatch.setattr(LayeredScene, "redraw_only_what_moves", redraw_only_what_moves)
    out = tmp_path / str(redraw_only_what_moves)
    result = regviz.app.render.render_scene("dropout", quality="low", out_dir=out, cache_dir=out / "cache",
                                        progress=False, overrides=SMALL)
    return decode_frames(result.path)


@pytest.mark.render
def test_redrawing_only_what_moves_gives_the_same_frames(tmp_path, monkeypatch):
    decisions = []
    original = redraw.moving_and_static

    def recording(scene, animations):
        split = original(scene, animations)
        decisions.append((scene, split))
        return split

    monkeypatch.setattr(redraw, "moving_and_static", recording)
    ours = render_frames(tmp_path, monkeypatch, True)
    manims = render_frames(tmp_path, monkeypatch, False)
    assert len(ours) == len(manims) > 40
    different = [i for i, (a, b) in enumerate(zip(ours, manims)) if not np.array_equal(a, b)]
    assert different == []  # tolerance 0: the same pixels, not merely similar ones
    # The rule really ran: seven plays used it; the arc, the overshooting rate function and the wait kept Manim's.
    assert [split is not None for _, split in decisions] == [True] * 6 + [False] * 3 + [True]
    scene, (moving, static) = decisions[0]  # the circle's move
    assert set(scene.circle.get_family()) <= set(moving)
    assert scene.near in moving  # on the circle's path
    assert set(scene.over_near.family_members_with_points()) <= set(moving)  # on the redrawn square
    assert set(scene.far.family_members_with_points()) <= set(static)  # out of everything's way


class FadeTransformScene(RegvizScene):
    """FadeTransform (how words change without morphing) keeps its group's start and end in other attributes."""

    def construct(self):
        word, near = Text("mean").shift(2 * LEFT), Square(0.8).shift(0.5 * LEFT)
        self.add(word, near, Text("far away").to_corner(UP + RIGHT))
        self.play(FadeTransform(word, Text("y").shift(RIGHT)), run_time=0.6)
        self.wait(0.2)


def test_a_fade_transform_gives_the_same_frames(tmp_path, monkeypatch):
    monkeypatch.setattr(regviz.app.render, "load_scene", lambda name: FadeTransformScene)
    frames = {}
    for only_what_moves in (True, False):
        monkeypatch.setattr(FadeTransformScene, "redraw_only_what_moves", only_what_moves)
        out = tmp_path / str(only_what_moves)
        result = regviz.app.render.render_scene("dropout", quality="low", out_dir=out, cache_dir=out / "cache",
                                                progress=False, overrides=SMALL)
        frames[only_what_moves] = decode_frames(result.path)
    assert len(frames[True]) == len(frames[False]) > 5
    assert all(np.array_equal(a, b) for a, b in zip(frames[True], frames[False]))
