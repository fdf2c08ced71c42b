"""Cleaning: trafilatura's text minus the lines newswatch knows are furniture, never the story."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml.html import HtmlElement

from spiders.boilerplate import Furniture, find_furniture, furniture_line_rule
from spiders.text import name_key

# A furniture block whose lines make up more than this share of trafilatura's text, the
# story's longest paragraph among them, is a wrapper that happens to carry a marker ("advert"
# in a post's category class, "paywall" on the body): it is not cut. Refinements that together
# keep less than this share of the words give way to trafilatura's text minus line-level
# furniture only.
MOST = 0.5
# A line this long (letters and digits) found inside a block's text is that block's text; a
# shorter one ("Share", "Photo") must be a whole run of it.
MIN_PART_CHARS = 12


@dataclass(frozen=True)
class Cut:
    """One line of trafilatura's text that was removed, or a block that was spared, and why."""

    line: str
    rule: str
    evidence: str


@dataclass(frozen=True)
class Refined:
    """The clean text and how it was reached, for `newswatch clean --explain`."""

    text: str
    cuts: tuple[Cut, ...]  # lines removed
    spared: tuple[Cut, ...]  # furniture blocks not applied: they hold most of the text
    fell_back: bool  # the block cuts took too much; only line rules were applied


def refine(tree: HtmlElement, text: str, title: str) -> Refined:
    """trafilatura's text without the headline repeated, furniture blocks and furniture lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and name_key(lines[0]) == name_key(title):
        # Some CMSs put the <h1> inside the article container, so it opens the extracted text.
        lines = lines[1:]
    block_cuts, spared = _block_cuts(lines, find_furniture(tree))
    line_cuts = {i: cut for i, line in enumerate(lines) if (cut := _line_cut(line))}
    cuts = {**block_cuts, **line_cuts}
    # Cuts that leave under half the words fall back to line rules only when they took the
    # story's longest paragraph too: a short story beside a big box of teasers keeps its cuts.
    fell_back = _story(lines) in block_cuts and _words(lines, cuts) < MOST * _words(lines, {})
    if fell_back:
        cuts = line_cuts
    kept = [line for i, line in enumerate(lines) if i not in cuts]
    return Refined("\n".join(kept), tuple(cuts[i] for i in sorted(cuts)), spared, fell_back)


def _block_cuts(
    lines: Sequence[str], furniture: Iterable[Furniture]
) -> tuple[dict[int, Cut], tuple[Cut, ...]]:
    keys = [name_key(line) for line in lines]
    total = sum(len(key) for key in keys) or 1
    story = _story(lines)
    cuts: dict[int, Cut] = {}
    spared: list[Cut] = []
    for block in furniture:
        hits = _lines_within(keys, block.element)
        if not hits:
            continue
        if story in hits and sum(len(keys[i]) for i in hits) > MOST * total:
            spared.append(Cut(_describe(block.element), block.rule, block.evidence))
            continue
        for i in hits:
            cuts.setdefault(i, Cut(lines[i], block.rule, block.evidence))
    return cuts, tuple(spared)


def _story(lines: Sequence[str]) -> int:
    # The longest paragraph stands for the story: a box of teasers has no paragraph that long.
    return max(range(len(lines)), key=lambda i: len(name_key(lines[i])), default=-1)


def _lines_within(keys: Sequence[str], element: HtmlElement) -> list[int]:
    # A line of trafilatura's text is one element's text or one run of text between tags: it
    # lies within the block when it is the block's text, one of its runs, or part of its text.
    whole = name_key(element.text_content())
    if not whole:
        return []
    runs = {name_key(piece) for piece in element.itertext()}
    return [
        i for i, key in enumerate(keys)
        if key and (key in runs or (len(key) >= MIN_PART_CHARS and key in whole))
    ]  # fmt: skip


def _line_cut(line: str) -> Cut | None:
    rule = furniture_line_rule(line)
    return Cut(line, rule, "line rule") if rule else None


def _words(lines: Sequence[str], cuts: dict[int, Cut]) -> int:
    return sum(len(line.split()) for i, line in enumerate(lines) if i not in cuts)


def _describe(element: HtmlElement) -> str:
    names = " ".join(filter(None, (element.get("id"), element.get("class"))))
    return f"<{element.tag}{' ' + names[:60] if names else ''}>"
