"""Pausing the cyclic garbage collector around work that builds many long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector: loading a large spec or cassette, or drawing a large graph,
    allocates millions of small objects that live until the end, and collections scanning
    them again and again cost more than the work (they doubled some loads) and find no cycle.

    When the collector comes back on, what was built is moved to its oldest generation
    (`gc.freeze` then `gc.unfreeze`), as if it had survived the collections skipped: the next
    young collections of the caller's program do not scan it all again (200 ms after compiling
    10k agents). Left alone if the program freezes objects itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
