"""Write every watchlist's Atom and JSON feeds to the configured folder after a run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.feed import RENDERERS
from flows.config import Config
from storage.feeds import watchlist_feed


def feed_filename(watchlist: str, fmt: str) -> str:
    """The file a watchlist's feed is written to: its name, percent-encoded where a path
    would misread it (a "/" never leaves the folder), and the format as suffix."""
    return f"{quote(watchlist, safe=' ')}.{fmt}"


def write_feeds(engine: Engine, config: Config, directory: Path) -> list[Path]:
    """Write `<watchlist>.atom` and `<watchlist>.json` for every watchlist; returns the files."""
    with Session(engine) as session:  # gather every feed first: one consistent read
        feeds = {w.name: watchlist_feed(session, w.name) for w in config.watchlists}
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, entries in feeds.items():
        for fmt, render in RENDERERS.items():
            path = directory / feed_filename(name, fmt)
            write_atomically(path, render(name, entries))
            written.append(path)
    return written


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a reader sees the old file or the new, never half."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes it private; feeds are there to be read (served)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@task(name="write-feeds", cache_policy=NO_CACHE)  # an engine is no cache key
def publish_feeds(engine: Engine, config: Config, directory: Path) -> None:
    """Write the feeds; a failure is logged, never fails a cycle whose alerts are out."""
    try:
        written = write_feeds(engine, config, directory)
    except OSError as exc:
        get_run_logger().warning("could not write the feeds to %s: %s", directory, exc)
        return
    get_run_logger().info("wrote %d feed files to %s", len(written), directory)
