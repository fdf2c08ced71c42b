"""The extraction-only ceiling: trafilatura alone, and newswatch's clean_page, over saved pages."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from urllib.request import urlopen

Page = tuple[str, str]  # (url, html)
_pages: list[Page] = []  # each pool worker's copy, inherited through fork (never pickled)


@dataclass(frozen=True)
class Rate:
    """How fast one extractor went over the pages with `processes` processes."""

    pages: int
    extracted: int  # pages it returned an article for
    seconds: float
    processes: int
    cpu_seconds: float = 0.0  # the workers' CPU time in the extractor calls, summed

    @property
    def per_second(self) -> float:
        """Pages per second."""
        return self.pages / self.seconds if self.seconds else 0.0


def download(urls: list[str], workers: int = 8) -> list[Page]:
    """Fetch every URL's HTML (not timed: the ceiling measures extraction only)."""

    def fetch(url: str) -> Page:
        with urlopen(url, timeout=60) as response:
            return url, response.read().decode("utf-8")

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fetch, urls))


def trafilatura_rate(pages: list[Page], processes: int) -> Rate:
    """trafilatura.bare_extraction(fast=True) alone over the pages."""
    return _rate(_trafilatura, pages, processes)


def clean_page_rate(pages: list[Page], processes: int) -> Rate:
    """newswatch's spiders.extract.clean_page over the pages."""
    return _rate(_clean_page, pages, processes)


def _rate(extract: Callable[[int], bool], pages: list[Page], processes: int) -> Rate:
    # fork: the workers inherit the pages instead of unpickling megabytes of HTML per task.
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_start, initargs=(pages,)) as pool:
        pool.map(_warm, range(processes))  # imports and first-call set-up, outside the timing
        begin = time.perf_counter()
        results = pool.map(partial(_cpu_timed, extract), range(len(pages)), chunksize=8)
        seconds = time.perf_counter() - begin
    found = sum(ok for ok, _ in results)
    return Rate(len(pages), found, seconds, processes, sum(cpu for _, cpu in results))


def _cpu_timed(extract: Callable[[int], bool], index: int) -> tuple[bool, float]:
    # CPU time as well as wall time: on a shared machine the workers' wall time counts the
    # other work's share of the cores; their CPU time is what extraction itself costs.
    begin = time.process_time()
    found = extract(index)
    return found, time.process_time() - begin


def _start(pages: list[Page]) -> None:
    global _pages
    _pages = pages
    import spiders.extract  # noqa: F401 - every worker pays its imports before the clock starts


def _warm(_: int) -> None:
    _trafilatura(0)
    _clean_page(0)


def _trafilatura(index: int) -> bool:
    from trafilatura import bare_extraction

    url, html = _pages[index]
    doc = bare_extraction(html, url=url, fast=True, include_comments=False, with_metadata=True)
    return doc is not None and bool(doc.text)


def _clean_page(index: int) -> bool:
    from spiders.extract import clean_page

    url, html = _pages[index]
    return clean_page(html, url) is not None
