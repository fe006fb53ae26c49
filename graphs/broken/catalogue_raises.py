"""A module whose import fails: resolving anything in it is AG051 (the error is reported)."""

raise RuntimeError("this module cannot be imported")
