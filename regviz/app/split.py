"""Draw one scene's plays on several cores: the parent process runs construct() without drawing, and
forks a child at each play that draws and encodes just that play.

Manim's Cairo renderer draws on one core. But a scene's state after a play does not depend on whether
its frames were drawn: a skipped play still begins its animations and finishes them (interpolate(1)),
which is how Manim's own `-n START,END` works. So the parent skips every play; once the play's
animations have begun (where CairoRenderer.play saves the static frame), it forks a child that inherits
exactly that state, draws the play into the segment file a serial render would write, and exits. Up to
`processes` children draw at once while the parent runs on through construct(). Nothing is computed
twice (separate processes each replaying construct() would all repeat its Text, TeX and copies, a third
of the work), there is no plan to make (no counting pass), and the work balances itself, also when
another program is busy on a core. At the end the parent joins the segments with Manim's own
SceneFileWriter.finish(), as after a serial render: the clip is the same, byte for byte.

Exactness: a skipped play advances the scene clock by exactly what its drawn frames would have (Manim
advances it by the run time, a fraction of a frame off), so captions and sounds get the serial times,
and the parent leaves the renderer as a serial play would (add_sound between plays is not dropped). A
play that starts while the scene or any mobject has an updater is drawn by the parent itself, as in a
serial render: updaters run on every frame, so skipping such a play could change the state.
POSIX only (os.fork); no thread of the parent runs when it forks (it joins its own encoders first).
"""
import gc
import os
import pickle
import select
import signal
import sys
import threading
from contextlib import contextmanager

import numpy as np
from manim import config
from manim.mobject.mobject import Mobject
from manim.renderer.cairo_renderer import CairoRenderer


def available():
    """Whether this system can fork, and this Manim has the file writer the children rely on (0.22)."""
    from manim.scene.scene_file_writer import SceneFileWriter

    return hasattr(os, "fork") and all(
        hasattr(SceneFileWriter, attr) for attr in ("join_all_encode_jobs", "begin_animation", "partial_movie_directory")
    )


@contextmanager
def fork_safe_progress():
    """Manim makes a tqdm bar for every play (even with bars off). tqdm starts a monitor thread and takes a
    lock shared with forked children (a multiprocessing one): a child could inherit it held, or the parent
    wait forever on a lock a killed child held. While this is active: no monitor, a per-process lock."""
    from tqdm import tqdm

    interval, lock = tqdm.monitor_interval, tqdm.get_lock()
    tqdm.monitor_interval = 0
    if tqdm.monitor is not None:
        tqdm.monitor.exit()
        tqdm.monitor = None
    tqdm.set_lock(threading.RLock())
    try:
        yield
    finally:
        tqdm.monitor_interval = interval
        tqdm.set_lock(lock)


class PlayFailed(RuntimeError):
    """A child died, or failed with an exception that could not be sent back as itself."""


class ForkingRenderer(CairoRenderer):
    """A Cairo renderer whose plays are drawn by forked children, at most `processes` at a time."""

    def __init__(self, processes, **kwargs):
        super().__init__(**kwargs)
        self.processes = max(1, processes)
        self.children = {}  # read end of the child's pipe -> (pid, play index)
        self.segments = {}  # play index -> the segment file its child wrote
        self.forked = 0
        self.in_child = False
        self._hand_off = False  # this play is drawn by a child: the parent only skips it
        self._serial_skip = False

    def play(self, scene, *args, **kwargs):
        if self._has_updaters(scene, args):
            return super().play(scene, *args, **kwargs)  # drawn here, exactly as in a serial render
        while len(self.children) >= self.processes:
            self._collect(block=True)
        start, self._hand_off = self.time, True
        try:
            super().play(scene, *args, **kwargs)  # forks in save_static_frame_data
        except BaseException as exc:
            if self.in_child:
                self._exit_child(exc)
            raise
        finally:
            self._hand_off = False
        if self.in_child:
            self._exit_child(None)
        if not self._serial_skip:
            self.time = self._serial_end_time(scene, start)
        self.skip_animations = self._serial_skip  # as after a serial play (add_sound checks it between plays)
        self._collect(block=False)

    def update_skipping_status(self):
        super().update_skipping_status()
        self._serial_skip = self.skip_animations  # what a serial render would do with this play
        if self._hand_off:
            self.skip_animations = True

    def save_static_frame_data(self, scene, static_mobjects):
        """Called by CairoRenderer.play once the animations have begun: where a child takes over."""
        if self._hand_off and not self._serial_skip:
            self._fork()
        if self.skip_animations:
            self.static_image = None
            return None
        return super().save_static_frame_data(scene, static_mobjects)

    def _fork(self):
        self.file_writer.join_all_encode_jobs()  # no thread of ours may be running when we fork
        sys.stdout.flush()  # else the child inherits, and may flush again, half-written output
        sys.stderr.flush()
        read, write = os.pipe()
        self._parent = os.getpid()
        # Ctrl-C and SIGTERM wait while we fork: a handler of the parent's (regviz/app/stopping.py) that ran
        # in the child before it knew it was one would carry on as a second parent; and the parent must know
        # the child (to stop it) before it stops itself
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            pid = os.fork()
            if pid:
                os.close(write)
                self.children[read] = (pid, self.num_plays)
                self.forked += 1
                return
            self.in_child, self._report = True, write  # from here on, every way out is _exit_child
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # stop_children's SIGTERM ends the child at once
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to act on: it stops us
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        # the child: draw this play as a serial render would, into the segment a serial render writes
        os.close(read)
        for other in self.children:
            os.close(other)
        self.children, self._hand_off = {}, False
        gc.disable()  # a short life; a full collection would touch (and so copy) every inherited page
        _die_with(self._parent)
        config.progress_bar = "none"
        writer, index = self.file_writer, self.num_plays
        self.skip_animations = False
        writer.partial_movie_files[index] = str(writer.output_plan.segment_path(f"uncached_{index:05}"))
        writer.begin_animation(True, animation_index=index)

    def _exit_child(self, exc):
        status, index = 1, self.num_plays - (exc is None)
        try:
            if exc is None:
                self.file_writer.join_all_encode_jobs()
                report, status = ("ok", index, self.file_writer.partial_movie_files[index]), 0
            else:
                report = ("error", index, _portable(exc))
        except BaseException as late:
            report = ("error", index, _portable(late))
        finally:
            try:
                os.write(self._report, pickle.dumps(report))
            finally:
                os._exit(status)

    @staticmethod
    def _has_updaters(scene, args):
        if scene.always_update_mobjects or scene.updaters:
            return True
        mobjects = [*scene.mobjects, *scene.foreground_mobjects, *(getattr(a, "mobject", a) for a in args)]
        return any(m.updaters for mob in mobjects if isinstance(mob, Mobject) for m in mob.get_family())

    def _serial_end_time(self, scene, start):
        """The clock after this play, had its frames been drawn: the same float additions as add_frame."""
        dt = 1 / self.camera.frame_rate
        if scene.is_current_animation_frozen_frame():  # freeze_current_frame: one add_frame of n frames
            return start + int(scene.duration / dt) * dt
        for _ in range(len(np.arange(0, scene.duration, 1 / config["frame_rate"]))):  # get_time_progression
            start += dt
        return start

    # a skipped play draws nothing (Manim would still paint its last frame)
    def render(self, scene, time, moving_mobjects=None):
        if not self.skip_animations:
            super().render(scene, time, moving_mobjects)

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs):
        if not (self._hand_off and self.skip_animations):
            super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    # --- the parent collects its children ---
    def _collect(self, block):
        """Reap the children that have finished (with block, wait for one first); raise the first failure."""
        while self.children:
            ready, _, _ = select.select(list(self.children), [], [], None if block else 0)
            if not ready:
                return
            for read in ready:
                pid, index = self.children.pop(read)
                data = b""
                while chunk := os.read(read, 65536):
                    data += chunk
                os.close(read)
                _, status = os.waitpid(pid, 0)
                report = pickle.loads(data) if data else None
                if report is None:
                    raise PlayFailed(f"the process drawing play {index} died ({_describe(status)})")
                if report[0] == "error":
                    raise report[2]
                self.segments[index] = report[2]
            block = False

    def scene_finished(self, scene):
        while self.children:
            self._collect(block=True)
        writer = self.file_writer
        for index, path in self.segments.items():
            writer.partial_movie_files[index] = path
        super().scene_finished(scene)  # joins the segments, writes the subcaptions: as after a serial render

    def stop_children(self):
        """Kill and reap the children still drawing (the render failed or was interrupted)."""
        for pid, _ in self.children.values():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for read, (pid, _) in self.children.items():
            os.waitpid(pid, 0)
            os.close(read)
        self.children.clear()


def _die_with(parent):
    """Linux: the kernel sends this child SIGTERM if the parent dies (killed without a chance to stop it)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


def _portable(exc):
    """exc if it survives pickling (so the parent raises the real thing), else a PlayFailed naming it."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return PlayFailed(f"{type(exc).__name__}: {exc}")


def _describe(status):
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"
