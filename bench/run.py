"""Benchmarks of the core against PyTorch CPU, the textbook NumPy code and the memory-copy floor.

    python bench/run.py            x of 8192 x 1024, 15 timed rounds after a warm-up (median reported)
    python bench/run.py --quick    x of 1024 x 1024, 3 repeats

For Dropout(p=0.5), BatchNorm(1024) (training mode) and LayerNorm(1024), in float32 and float64, each
row times forward, backward and forward+backward of
    ours   regviz's layer
    torch  the torch.nn layer at the same thread count, autograd with a given upstream gradient
           (forward builds the graph, as training does; backward is timed alone on a fresh graph;
           .grad is cleared before each timed run, so backward never pays for adding into an old one)
    naive  the textbook NumPy code: regviz's reference functions (dropout_forward/backward,
           batchnorm_ and layernorm_forward/backward), which the layers' kernels are proved equal to
    copy   np.copyto of an array of x's size into a preallocated one: the memory-bandwidth floor
           (two copies for forward+backward, which writes two arrays of x's size)
and fit() on a seeded 2000 x 200 lasso at lam = 0.1 * lam_max, with its distance to the optimum of a
very long run; its naive column is textbook ISTA on X itself (regviz.lasso_step), run to the same distance.
Prints the machine and the table, and writes the table as markdown to bench/results.md.
"""
import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import regviz  # noqa: E402

try:
    import torch
except ImportError:  # the torch column then reads n/a
    torch = None

try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None

OUT = Path(__file__).resolve().parent / "results.md"
P = 0.5
EPS = 1e-5


def medians_ms(candidates, repeats):
    """{name: median wall ms} of candidates {name: (fn, setup or None)}, timed in turns: each of `repeats`
    rounds (after a warm-up round) runs every candidate once, so a drift of the machine's speed (this VM's
    drifts by a quarter over minutes) reaches all of them alike. Each round runs them in its own (seeded)
    random order, so none always follows the same other: what one leaves behind for the next (torch's OpenMP
    threads spin for ~5 ms of CPU after a call) is shared out. setup() runs untimed; its result is fn's argument."""
    times = {name: [] for name in candidates}
    order = random.Random(0)
    for i in range(repeats + 1):
        for name in order.sample(list(candidates), len(candidates)):
            fn, setup = candidates[name]
            state = setup() if setup else None
            start = time.perf_counter()
            fn(state) if setup else fn()
            elapsed = time.perf_counter() - start
            if i:  # round 0 is the warm-up
                times[name].append(elapsed)
    return {name: 1e3 * statistics.median(t) for name, t in times.items()}


def median_ms(fn, repeats, setup=None):
    """Median wall time of fn() in ms over `repeats` runs after one warm-up."""
    return medians_ms({"fn": (fn, setup)}, repeats)["fn"]


# --- the textbook version: regviz's reference functions -------------------------------------------

def naive_lasso(X, y, lam, w_star, tol, max_steps=200_000):
    """Textbook ISTA on X itself (regviz.lasso_step, lr = 1/L) until max|w - w*| <= tol; the steps taken."""
    lr = X.shape[0] / np.linalg.norm(X, 2) ** 2
    w = np.zeros(X.shape[1])
    for step in range(1, max_steps + 1):
        w = regviz.lasso_step(w, X, y, lam, lr)
        if np.max(np.abs(w - w_star)) <= tol:
            return step
    return max_steps


# --- one table row per (kernel, pass) ---------------------------------------------------------------

def layer_rows(name, x, dy, repeats):
    """[(row name, ours, torch, naive, copy)] for forward, backward, forward+backward of one layer."""
    c = x.shape[1]
    gamma, beta = np.ones(c, x.dtype), np.zeros(c, x.dtype)
    ours = {"Dropout": lambda: regviz.Dropout(P, rng=0), "BatchNorm": lambda: regviz.BatchNorm(c),
            "LayerNorm": lambda: regviz.LayerNorm(c)}[name]()

    def our_forward():
        return ours.forward(x)

    def our_backward(_):
        return ours.backward(dy)

    def our_both():
        ours.forward(x)
        return ours.backward(dy)

    rng, running = np.random.default_rng(0), (np.zeros(c), np.ones(c))
    naive_fwd = {  # the reference functions: (y, cache) -> backward(dy, cache)
        "Dropout": lambda: regviz.dropout_forward(x, P, rng),
        "BatchNorm": lambda: regviz.batchnorm_forward(x, gamma, beta, *running, eps=EPS),
        "LayerNorm": lambda: regviz.layernorm_forward(x, gamma, beta, eps=EPS),
    }[name]
    naive_bwd = {
        "Dropout": lambda out: regviz.dropout_backward(dy, out[1], P),
        "BatchNorm": lambda out: regviz.batchnorm_backward(dy, out[1]),
        "LayerNorm": lambda out: regviz.layernorm_backward(dy, out[1]),
    }[name]

    def naive_both():
        return naive_bwd(naive_fwd())

    buffer = np.empty_like(x)

    def copy():
        np.copyto(buffer, x)

    def copy_twice():
        np.copyto(buffer, x)
        np.copyto(buffer, x)

    passes = {  # per pass: {column: (fn, setup)}
        "forward": {"ours": (our_forward, None), "naive": (naive_fwd, None), "copy": (copy, None)},
        "backward": {"ours": (our_backward, our_forward), "naive": (naive_bwd, naive_fwd), "copy": (copy, None)},
        "forward+backward": {"ours": (our_both, None), "naive": (naive_both, None), "copy": (copy_twice, None)},
    }
    if torch is not None:
        torch.manual_seed(0)
        module = {"Dropout": lambda: torch.nn.Dropout(P), "BatchNorm": lambda: torch.nn.BatchNorm1d(c, eps=EPS),
                  "LayerNorm": lambda: torch.nn.LayerNorm(c, eps=EPS)}[name]().to(torch.from_numpy(x).dtype).train()
        tx = torch.from_numpy(x).requires_grad_(True)
        tdy = torch.from_numpy(dy)

        def fresh_gradients():  # backward() adds into .grad: without this every run after the first pays an extra add
            tx.grad = None
            module.zero_grad(set_to_none=True)

        def torch_forward():
            return module(tx)

        def torch_graph():
            fresh_gradients()
            return module(tx)

        def torch_backward(out):
            out.backward(tdy)

        def torch_both(_):
            module(tx).backward(tdy)

        passes["forward"]["torch"] = (torch_forward, None)
        passes["backward"]["torch"] = (torch_backward, torch_graph)
        passes["forward+backward"]["torch"] = (torch_both, fresh_gradients)
    times = {}
    for part, candidates in passes.items():
        got = medians_ms(candidates, repeats)
        times[part] = [got["ours"], got.get("torch"), got["naive"], got["copy"]]
    return [(f"{name} {part}", *t) for part, t in times.items()]


def lasso_row(repeats, tol=1e-6):
    rng = np.random.default_rng(0)
    n, d = 2000, 200
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d) * (rng.random(d) < 0.2)
    y = X @ w_true + 0.5 * rng.standard_normal(n)
    lam = 0.1 * regviz.lam_max(X, y)
    w_star = regviz.fit(X, y, lam=lam, steps=100_000, tol=0.0).w  # the optimum, from a very long run
    distance = float(np.max(np.abs(regviz.fit(X, y, lam=lam).w - w_star)))
    ours = median_ms(lambda: regviz.fit(X, y, lam=lam), repeats)
    naive_steps = naive_lasso(X, y, lam, w_star, tol)
    naive = median_ms(lambda: naive_lasso(X, y, lam, w_star, tol), max(1, repeats // 3))
    return ("fit lasso 2000x200", ours, None, naive, None), distance, naive_steps


# --- the report -------------------------------------------------------------------------------------

def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    lines = [
        f"CPU: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}, "
        f"torch {torch.__version__ if torch else 'not installed'}",
        f"threads: torch {torch.get_num_threads() if torch else 'n/a'}; regviz BatchNorm/LayerNorm "
        f"{regviz._kernels.THREADS} (regviz._kernels.THREADS); Dropout 1; "
        f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}",
    ]
    env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_", "GOTO"))}
    lines.append("BLAS environment: " + (", ".join(f"{k}={v}" for k, v in sorted(env.items())) or "none set"))
    if threadpoolctl is not None:
        pools = threadpoolctl.threadpool_info()
        lines.append("thread pools: " + "; ".join(
            f"{p.get('internal_api')} {p.get('version')} {p.get('architecture', '')} x{p.get('num_threads')}"
            for p in pools))
    else:
        lines.append("thread pools: threadpoolctl not installed (pip install threadpoolctl to list BLAS threads)")
    return lines


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b is not None else "n/a"


def table(rows):
    head = ["kernel", "ours ms", "torch ms", "naive ms", "copy ms", "ours/torch", "ours/copy", "naive/ours"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, ours, torch_ms, naive, copy in rows:
        cells = [name] + [f"{v:.1f}" if v is not None else "n/a" for v in (ours, torch_ms, naive, copy)]
        cells += [ratio(ours, torch_ms), ratio(ours, copy), ratio(naive, ours)]
        out.append("| " + " | ".join(cells) + " |")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1024 x 1024 inputs and 3 repeats")
    parser.add_argument("--repeats", type=int, help="timed rounds after the warm-up (default 15, quick 3)")
    parser.add_argument("--out", type=Path, default=OUT, help="markdown file for the table")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 15)
    shape = (1024, 1024) if args.quick else (8192, 1024)
    threads = regviz._kernels.THREADS  # the cores this process may run on
    if torch is not None:
        torch.set_num_threads(threads)  # equal threads: torch's kernels and regviz's norm blocks
    info = machine()
    print("\n".join(info), flush=True)

    rows = []
    for dtype in (np.float32, np.float64):
        rng = np.random.default_rng(0)
        x = rng.standard_normal(shape).astype(dtype)
        dy = rng.standard_normal(shape).astype(dtype)
        for name in ("Dropout", "BatchNorm", "LayerNorm"):
            for name_, *t in layer_rows(name, x, dy, repeats):
                rows.append((f"{name_} {np.dtype(dtype).name}", *t))
                print(table(rows[-1:])[-1], flush=True)
    lasso, distance, naive_steps = lasso_row(repeats)
    rows.append(lasso)

    title = (f"x: {shape[0]} x {shape[1]}; median of {repeats} rounds after a warm-up round, each round running ours, "
             "torch, naive and copy once, in a seeded random order (so a drift of the machine, and what one leaves "
             "behind for the next, reach every column alike); times in ms")
    notes = [
        f"fit: lasso at lam = 0.1 lam_max, default tol; max |w - w*| = {distance:.1e} against a 100000-step run; "
        f"naive = textbook ISTA on X (regviz.lasso_step), {naive_steps} steps to 1e-6 of w*.",
        "copy: np.copyto into a preallocated array of x's size (two copies for forward+backward).",
    ]
    lines = ["# regviz benchmarks", "", *[f"- {line}" for line in info], "", title, "", *table(rows), "",
             *[f"- {line}" for line in notes]]
    print("\n" + "\n".join(table(rows)) + "\n\n" + "\n".join(notes))
    args.out.write_text("\n".join(lines) + "\n")
    print(args.out)


if __name__ == "__main__":
    main()
