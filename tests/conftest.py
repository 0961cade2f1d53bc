"""Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (Hypothesis' recommended CI pattern).

ci:  derandomized (the same examples on every run, so CI is repeatable) and no deadline (a loaded
     2-core CI machine must not turn slowness into failures); `make test` uses it.
dev: fewer examples, for a quick edit-test loop.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
