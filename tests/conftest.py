"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (Hypothesis' recommended CI pattern).

ci:  derandomized (the same examples on every run, so CI is repeatable) and no deadline (a loaded
     2-core CI machine must not turn slowness into failures); `make test` uses it.
dev: fewer examples, for a quick edit-test loop.
"""
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


TINY = {"pixel_height": 144, "pixel_width": 256, "frame_rate": 4}  # every frame's layout, few pixels: fast


@pytest.fixture(scope="session")
def tiny_renders(tmp_path_factory):
    """Every real scene rendered once per session at a tiny size, two processes at a time:
    {name: (RenderResult or None, error or None)}. Shared by the render and page tests."""
    from regviz.render import SCENE_NAMES, render_many

    out = tmp_path_factory.mktemp("renders")
    runs = render_many(list(SCENE_NAMES), jobs=2, quality="low", fmt="mp4", out_dir=out,
                       cache_dir=out / ".cache", overrides=TINY)
    return {name: (result, error) for name, result, error in runs}
