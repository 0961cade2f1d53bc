"""Scene registry, Manim configuration, atomic output and parallel jobs for `regviz render`.

Each clip is rendered by Manim into its own media folder in the cache (two Manim runs sharing a
folder break FFmpeg's partial-movie step), under a lock so two renders of the same scene wait for each
other. The finished file is copied next to its destination under a temporary name and renamed into
place (os.replace is atomic on POSIX), so renders/NAME.EXT is always either the previous good clip or
the new one, never a partial file, whatever happens mid-render (an exception, Ctrl-C, a full disk).

Parallel jobs: several clips render in separate (spawned) processes, one clip each; a single clip with
jobs > 1 has its plays drawn by forked children (regviz/app/split.py): the frames of a serial render.
"""
import importlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .files import atomic_path, describe_write_error, locked
from .syllabus import BY_SCENE, SCENE_NAMES

ROOT = Path(__file__).resolve().parents[2]
SCENES_DIR = ROOT / "scenes"

# name -> (Manim's quality name, pixel height, frame rate)
QUALITIES = {
    "low": ("low_quality", 480, 15),
    "medium": ("medium_quality", 720, 30),
    "high": ("high_quality", 1080, 60),
    "4k": ("fourk_quality", 2160, 60),
}
FORMATS = ("mp4", "gif", "webm", "png")  # png: the clip's last frame


def default_cache_dir():
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regviz"


def load_scene(name):
    """The scene class of scenes/NAME.py: the one RegvizScene subclass the module defines."""
    module = importlib.import_module(f"scenes.{name}")
    from scenes.common import RegvizScene

    classes = [
        obj for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, RegvizScene) and obj.__module__ == module.__name__
    ]
    if len(classes) != 1:
        raise RuntimeError(f"scenes/{name}.py must define exactly one RegvizScene subclass, found {len(classes)}")
    return classes[0]


@dataclass(frozen=True)
class RenderResult:
    name: str
    path: Path
    captions: Path | None
    duration: float  # seconds of video (0 for png)
    seconds: float  # wall time of the render


def _publish(src, dest):
    """Copy src to dest atomically."""
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)


def _publish_with_captions(produced, dest, cues, fmt, burn=False):
    """Publish the clip and its captions together or not at all: the clip with its subtitle stream (or the
    captions burned in) and the .srt beside it are both written under temporary names first, then renamed
    into place one right after the other; a failure before that leaves both previous files as they were.
    Returns the .srt's path (None when the scene has no captions: the clip alone is published)."""
    if cues is None:
        _publish(produced, dest)
        return None
    from .captions import attach

    srt = dest.with_suffix(".srt")
    with atomic_path(srt) as srt_tmp, atomic_path(dest) as clip_tmp:  # the clip is renamed first, then the .srt
        shutil.copyfile(cues, srt_tmp)
        attach(produced, cues, clip_tmp, fmt, burn=burn)
    return srt


def _tidy_captions(path):
    """End each caption when the next begins (a caption shown longer than its reading time stays on
    screen while the next animation plays, but must not overlap the next cue); returns the tidied file."""
    import srt

    cues = sorted(srt.parse(path.read_text(encoding="utf-8")), key=lambda cue: cue.start)
    for cue, following in zip(cues, cues[1:]):
        cue.end = min(cue.end, following.start)
    tidy = path.with_suffix(".tidy.srt")
    tidy.write_text(srt.compose(cues), encoding="utf-8")
    return tidy


def clip_duration(path):
    """Seconds of video in a clip, read by a real decoder (PyAV)."""
    import av

    with av.open(str(path)) as container:
        if container.duration:
            return container.duration / 1_000_000
        stream = container.streams.video[0]
        return float(stream.frames / stream.average_rate) if stream.frames else 0.0


def manim_settings(quality, fmt, media_dir, progress):
    return {
        "quality": QUALITIES[quality][0],
        "format": None if fmt == "png" else fmt,
        "write_to_movie": fmt != "png",
        "save_last_frame": fmt == "png",
        "media_dir": str(media_dir),
        "disable_caching": True,  # every frame from the scene's seed; nothing stale from an earlier run
        # encode a play's segment while the next play is drawn (Manim's default, 1, waits for each one:
        # a quarter of a serial render's wall time); the bytes written are the same
        "max_inflight_encoders": 4,
        "progress_bar": "display" if progress else "none",
        "verbosity": "WARNING",
        "preview": False,
    }


def _check_settings_took_effect(config, settings):
    """tempconfig ignores misspelled keys silently: make sure the settings that matter are really set."""
    _, height, rate = next(q for q in QUALITIES.values() if q[0] == settings["quality"])
    height, rate = settings.get("pixel_height", height), settings.get("frame_rate", rate)
    fmt, media_dir = settings["format"], settings["media_dir"]
    problems = []
    if config.pixel_height != height or round(config.frame_rate) != rate:
        problems.append(f"resolution {config.pixel_height}p{config.frame_rate} instead of {height}p{rate}")
    if Path(config.media_dir).resolve() != Path(media_dir).resolve():
        problems.append(f"media_dir {config.media_dir}")
    if fmt is not None and config.format != fmt:
        problems.append(f"format {config.format}")
    if problems:
        raise RuntimeError("Manim did not take regviz's settings: " + ", ".join(problems))


def _build_scene(scene_class, seed, settings, name, **kwargs):
    """The scene, built under tempconfig(settings) (it reads the config) after checking the settings took;
    it gets its Question from the syllabus (its title card) and the seed, if one is given."""
    from manim import config

    config.output_file = name
    _check_settings_took_effect(config, settings)
    scene = scene_class(**kwargs) if seed is None else scene_class(seed=seed, **kwargs)
    scene.question = BY_SCENE.get(name)  # read by RegvizScene.headline when construct() runs
    return scene


def render_scene(
    name, quality="medium", fmt="mp4", seed=None, out_dir=Path("renders"), cache_dir=None, progress=True, overrides=None,
    jobs=1, burn_captions=False, on_progress=None,
):
    """Render one scene to out_dir/NAME.FMT (+ NAME.srt captions) atomically; returns a RenderResult.

    The captions are the clip's default subtitle track (mp4, webm); burn_captions (and gif, always) draws
    them into the picture instead (regviz/app/captions.py).

    overrides: extra Manim config (the tests use a tiny resolution and frame rate).
    jobs: CPUs for this clip. Above 1 its plays are drawn by forked processes, up to two per job at once
    (regviz/app/split.py), into the frames of a serial render; png (one frame) is always drawn here.
    on_progress(plays, seconds of clip drawn) is called after each play.
    """
    from manim import tempconfig

    start = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    media_dir = Path(cache_dir or default_cache_dir()) / "media" / name
    scene_class = load_scene(name)
    with locked(media_dir.with_suffix(".lock")):
        for stale in ("videos", "images"):  # nothing left from an earlier (maybe interrupted) run;
            shutil.rmtree(media_dir / stale, ignore_errors=True)  # Tex/ stays: compiled formulas are reused
        settings = {**manim_settings(quality, fmt, media_dir, progress), **(overrides or {})}
        forked = jobs > 1 and fmt != "png" and _can_fork()
        if forked:
            settings["progress_bar"] = "none"  # the parent only skips plays; the children's bars would interleave
        with tempconfig(settings):
            if forked:
                scene = _render_forked(scene_class, seed, settings, name, processes=2 * jobs, on_progress=on_progress)
            else:
                scene = _build_scene(scene_class, seed, settings, name)
                if on_progress:
                    _report_plays(scene.renderer, on_progress)
                scene.render()
            writer = scene.renderer.file_writer
            produced = Path(writer.image_file_path if fmt == "png" else writer.movie_file_path)
            captions = writer.output_plan.subcaption_file
        if not produced.is_file():
            raise RuntimeError(f"Manim reported {produced} but wrote no such file")
        dest = out_dir / f"{name}.{fmt}"
        cues = _tidy_captions(Path(captions)) if captions is not None and Path(captions).is_file() else None
        try:
            _check_room(produced, cues, out_dir)
            srt = _publish_with_captions(produced, dest, cues, fmt, burn=burn_captions)
        except OSError as exc:  # the destination's name, never a temporary file's, and what to do
            raise RuntimeError(describe_write_error(exc, dest)) from None
    duration = 0.0 if fmt == "png" else clip_duration(dest)
    return RenderResult(name, dest, srt, duration, time.perf_counter() - start)


def _check_room(produced, cues, out_dir):
    """OSError(ENOSPC) unless out_dir's disk has room for the clip and its captions (a full disk found here
    names the clip; found by ffmpeg half-way, it would name a temporary file)."""
    import errno

    needed = produced.stat().st_size + (cues.stat().st_size if cues else 0)
    if shutil.disk_usage(out_dir).free < needed + (64 << 10):  # 64 KiB for the file system's own blocks
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _can_fork():
    from . import split

    return split.available()


def _render_forked(scene_class, seed, settings, name, processes, on_progress=None):
    """Render the scene with its plays drawn by up to `processes` forked children at once (regviz/app/split.py;
    two per job: a child waiting for its encoder to finish leaves its CPU to another)."""
    from . import split

    scene = _build_scene(scene_class, seed, settings, name)
    renderer = split.ForkingRenderer(processes, camera_class=scene.camera_class)  # the scene's camera, as Manim
    renderer.init_scene(scene, scene.session_spec, scene.file_writer_settings)  # would make for its own renderer
    scene.renderer = renderer
    if on_progress:
        _report_plays(renderer, on_progress)
    try:
        with split.fork_safe_progress():
            scene.render()
    finally:
        renderer.stop_children()  # any still drawing: the render failed or was interrupted
    return scene


def _render_in_worker(kwargs):
    """(result, None) or (None, "Error: cause"); a plain function so it pickles for worker processes."""
    try:
        return render_scene(**kwargs), None
    except Exception as exc:  # reported by the parent with the scene's name
        return None, f"{type(exc).__name__}: {exc}"


def _report_plays(renderer, on_progress):
    """Call on_progress(plays, seconds of clip) after each play the renderer finishes (not in split children)."""
    play = renderer.play

    def reporting(scene, *args, **kwargs):
        play(scene, *args, **kwargs)
        on_progress(renderer.num_plays, renderer.time)

    renderer.play = reporting


def _worker(report, parent, kwargs):
    """A spawned process rendering one clip for render_many. It sits in a process group of its own, so the
    terminal's Ctrl-C reaches only the parent, which decides: it kills the whole group (the worker and any
    ffmpeg or LaTeX it runs). It also dies with the parent. Sends ("progress", plays, seconds) after each
    play, then ("done", result, error)."""
    import signal

    from .split import _die_with
    from .stopping import SIGNALS

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C pending since the parent started us is dropped
    os.setpgid(0, 0)
    _die_with(parent)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)  # the parent blocked them while it started us
    import threading

    from tqdm import tqdm

    # Manim's progress bars take a lock; tqdm's default is a multiprocessing one, which a killed worker would
    # leave to the parent's resource tracker (a warning at exit): this worker's bars need a thread lock only
    tqdm.set_lock(threading.RLock())
    result = _render_in_worker({**kwargs, "on_progress": lambda plays, seconds: report.send(("progress", plays, seconds))})
    report.send(("done", *result))


def default_jobs():
    """The CPUs this process may use (at most 8)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, 8))


def render_many(names, jobs=1, on_start=None, on_progress=None, **kwargs):
    """Render scenes; yields (name, result, error). Several scenes with jobs > 1 render `jobs` at a time, each
    whole in its own (spawned) process; a single scene gets all the jobs (its plays are drawn in parallel).
    on_start(name) when a clip starts; on_progress(name, plays, seconds of clip drawn) after each play.

    Interrupted (KeyboardInterrupt, or Stopped from regviz/app/stopping.py), it starts nothing more, kills the
    clips still rendering (their whole process groups) and removes their temporary files, so nothing is
    published after the interruption and no process is left; then the interruption propagates.
    """
    def progress_of(name):
        return None if on_progress is None else lambda plays, seconds: on_progress(name, plays, seconds)

    if jobs <= 1 or len(names) <= 1:
        for name in names:
            if on_start:
                on_start(name)
            yield (name, *_render_in_worker({"name": name, "jobs": jobs, "on_progress": progress_of(name), **kwargs}))
        return
    import multiprocessing
    import signal
    from multiprocessing.connection import wait

    from .stopping import SIGNALS

    kwargs = {**kwargs, "progress": False}  # several progress bars at once would garble the terminal
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no Manim state shared
    queued, running = list(names), {}  # the read end of a worker's pipe -> (name, its process)
    try:
        while queued or running:
            while queued and len(running) < jobs:
                name = queued.pop(0)
                read, write = context.Pipe(duplex=False)
                process = context.Process(target=_worker, args=(write, os.getpid(), {"name": name, **kwargs}),
                                          name=f"regviz-render-{name}")
                blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)  # the worker starts with them blocked
                try:
                    process.start()
                    running[read] = (name, process)
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                write.close()  # the worker holds the only write end: EOF when it dies
                if on_start:
                    on_start(name)
            for read in wait(list(running)):
                name, process = running[read]
                try:
                    message = read.recv()
                except EOFError:  # it died without a word
                    process.join()
                    message = ("done", None, f"RuntimeError: the process rendering {name} died "
                                             f"(exit code {process.exitcode})")
                if message[0] == "progress":
                    if on_progress:
                        on_progress(name, *message[1:])
                    continue
                del running[read]
                read.close()
                process.join()
                yield name, message[1], message[2]
    finally:
        _stop_workers([process for _, process in running.values()], kwargs.get("out_dir", Path("renders")))


def _stop_workers(processes, out_dir):
    """Kill the workers still rendering, with everything they started, reap them, remove their temporary files."""
    import signal

    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # its group: the worker, and any ffmpeg or LaTeX it runs
        except (ProcessLookupError, PermissionError):  # not yet in a group of its own
            pass
        process.kill()
    for process in processes:
        process.join()
        for partial in Path(out_dir).glob(f".*.{process.pid}.partial"):  # files.atomic_path's temporary names
            partial.unlink(missing_ok=True)
