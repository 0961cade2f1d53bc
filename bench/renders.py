"""Render wall times: `regviz render dropout -q low` from a cold process (median of 3; the default --jobs,
every CPU), and `regviz render all -q low` with --jobs 1 vs --jobs 2, each with the CPU time it took (which
bounds what more CPUs can gain). Each run gets a fresh cache folder (no compiled TeX, no Manim media) and its
own output folder, so every number is a cold start. Writes bench/renders.md."""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).with_name("renders.md")


def timed_render(*args):
    """(wall s, CPU s) of `regviz render ARGS -q low` in a new process with a fresh cache and output folder;
    CPU is user + system time of that process and everything it started."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "regviz", "render", *args, "-q", "low", "--out", f"{tmp}/out", "--cache", f"{tmp}/cache"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"render benchmarks (load average before: {load}) ...", flush=True)
    colds = sorted(timed_render("dropout") for _ in range(3))  # the VM's speed drifts: median of 3
    rows = [("render dropout -q low, cold process (median of 3)", *colds[1])]
    print(f"  cold runs: {', '.join(f'{wall:.1f}' for wall, _ in colds)} s", flush=True)
    for jobs in (1, 2):
        rows.append((f"render all -q low --jobs {jobs}", *timed_render("all", "--jobs", str(jobs))))
    for name, wall, cpu in rows:
        print(f"  {name}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    (_, wall1, cpu1), (_, wall2, _) = rows[1], rows[2]
    lines = ["| render | wall s | CPU s |", "|---|---|---|",
             *(f"| `regviz {name}` | {wall:.1f} | {cpu:.1f} |" for name, wall, cpu in rows),
             f"| speed-up of --jobs 2 over --jobs 1 | {wall1 / wall2:.2f}x | |",
             # CPU time bounds the wall time on n CPUs from below: cpu / n
             f"| best possible speed-up on {os.cpu_count()} CPUs, from --jobs 1's CPU time | "
             f"{wall1 / (cpu1 / os.cpu_count()):.2f}x | |"]
    cold = ", ".join(f"{wall:.1f}" for wall, _ in colds)
    text = (f"Render wall and CPU times on {os.cpu_count()} cores (fresh caches each run; load average before: {load}; "
            f"cold runs {cold} s)\n\n" + "\n".join(lines) + "\n")
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
