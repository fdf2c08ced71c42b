"""The labelled story benchmark set: copies, same-day distinct stories, short briefs, updates."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.stories.copies import Copy, outlets, syndicate
from benchmarks.stories.generate import Story, brief, cast, story
from benchmarks.stories.pools import BEATS
from benchmarks.stories.versions import UpdatePair, cosmetic, material

Pair = tuple[str, str]
SEEDS = Path("/work/shared/seeds")  # the fixtures: 000 and 001 one story, 002-004 not


@dataclass
class Corpus:
    """Articles in arrival order and the labelled pairs over them."""

    articles: list[Copy] = field(default_factory=list)
    positives: list[Pair] = field(default_factory=list)  # copies of one story
    negatives: list[Pair] = field(default_factory=list)  # different stories, same beat and day
    short: list[Pair] = field(default_factory=list)  # copies of a brief under MIN_WORDS
    updates: list[UpdatePair] = field(default_factory=list)


def build(seed: int, days: int = 160) -> Corpus:
    """A deterministic corpus: `days` beat-days of 3-4 stories, each syndicated 2-4 times."""
    rng = random.Random(seed)
    corpus = Corpus()
    beats = sorted(BEATS)
    for number in range(days):
        day = cast(rng, beats[number % len(beats)])
        used: set[str] = set()
        day_copies: list[list[str]] = []
        for index in range(rng.randint(3, 4)):
            told = story(rng, f"d{number}s{index}", day, used)
            copies = _copies(rng, corpus, told)
            day_copies.append([c.key for c in copies])
            corpus.positives += itertools.combinations(day_copies[-1], 2)
            corpus.updates.append(cosmetic(rng, told, rng.choice(copies)))
            corpus.updates.append(material(rng, told, rng.choice(copies)))
        for first, second in itertools.combinations(day_copies, 2):
            corpus.negatives += itertools.product(first, second)
        if number % 4 == 0:
            short = brief(rng, f"d{number}b", day)
            keys = [c.key for c in _copies(rng, corpus, short)]
            corpus.short += itertools.combinations(keys, 2)
    rng.shuffle(corpus.articles)  # copies arrive in any order, interleaved with other stories
    return corpus


def distinct_stories(seed: int, count: int) -> list[Copy]:
    """`count` first copies of different stories: the background of a 3-day window."""
    rng = random.Random(seed)
    beats = sorted(BEATS)
    found: list[Copy] = []
    for number in itertools.count():
        day = cast(rng, beats[number % len(beats)])
        used: set[str] = set()
        for index in range(4):
            told = story(rng, f"w{number}s{index}", day, used)
            found.append(syndicate(rng, told, told.key, "wire", first=True))
            if len(found) == count:
                return found
    return found


def seed_fixtures(folder: Path = SEEDS) -> dict[str, str]:
    """The issue's seed texts by number ("000" …), or {} when the folder is absent."""
    if not folder.is_dir():
        return {}
    return {
        path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))
    }


def _copies(rng: random.Random, corpus: Corpus, told: Story) -> list[Copy]:
    names = outlets(rng, rng.randint(2, 4))
    copies = [
        syndicate(rng, told, f"{told.key}c{index}", name, first=index == 0)
        for index, name in enumerate(names)
    ]
    corpus.articles += copies
    return copies
