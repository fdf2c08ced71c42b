"""Syndicated copies for the story benchmark: how outlets edit a wire story they run."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from benchmarks.stories.generate import Story, extra_paragraph, headline, person, present_verb
from benchmarks.stories.pools import APPEALS, CREDITS, MONTHS, OUTLETS, REWORDINGS, WIRES


@dataclass(frozen=True)
class Copy:
    """One outlet's version of a story, and the edits that made it differ."""

    key: str
    story: str
    outlet: str
    title: str
    text: str
    edits: tuple[str, ...]
    furniture: frozenset[str] = frozenset()  # lines an outlet added around the story


def syndicate(rng: random.Random, story: Story, key: str, outlet: str, first: bool) -> Copy:
    """An outlet's copy of a wire story: the first copy as written, later ones edited."""
    if first:
        return Copy(key, story.key, outlet, story.title, "\n".join(story.paragraphs), ())
    paragraphs = list(story.paragraphs)
    edits = ["headline"]
    title = headline(rng, story.cast, present_verb(story), story.subject)
    steps = (
        (0.45, "dropped last paragraphs", _drop_tail),
        (0.10, "cut to first half", _first_half),
        (0.60, "reworded sentences", _reword),
        (0.20, "local paragraph added", _local_paragraph),
        (0.25, "paragraphs merged", _merge),
        (0.40, "dateline", _dateline),
        (0.35, "credit line", _credit),
        (0.40, "furniture lines", _furniture),
    )
    furniture: set[str] = set()
    for chance, name, step in steps:
        if rng.random() < chance:
            before = set(paragraphs)
            paragraphs = step(rng, story, outlet, paragraphs)
            edits.append(name)
            if step in (_credit, _furniture):
                furniture |= set(paragraphs) - before
    text = "\n".join(paragraphs)
    return Copy(key, story.key, outlet, title, text, tuple(edits), frozenset(furniture))


def outlets(rng: random.Random, count: int) -> list[str]:
    """`count` different outlet names."""
    return rng.sample(OUTLETS, count)


def _drop_tail(rng: random.Random, story: Story, outlet: str, paragraphs: list[str]) -> list[str]:
    if len(paragraphs) <= 4:
        return paragraphs
    return paragraphs[: -rng.randint(1, min(3, len(paragraphs) - 3))]


def _first_half(rng: random.Random, story: Story, outlet: str, paragraphs: list[str]) -> list[str]:
    return paragraphs[: max(3, len(paragraphs) // 2 + 1)]


def _reword(rng: random.Random, story: Story, outlet: str, paragraphs: list[str]) -> list[str]:
    paragraphs = list(paragraphs)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(paragraphs))
        sentences = paragraphs[at].split(". ")
        which = rng.randrange(len(sentences))
        sentences[which] = _reworded(rng, sentences[which]) or (
            sentences[which] if len(sentences) == 1 else ""
        )
        paragraphs[at] = ". ".join(s for s in sentences if s)
    return paragraphs


def _reworded(rng: random.Random, sentence: str) -> str:
    swaps = [(a, b) for a, b in REWORDINGS if re.search(rf"\b{re.escape(a)}\b", sentence)]
    if not swaps:
        return ""  # an editor cut the sentence instead
    for old, new in rng.sample(swaps, min(len(swaps), 2)):
        sentence = re.sub(rf"\b{re.escape(old)}\b", new, sentence, count=1)
    return sentence


def _local_paragraph(
    rng: random.Random, story: Story, outlet: str, paragraphs: list[str]
) -> list[str]:
    extra = extra_paragraph(rng, story.cast, story.subject)
    return [*paragraphs[:-1], extra, paragraphs[-1]]


def _credit(rng: random.Random, story: Story, outlet: str, paragraphs: list[str]) -> list[str]:
    line = rng.choice(CREDITS).format(
        person=person(rng), person2=person(rng), place=story.cast.place, wire=rng.choice(WIRES)
    )
    return [*paragraphs, line]


def _furniture(rng: random.Random, story: Story, outlet: str, paragraphs: list[str]) -> list[str]:
    lines = [
        line.format(outlet=outlet, place=story.cast.place, year=rng.randint(2023, 2026))
        for line in rng.sample(APPEALS, rng.randint(1, 3))
    ]
    head, tail = lines[: len(lines) // 2], lines[len(lines) // 2 :]
    return [*head, *paragraphs, *tail]


def _dateline(rng: random.Random, story: Story, outlet: str, paragraphs: list[str]) -> list[str]:
    first = paragraphs[0]
    wire = rng.choice(WIRES)
    month = rng.choice(MONTHS)[:3]
    city = story.cast.dateline
    day = rng.randint(1, 28)
    mark = rng.choice((f"{city} ({wire}) — ", f"{city}, {month} {day} ({wire}) - ", f"{city} — "))
    return [mark + first, *paragraphs[1:]]


def _merge(rng: random.Random, story: Story, outlet: str, paragraphs: list[str]) -> list[str]:
    merged = list(paragraphs)
    for _ in range(rng.randint(1, 3)):
        if len(merged) > 3:
            at = rng.randrange(1, len(merged) - 1)
            merged[at : at + 2] = [f"{merged[at]} {merged[at + 1]}"]
    return merged
