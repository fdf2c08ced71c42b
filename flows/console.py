"""How much of Prefect's logging reaches the terminal; the API (dashboard) always gets all of it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

# Prefect's logging.yml names its terminal handler "console"; this variable overrides its level
# whenever Prefect (re)loads that file, in this process or one it starts.
_CONSOLE_LEVEL_ENV = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"


@contextmanager
def prefect_console(verbose: bool) -> Iterator[None]:
    """Within the block, Prefect's INFO lines stay off the terminal unless `verbose`."""
    if verbose or os.environ.get(_CONSOLE_LEVEL_ENV):  # asked for, or the user chose a level
        yield
        return
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.logging.handlers import PrefectConsoleHandler

    os.environ[_CONSOLE_LEVEL_ENV] = "WARNING"
    ensure_logging_setup()  # set up now (reading the variable) if no flow import did yet
    # The level goes on the console handler, not the `prefect` logger: a quieter logger
    # would drop the records before they reach the API handler, and so the dashboard.
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]
    saved_levels = [h.level for h in handlers]
    for handler in handlers:
        handler.setLevel(max(handler.level, logging.WARNING))
    try:
        yield
    finally:
        for handler, level in zip(handlers, saved_levels, strict=True):
            handler.setLevel(level)
        os.environ.pop(_CONSOLE_LEVEL_ENV, None)
