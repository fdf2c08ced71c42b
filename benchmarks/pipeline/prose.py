"""Generated news prose for the benchmark site: headlines, standfirsts, bodies and comments."""

from __future__ import annotations

import random
from dataclasses import dataclass

from benchmarks.pipeline.words import (
    ADJECTIVES,
    CLAIMS,
    COMMENT_LINES,
    COMMENTERS,
    FIRST_NAMES,
    FUTURES,
    LAST_NAMES,
    MONTHS,
    MOVES,
    PERIODS,
    REACTIONS,
    REASONS,
    ROLES,
    SAY,
    TOPICS,
    TOWNS,
    WEEKDAYS,
)  # fmt: skip

SECTIONS = tuple(TOPICS)
# The share of world stories about Russia and Syria: the benchmark's watchlist alerts on those,
# so about 1-2% of all articles match and the run delivers a realistic trickle of alerts.
WATCH_SHARE = 0.12
WATCH_ACTORS = ("the Kremlin", "Russian officials", "Moscow")
WATCH_THINGS = ("the ceasefire in Syria", "talks over Islamic State", "air strikes in Syria")
WATCH_QUERY = '(Russia OR Russian OR Kremlin OR Moscow) AND (Syria OR ISIS OR "Islamic State")'

_HEADLINE_VERBS = ("backs", "rejects", "delays", "unveils", "defends", "scraps", "pauses",
                   "clears", "questions", "approves", "revives", "rethinks")  # fmt: skip
_METRICS = ("unemployment", "inflation", "visitor numbers", "waiting times", "applications",
            "turnover", "attendance", "complaints", "house prices", "energy use")  # fmt: skip
_ORDINALS = ("second", "third", "fourth", "fifth")
_REACTS = ("push back", "wait", "worry", "celebrate", "ask why")
_HEADLINES = (
    "{Actor} {hverb} {thing}",
    "{Actor} {hverb} {thing} as {group} {react}",
    "What {thing} means for {group} in {town}",
    "{Group} in {town} divided over {thing}",
    "{Thing}: {actor} under pressure {reason}",
    "{Person} on {thing}: ‘{claim}’",
)
_SENTENCES = (
    "{Actor} {action} {thing} on {weekday}, {reason}.",
    "The decision affects {group} across {town} and {town2}, according to {org}.",
    "“{quote},” {said} {person}, {role} at {org}.",
    "{Person}, {role} at {org}, {said} the approach was {adj} but {adj2}.",
    "Figures published by {org} show that {metric} {moved} by {pct} per cent over the past"
    " {period}.",
    "In {town}, {group} {reaction}.",
    "It is the {ordinal} time this {period} that {actor} has {action} {thing}.",
    "Critics argue that {claim}, while supporters say {claim2}.",
    "A spokesperson for {org} said it would {future}.",
    "Work on {thing} is expected to begin in {month}, with a final decision due by {month2}.",
    "Officials put the cost at £{money} million, {pct} per cent more than first estimated.",
    "{Org} did not respond to a request for comment on {weekday} evening.",
    "Speaking in {town}, {person} {said} that {claim}.",
    "The proposal will now go to {org}, which is expected to {future}.",
    "{Group} have until {month} to respond to the consultation.",
)
_QUOTES = (
    "We have listened to {group} and we will {future}",
    "This is {adj}, and {group} deserve better",
    "Nobody should pretend that {claim}",
    "Our priority is {group}, and that has not changed",
    "We expect {metric} to improve over the next {period}",
    "Frankly, {claim}",
)


@dataclass(frozen=True)
class Story:
    """The listing facts of one article: what feeds, sitemaps and section pages show."""

    section: str
    title: str
    dek: str  # the standfirst: one sentence under the headline
    author: str
    actor: str  # the main actor and subject, so the body is about what the headline says
    thing: str


def person(rng: random.Random) -> str:
    """A full name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def story(rng: random.Random, section: str | None = None) -> Story:
    """A headline, standfirst and byline for an article of `section` (random when None)."""
    section = section or rng.choice(SECTIONS)
    topic = TOPICS[section]
    watch = section == "world" and rng.random() < WATCH_SHARE
    actor = rng.choice(WATCH_ACTORS if watch else topic["actors"])
    thing = rng.choice(WATCH_THINGS if watch else topic["things"])
    slots = _slots(rng, topic, actor, thing)
    title = _capital(rng.choice(_HEADLINES).format(**slots))
    dek = _fill(rng, topic, actor, thing, "{Actor} {action} {thing} {reason}.")
    return Story(section, title, dek, person(rng), actor, thing)


def body(rng: random.Random, facts: Story, paragraphs: int) -> list[str]:
    """`paragraphs` paragraphs of two to four sentences about the story, lede first."""
    topic = TOPICS[facts.section]
    lede = " ".join(_fill(rng, topic, facts.actor, facts.thing, t) for t in _SENTENCES[:2])
    deck: list[str] = []  # each template once before any repeats, like a writer varying phrasing
    paras = [lede]
    for _ in range(paragraphs - 1):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            if not deck:
                deck = rng.sample(_SENTENCES[2:], len(_SENTENCES) - 2)
            sentences.append(_fill(rng, topic, facts.actor, facts.thing, deck.pop()))
        paras.append(" ".join(sentences))
    return paras


def update_note(rng: random.Random, facts: Story, version: int) -> str:
    """The paragraph an edit adds: what changed since the story was first published."""
    line = _fill(rng, TOPICS[facts.section], facts.actor, facts.thing, rng.choice(_SENTENCES[2:]))
    return f"Update {version}: this article has been updated with new information. {line}"


def comments(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Reader comments as (user name, text)."""
    return [(rng.choice(COMMENTERS), rng.choice(COMMENT_LINES)) for _ in range(count)]


def _fill(rng: random.Random, topic: dict, actor: str, thing: str, template: str) -> str:
    slots = _slots(rng, topic, actor, thing)
    slots["quote"] = rng.choice(_QUOTES).format(**slots)
    return template.format(**slots)


def _slots(rng: random.Random, topic: dict, actor: str, thing: str) -> dict[str, str]:
    town, town2 = rng.sample(TOWNS, 2)
    month, month2 = rng.sample(MONTHS, 2)
    claim, claim2 = rng.sample(CLAIMS, 2)
    adj, adj2 = rng.sample(ADJECTIVES, 2)
    slots = {
        "actor": actor, "thing": thing, "action": rng.choice(topic["actions"]),
        "group": rng.choice(topic["groups"]), "org": rng.choice(topic["orgs"]),
        "person": person(rng), "role": rng.choice(ROLES), "said": rng.choice(SAY),
        "weekday": rng.choice(WEEKDAYS), "reason": rng.choice(REASONS), "town": town,
        "town2": town2, "month": month, "month2": month2, "claim": claim, "claim2": claim2,
        "adj": adj, "adj2": adj2, "metric": rng.choice(_METRICS), "moved": rng.choice(MOVES),
        "pct": str(rng.randint(2, 48)), "period": rng.choice(PERIODS),
        "reaction": rng.choice(REACTIONS), "ordinal": rng.choice(_ORDINALS),
        "future": rng.choice(FUTURES), "money": str(rng.randint(3, 900)),
        "hverb": _agree(actor, rng.choice(_HEADLINE_VERBS)), "react": rng.choice(_REACTS),
    }  # fmt: skip
    slots |= {key.capitalize(): _capital(value) for key, value in list(slots.items())}
    return slots


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _agree(actor: str, verb: str) -> str:
    # "Nurses unveil", "The council unveils": plural actors end in s ("GPs", "Russian officials").
    return verb[:-1] if actor.split()[-1].endswith("s") else verb
