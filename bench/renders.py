"""Render wall times: `regviz render dropout -q low` from a cold process (median of 3; the default --jobs,
every CPU), and `regviz render all -q low`
with --jobs 1 vs --jobs 2. Each run gets a fresh cache folder (no compiled TeX, no Manim media) and its
own output folder, so every number is a cold start. Writes bench/renders.md."""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).with_name("renders.md")


def timed_render(*args):
    """Wall seconds of `regviz render ARGS -q low` in a new process with a fresh cache and output folder."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "regviz", "render", *args, "-q", "low", "--out", f"{tmp}/out", "--cache", f"{tmp}/cache"]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"render benchmarks (load average before: {load}) ...", flush=True)
    colds = sorted(timed_render("dropout") for _ in range(3))  # the VM's speed drifts: median of 3
    rows = [("render dropout -q low, cold process (median of 3)", colds[1])]
    print(f"  cold runs: {', '.join(f'{s:.1f}' for s in colds)} s", flush=True)
    print(f"  {rows[-1][0]}: {rows[-1][1]:.1f} s", flush=True)
    for jobs in (1, 2):
        rows.append((f"render all -q low --jobs {jobs}", timed_render("all", "--jobs", str(jobs))))
        print(f"  {rows[-1][0]}: {rows[-1][1]:.1f} s", flush=True)
    speedup = rows[1][1] / rows[2][1]
    lines = ["| render | wall s |", "|---|---|", *(f"| `regviz {name}` | {sec:.1f} |" for name, sec in rows),
             f"| speed-up of --jobs 2 over --jobs 1 | {speedup:.2f}x |"]
    text = f"Render wall times on {os.cpu_count()} cores (fresh caches each run; load average before: {load})\n\n" + "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
