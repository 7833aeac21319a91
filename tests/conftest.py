"""Test-wide set-up: the tests use a cache folder of their own (quizgen.kernel.cache), empty at the start
of each run, so no test depends on, or leaves anything in, the user's cache."""

from __future__ import annotations

import os
import tempfile

os.environ["QUIZGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="quizgen-test-cache-")
