"""Live progress of a run in a terminal: articles cleaned and stored, alerts queued, outlets
heard from (rich). The store step reports; the command line decides whether anyone watches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

Listener = Callable[[Mapping[str, Counter], int], None]
# Who watches this process's run (the `run` command in a terminal); empty otherwise. A list of
# callbacks, not a connection: reporting to nobody costs nothing.
_listeners: list[Listener] = []


def report(counts: Mapping[str, Counter], cleaned: int) -> None:
    """Tell whoever watches what the store step has done so far."""
    for listener in list(_listeners):
        listener(counts, cleaned)


@contextmanager
def watching(listener: Listener) -> Iterator[None]:
    """Call `listener` with every report made in the block."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def progress_line(counts: Mapping[str, Counter], cleaned: int, outlets: int) -> str:
    """One line of a run's progress (pure)."""
    total: Counter = sum(counts.values(), Counter())
    stored = total["new"] + total["updated"] + total["unchanged"]
    # Short enough for an 80-column terminal.
    return (
        f"cleaned {cleaned:,} · stored {stored:,} ({total['new']:,} new, "
        f"{total['updated']:,} updated) · alerts for {total['matched']:,} · "
        f"outlets {len(counts)}/{outlets}"
    )


@contextmanager
def live_progress(enabled: bool, outlets: int) -> Iterator[None]:
    """Show the run's progress on stderr while the block runs, when `enabled` (a terminal,
    no --json); it is gone when the block ends (the summary follows)."""
    if not enabled:
        yield
        return
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    with Live(Text("crawling…"), console=Console(stderr=True), transient=True) as live:

        def show(counts: Mapping[str, Counter], cleaned: int) -> None:
            live.update(Text(progress_line(counts, cleaned, outlets)))

        with watching(show):
            yield
