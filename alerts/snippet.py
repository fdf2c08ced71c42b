"""Cut a short excerpt of an article's text around a match, cut between words, with the
positions of the matched words inside it (pure)."""

from __future__ import annotations

import re
from bisect import bisect_right

SNIPPET_CHARS = 240
SNIPPET_LEAD = 80  # context kept before the matched word
_TRAILING_WORD = re.compile(r"\s+\S*$")
_SPACE = re.compile(r"\s")
_NON_SPACE = re.compile(r"\S+")


def snippet(
    text: str, start: int, end: int, marks: list[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About SNIPPET_CHARS of `text` around text[start:end], cut between words, "…" where cut,
    and each of `marks` (spans of `text`) that falls inside it, as spans of the excerpt."""
    lo = max(0, start - SNIPPET_LEAD)
    hi = min(len(text), lo + SNIPPET_CHARS)
    if lo > 0 and not text[lo - 1].isspace():
        space = _SPACE.search(text, lo, start)
        lo = space.end() if space else start
    window = text[lo:hi]
    if hi < len(text) and not text[hi].isspace():
        cut = _TRAILING_WORD.search(window)
        if cut and cut.start() >= end - lo:
            window = window[: cut.start()]
    lead = "…" if lo > 0 else ""
    chunks = [(m.start() + lo, m.group()) for m in _NON_SPACE.finditer(window)]
    body = " ".join(chunk for _, chunk in chunks)
    shown = lead + body + ("…" if hi < len(text) else "")
    return shown, _moved(marks, chunks, len(lead), lo + len(window))


def _moved(
    marks: list[tuple[int, int]], chunks: list[tuple[int, str]], shift: int, limit: int
) -> tuple[tuple[int, int], ...]:
    """`marks` inside the shown chunks, re-addressed to the excerpt (spaces collapsed)."""
    if not chunks:
        return ()
    origins = [origin for origin, _ in chunks]
    places, at = [], shift
    for _, chunk in chunks:
        places.append(at)
        at += len(chunk) + 1
    out = []
    for start, end in marks:
        if start < chunks[0][0] or end > limit:
            continue
        first, last = bisect_right(origins, start) - 1, bisect_right(origins, end - 1) - 1
        moved_start = places[first] + start - origins[first]
        moved_end = places[last] + min(end - origins[last], len(chunks[last][1]))
        out.append((moved_start, moved_end))
    return tuple(out)
