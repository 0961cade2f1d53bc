"""Palette, typography and the base scene every regviz clip shares.

No scene writes a colour literal or a font size of its own: they come from here, so the five clips
look like one series. The base scene also carries the seed (every number on screen is computed from
it by the regviz core) and the caption helper that writes Manim subcaptions, which become the
clip's .srt file.
"""
import math
import textwrap

from manim import (
    DOWN, LEFT, RIGHT, UP, AnimationGroup, FadeIn, FadeOut, LaggedStart, ManimColor, Rectangle, Scene, Text,
    Transform, VGroup, VMobject, config,
)

from scenes import layout, redraw

# --- colours: one meaning each, the same in every clip ---
BACKGROUND = ManimColor("#0e1116")
TEXT = ManimColor("#e6e6e6")
MUTED = ManimColor("#8b93a1")  # axes, labels, secondary text
FAINT = ManimColor("#3a404b")  # dropped units, grid lines
PANEL = ManimColor("#1a1f28")  # code panels, boxes
L1 = ManimColor("#f5a524")  # lasso / L1 diamond
L2 = ManimColor("#4da3ff")  # ridge / L2 circle
KEPT = ManimColor("#3ccf91")  # kept units, "correct"
DROPPED = ManimColor("#ef5b5b")  # dropped units, errors, "wrong"
GRAD = ManimColor("#ff7ac6")  # gradients flowing backward
BATCH = ManimColor("#f5d90a")  # BatchNorm: statistics over the batch axis
LAYER = ManimColor("#b48cff")  # LayerNorm: statistics over the feature axis
LOSS = ManimColor("#7fd1ff")  # loss contours
ENET = ManimColor("#9bd35a")  # elastic net: L1 and L2 mixed

# --- typography (sizes for a 14.2 x 8 frame; legible at 480p) ---
FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"
TITLE_SIZE = 40
BODY_SIZE = 28
SMALL_SIZE = 22
NUMBER_SIZE = 24
CODE_SIZE = 20
LISTING_SIZE = 16  # a reference function's whole listing on a panel beside the picture
FORMULA_SIZE = 34  # MathTex formulas (penalties, constraints)
SYMBOL_SIZE = 28  # MathTex symbols that label axes and shapes (w_1, \lambda)
EDGE = 0.4  # margin to the frame edge

# --- captions: a subtitle track (the clip's .srt, muxed into the mp4/webm), never painted into the frame ---
CAPTION_LINE = 42  # characters per line, at most two lines per cue (the broadcast subtitle norms)
CAPTION_LINES = 2
CHARS_PER_SECOND = 17  # reading pace: a cue stays on screen at least len(text) / 17 seconds
WORDS_PER_SECOND = 2.6  # the title card's pace (a question read, not skimmed)


def reading_time(text, minimum=1.5):
    """Seconds a learner needs to read the caption `text`: at most 17 characters a second."""
    return max(minimum, len(text) / CHARS_PER_SECOND)


def cue(text):
    """`text` as a subtitle cue: wrapped to at most two lines of at most 42 characters (ValueError if longer)."""
    lines = textwrap.wrap(text, CAPTION_LINE)
    if len(lines) > CAPTION_LINES or not lines:
        raise ValueError(f"caption {text!r} needs {len(lines)} lines of {CAPTION_LINE} characters; at most "
                         f"{CAPTION_LINES}: say less, or split it into two cues")
    return "\n".join(lines)


def split_cue(text):
    """`text` as one cue, or two where it must be split: at the comma, semicolon or sentence end nearest the
    middle whose halves each fit a cue (at a word boundary if none does)."""
    if len(textwrap.wrap(text, CAPTION_LINE)) <= CAPTION_LINES:
        return [text]
    cuts = [i + 1 for i, c in enumerate(text) if c in ",;:.?" and text[i + 1 : i + 2] == " "]
    cuts += [i for i, c in enumerate(text) if c == " "]  # word boundaries, the fallback
    for cut in sorted(cuts, key=lambda i: (text[i - 1] not in ",;:.?", abs(i - len(text) / 2))):
        halves = [text[:cut].strip(), text[cut:].strip()]
        if all(len(textwrap.wrap(half, CAPTION_LINE)) <= CAPTION_LINES for half in halves):
            return halves
    raise ValueError(f"{text!r} does not fit two cues of two lines of {CAPTION_LINE} characters")


def lean(mobject):
    """Drop the parsed SVG path each Text/MathTex glyph keeps after its points are built; returns mobject.

    Manim copies a mobject at the start of every Transform/FadeIn/FadeOut, and deep-copying those
    svgelements paths is most of the cost (a 4-glyph number: 16 ms -> 1.4 ms). The points are already
    computed, and nothing in the Cairo renderer reads the path again.
    """
    for part in mobject.get_family():
        part.__dict__.pop("path_obj", None)
    return mobject


def fmt(value, digits=2):
    """A number as every clip shows it: fixed decimals, a true minus sign (U+2212, not the hyphen), and
    never "-0.00" (what -0.0, or -0.004 at two digits, would print)."""
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = f"{0.0:.{digits}f}"
    return text.replace("-", "\u2212")


def label(text, size=BODY_SIZE, color=TEXT, **kwargs):
    return lean(Text(text, font=FONT, font_size=size, color=color, **kwargs))


def mono(text, size=CODE_SIZE, color=TEXT, **kwargs):
    return lean(Text(text, font=MONO, font_size=size, color=color, **kwargs))


class RegvizScene(Scene):
    """Base scene: background, seed, a title at the top, and captions as subtitle cues (Manim subcaptions,
    which become the clip's .srt and its subtitle stream)."""

    seed = 0
    name = ""

    redraw_only_what_moves = True  # scenes/redraw.py: the same frames for about half the drawing

    def __init__(self, seed=None, question=None, **kwargs):
        if seed is not None:
            self.seed = int(seed)
        self.question = question  # the syllabus entry (regviz/app/syllabus.py) the renderer hands over
        super().__init__(**kwargs)
        self._caption = None
        self.title = None  # the headline, once shown

    def play(self, *args, **kwargs):
        """Manim's play; when a layout recorder is active (scenes/layout.py: the layout test), it notes the
        Transforms the play starts and the layout at its end. Inactive: nothing more than Manim's play."""
        recorder = layout.active()
        if recorder is not None:
            recorder.before(self, args)
        super().play(*args, **kwargs)
        if recorder is not None:
            recorder.after(self)

    def get_moving_and_static_mobjects(self, animations):
        split = redraw.moving_and_static(self, animations) if self.redraw_only_what_moves else None
        return split if split is not None else super().get_moving_and_static_mobjects(animations)

    def setup(self):
        self.camera.background_color = BACKGROUND

    def headline(self, text=None, question=None):
        """The clip's title card: the interview question it answers, then the title shrinks to the top.
        Both default to the syllabus entry the renderer passed in (`Q2: How does dropout work, ...`)."""
        if text is None:
            if self.question is None:
                raise ValueError(f"{type(self).__name__} has no question: render it with `regviz render`")
            text, question = self.question.title, f"{self.question.id}: {self.question.question}"
        title = label(text, size=TITLE_SIZE)
        group = VGroup(title)
        if question:
            # wrapped to lines of at most 48 characters, centred: the syllabus asks in whole sentences
            lines = [label(line, size=BODY_SIZE, color=MUTED) for line in textwrap.wrap(question, 48)]
            asked = VGroup(*lines).arrange(DOWN, buff=0.15)  # each line centred
            if asked.width > config.frame_width - 2 * EDGE:  # a long question shrinks to fit the frame
                asked.scale_to_fit_width(config.frame_width - 2 * EDGE)
            group.add(asked.next_to(title, DOWN, buff=0.35))
        # the question as one or two cues, split where a reader pauses; each stays for its reading time
        chunks = split_cue(question or text)
        offset = 0.0
        for chunk in chunks:
            self.add_subcaption(cue(chunk), duration=reading_time(chunk), offset=offset)
            offset += reading_time(chunk)
        # the question's lines appear one after another while the caption reads them: no still title card
        self.play(FadeIn(title, shift=0.2 * UP), run_time=0.8)
        if question:
            reveal = max(0.8, offset - 0.8 - 1.5)
            self.play(LaggedStart(*(FadeIn(line, shift=0.1 * UP) for line in asked), lag_ratio=0.6),
                      run_time=reveal)
            self.wait(max(0.1, offset - 0.8 - reveal))
        else:
            self.wait(max(0.1, offset - 0.8))
        self.play(FadeOut(group[1:]), title.animate.scale(0.75).to_edge(UP, buff=EDGE))
        self.title = title
        return title

    def say(self, text, wait=None):
        """Start the caption `text` now, as a subtitle cue (two lines of at most 42 characters) that stays for
        its reading time; nothing is drawn into the frame. The animations that follow play under it: pass
        wait=0 and play them (the picture should move while a caption explains it). wait=None holds the
        picture still for the whole reading time. Returns the reading time."""
        seconds = reading_time(text)
        self.add_subcaption(cue(text), duration=seconds)
        self._caption = text
        self._caption_end = self.renderer.time + seconds
        wait = seconds if wait is None else wait
        if wait > 0:  # Manim refuses a wait of 0 s
            self.wait(wait)
        return seconds

    def hold_caption(self):
        """Wait until the current caption has been up for its reading time (nothing if it has): call it
        before the next say() when the animations under a caption were shorter than its reading time."""
        left = getattr(self, "_caption_end", 0.0) - self.renderer.time
        if left > 1e-3:
            # in whole frames, rounded up: a still wait draws int(seconds * fps) frames, which cut a cue short
            # (at the layout test's 4 fps by up to a quarter second)
            frame = 1 / self.camera.frame_rate
            self.wait((math.ceil(left / frame - 1e-9) + 1e-6) * frame)

    def narrate(self, text):
        """Start caption `text` once the previous one has had its reading time; the next plays run under it."""
        self.hold_caption()
        self.say(text, wait=0)

    def finish_cue(self, rest=0.0):
        """Wait until the current caption has been on screen for its reading time, then `rest` s more."""
        self.hold_caption()
        if rest > 0:
            self.wait(rest)

    def clear_caption(self):
        """Nothing left to clear: captions are a subtitle track, timed by their cues."""
        self._caption = None

    def clear_stage(self):
        """Once the current caption has had its reading time (the picture it names stays while it is up), fade
        out everything but the title: the next part of the clip starts clean."""
        self.hold_caption()
        keep = {self.title}
        self.play(FadeOut(VGroup(*[m for m in self.mobjects if m not in keep and isinstance(m, VMobject)])))


# --- builders two or more clips share ---
class CodePanel(VGroup):
    """Lines of code on a panel, as a candidate writes them: line i at y = top - i * step, indented by its
    leading spaces in whole characters of the mono face, the panel's left edge at `left`. highlight(i)
    returns the animation that brings a box onto line i (the line that is running)."""

    def __init__(self, lines, left, top, step=0.3, size=LISTING_SIZE, color=TEXT):
        super().__init__()
        self.top, self.step = top, step
        self.code = code_lines(lines, left + 0.2, top, step, size, color)
        self.panel = Rectangle(width=self.code.width + 0.4, height=len(lines) * step + 0.3, stroke_width=0)
        self.panel.set_fill(PANEL, 1).move_to([left, top - (len(lines) - 1) * step / 2, 0], aligned_edge=LEFT)
        self.add(self.panel, self.code)
        self.cursor = None

    def line_box(self, index, color):
        box = Rectangle(width=self.panel.width - 0.2, height=self.step + 0.04, stroke_width=2, stroke_color=color)
        return box.set_fill(color, 0.12).move_to([self.panel.get_center()[0], self.top - index * self.step, 0])

    def highlight(self, index, color=MUTED, hop=False):
        """The animation that moves the highlight to line `index` (fades it in if it is not on screen).
        hop=True: the old box fades out and a new one fades in at line `index`, never sliding across the
        lines between."""
        box = self.line_box(index, color)
        if self.cursor is None:
            self.cursor = box
            return FadeIn(box)
        if hop:
            old, self.cursor = self.cursor, box
            return AnimationGroup(FadeOut(old), FadeIn(box))
        return Transform(self.cursor, box)

    def unhighlight(self):
        """The animation that fades the highlight out; the next highlight fades a new one in."""
        cursor, self.cursor = self.cursor, None
        return FadeOut(cursor)


def code_lines(lines, left, top, step=0.3, size=LISTING_SIZE, color=TEXT):
    """Lines of code in the mono face, line i at y = top - i * step, indented by its leading spaces (a mono
    face: whole characters); blank lines take their row and draw nothing."""
    char_width = mono("0" * 40, size=size).width / 40
    code = VGroup()
    for i, line in enumerate(lines):
        if line.strip():
            text = mono(line.strip(), size=size, color=color)
            indent = len(line) - len(line.lstrip())
            # aligned on the line's centre height, so a highlight box sits evenly around it
            code.add(text.move_to([left + indent * char_width, top - i * step, 0], aligned_edge=LEFT))
    return code


def number_grid(values, cell_width=1.7, cell_height=0.6, size=NUMBER_SIZE, color=TEXT):
    """A grid of numbers; grid[i][j] is the Text for values[i, j]."""
    rows = VGroup()
    for i, row in enumerate(values):
        cells = VGroup()
        for j, value in enumerate(row):
            cells.add(mono(fmt(value), size=size, color=color).move_to([j * cell_width, -i * cell_height, 0]))
        rows.add(cells)
    return lean(rows.move_to([0, 0, 0]))


def lead(scene, text, busy):
    """Show a caption that the next `busy` seconds of animation play under; returns the reading time left."""
    scene.say(text, wait=0.3)
    return max(0.5, reading_time(text) - busy - 0.3)


def swap(old, new):
    """Animation: `old` fades out, then `new` fades in (in a play's run time): two texts in one place never
    show together mid-change, so a word or number never reads doubled ("ymean", "1" over "2")."""
    return LaggedStart(FadeOut(old), FadeIn(new), lag_ratio=1.0)


def counting(value, at, digits=2, size=NUMBER_SIZE, color=TEXT, edge=None):
    """A number in the mono face that shows `value()` on every frame: numbers count, never morph.

    `at` is a point or a function returning one; `edge` (LEFT/RIGHT) pins that side instead of the centre.
    The digits are typeset once and set side by side (MonoText), so a count costs no typesetting per frame
    and looks exactly like mono(fmt(value)).
    """
    made = {}
    holder = mono(fmt(value(), digits), size=size, color=color)  # a Text, so the layout test reads it as one
    holder.submobjects = []  # its glyphs come from draw(), into the slots redrawn() keeps

    def draw():
        text = fmt(value(), digits)
        holder.original_text = text  # what the layout test reports
        if text not in made:
            made[text] = MonoText(text, size=size, color=color)
        point = at() if callable(at) else at
        return made[text].copy().move_to(point, aligned_edge=edge if edge is not None else 0 * UP)

    return redrawn(draw, holder)


def redrawn(build, holder=None):
    """A mobject that shows `build()` on every frame, without Manim's always_redraw: that become()s the new
    mobject, aligning old and new points on every frame (about 30 ms a number). Here the pieces of `build()`
    are copied into a fixed set of slots, so the family keeps its members (a play lists them when it starts;
    swapped-out members would still be drawn there, under the new ones). `holder`: the mobject to fill
    (a new VGroup by default)."""
    holder = VGroup() if holder is None else holder

    def rebuild(group):
        parts = [m for m in build().get_family() if len(m.points)]
        for part in parts[len(group.submobjects):]:  # a slot takes its style once: a fade's changes stay
            group.add(VMobject().match_style(part, family=False))
        for slot, part in zip(group.submobjects, parts):
            slot.points = part.points
        for slot in group.submobjects[len(parts):]:
            slot.clear_points()

    rebuild(holder)
    holder.add_updater(rebuild)
    return holder


_MONO_DIGITS = "0123456789.\u2212+"
_mono_cache = {}


def _mono_glyphs(size, color):
    """{character: its glyph at slot 0} and the advance of the mono face, for the characters numbers use."""
    key = (size, str(color))
    if key not in _mono_cache:
        ruler = mono("0" * 10, size=size, color=color)
        advance = (ruler[9].get_left()[0] - ruler[0].get_left()[0]) / 9
        row = mono(_MONO_DIGITS, size=size, color=color)
        _mono_cache[key] = {c: row[k].copy().shift(-k * advance * RIGHT) for k, c in enumerate(_MONO_DIGITS)}, advance
    return _mono_cache[key]


def _mono_glyph(char, size, color):
    """The glyph of `char` at slot 0 (typeset once, between two zeros), or None when it does not take exactly
    one slot of the mono face (a character the font lacks is drawn from another font, with another advance)."""
    glyphs, advance = _mono_glyphs(size, color)
    if char not in glyphs:
        row = mono(f"0{char}0", size=size, color=color)
        fits = len(row) == 3 and abs(row[2].get_left()[0] - row[0].get_left()[0] - 2 * advance) < 1e-3
        glyphs[char] = (row[1].copy().shift(glyphs["0"].get_center() - row[0].get_center() - advance * RIGHT)
                        if fits else None)
    return glyphs[char]


_FLAT = set("hiklmnrxzBDEFHIKLMNPRTXZ1247")  # glyphs whose bottom is flat on the baseline (no descender, no overshoot)


def baseline(text):
    """The height of a Text's (or MonoText's) baseline: where its glyphs that sit flat on it end."""
    chars = [c for c in text.original_text if not c.isspace()]
    if len(chars) != len(text.submobjects):
        raise ValueError(f"{text.original_text!r}: {len(text.submobjects)} glyphs for {len(chars)} characters")
    bottoms = sorted(g.get_bottom()[1] for c, g in zip(chars, text.submobjects) if c in _FLAT)
    if not bottoms:
        raise ValueError(f"{text.original_text!r} has no glyph that sits flat on the baseline ({''.join(sorted(_FLAT))})")
    return bottoms[len(bottoms) // 2]


def onto_baseline(text, height):
    """Shift `text` up or down so its baseline is at `height` (a label of another face beside numbers)."""
    return text.shift((height - baseline(text)) * UP)


class MonoText(VGroup):
    """One line in the mono face, set glyph by glyph from glyphs typeset once (one advance per character):
    it looks exactly like mono(text) without typesetting it, which is most of a sweep's cost when every
    state shows new numbers. The layout test reads it as text (scenes/layout.py)."""

    def __init__(self, text, size=CODE_SIZE, color=TEXT):
        zeros, advance = _mono_glyphs(size, color)
        glyphs = [(k, _mono_glyph(c, size, color)) for k, c in enumerate(text) if not c.isspace()]
        if any(glyph is None for _, glyph in glyphs):  # a character off the grid: typeset the line
            super().__init__(*mono(text, size=size, color=color).submobjects)
            row = mono(f"0{text}", size=size, color=color)  # ... and once more after a 0, for its baseline
            zero = row[0].get_center() + self.get_center() - VGroup(*row[1:]).get_center()
        else:
            super().__init__(*[glyph.copy().shift(k * advance * RIGHT) for k, glyph in glyphs])
            zero = zeros["0"].get_center()
        self.original_text, self.size = text, size
        # how far the line's box centre sits from the centre of a digit on its baseline: a "μ" hangs below
        # the baseline, a "σ²" rises above the digits, so centring their boxes on a number's height misaligns
        self.digit_offset = self.get_center() - zero
        self.center()

    def on_digit_line(self, point, digits=None):
        """Centre the line at point's x, its baseline where digits centred at point's height sit (as counting()
        centres its numbers): a label and its number then read as one line. digits: the numbers' size, when
        it is not the line's own."""
        self.move_to(point + self.digit_offset[1] * UP)
        if digits is not None and digits != self.size:
            height = float(point[1])
            self.shift((MonoText.digit_baseline(height, digits) - MonoText.digit_baseline(height, self.size)) * UP)
        return self

    @staticmethod
    def digit_baseline(height, size=CODE_SIZE):
        """The baseline of mono digits centred at `height` (as counting() centres its numbers)."""
        return baseline(MonoText("1", size=size).on_digit_line(height * UP))
