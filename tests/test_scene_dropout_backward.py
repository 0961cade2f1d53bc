"""The dropout-backward clip (Q5): its code panel is regviz's reference code, each highlighted line is a line
that runs for the numbers on screen, and those numbers obey dropout's backward."""
import inspect
import sys

import numpy as np
import pytest

import regviz
from scenes import dropout_backward as scene
from scenes.listing import listing


def lines_run(seed):
    """{(file, line number)} of every line of the reference dropout functions executed by scene.data(seed)."""
    code = {inspect.unwrap(f).__code__ for f in (regviz.dropout_forward, regviz.dropout_backward)}
    ran = set()

    def tracer(frame, event, arg):
        if frame.f_code in code:
            if event == "line":
                ran.add(frame.f_lineno)
            return tracer
        return None

    sys.settrace(tracer)
    try:
        scene.data(seed)
    finally:
        sys.settrace(None)
    return ran


def test_the_panel_is_the_reference_source_without_comments():
    forward, backward = listing("regviz.dropout.dropout_forward"), listing("regviz.dropout.dropout_backward")
    assert scene.LISTING == forward.code + ("",) + backward.code
    assert "mask = rng.random(x.shape) > p" in scene.LISTING[scene.LINE_MASK]  # the line interviewers ask for


@pytest.mark.parametrize("seed", [0, 3])
def test_every_highlighted_line_is_a_line_that_runs(seed):
    forward, backward = scene.FORWARD, scene.BACKWARD
    numbers = forward.numbers + (None,) + backward.numbers  # the panel's lines in the source file
    ran = lines_run(seed)
    for index in (scene.LINE_MASK, scene.LINE_FORWARD, scene.LINE_BACKWARD, scene.LINE_EVAL_FORWARD,
                  scene.LINE_EVAL_BACKWARD):
        assert numbers[index] in ran, f"highlighted line {scene.LISTING[index]!r} never ran"


def test_backward_reuses_the_forward_mask_and_scale():
    d = scene.data(0)
    np.testing.assert_array_equal(d.y == 0, ~d.mask)  # x > 0 on screen: zero exactly where dropped
    np.testing.assert_allclose(d.y[d.mask], d.x[d.mask] / (1 - d.p))
    np.testing.assert_allclose(d.dx[d.mask], d.dy[d.mask] / (1 - d.p))
    assert np.all(d.dx[~d.mask] == 0)  # dropped units get no gradient
    assert 0 < d.mask.sum() < scene.UNITS  # the default seed shows both kinds of unit


def test_eval_mode_is_the_identity_both_ways():
    d = scene.data(0)
    np.testing.assert_array_equal(d.eval_y, d.x)
    np.testing.assert_array_equal(d.eval_dx, d.dy)


def test_seed_fixes_the_data():
    a, b, c = scene.data(5), scene.data(5), scene.data(6)
    for field in ("x", "dy", "mask", "dx"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.dy, c.dy)


@pytest.mark.parametrize("seed", [0, 3])
def test_the_mask_is_the_draws_that_beat_p(seed):
    d = scene.data(seed)
    np.testing.assert_array_equal(d.mask, d.draws > d.p)  # mask = rng.random(x.shape) > p, as on screen


@pytest.mark.parametrize("seed", [0, 3])
def test_the_jacobian_is_diagonal_and_backward_is_its_transpose(seed):
    d = scene.data(seed)
    # central differences of a linear map: exact up to float64 rounding over h = 1e-6 (about 1e-10)
    np.testing.assert_allclose(d.jacobian, np.diag(d.mask / (1 - d.p)), atol=1e-8)
    np.testing.assert_allclose(d.jacobian.T @ d.dy, d.dx, atol=1e-8)


def test_a_fresh_mask_in_backward_sends_gradient_to_a_dropped_unit():
    d = scene.data(0)  # the clip's seed shows both kinds of error
    into_dropped = ~d.mask & (d.wrong_dx != 0)
    assert np.any(into_dropped) and np.all(d.y[into_dropped] == 0)  # gradient into a unit that output 0
    lost = d.mask & (d.wrong_dx == 0) & (d.dy != 0)
    assert np.any(lost) and np.all(d.dx[lost] != 0)  # and none for a unit that was used
    np.testing.assert_allclose(d.wrong_dx[d.fresh_mask], d.dy[d.fresh_mask] / (1 - d.p))


@pytest.mark.parametrize("seed", [0, 3])
def test_reusing_the_forward_mask_fixes_exactly_the_rows_the_fresh_mask_got_wrong(seed):
    d = scene.data(seed)
    # the clip flags the rows where the two masks disagree, then the fix's dx corrects those rows and no others
    disagree = d.fresh_mask != d.mask
    changed = ~np.isclose(d.wrong_dx, d.dx, atol=0)
    np.testing.assert_array_equal(changed, disagree & (d.dy != 0))
    np.testing.assert_array_equal(d.dx, regviz.dropout_backward(d.dy, d.mask, d.p))  # the saved mask, reused


@pytest.mark.parametrize("seed", [0, 3])
def test_the_factor_on_screen_is_what_forward_and_backward_scale_by(seed):
    d = scene.data(seed)
    # the clip shows 1/(1-p) = 2 and says both passes multiply kept units by "the same 2": y / x, dx / dy and
    # the Jacobian's kept diagonal entries are that one number
    factor = float(scene.fmt(1 / (1 - d.p), 0))
    np.testing.assert_allclose(d.y[d.mask] / d.x[d.mask], factor)
    kept = d.mask & (d.dy != 0)
    np.testing.assert_allclose(d.dx[kept] / d.dy[kept], factor)
    np.testing.assert_allclose(np.diag(d.jacobian)[d.mask], factor, atol=1e-8)
