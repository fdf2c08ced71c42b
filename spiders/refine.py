"""Cleaning: trafilatura's text, with the standfirst it left out, minus the lines newswatch knows
are furniture, never the story."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from spiders.boilerplate import Furniture, find_furniture, furniture_line_rule
from spiders.text import CREDIT_LINE, STAMP, name_key

# A furniture block whose lines make up more than this share of trafilatura's text, the
# story's longest paragraph among them, is a wrapper that happens to carry a marker ("advert"
# in a post's category class, "paywall" on the body): it is not cut. Refinements that together
# keep less than this share of the words give way to trafilatura's text minus line-level
# furniture only.
MOST = 0.5
# A line this long (letters and digits) found inside a block's text is that block's text; a
# shorter one ("Share", "Photo") must be a whole run of it.
MIN_PART_CHARS = 12
# A standfirst between the headline and the body: a few prose paragraphs, found among the
# first elements after the <h1>, not mostly link text.
MIN_LEAD_CHARS = 80
LONG_LEAD_CHARS = 150
MAX_LEAD_PARAGRAPHS = 2
MAX_LEAD_ELEMENTS = 150
MAX_LEAD_LINKED = 0.3
_LEAD_TAGS = frozenset({"p", "h2", "div", "span", "strong", "b", "section"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "ul", "ol", "li", "table", "h2", "h3", "h4", "figure",
     "blockquote", "header", "footer", "aside", "nav", "form"}
)  # fmt: skip
_OFF_LEAD_TAGS = frozenset(
    {"nav", "aside", "figure", "figcaption", "footer", "form", "button", "li", "table", "a",
     "blockquote", "time", "label", "select"}
)  # fmt: skip
# Boxes near the headline that hold no standfirst: author bios, captions, teasers, notices.
_OFF_LEAD_NAMES = re.compile(
    "author|autor|caption|consent|cookie|privacy|gallery|comment",
    re.IGNORECASE,
)
_PAGE_TAGS = frozenset({"html", "body", "main", "article"})
_CODE = re.compile(r"[{}]|</?[a-z]+[ >]")
_NOT_LEAD = re.compile(
    r"^(?:published|updated|posted|veröffentlicht|aktualisiert|publicado|actualizado|publié)\b"
    r"|^[^\s:]{2,20}:\s|.*\bcopyright\b",
    re.IGNORECASE,
)
# An element's readable text: not its scripts' or styles' (an ad slot's JavaScript is no lead).
_VISIBLE_TEXT = etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)  # compiled once: it is asked of up to MAX_LEAD_ELEMENTS elements a page
# Elements whose text is never read as the page's text.
_NO_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})


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
    # Furniture not applied: blocks holding most of the text, and lines the article itself
    # also carries outside every block (a lead quoted in a share form, a linked name in a
    # sentence that is also an image credit).
    spared: tuple[Cut, ...]
    fell_back: bool  # the block cuts took too much; only line rules were applied
    added: tuple[str, ...] = ()  # the standfirst found before trafilatura's text


def refine(tree: HtmlElement, text: str, title: str, url: str | None = None) -> Refined:
    """trafilatura's text opened by the standfirst it left out, without the headline repeated,
    furniture blocks and furniture lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and name_key(lines[0]) == name_key(title):
        # Some CMSs put the <h1> inside the article container, so it opens the extracted text.
        lines = lines[1:]
    lead = _lead(tree, lines, title)
    lines = [*lead, *lines]
    furniture = list(find_furniture(tree, url))
    outside = name_key("".join(_text_outside(tree, {block.element for block in furniture})))
    block_cuts, spared = _block_cuts(lines, furniture, outside)
    line_cuts = {i: cut for i, line in enumerate(lines) if (cut := _line_cut(line))}
    line_cuts.update(_related_links(lines, line_cuts, tree))
    cuts = {**block_cuts, **line_cuts}
    # Cuts that leave under half the words fall back to line rules only when they took the
    # story's longest paragraph too: a short story beside a big box of teasers keeps its cuts.
    fell_back = _story(lines) in block_cuts and _words(lines, cuts) < MOST * _words(lines, {})
    if fell_back:
        cuts = line_cuts
    kept = [line for i, line in enumerate(lines) if i not in cuts]
    added = tuple(line for i, line in enumerate(lead) if i not in cuts)
    return Refined("\n".join(kept), tuple(cuts[i] for i in sorted(cuts)), spared, fell_back, added)


def _lead(tree: HtmlElement, lines: Sequence[str], title: str) -> list[str]:
    # trafilatura's precise reading often starts at the body's container and leaves out the
    # standfirst printed between the headline and the body: prose paragraphs found there
    # (not links, bylines, dates or captions) open the text.
    heading = _headline_element(tree, title)
    start = name_key(lines[0])[: MIN_PART_CHARS * 3] if lines else ""
    if heading is None or not start:
        return []
    known = "".join(name_key(line) for line in lines)
    found: list[str] = []
    for seen, element in enumerate(_after(heading)):
        if seen >= MAX_LEAD_ELEMENTS or len(found) >= MAX_LEAD_PARAGRAPHS:
            break
        if element.tag not in _LEAD_TAGS or _has_block_child(element):
            continue
        text = " ".join("".join(_VISIBLE_TEXT(element)).split())
        key = name_key(text)
        if start in key:
            break  # the body begins
        if key and key not in known and _is_lead(element, text):
            found.append(text)
            known += key
    return found


def _headline_element(tree: HtmlElement, title: str) -> HtmlElement | None:
    # The <h1> reading as the headline; else one holding it or held in it ("Chronik: …").
    key = name_key(title)
    headings = [(h, name_key(h.text_content())) for h in tree.iter("h1")]
    exact = next((h for h, text in headings if text == key), None)
    if exact is not None or len(key) < MIN_PART_CHARS:
        return exact
    near = (
        h for h, text in headings if len(text) >= MIN_PART_CHARS and (key in text or text in key)
    )
    return next(near, None)


def _after(element: HtmlElement) -> Iterator[HtmlElement]:
    # The elements after `element` in document order, outside it, lazily.
    node: HtmlElement | None = element
    while node is not None:
        for sibling in node.itersiblings():
            yield from (e for e in sibling.iter() if isinstance(e.tag, str))
        node = node.getparent()


def _names(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def _has_block_child(element: HtmlElement) -> bool:
    return any(child.tag in _BLOCK_TAGS for child in element)


def _is_lead(element: HtmlElement, text: str) -> bool:
    if len(text) < MIN_LEAD_CHARS or furniture_line_rule(text) or CREDIT_LINE.match(text):
        return False
    if _CODE.search(text) or _NOT_LEAD.match(text):
        return False  # markup or script written out as text; a stamp, label or notice
    if not (text.rstrip("\"'”’»)").endswith((".", "!", "?", "…")) or len(text) >= LONG_LEAD_CHARS):
        return False
    for node in (element, *element.iterancestors()):
        if node.tag in _OFF_LEAD_TAGS:
            return False
        # WordPress names the post's author and comment status on <article> and <body>.
        if node.tag not in _PAGE_TAGS and _OFF_LEAD_NAMES.search(_names(node)):
            return False
    linked = sum(len(" ".join(link.text_content().split())) for link in element.iter("a"))
    return linked <= MAX_LEAD_LINKED * len(text)


def _block_cuts(
    lines: Sequence[str], furniture: Iterable[Furniture], outside: str
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
            if _also_outside(keys, i, outside):
                spared.append(Cut(lines[i], block.rule, "also in the page outside the block"))
            else:
                cuts.setdefault(i, Cut(lines[i], block.rule, block.evidence))
    return cuts, tuple(spared)


def _also_outside(keys: Sequence[str], i: int, outside: str) -> bool:
    # A line long enough to be one passage is found as it is; a short one ("Strava" split
    # out of "…hat Strava ein Update…" by its link) only together with a neighbouring line.
    if len(keys[i]) >= MIN_PART_CHARS:
        return keys[i] in outside
    before = keys[i - 1] + keys[i] if i > 0 and keys[i - 1] else None
    after = keys[i] + keys[i + 1] if i + 1 < len(keys) and keys[i + 1] else None
    return any(span in outside for span in (before, after) if span)


def _text_outside(tree: HtmlElement, blocks: set[HtmlElement]) -> list[str]:
    # The page's text runs in document order, skipping the furniture blocks (not their
    # tails: what follows a block is outside it) and elements that hold no readable text.
    runs: list[str] = []
    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        if event == "end":
            if element.tail and element is not tree:
                runs.append(element.tail)
        elif element in blocks or not isinstance(element.tag, str) or element.tag in _NO_TEXT_TAGS:
            walker.skip_subtree()
        elif element.text:
            runs.append(element.text)
    return runs


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


def _related_links(
    lines: Sequence[str], line_cuts: dict[int, Cut], tree: HtmlElement
) -> dict[int, Cut]:
    # The link titles (and their date stamps) right after a related-links heading are the
    # box's items: stories of the site, not this one. The first line of prose ends the box.
    heads = [i for i, cut in line_cuts.items() if cut.rule == "related heading"]
    if not heads:
        return {}
    links = {name_key(link.text_content()) for link in tree.iter("a")}
    links.discard("")
    cuts: dict[int, Cut] = {}
    for head in heads:
        for i in range(head + 1, len(lines)):
            item = lines[i].removeprefix("- ")
            if name_key(item) in links:
                cuts[i] = Cut(lines[i], "related link", f"after {lines[head][:40]!r}")
            elif not STAMP.match(item):
                break
    return cuts


def _line_cut(line: str) -> Cut | None:
    rule = furniture_line_rule(line)
    return Cut(line, rule, "line rule") if rule else None


def _words(lines: Sequence[str], cuts: dict[int, Cut]) -> int:
    return sum(len(line.split()) for i, line in enumerate(lines) if i not in cuts)


def _describe(element: HtmlElement) -> str:
    names = " ".join(filter(None, (element.get("id"), element.get("class"))))
    return f"<{element.tag}{' ' + names[:60] if names else ''}>"
