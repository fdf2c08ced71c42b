"""The crawl's fetched pages, kept zlib-compressed by article URL so they can be cleaned again."""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path


def page_path(directory: Path, url: str) -> Path:
    """Where the page of the article at (canonical) `url` is kept under `directory`."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    # 256 subfolders: a first crawl of an outlet's archive can keep tens of thousands of pages.
    return directory / digest[:2] / f"{digest}.html.z"


def save_page(directory: Path, url: str, html: str) -> None:
    """Keep the decoded page text, compressed; a reader never sees half a file."""
    path = page_path(directory, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Unique per process: the shards of a crawl share the directory and may save the same URL.
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(zlib.compress(html.encode("utf-8", errors="replace")))
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def load_page(directory: Path, url: str) -> bytes | None:
    """The page kept for `url` as stored (compressed), or None when there is none."""
    try:
        return page_path(directory, url).read_bytes()
    except FileNotFoundError:
        return None


def decompress_page(data: bytes) -> str:
    """The page text of bytes from load_page (or a stored raw_html column)."""
    return zlib.decompress(data).decode("utf-8")
