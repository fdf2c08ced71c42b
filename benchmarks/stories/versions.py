"""Update pairs for the story benchmark: cosmetic edits and material updates of one copy."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from benchmarks.stories.copies import Copy
from benchmarks.stories.generate import Story, extra_paragraph, headline, present_verb
from benchmarks.stories.pools import LAST, MONTHS, STAMPS


@dataclass(frozen=True)
class UpdatePair:
    """Two versions of one article and whether the change is cosmetic or material."""

    old_title: str
    old_text: str
    new_title: str
    new_text: str
    kind: str  # "cosmetic" | "material"
    edit: str


_WORDY = re.compile(r"\b[A-Za-z]{5,}\b")  # names too: "Smtih" → "Smith" is a typo fix
_BRITISH = re.compile(r"\b(\w{3,})is(ed|es|ing|e)\b")
_NUMBER = re.compile(r"\b\d[\d,]*\b")


def cosmetic(rng: random.Random, story: Story, copy: Copy) -> UpdatePair:
    """A cosmetic change: a typo fix, whitespace, punctuation, case or a timestamp line."""
    kind = rng.choice(("typo", "typo", "headline typo", "whitespace", "punctuation", "stamp",
                       "stamp and typo", "case", "spelling"))  # fmt: skip
    old_title, old_text, new_title, new_text = copy.title, copy.text, copy.title, copy.text
    if kind in ("typo", "stamp and typo"):
        old_text = _body_typos(rng, copy, rng.randint(1, 2))
    if kind == "headline typo":
        old_title = _typos(rng, new_title, 1)
    if kind == "whitespace":
        new_text = _rewrap(rng, old_text)
    if kind == "punctuation":
        new_text = _repunctuate(rng, old_text)
    if kind in ("stamp", "stamp and typo"):
        old_text, new_text = _stamped(rng, old_text, new_text)
    if kind == "spelling":  # house style: "criticised" → "criticized", at most twice
        new_text = _BRITISH.sub(r"\1iz\2", old_text, count=2)
    if kind == "case":
        new_title = old_title.title() if rng.random() < 0.5 else old_title.upper()
    return UpdatePair(old_title, old_text, new_title, new_text, "cosmetic", kind)


def material(rng: random.Random, story: Story, copy: Copy) -> UpdatePair:
    """A material change: a new headline, paragraph or sentence, a correction, a new figure."""
    kind = rng.choice(("headline", "new paragraph", "new sentence", "removed paragraph",
                       "correction", "number", "name", "negation",
                       "stamp and new paragraph"))  # fmt: skip
    paragraphs = copy.text.split("\n")
    body = [i for i, p in enumerate(paragraphs) if p not in copy.furniture]
    title = copy.title
    if kind == "headline":
        title = _new_headline(rng, story, copy.title)
    elif kind in ("new paragraph", "stamp and new paragraph"):
        at = rng.choice(body[1:]) if len(body) > 1 else len(paragraphs)
        paragraphs.insert(at, extra_paragraph(rng, story.cast, story.subject))
    elif kind == "new sentence":
        at = rng.choice(body)
        extra = extra_paragraph(rng, story.cast, story.subject).split(". ")[0].rstrip(".")
        paragraphs[at] = f"{paragraphs[at]} {extra}."
    elif kind == "removed paragraph":
        del paragraphs[rng.choice(body[1:] or body)]
    elif kind == "correction":
        paragraphs = _corrected(rng, paragraphs)
    elif kind == "number":
        paragraphs = _renumbered(rng, paragraphs, body)
    elif kind == "name":
        paragraphs = _renamed(rng, story, paragraphs, body)
    else:
        paragraphs = _negated(rng, paragraphs, body)
    old_text, new_text = copy.text, "\n".join(paragraphs)
    if kind == "stamp and new paragraph":
        old_text, new_text = _stamped(rng, old_text, new_text)
    return UpdatePair(copy.title, old_text, title, new_text, "material", kind)


def _body_typos(rng: random.Random, copy: Copy, count: int) -> str:
    paragraphs = copy.text.split("\n")
    body = [i for i, p in enumerate(paragraphs) if p not in copy.furniture]
    for at in rng.sample(body, min(count, len(body))):
        paragraphs[at] = _typos(rng, paragraphs[at], 1)
    return "\n".join(paragraphs)


def _typos(rng: random.Random, text: str, count: int) -> str:
    candidates = list(_WORDY.finditer(text))
    if not candidates:
        return text + " "
    for match in sorted(
        rng.sample(candidates, min(count, len(candidates))), key=lambda m: -m.start()
    ):
        word = match.group()
        i = rng.randrange(1, len(word) - 1)
        typo = rng.choice((
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],  # swapped letters
            word[:i] + word[i + 1 :],  # dropped letter
            word[:i] + word[i] + word[i:],  # doubled letter
            word[:i] + rng.choice("aeiourst") + word[i + 1 :],  # wrong letter
        ))  # fmt: skip
        text = text[: match.start()] + typo + text[match.end() :]
    return text


def _rewrap(rng: random.Random, text: str) -> str:
    paragraphs = text.split("\n")
    joiner = rng.choice(("\n\n", "\n \n", "\n"))
    spaced = [
        p.replace(". ", ".  ", rng.randint(1, 3)) + rng.choice(("", " ", "\t")) for p in paragraphs
    ]
    return joiner.join(spaced) + rng.choice(("", "\n", "\n\n"))


def _repunctuate(rng: random.Random, text: str) -> str:
    swaps = [("“", '"'), ("”", '"'), ("’", "'"), (" — ", " - "), (", ", " , ")]
    old, new = rng.choice(swaps[:4])
    text = text.replace(old, new)
    return text.replace(".\n", "\n", 1) if rng.random() < 0.5 else text


def _stamped(rng: random.Random, old: str, new: str) -> tuple[str, str]:
    slots = {
        "day": rng.randint(1, 28),
        "month": rng.choice(MONTHS),
        "year": rng.randint(2024, 2026),
    }
    stamp = rng.choice(STAMPS)
    before = stamp.format(h=rng.randint(6, 11), mm=f"{rng.randint(0, 59):02d}", **slots)
    after = stamp.format(h=rng.randint(12, 23), mm=f"{rng.randint(0, 59):02d}", **slots)
    if rng.random() < 0.3:
        return old, f"{after}\n{new}"  # a stamp line appears
    if rng.random() < 0.5:
        return f"{before}\n{old}", f"{after}\n{new}"
    return f"{old}\n{before}", f"{new}\n{after}"


def _new_headline(rng: random.Random, story: Story, old: str) -> str:
    words = set(re.findall(r"\w+", old.lower()))
    for _ in range(20):
        title = headline(rng, story.cast, present_verb(story), story.subject)
        if set(re.findall(r"\w+", title.lower())) != words:  # a rewrite, not a re-punctuation
            return title
    return f"{old}: latest"


def _corrected(rng: random.Random, paragraphs: list[str]) -> list[str]:
    notes = (
        "Correction: An earlier version of this article misstated the figure. It has been"
        " corrected.",
        "An earlier version of this article gave the wrong date for the meeting.",
        "Correction ({day} {month}): this story has been amended to correct a name.",
        "This article was amended on {day} {month} to correct a quote.",
    )
    note = rng.choice(notes).format(day=rng.randint(1, 28), month=rng.choice(MONTHS))
    return [*paragraphs, note]


def _renumbered(rng: random.Random, paragraphs: list[str], body: list[int]) -> list[str]:
    spots = [(i, m) for i in body for m in _NUMBER.finditer(paragraphs[i])]
    if not spots:
        return [*paragraphs[:-1], paragraphs[-1] + " The total is 12."]
    at, match = rng.choice(spots)
    digits = match.group().replace(",", "")
    changed = str(int(digits) + rng.choice((1, 2, 5, 10, -1)) * max(1, int(digits) // 10))
    text = paragraphs[at]
    return [
        *paragraphs[:at],
        text[: match.start()] + changed + text[match.end() :],
        *paragraphs[at + 1 :],
    ]


def _renamed(rng: random.Random, story: Story, paragraphs: list[str], body: list[int]) -> list[str]:
    names = [name.split()[-1] for name, _ in story.cast.people]
    present = [n for n in names if any(n in paragraphs[i] for i in body)]
    if not present:
        return _renumbered(rng, paragraphs, body)
    old = rng.choice(present)
    new = rng.choice([n for n in LAST if n != old])
    done = False
    result = []
    for index, paragraph in enumerate(paragraphs):
        if not done and index in body and old in paragraph:
            paragraph, done = paragraph.replace(old, new, 1), True
        result.append(paragraph)
    return result


def _negated(rng: random.Random, paragraphs: list[str], body: list[int]) -> list[str]:
    for pattern, replacement in ((r"\bwould\b", "would not"), (r"\bhas\b", "has not"),
                                 (r"\bwas\b", "was not"), (r"\bsaid\b", "denied")):  # fmt: skip
        spots = [i for i in body if re.search(pattern, paragraphs[i])]
        if spots:
            at = rng.choice(spots)
            changed = re.sub(pattern, replacement, paragraphs[at], count=1)
            return [*paragraphs[:at], changed, *paragraphs[at + 1 :]]
    return _renumbered(rng, paragraphs, body)
