"""The dropout-backward clip (Q5) shows what regviz.Dropout computes for the clip's seed, and its listing is faithful."""
import numpy as np

import regviz
from regviz.dropout import keep_mask
from scenes import dropout_backward as scene


def recompute(seed):
    """The clip's numbers, recomputed independently with the core."""
    x_stream, dy_stream, mask_stream = np.random.SeedSequence(seed).spawn(3)
    x = np.round(np.random.default_rng(x_stream).uniform(0.2, 1.5, scene.UNITS), 2)
    dy = np.round(np.random.default_rng(dy_stream).normal(0.0, 1.0, scene.UNITS), 2)
    layer = regviz.Dropout(0.5, rng=np.random.default_rng(mask_stream))
    y = layer.forward(x)
    mask = layer.mask.copy()
    dx = layer.backward(dy)
    layer.eval()
    return x, dy, mask, y, dx, layer.forward(x), layer.backward(dy)


def listing_layer(p, seed):
    """A layer whose forward/backward are the listing shown on screen, executed as code."""
    namespace = {"keep_mask": keep_mask, "p": p, "rng": np.random.default_rng(seed)}
    body = "class Listed:\n    training = True\n" + "".join(f"    {line}\n" for line in scene.LISTING.splitlines())
    exec(body, namespace)
    return namespace["Listed"]()


def test_scene_shows_the_cores_numbers():
    for seed in (0, 1, 7):
        d = scene.data(seed)
        x, dy, mask, y, dx, eval_y, eval_dx = recompute(seed)
        assert d.p == 0.5
        for shown, expected in ((d.x, x), (d.dy, dy), (d.mask, mask), (d.y, y), (d.dx, dx),
                                (d.eval_y, eval_y), (d.eval_dx, eval_dx)):
            np.testing.assert_array_equal(shown, expected)


def test_backward_reuses_the_forward_mask_and_scale():
    d = scene.data(0)
    np.testing.assert_allclose(d.y, d.x * d.mask / (1 - d.p))
    np.testing.assert_allclose(d.dx, d.dy * d.mask / (1 - d.p))
    assert np.all(d.dx[~d.mask] == 0)  # dropped units get no gradient
    assert 0 < d.mask.sum() < scene.UNITS  # the default seed shows both kinds of unit


def test_eval_mode_is_the_identity_both_ways():
    d = scene.data(0)
    np.testing.assert_array_equal(d.eval_y, d.x)
    np.testing.assert_array_equal(d.eval_dx, d.dy)


def test_listing_computes_what_the_core_computes():
    for seed in (0, 3):
        x = scene.data(seed).x
        dy = scene.data(seed).dy
        core, listed = regviz.Dropout(0.5, rng=seed), listing_layer(0.5, seed)
        np.testing.assert_array_equal(listed.forward(x), core.forward(x))
        np.testing.assert_array_equal(listed.mask, core.mask)
        np.testing.assert_array_equal(listed.backward(dy), core.backward(dy))
        listed.training = False
        core.eval()
        np.testing.assert_array_equal(listed.forward(x), core.forward(x))
        np.testing.assert_array_equal(listed.backward(dy), core.backward(dy))


def test_highlighted_lines_are_the_ones_named():
    lines = scene.data(0).listing
    assert "keep_mask" in lines[scene.LINE_MASK]
    assert lines[scene.LINE_FORWARD].strip().startswith("return x *")
    assert lines[scene.LINE_BACKWARD].strip().startswith("return dy *")
    assert lines[scene.LINE_EVAL_FORWARD].strip().endswith("return x")
    assert lines[scene.LINE_EVAL_BACKWARD].strip().endswith("return dy")


def test_seed_fixes_the_data():
    a, b, c = scene.data(5), scene.data(5), scene.data(6)
    for field in ("x", "dy", "mask", "dx"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.dy, c.dy)


