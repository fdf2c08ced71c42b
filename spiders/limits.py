"""Cleaning limits: a page that is too big a tree or takes too long to clean fails alone."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Real pages have a few thousand elements (the largest of 1,790 pages from many sites: 10,106);
# a generated page of a million empty <div>s is an attack or an accident, not an article.
MAX_TREE_ELEMENTS = 100_000
CLEAN_SECONDS = 20.0  # pages clean in milliseconds; a page still cleaning after this is stuck


class CleaningLimit(Exception):
    """A page exceeded a cleaning limit; `kind` is the failure kind the crawl counts."""

    kind = "extract"


class TreeTooLarge(CleaningLimit):
    """The parsed page has more elements than MAX_TREE_ELEMENTS."""

    kind = "too_complex"


class CleaningTimeout(CleaningLimit):
    """Cleaning one page outlasted its deadline."""

    kind = "extract_timeout"


def check_tree_size(elements: int, limit: int = MAX_TREE_ELEMENTS) -> None:
    """Raise TreeTooLarge when a parsed page has more elements than `limit`."""
    if elements > limit:
        raise TreeTooLarge(f"{elements} elements (limit {limit})")


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise CleaningTimeout in this thread once `seconds` have passed (0: no deadline).

    A timer signal, so only in the main thread of a Unix process (the crawl's reactor thread);
    elsewhere it does nothing. Python checks for signals between bytecodes: one call stuck in
    C code (a parser, a regular expression) is interrupted only when it returns."""
    usable = seconds > 0 and hasattr(signal, "setitimer")
    if not usable or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise CleaningTimeout(f"still cleaning after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
