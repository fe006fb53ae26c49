"""Pausing the cyclic garbage collector around work that builds many long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector: loading a large spec or cassette, or drawing a large graph,
    allocates millions of small objects that live until the end, and collections scanning
    them again and again cost more than the work (they doubled some loads) and find no cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
