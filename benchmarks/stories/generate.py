"""Generated news stories for the story benchmark: same-day beats, each with several stories."""

from __future__ import annotations

import random
from dataclasses import dataclass

from benchmarks.stories.pools import (
    ADJECTIVES,
    BEATS,
    CITIES,
    CLAIMS,
    FIRST,
    LAST,
    MONTHS,
    NEXT_STEPS,
    PERIODS,
    QUOTES,
    REASONS,
    SAID,
    WEEKDAYS,
)

_ORDINALS = ("second", "third", "fourth")
_REACTIONS = (
    "cautious relief",
    "anger",
    "disbelief",
    "a mixture of hope and scepticism",
    "a hastily organised protest",
    "calls for a public inquiry",
)
_LEDES = (
    "{Org} {action} {object} on {weekday}, {reason}.",
    "On {weekday}, {org} {action} {object}, {reason}.",
    "{Person}, the {role}, said on {weekday} that {org} had {action} {object}.",
    "{Org} has {action} {object} {reason}, a decision that will be felt by {group} across {place}.",
)
_SECONDS = (
    "The move affects {group} across {place}, where {detail_lc}",
    "It comes {k} weeks after {org} was criticised over its handling of {object2}.",
    "{Group} had been waiting for a decision since {month}.",
    "The announcement followed {k} days of speculation in {place}.",
)
_SENTENCES = (
    "“{quote},” {person} {said}.",
    "“{quote},” said {person}, the {role}.",
    "{Person}, the {role}, said {claim}.",
    "Critics argue that {claim}, while supporters insist {claim2}.",
    "It is the {ordinal} time in {period} that {org} has {action} {object}.",
    "{Group} in {place} responded with {reaction}.",
    "Asked whether {org} would reconsider, {last} said: “{quote}.”",
    "{Last} declined to comment further on {weekday} evening.",
    "Speaking in {place}, {person} {said} that {claim}.",
    "{Last} said the evidence gathered so far was {adj}.",
    "A spokesperson for {org} said {group} would be kept informed.",
    "{Group} have been invited to a public meeting on {weekday2}.",
    "The figures were disputed by {person}, who said {claim}.",
    "“We have been here before,” {last} said. “{quote}.”",
    "Officials put the cost at £{money}m, {pct} per cent more than first estimated.",
    "{Org} did not respond to requests for comment.",
    "The details were first reported by the {place} Echo on {weekday}.",
    "{Person}, who has been the {role} since {year}, is expected to face questions next week.",
    "Some {group} in {place} said they had learned of the decision from social media.",
    "{Person} called the announcement {adj} and demanded a full statement from {org}.",
    "In a letter seen by reporters, {last} wrote that {claim}.",
    "{Group} will be able to give their views at drop-in sessions in {month}.",
    "“{quote},” {last} told a packed meeting in {place}.",
    "A previous attempt to deal with the issue was dropped in {year}.",
    "{Person} said there was “no question” of {org} changing course.",
    "Neighbouring areas are watching closely, {last} said.",
    "{Last} admitted that {claim}, but said the alternative would be worse.",
    "The timing has raised eyebrows in {place}, where {group} say {claim}.",
    "Independent experts consulted by {org} said the plan was {adj} at best.",
    "“I don’t think anyone in {place} expected this,” said one of {last}'s neighbours.",
)


@dataclass(frozen=True)
class Cast:
    """Who and where one beat's stories of one day are about: shared by all of them."""

    beat: str
    place: str
    dateline: str
    org: str
    people: tuple[tuple[str, str], ...]  # (name, role)
    background: tuple[str, ...]  # paragraphs any story of the day may repeat word for word
    subject: str | None  # the object every story of the day is about, if they share one


@dataclass(frozen=True)
class Story:
    """One news event as first written: headline and paragraphs."""

    key: str
    cast: Cast
    title: str
    paragraphs: tuple[str, ...]
    action: str
    subject: str


def person(rng: random.Random) -> str:
    """A full name."""
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def cast(rng: random.Random, beat: str) -> Cast:
    """The people, place and background of one beat on one day."""
    pools = BEATS[beat]
    place, dateline = rng.choice(CITIES)
    org = rng.choice(pools["orgs"]).format(place=place)
    roles = rng.sample(pools["roles"], 4)
    people = tuple((person(rng), role.format(place=place)) for role in roles)
    draft = Cast(beat, place, dateline, org, people, (), None)
    background = tuple(_background(rng, draft) for _ in range(3))
    subject = _fill(rng, draft, "{object}")["object"] if rng.random() < 0.5 else None
    return Cast(beat, place, dateline, org, people, background, subject)


def story(rng: random.Random, key: str, day: Cast, used_actions: set[str]) -> Story:
    """One event of the day, told in 6 to 12 paragraphs of one to three sentences."""
    slots = _fill(rng, day, "")
    actions = [a for a in BEATS[day.beat]["actions"] if a[0] not in used_actions]
    action, headline_verb = rng.choice(actions or BEATS[day.beat]["actions"])
    used_actions.add(action)
    subject = day.subject or slots["object"]
    fixed = {"action": action, "object": subject}
    paragraphs = [_sentence(rng, day, rng.choice(_LEDES), fixed)]
    paragraphs.append(_sentence(rng, day, rng.choice(_SECONDS), fixed))
    deck = _deck(rng, day)
    middle = []
    for _ in range(rng.randint(5, 10)):
        count = min(len(deck), rng.randint(1, 3))
        if count:
            middle.append(" ".join(_sentence(rng, day, deck.pop(), fixed) for _ in range(count)))
    # Wire stories on one subject repeat the same background paragraph verbatim.
    for paragraph in day.background:
        if rng.random() < 0.35:
            middle.insert(rng.randrange(len(middle) + 1), paragraph)
    paragraphs += middle
    paragraphs.append(_sentence(rng, day, rng.choice(NEXT_STEPS), fixed))
    title = headline(rng, day, headline_verb, subject)
    return Story(key, day, title, tuple(paragraphs), action, subject)


def headline(rng: random.Random, day: Cast, verb: str, subject: str) -> str:
    """A headline for a story on `subject`; outlets each write their own."""
    name = rng.choice(day.people)[0]
    quote = rng.choice(QUOTES).format(group="residents", claim=rng.choice(CLAIMS), place=day.place)
    forms = (
        f"{_cap(day.org)} {verb} {subject}",
        f"{_cap(subject)}: {name.split()[-1]} under pressure",
        f"{_cap(rng.choice(BEATS[day.beat]['groups']))} react as {day.org} {verb} {subject}",
        f"{day.place}: {day.org} {verb} {subject}",
        f"What {day.org}'s decision on {subject} means for {day.place}",
        f"‘{quote}’: {name} on {subject}",
    )
    return rng.choice(forms)


def present_verb(story: Story) -> str:
    """The headline form of the story's action ("approved" → "approves")."""
    for past, present in BEATS[story.cast.beat]["actions"]:
        if past == story.action:
            return present
    return story.action


def extra_paragraph(rng: random.Random, day: Cast, subject: str) -> str:
    """A new paragraph of facts about the story, as an update adds one."""
    fixed = {"object": subject, "action": "reviewed"}
    deck = _deck(rng, day)
    return " ".join(_sentence(rng, day, deck.pop(), fixed) for _ in range(2))


def brief(rng: random.Random, key: str, day: Cast) -> Story:
    """A news brief under 50 words: two or three sentences."""
    fixed = {"action": rng.choice(BEATS[day.beat]["actions"])[0]}
    fixed["object"] = _fill(rng, day, "{object}")["object"]
    lede = _sentence(rng, day, _LEDES[0], fixed)
    tail = _sentence(rng, day, "{Last} declined to comment.", fixed)
    return Story(key, day, _cap(fixed["object"]), (lede, tail), fixed["action"], fixed["object"])


def _deck(rng: random.Random, day: Cast) -> list[str]:
    # Each template at most once per story, as a writer varies phrasing.
    # A story uses some of its beat's stock facts, not all: the rest is its own event.
    details = BEATS[day.beat]["details"]
    templates = rng.sample(details, rng.randint(4, 7)) + rng.sample(_SENTENCES, 14)
    rng.shuffle(templates)
    return templates


def _background(rng: random.Random, day: Cast) -> str:
    templates = rng.sample(BEATS[day.beat]["details"], 2)
    return " ".join(_sentence(rng, day, t, {}) for t in templates)


def _sentence(rng: random.Random, day: Cast, template: str, fixed: dict[str, str]) -> str:
    return _cap(template.format(**(_fill(rng, day, template) | _capitals(fixed))))


def _fill(rng: random.Random, day: Cast, template: str) -> dict[str, str]:
    pools = BEATS[day.beat]
    name, role = rng.choice(day.people)
    place = day.place
    numbers = {
        "n": f"{rng.randint(2, 95) * 100 + rng.randint(0, 9) * 10:,}", "k": str(rng.randint(2, 9)),
        "n1": str(rng.randint(20, 40)), "n2": str(rng.randint(3, 19)), "h": str(rng.randint(3, 14)),
        "pct": str(rng.randint(2, 48)), "money": str(rng.randint(3, 900)),
        "money2": str(rng.randint(3, 900)), "year": str(rng.randint(1990, 2022)),
        "year2": str(rng.randint(2026, 2032)),
    }  # fmt: skip
    slots = {
        "org": day.org, "person": name, "last": name.split()[-1], "role": role, "place": place,
        "group": rng.choice(pools["groups"]), "weekday": rng.choice(WEEKDAYS),
        "weekday2": rng.choice(WEEKDAYS), "month": rng.choice(MONTHS),
        "reason": rng.choice(REASONS), "claim": rng.choice(CLAIMS), "claim2": rng.choice(CLAIMS),
        "said": rng.choice(SAID), "period": rng.choice(PERIODS), "adj": rng.choice(ADJECTIVES),
        "ordinal": rng.choice(_ORDINALS), "reaction": rng.choice(_REACTIONS),
        "action": rng.choice(pools["actions"])[0],
    } | numbers  # fmt: skip
    slots["object"] = rng.choice(pools["objects"]).format(**slots)
    slots["object2"] = rng.choice(pools["objects"]).format(**slots)
    slots["quote"] = rng.choice(QUOTES).format(**slots)
    if "{detail_lc}" in template:
        detail = rng.choice(pools["details"]).format(**_capitals(slots))
        slots["detail_lc"] = detail[:1].lower() + detail[1:]
    return _capitals(slots)


def _capitals(slots: dict[str, str]) -> dict[str, str]:
    return slots | {key.capitalize(): _cap(value) for key, value in slots.items()}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
