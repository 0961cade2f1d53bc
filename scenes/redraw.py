"""Which mobjects a play has to redraw on every frame.

Manim's Cairo renderer paints a play's static mobjects once, into a background image, and redraws the rest
on every frame. It counts as moving every mobject from the first animated one onwards, in drawing order,
because anything drawn later might cover it. In our scenes most of those later mobjects sit far from
anything that moves (the caption at the bottom, a panel on the right), and redrawing them is about half
of the drawing.

Here a play redraws only what is animated, and what could share a pixel with something redrawn before
it in drawing order. Two mobjects that never share a pixel can be painted in either order with the same
result, bit for bit, so the frames do not change (tests/test_redraw.py renders plays both ways).

"Could share a pixel" is decided with bounding boxes, padded for strokes, miter joins and anti-aliasing.
An animated mobject's box covers the whole play only where that is certain: a Transform along a straight
path (FadeIn, FadeOut, `.animate`, ReplacementTransform, ...) moves every point along a straight segment
from the start to the target, and Create draws part of the mobject's own curves, which stay inside the
box of its control points, as long as the rate functions keep alpha within [0, 1]. Any other play, or a
scene with updaters or foreground mobjects, keeps Manim's own rule.
"""
import numpy as np
from manim import AnimationGroup, LaggedStart, ShowPartial, Transform, VMobject
from manim.utils.family import extract_mobject_family_members

MITER = 5  # cairo's default miter limit is 10 line widths, so a join reaches at most 5 widths past its point
AA_PIXELS = 3  # anti-aliasing touches 1 pixel past an edge; 3 leaves room for rounding
RATE_SAMPLES = np.linspace(0, 1, 201)


def moving_and_static(scene, animations):
    """(moving, static) family members for a play, as Scene.get_moving_and_static_mobjects returns them,
    or None when this play must keep Manim's rule."""
    leaves = _leaves(animations)
    if leaves is None or scene.foreground_mobjects or scene.updaters:
        return None
    if any(m.updaters for mob in scene.mobjects for m in mob.get_family()):
        return None
    camera = scene.renderer.camera
    order = extract_mobject_family_members(scene.mobjects, use_z_index=camera.use_z_index, only_those_with_points=True)
    if not all(isinstance(m, VMobject) and np.isfinite(m.points).all() for m in order):
        return None  # the boxes below are for strokes and fills; point clouds and images keep Manim's rule
    animated = set()
    for animation in _all(animations):
        animated.update(animation.mobject.get_family())
    pixel = camera.frame_width / camera.pixel_width
    swept = [box for box in (_box_of(_swept(leaf), pixel) for leaf in leaves) if box is not None]
    boxes = np.empty((len(swept) + len(order), 4))  # around what is redrawn on every frame, so far
    count = 0
    decided, moving = set(), set()
    for member in order:
        if member in decided:
            continue
        family = member.get_family()
        decided.update(family)
        is_animated = any(m in animated for m in family)
        if not (is_animated or moving):
            continue  # before the first animated mobject: painted once, under everything redrawn
        box = _box_of(family, pixel)
        if is_animated:
            if not moving:  # the first animated mobject: from here on, anything in the animations' way is redrawn
                boxes[count : count + len(swept)] = swept
                count += len(swept)
        elif box is None or not _touches(box, boxes[:count]):
            continue  # painted once, under the moving mobjects: it shares no pixel with any painted before it
        moving.update(family)
        if box is not None:
            boxes[count] = box
            count += 1
    return [m for m in order if m in moving], [m for m in order if m not in moving]


def _all(animations):
    for animation in animations:
        yield animation
        if isinstance(animation, AnimationGroup):
            yield from _all(animation.animations)


def _leaves(animations):
    """The play's innermost animations, or None if any of them (or a group) moves points unpredictably."""
    leaves = []
    for animation in animations:
        if not _in_unit_interval(animation.rate_func):
            return None
        if type(animation) in (AnimationGroup, LaggedStart):
            inner = _leaves(animation.animations)
            if inner is None:
                return None
            leaves += inner
        elif isinstance(animation, Transform) and _straight(animation):
            leaves.append(animation)
        elif isinstance(animation, ShowPartial) and type(animation).interpolate_submobject is ShowPartial.interpolate_submobject:
            leaves.append(animation)
        else:
            return None
    return leaves or None


def _straight(transform):
    return (
        transform.path_arc == 0
        and type(transform).interpolate_mobject is Transform.interpolate_mobject
        and type(transform).interpolate_submobject is Transform.interpolate_submobject
    )


def _in_unit_interval(rate_func):
    values = np.array([rate_func(t) for t in RATE_SAMPLES])
    return bool(np.all((values >= 0) & (values <= 1)))


def _swept(leaf):
    """Mobjects whose joint box covers every point of the leaf's mobject during the play: a point moving on a
    straight segment from the start to the target stays in the box around both ends (not in either one's)."""
    mobjects = [leaf.mobject]
    if isinstance(leaf, Transform):  # FadeTransform moves its group from starting_ to ending_mobject instead
        mobjects += [leaf.starting_mobject, getattr(leaf, "target_copy", None) or getattr(leaf, "ending_mobject", None)]
    else:
        mobjects.append(leaf.starting_mobject)
    return [m for mob in mobjects if mob is not None for m in mob.get_family()]


def _box_of(mobjects, pixel):
    """(xmin, ymin, xmax, ymax) around every pixel the mobjects can paint, or None if they have no points."""
    lo, hi = np.inf, -np.inf
    for m in mobjects:
        if len(m.points) == 0:
            continue
        width = max(m.get_stroke_width(), m.get_stroke_width(background=True))
        pad = AA_PIXELS * pixel + MITER * width * 0.01  # the camera's cairo line width is stroke_width * 0.01 units
        xy = m.points[:, :2]
        lo, hi = np.minimum(lo, xy.min(axis=0) - pad), np.maximum(hi, xy.max(axis=0) + pad)
    if np.isscalar(lo):
        return None
    return (*lo, *hi)


def _touches(box, boxes):
    return bool(np.any((boxes[:, 0] <= box[2]) & (box[0] <= boxes[:, 2]) & (boxes[:, 1] <= box[3]) & (box[1] <= boxes[:, 3])))
