"""hypothesis profiles: `ci` (chosen when CI=true, as .ci/run has it) is derandomised, so that
every property test, the explorations of the example graphs among them, draws the same
examples on every CI run (no flakiness), with no example database; `dev` (the default) is
random, as hypothesis is, and keeps what fails. Neither has a deadline: the machines the suite
runs on are shared, and a slow example is not a failing one."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")
