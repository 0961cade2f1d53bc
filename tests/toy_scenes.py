"""Small scenes for the render plumbing's tests: seconds to render, each built to exercise one path."""
import os
import signal
import time

from manim import RIGHT, UP, Animation, Circle, Create, Dot, FadeIn, FadeOut, MovingCameraScene, Square, always_redraw

from scenes.common import RegvizScene


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


class SlowScene(RegvizScene):
    """Many short plays with pauses between them: a render still running when a test sends it a signal."""

    def construct(self):
        for _ in range(80):
            self.play(Create(Circle()), run_time=0.25)
            time.sleep(0.1)
