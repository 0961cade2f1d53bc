"""The `regviz` command: list the clips, render them.

    regviz list
    regviz render dropout            -> renders/dropout.mp4 (+ renders/dropout.srt)
    regviz render all -q low --jobs 2
"""
import sys
import time
from pathlib import Path

import click

from regviz import __version__
from .files import describe_write_error
from .practice import NAMES as PRACTICE_NAMES
from .render import FORMATS, QUALITIES, default_cache_dir, default_jobs, render_many
from .stopping import Stopped, exit_code, signal_name, stop_on_signals
from .syllabus import QUESTIONS, SCENE_NAMES
from .terminal import ClipChoice, table, writable_folder

PROGRESS_EVERY = 5.0  # seconds between the lines saying how far the running clips are


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="regviz")
def main():
    """Regularization for ML interviews: verified NumPy code, explained in Manim clips."""


@main.command("list")
def list_scenes():
    """List the clips, one per interview question."""
    for q in QUESTIONS:
        click.echo(f"{q.id}  {q.scene:<18} {q.description}")


@main.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME...", type=ClipChoice(extra=("all",)))
@click.option("-q", "--quality", type=click.Choice(tuple(QUALITIES)), default="medium", show_default=True,
              help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="mp4", show_default=True,
              help="Video format; png writes the clip's last frame.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed for every number in the clip [default: the scene's own].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("renders"),
              show_default=True, help="Folder for the clips.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Parallel jobs: several clips render that many at once, each in its own process; a single "
                   "clip has its plays drawn in parallel (the same frames) [default: the number of CPUs].")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for Manim's own media tree [default: ~/.cache/regviz].")
@click.option("--burn-captions", is_flag=True, default=False,
              help="Draw the captions into the picture, for players without subtitle support [default: a subtitle "
                   "track, shown by default; gif always burns them in].")
@click.option("--preview/--no-preview", default=False, help="Open each clip when it is done.")
def render(names, quality, fmt, seed, out_dir, jobs, cache_dir, burn_captions, preview):
    """Render clips NAMES (or `all`) to OUT/NAME.FORMAT; a clip is named by its name or its question (Q2)."""
    names = list(SCENE_NAMES) if "all" in names else list(dict.fromkeys(names))
    cache_dir = cache_dir or default_cache_dir()
    writable_folder(out_dir, "--out")  # before any rendering: a clean line, not a traceback after minutes
    writable_folder(cache_dir, "--cache")
    jobs = jobs or default_jobs()
    total, failures, results = len(names), [], []
    click.echo(f"Rendering {total} clip(s) at {quality} quality into {out_dir}/ ({jobs} job(s))")

    def started(name):
        how = ", its plays in parallel" if total == 1 and jobs > 1 and fmt != "png" else ""
        click.echo(f"[{names.index(name) + 1}/{total}] rendering {name}{how} ...")

    progress = sys.stderr.isatty()  # Manim's progress bars in a terminal; plain lines in logs
    drawn, last_report = {}, [time.monotonic()]  # name -> (plays, seconds of clip drawn) of the clips running

    def advanced(name, plays, seconds):
        drawn[name] = (plays, seconds)
        if (progress and jobs == 1) or time.monotonic() - last_report[0] < PROGRESS_EVERY:
            return  # Manim's own bar shows it
        last_report[0] = time.monotonic()
        running = ", ".join(f"{n} {s:.1f} s of clip ({p} plays)" for n, (p, s) in drawn.items())
        click.echo(f"  running: {running}")

    received = []
    try:
        with stop_on_signals() as received:
            for name, result, error in render_many(
                names, jobs=jobs, on_start=started, on_progress=advanced, quality=quality, fmt=fmt, seed=seed,
                out_dir=out_dir, cache_dir=cache_dir, progress=progress, burn_captions=burn_captions,
            ):
                drawn.pop(name, None)
                if error:
                    failures.append((name, error))
                    click.secho(f"FAILED {name}: {error}", fg="red", err=True)
                    continue
                results.append(result)
                length = f"{result.duration:5.1f} s clip, " if fmt != "png" else ""
                click.echo(f"done   {name}: {length}rendered in {result.seconds:.1f} s")
                if preview:
                    click.launch(str(result.path))
            if received:  # a signal that something caught and swallowed still stops the command
                raise Stopped(received[0])
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the workers are stopped, nothing more is published
        stop = Stopped(received[0]) if received else exc
        kept = ", ".join(str(r.path) for r in results) or "no new clip"
        click.echo(f"Stopped by {signal_name(stop)}: kept {kept}; {total - len(results) - len(failures)} of {total} "
                   "not rendered (their previous files are untouched)", err=True)
        raise click.exceptions.Exit(exit_code(stop)) from None
    if fmt == "mp4" and results:  # the study page plays the mp4 clips: refresh it
        from .page import build_page

        try:
            click.echo(f"study page: {build_page(out_dir)}")
        except OSError as exc:  # the clips are written: a page that cannot be is a warning, not a failure
            click.secho(f"warning: the study page was not refreshed: {describe_write_error(exc, out_dir)}",
                        fg="yellow", err=True)
    for result in sorted(results, key=lambda r: names.index(r.name)):
        extra = f"  ({result.duration:.1f} s)" if fmt != "png" else ""
        click.echo(f"{result.path}{extra}")
    if failures:
        raise click.ClickException(
            "; ".join(f"scene {name} failed: {error}" for name, error in failures)
        )


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("renders"),
              show_default=True, help="Folder for the results, OUT/verify.json (where `regviz page --out` reads them).")
@click.option("--question", type=ClipChoice(as_="id"), default=None,
              help="Verify one question's claims only: its id (Q2, q2) or its clip's name (dropout).")
@click.option("--profile", type=click.Choice(["ci", "dev"]), default="ci", show_default=True,
              help="Hypothesis profile: ci is derandomized (repeatable), dev is quick and random.")
@click.option("--tests", "tests_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of claim tests [default: this checkout's tests/].")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for Hypothesis' example database [default: ~/.cache/regviz].")
def verify(out_dir, question, profile, tests_dir, cache_dir):
    """Run the claim properties behind every answer and print what each proved."""
    from .verify import verify as run_verify

    json_path = out_dir / "verify.json"
    writable_folder(out_dir, "--out")
    stdout = sys.stdout  # verify swallows pytest's own output (redirects sys.stdout); progress goes here

    def done(claim):
        mark = click.style("pass", fg="green") if claim.passed else click.style("FAIL", fg="red", bold=True)
        click.echo(f"  {mark}  {claim.question}  {claim.kind:<12}  {claim.claim}", file=stdout)

    click.echo("Running the claim properties (Hypothesis, derandomized)..." if profile == "ci"
               else "Running the claim properties (Hypothesis, random)...")
    received = []
    try:
        with stop_on_signals() as received:
            doc = run_verify(json_path=json_path, question=question, profile=profile, on_claim_done=done,
                             tests_dir=tests_dir, cache_dir=cache_dir)
            if received:  # a Ctrl-C that something swallowed still stops the command
                raise Stopped(received[0])
    except KeyboardInterrupt as exc:  # pytest ends its session on it, and we learn of it afterwards
        stop = Stopped(received[0]) if received else exc
        click.echo(f"Stopped by {signal_name(stop)}: no claims verified; {json_path} is unchanged", err=True)
        raise click.exceptions.Exit(exit_code(stop)) from None
    except (FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"could not write {json_path}: {exc.strerror or exc}") from None
    click.echo()
    rows = [(c["question"], c["kind"], c["claim"], "pass" if c["passed"] else "FAIL", str(c["examples"]),
             f"{c['seconds']:.2f} s") for c in doc["claims"]]
    for line in table(("Q", "kind", "claim", "result", "examples", "time"), rows, wrap=2):
        click.echo(line)
    failed = [c for c in doc["claims"] if not c["passed"]]
    for c in failed:
        click.secho(f"\n{c['question']} {c['claim']}: FAILED", fg="red", bold=True)
        click.echo(c["failure"])
    passed = len(doc["claims"]) - len(failed)
    click.echo(f"\n{passed} of {len(doc['claims'])} claims hold ({doc['seconds']:.1f} s); wrote {json_path}")
    if failed:
        raise click.ClickException(f"{len(failed)} claim(s) failed")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("renders"),
              show_default=True, help="Folder with the clips; the page is written there as index.html.")
def page(out_dir):
    """Write the study page OUT/index.html: each question's clip, answer, code and verified claims."""
    from .page import build_page

    writable_folder(out_dir, "--out")
    try:
        path = build_page(out_dir)
    except OSError as exc:
        raise click.ClickException(describe_write_error(exc, out_dir)) from None
    click.echo(path)


@main.command()
@click.argument("name", required=False, type=click.Choice(PRACTICE_NAMES))
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("practice"),
              show_default=True, help="Folder for the starter file.")
def practice(name, folder):
    """Write a starter file FOLDER/NAME.py to implement yourself (never overwrites); no NAME lists them."""
    from .practice import EXERCISES, write_starter

    if name is None:
        for e in EXERCISES:
            click.echo(f"{e.name:<10} {' + '.join(e.questions):<8} {e.summary}")
        click.echo("\nregviz practice NAME writes practice/NAME.py; regviz check practice/NAME.py grades it.")
        return
    path, written = write_starter(name, folder)
    if written:
        click.echo(f"Fill in the bodies, then run: regviz check {path}")
    else:
        click.echo(f"{path} exists already: kept as it is (delete it for a fresh starter). Grade it: regviz check {path}")
    click.echo(path)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--exercise", type=click.Choice(PRACTICE_NAMES), default=None,
              help="Which exercise FILE answers [default: inferred from the names it defines].")
@click.option("--convention", type=click.Choice(["pytorch", "cs231n"]), default="pytorch", show_default=True,
              help="pytorch: p drops, unbiased running_var; cs231n: p keeps, biased running_var.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds the checker gives your code before it stops it.")
def check(file, exercise, convention, timeout):
    """Grade your FILE (from `regviz practice`) with the claim properties; exit 0 when every claim holds."""
    from .check import CheckError, check as run_check, render

    click.echo(f"Grading {file} in a separate process (at most {timeout:g} s)...")
    try:
        report = run_check(file, exercise=exercise, convention=convention, timeout=timeout)
    except CheckError as error:  # nothing to grade (syntax error, no exercise): exit 2, the learner's line shown
        failure = click.ClickException(str(error))
        failure.exit_code = 2
        raise failure from None
    for line in render(report, color=click.style):
        click.echo(line)
    if not report.passed:
        raise click.ClickException("the check could not finish (see above)" if report.problem
                                   else "some claims do not hold")
