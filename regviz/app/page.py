"""`regviz page`: the study page, renders/index.html, one section per interview question.

Each section is a self-test: the question first, our model answer and the trap behind a reveal (HTML
<details>, no script), the clip (with a poster frame and WebVTT captions made from the clip's .srt, inlined),
a "practise it" box with the two commands that grade the learner's own code (regviz practice / check), a code listing read from the core's source now (not a copy), and the claims
behind the answer with the latest `regviz verify` result. Static and self-contained: inline CSS, no
scripts, fonts or anything else from the network; clips are referenced next to the page.
"""
import ast
import base64
import json
from datetime import datetime
from pathlib import Path

from scenes.listing import listing

from .charts import evidence_chart
from .files import atomic_path
from .render import ROOT, clip_duration
from .practice import EXERCISES
from .syllabus import QUESTIONS, REFERENCES
from .verify import source_hash

TESTS_DIR = ROOT / "tests"


def declared_claims(tests_dir=TESTS_DIR):
    """Every `@pytest.mark.claim(question, text, kind=...)` in tests/test_*.py, read statically:
    [(q, text, test, kind)], kind "proved" (the default) or "demonstrated"."""
    claims = []
    for path in sorted(Path(tests_dir).glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr == "claim"
                        and len(deco.args) >= 2 and all(isinstance(a, ast.Constant) for a in deco.args[:2])):
                    kind = next((k.value.value for k in deco.keywords if k.arg == "kind"), "proved")
                    claims.append((deco.args[0].value, deco.args[1].value, f"{path.name}::{node.name}", kind))
    return claims


def srt_to_vtt(srt_text):
    """WebVTT (what <track> plays) from SRT (what Manim writes): a header and '.' in the timestamps."""
    lines = []
    for line in srt_text.splitlines():
        if "-->" in line:
            line = line.replace(",", ".")
        lines.append(line)
    return "WEBVTT\n\n" + "\n".join(lines).strip() + "\n"


def poster(clip, dest, samples=12):
    """Save the clip's busiest frame (most pixels away from the background, among `samples` evenly
    spread frames) as a PNG: the player's poster shows the idea, not an empty title card."""
    import av
    import numpy as np

    best, best_score = None, -1.0
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        length = container.duration / 1_000_000  # seconds
        for k in range(1, samples + 1):
            target = length * k / (samples + 1)
            container.seek(int(target / stream.time_base), stream=stream)  # the keyframe before, then decode on
            for frame in container.decode(stream):
                if frame.time is not None and frame.time >= target:
                    break
            pixels = frame.to_ndarray(format="rgb24").astype(np.int16)
            score = float(np.mean(np.abs(pixels - pixels[0, 0]).sum(axis=2) > 60))
            if score > best_score:
                best, best_score = frame.to_image(), score
    with atomic_path(dest) as tmp:  # never a half-written poster
        best.save(tmp, format="PNG")


def code_listing(names):
    """The reference functions' source (scenes/listing.py: no docstrings or decorators), highlighted by
    Pygments (HTML with classes; the page's CSS colours them)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    source = "\n\n".join(listing(name).text for name in names)
    return highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))


def _clip(out_dir, name):
    clip = out_dir / f"{name}.mp4"
    if not clip.is_file():
        return None
    info = {"src": clip.name, "duration": clip_duration(clip), "poster": None, "track": None}
    poster_path = out_dir / f"{name}.poster.png"
    if not poster_path.is_file() or poster_path.stat().st_mtime < clip.stat().st_mtime:
        try:
            poster(clip, poster_path)
        except OSError:  # a full disk: the player starts black (or with the older poster), the page still works
            pass
    info["poster"] = poster_path.name if poster_path.is_file() else None
    srt = out_dir / f"{name}.srt"
    if srt.is_file():
        # inlined as a data: URI: browsers refuse a caption file next to a page opened from file://
        vtt = srt_to_vtt(srt.read_text(encoding="utf-8")).encode("utf-8")
        info["track"] = "data:text/vtt;base64," + base64.b64encode(vtt).decode("ascii")
    return info


def build_page(out_dir=Path("renders"), verify_json=None):
    """Write out_dir/index.html (atomically) and return its path."""
    import jinja2

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    verify_json = Path(verify_json) if verify_json else out_dir / "verify.json"
    verified = json.loads(verify_json.read_text(encoding="utf-8")) if verify_json.is_file() else None
    results = {(c["question"], c["claim"]): c for c in (verified or {}).get("claims", [])}
    sections, declared = [], declared_claims()
    for q in QUESTIONS:
        claims = []
        for question, text, test, kind in declared:
            if question == q.id:
                result = results.get((question, text))
                claims.append({"text": text, "test": test, "kind": kind, "result": result,
                               "evidence": _evidence(result)})
        practice = next((e for e in EXERCISES if q.id in e.questions), None)  # the exercise to write it yourself
        sections.append({"q": q, "clip": _clip(out_dir, q.scene), "code": code_listing(q.code), "claims": claims,
                         "practice": practice})
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("regviz.app", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["mmss"] = lambda s: f"{int(s) // 60}:{int(s) % 60:02d}"
    date = None
    if verified:
        date = datetime.fromisoformat(verified["date"]).strftime("%Y-%m-%d %H:%M UTC")
    stale = verified is not None and verified.get("source") != source_hash()  # the code or its tests changed since
    page = env.get_template("page.html.j2").render(
        sections=sections, verified=verified, verified_date=date, pygments_css=_pygments_css(), references=REFERENCES,
        stale=stale, out=out_dir.as_posix()
    )
    dest = out_dir / "index.html"
    with atomic_path(dest) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return dest


def _evidence(result):
    """A demonstrated claim's charts, drawn from the numbers verify.json recorded: [{svg, caption, held, threshold}]."""
    charts = []
    for evidence in (result or {}).get("evidence", []):
        drawn = evidence_chart(evidence)
        if drawn is not None:
            charts.append({"svg": drawn[0], "caption": drawn[1], "held": evidence.get("held", "?"),
                           "threshold": evidence.get("threshold", "?")})
    return charts


def _pygments_css():
    """Token colours for light and dark schemes, scoped to the page's code blocks."""
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style="friendly").get_style_defs(".code")
    dark = HtmlFormatter(style="monokai").get_style_defs(".code")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}"
