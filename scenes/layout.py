"""The layout check: at the end of every play, without drawing a frame, is the picture readable?

  - no two pieces of text overlap (the bounding boxes of the Text / MarkupText / MathTex / Tex /
    DecimalNumber / Integer in the scene; a formula or a number counts as one piece);
  - no text leaves the frame;
  - text inside a box (a Rectangle, Square, SurroundingRectangle with a visible outline, or an opaque panel)
    keeps MARGIN from the box's edges, and a text centred in a box does not run over its edges;
  - no Transform morphs one text into a different text (mid-way it is broken glyphs): numbers count
    (DecimalNumber + updaters), words fade or match parts (FadeTransform, TransformMatchingShapes/Tex).

RegvizScene.play calls the active Recorder (install() here, or the REGVIZ_LAYOUT_RECORDS environment
variable: a folder, for renders in other processes) before and after each play. The recorder keeps a JSON
snapshot per play (its texts and boxes, the morphs it started); violations(snapshot) judges one. Recording
measures bounding boxes only, so it works in a dry run (Manim's skip_animations) as in a real render.
"""
import json
import os
from pathlib import Path

import numpy as np

# Overlaps and excursions smaller than this are not counted: 0.01 units is under one pixel at 720p (8 units of
# frame height / 720 px = 0.011), where glyph outlines' anti-aliasing already blurs the edge.
TOUCH = 0.01
# Clearance between text and the edges of a box around it: the box's outline covers half its stroke inside
# (0.02 units at Manim's default stroke width 4), so 0.05 leaves about 0.03 units (3 px at 720p, 4 at 1080p)
# of background between the ink and the line; less reads as touching.
MARGIN = 0.05
# A filled rectangle at least this opaque is a panel (its edge is visible without an outline); fainter fills
# are highlights under the content (a shaded band), not boxes.
PANEL_OPACITY = 0.5

ENVIRONMENT = "REGVIZ_LAYOUT_RECORDS"
_installed = None


def install(recorder):
    """Make `recorder` the one every RegvizScene.play reports to (None: uninstall); returns it."""
    global _installed
    _installed = recorder
    return recorder


def active():
    """The installed recorder; else one writing into the folder $REGVIZ_LAYOUT_RECORDS; else None (no cost)."""
    if _installed is None and os.environ.get(ENVIRONMENT):
        install(Recorder(folder=os.environ[ENVIRONMENT]))
    return _installed


# --- what the scene holds ---
def _text_classes():
    from manim import DecimalNumber, MarkupText, SingleStringMathTex, Text

    from scenes.common import MonoText  # here, not at the top: scenes.common imports this module

    return Text, MarkupText, SingleStringMathTex, DecimalNumber, MonoText  # MathTex, Tex: SingleStringMathTex


def text_of(mobject):
    """What a piece of text says: its string, its TeX, or the number it shows."""
    if hasattr(mobject, "number") and hasattr(mobject, "num_decimal_places"):
        return f"{mobject.number:.{mobject.num_decimal_places}f}"
    for attribute in ("tex_string", "original_text", "text"):  # Text.text has lost its spaces
        value = getattr(mobject, attribute, None)
        if isinstance(value, str):
            return value
    return type(mobject).__name__


def label_of(mobject):
    return f"{type(mobject).__name__} '{text_of(mobject)}'"


def text_pieces(mobject, classes=None):
    """The pieces of text in mobject's family, outermost first: a text's own parts are not separate pieces."""
    classes = classes or _text_classes()
    if isinstance(mobject, classes):
        return [mobject]
    return [piece for part in mobject.submobjects for piece in text_pieces(part, classes)]


def _visible(mobject):
    for part in mobject.get_family():
        if not part.has_points():
            continue
        fill = getattr(part, "fill_rgbas", None)
        if fill is not None and len(fill) and np.max(fill[:, 3]) > 0:
            return True
        stroke = getattr(part, "stroke_rgbas", None)
        if stroke is not None and len(stroke) and part.get_stroke_width() > 0 and np.max(stroke[:, 3]) > 0:
            return True
    return False


def _bounds(mobject):
    points = mobject.get_all_points()
    if len(points) == 0:
        return None
    low, high = points.min(axis=0), points.max(axis=0)
    return [round(float(v), 4) for v in (low[0], low[1], high[0], high[1])]


def _box_kind(mobject):
    """'box' (an outline), 'panel' (an opaque fill), or None (not a box, or invisible, or a background)."""
    from manim import BackgroundRectangle, SurroundingRectangle

    if isinstance(mobject, BackgroundRectangle) or not mobject.has_points():
        return None
    stroke = mobject.stroke_rgbas
    if mobject.get_stroke_width() > 0 and len(stroke) and np.max(stroke[:, 3]) > 0:
        return "highlight" if isinstance(mobject, SurroundingRectangle) else "box"
    fill = mobject.fill_rgbas
    if len(fill) and np.max(fill[:, 3]) >= PANEL_OPACITY:
        return "panel"
    return None


def snapshot(scene):
    """The layout the scene shows now: {"texts": [[label, x0, y0, x1, y1]], "boxes": [[kind, x0, y0, x1, y1]],
    "frame": [x0, y0, x1, y1]}."""
    from manim import Rectangle

    classes = _text_classes()
    seen, texts, boxes = set(), [], []
    for top in [*scene.mobjects, *scene.foreground_mobjects]:
        for piece in text_pieces(top, classes):
            if id(piece) in seen or not _visible(piece):
                continue
            seen.add(id(piece))
            bounds = _bounds(piece)
            if bounds is not None:
                texts.append([label_of(piece), *bounds])
        for part in top.get_family():
            if isinstance(part, Rectangle) and id(part) not in seen:
                seen.add(id(part))
                kind = _box_kind(part)
                if kind is not None:
                    boxes.append([kind, *_bounds(part)])
    camera = scene.camera
    cx, cy = float(camera.frame_center[0]), float(camera.frame_center[1])
    w, h = camera.frame_width / 2, camera.frame_height / 2
    return {"texts": texts, "boxes": boxes, "frame": [cx - w, cy - h, cx + w, cy + h]}


def morphs(animations):
    """[(from, to)]: the Transforms among `animations` that morph text into a different text."""
    from manim import AnimationGroup, FadeTransform, Transform
    from manim.animation.transform_matching_parts import TransformMatchingAbstractBase

    found = []
    for animation in animations:
        if isinstance(animation, TransformMatchingAbstractBase):
            continue  # matches equal parts, fades the rest
        if isinstance(animation, AnimationGroup):
            found += morphs(animation.animations)
        elif isinstance(animation, Transform) and not isinstance(animation, FadeTransform):
            target = animation.target_mobject
            if target is None:  # ApplyMethod and .animate: the same mobject, changed by its own methods
                continue
            before = [text_of(p) for p in text_pieces(animation.mobject)]
            after = [text_of(p) for p in text_pieces(target)]
            if before and after and before != after:  # text to text (FadeOut's target, a point, has none)
                found.append([" + ".join(before), " + ".join(after)])
    return found


class Recorder:
    """Keeps one snapshot per play of each scene; with a folder, also appends it to FOLDER/CLIP.jsonl (CLIP: the
    output name `regviz render` gives Manim, e.g. dropout; else the scene's class name)."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder else None
        self.records = {}  # scene class name -> [snapshot, ...]
        self._morphs, self._start = [], 0.0

    def before(self, scene, args):
        from manim import Animation

        self._start = float(scene.renderer.time)
        self._morphs = morphs([a for a in args if isinstance(a, Animation)])

    def after(self, scene):
        name = type(scene).__name__
        records = self.records.setdefault(name, [])
        record = {"scene": name, "play": len(records), "start": round(self._start, 3),
                  "end": round(float(scene.renderer.time), 3), "morphs": self._morphs, **snapshot(scene)}
        records.append(record)
        if self.folder is not None:
            from manim import config

            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{config.output_file or name}.jsonl"  # `regviz render` names the output by clip
            with open(path, "w" if len(records) == 1 else "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")


def read_records(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


# --- the judgement ---
def violations(record):
    """What is wrong with one play's snapshot, one line each, naming the scene, play, time and texts."""
    where = f"{record['scene']} play {record['play']} ({record['start']:.2f}-{record['end']:.2f} s)"
    problems = [f"{where}: Transform morphs text '{a}' into '{b}'" for a, b in record["morphs"]]
    if not record["texts"]:
        return problems
    labels = [t[0] for t in record["texts"]]
    box = np.array([t[1:] for t in record["texts"]], dtype=float)  # (n, 4): x0, y0, x1, y1
    # pairs of texts whose boxes overlap by more than TOUCH in both directions
    wide = np.minimum(box[:, None, 2], box[None, :, 2]) - np.maximum(box[:, None, 0], box[None, :, 0])
    tall = np.minimum(box[:, None, 3], box[None, :, 3]) - np.maximum(box[:, None, 1], box[None, :, 1])
    for i, j in zip(*np.nonzero(np.triu((wide > TOUCH) & (tall > TOUCH), k=1))):
        problems.append(f"{where}: {labels[i]} overlaps {labels[j]} by {wide[i, j]:.2f} x {tall[i, j]:.2f} "
                        f"at ({(box[i, 0] + box[i, 2]) / 2:.2f}, {(box[i, 1] + box[i, 3]) / 2:.2f})")
    x0, y0, x1, y1 = record["frame"]
    for label, (a, b, c, d) in zip(labels, box):
        out = max(x0 - a, y0 - b, c - x1, d - y1)
        if out > TOUCH:
            problems.append(f"{where}: {label} leaves the frame by {out:.2f}")
    for kind, *edges in record["boxes"]:
        problems += _box_problems(where, kind, np.array(edges), labels, box)
    return problems


def _box_problems(where, kind, edges, labels, box):
    bx0, by0, bx1, by1 = edges
    problems = []
    for label, (a, b, c, d) in zip(labels, box):
        if min(c, bx1) - max(a, bx0) <= TOUCH or min(d, by1) - max(b, by0) <= TOUCH:
            continue  # beside the box, not in it
        clearance = min(a - bx0, b - by0, bx1 - c, by1 - d)  # negative: the text sticks out
        centred = bx0 < (a + c) / 2 < bx1 and by0 < (b + d) / 2 < by1
        if clearance >= 0 and clearance < MARGIN - 1e-9:
            problems.append(f"{where}: {label} is {clearance:.3f} from the edge of its {kind} "
                            f"({bx0:.2f}, {by0:.2f}, {bx1:.2f}, {by1:.2f}); keep {MARGIN}")
        elif clearance < 0 and centred and kind != "highlight":
            problems.append(f"{where}: {label} runs over the edge of its {kind} "
                            f"({bx0:.2f}, {by0:.2f}, {bx1:.2f}, {by1:.2f}) by {-clearance:.2f}")
    return problems
