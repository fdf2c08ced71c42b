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


@contextmanager
def quiet_storage_tracebacks(database: str) -> Iterator[None]:
    """Within the block, a failure the database itself causes (full, read-only, damaged) shows
    on the terminal as Prefect's one line, without its traceback: the CLI explains it after."""
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.logging.handlers import PrefectConsoleHandler

    ensure_logging_setup()
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]
    filters = [(handler, _NoStorageTraceback(handler, database)) for handler in handlers]
    for handler, quiet in filters:
        handler.addFilter(quiet)
    try:
        yield
    finally:
        for handler, quiet in filters:
            handler.removeFilter(quiet)


class _NoStorageTraceback(logging.Filter):
    """Shows a record about a storage failure on its handler without the traceback."""

    def __init__(self, handler: logging.Handler, database: str) -> None:
        super().__init__()
        self.handler, self.database = handler, database

    def filter(self, record: logging.LogRecord) -> bool:
        from storage.db import storage_error

        error = record.exc_info[1] if record.exc_info else None
        if error is None or not storage_error(error, self.database):
            return True
        # A copy, so the handlers after this one (the API's: the dashboard) keep the traceback.
        line = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        self.handler.handle(line)
        return False
