"""Each clip's duration, render time and frozen share (issue 13: frozen stretches of 2 s or more, ffmpeg's
freezedetect=n=-60dB:d=2, at most 20% of a clip), rendered by `regviz render NAME -q medium`.

    python bench/clips.py                          # this checkout, every clip -> bench/clips.md
    python bench/clips.py dropout -q low           # one clip, quicker
    python bench/clips.py --root /tmp/before       # another checkout (git worktree add /tmp/before REV): "before"
    python bench/clips.py --keep /tmp/watch        # also keep the clips and their captions, to watch them

Each render runs in a new process with a fresh cache folder (cold: TeX compiled, nothing reused), one clip
at a time with the default --jobs (every CPU). With --root, that checkout's regviz and scenes are imported
(PYTHONPATH) by this Python, so an old revision needs no environment of its own.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from regviz.app.render import clip_duration  # noqa: E402
from regviz.app.syllabus import SCENE_NAMES  # noqa: E402
from tests.conftest import frozen_stretches  # noqa: E402  (the measure the test suite asserts on)

OUT = Path(__file__).with_name("clips.md")


def render(name, quality, root, folder, jobs=None):
    """(clip path, wall s, CPU s) of `regviz render NAME -q QUALITY` run in `root` in a new process."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    cmd = [sys.executable, "-m", "regviz", "render", name, "-q", quality, "--out", f"{folder}/out",
           "--cache", f"{folder}/cache", *(["--jobs", str(jobs)] if jobs else [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"render {name} failed in {root}:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Path(folder) / "out" / f"{name}.mp4", wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"clips to render [default: all of {', '.join(SCENE_NAMES)}]")
    parser.add_argument("-q", "--quality", default="medium", choices=["low", "medium", "high"])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to render [default: this one]")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="regviz render's --jobs [default: its own]")
    parser.add_argument("--out", type=Path, default=OUT, help="the Markdown table to write")
    parser.add_argument("--keep", type=Path, default=None, help="a folder to copy each clip and its .srt into, to watch")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(SCENE_NAMES)
    if unknown:
        parser.error(f"unknown clip(s) {', '.join(sorted(unknown))}; choose from {', '.join(SCENE_NAMES)}")
    root = args.root.resolve()
    revision = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "?"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"clips of {root} ({revision}) at -q {args.quality} (load average before: {load}) ...", flush=True)
    rows = []
    for name in args.names or SCENE_NAMES:
        with tempfile.TemporaryDirectory(prefix="regviz-clips-") as folder:
            clip, wall, cpu = render(name, args.quality, root, folder, args.jobs)
            duration = clip_duration(clip)
            stretches = frozen_stretches(clip)
            frozen = sum(end - start for start, end in stretches)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for path in (clip, clip.with_suffix(".srt")):
                    shutil.copy2(path, args.keep / path.name)
        rows.append((name, duration, wall, cpu, frozen / duration, len(stretches)))
        print(f"  {name}: {duration:.1f} s clip, rendered in {wall:.1f} s ({cpu:.1f} s CPU), "
              f"frozen {frozen / duration:.0%} in {len(stretches)} stretch(es)", flush=True)
    jobs = f"--jobs {args.jobs}" if args.jobs else "default --jobs"
    lines = [f"Clips of `{revision}` at -q {args.quality} on {os.cpu_count()} cores (cold renders, {jobs}; "
             f"load average before: {load})", "",
             "| clip | duration s | render wall s | render CPU s | frozen share (stills >= 2 s) |", "|---|---|---|---|---|",
             *(f"| {name} | {duration:.1f} | {wall:.1f} | {cpu:.1f} | {share:.0%} ({count}) |"
               for name, duration, wall, cpu, share, count in rows)]
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
