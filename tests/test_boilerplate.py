"""Boilerplate learning (pure): sentences that recur as site furniture are learned and cut there."""

from __future__ import annotations

import pytest

from storage.boilerplate import (
    Evidence,
    LearningRules,
    evidence,
    fingerprint,
    fingerprints,
    layout,
    learn,
    read_layout,
    strip,
)

APPEAL = "Support independent journalism: donate today to keep our Syria coverage free."
SIGNUP = "Sign up for our Ukraine briefing, every weekday morning."


def article(n: int, extra: str = "") -> str:
    # Numbers are folded away, so each story's own sentence differs in words.
    topic = f"{chr(97 + n % 26)}{chr(97 + n // 26)}"
    lines = (
        f"The story of {topic} begins with facts of its own about the {topic} council.",
        f"{APPEAL} {SIGNUP}",
        extra,
        f"© 20{n % 30} Gazette Media. All rights reserved.",
    )
    return "\n".join(line for line in lines if line)


def test_recurring_sentences_are_learned_after_the_warmup() -> None:
    texts = [layout(article(n)) for n in range(30)]
    learned = learn(texts)
    assert {fingerprint(APPEAL), fingerprint(SIGNUP)} <= set(learned)
    assert fingerprint("© 2024 Gazette Media.") in learned  # numbers are folded: © 2024 == © 2025
    assert fingerprint(article(3).splitlines()[0]) not in learned
    assert learn(texts[:9]) == {}  # below the warm-up: nothing learned yet


def test_a_quote_in_a_few_follow_ups_is_not_boilerplate() -> None:
    quote = "We will not rest until the families have answers, the minister said."
    texts = [layout(article(n, quote if n < 3 else "")) for n in range(30)]
    assert fingerprint(quote) not in learn(texts)


def test_strip_removes_a_paragraph_of_learned_sentences_and_keeps_the_rest() -> None:
    learned = learn([layout(article(n)) for n in range(30)])
    text = article(99, "A new paragraph that is the story's own.")
    cleaned = strip(text, set(learned))
    assert "donate" not in cleaned and "Ukraine briefing" not in cleaned and "©" not in cleaned
    assert cleaned.splitlines() == [
        text.splitlines()[0],
        "A new paragraph that is the story's own.",
    ]
    assert strip(text, set()) == text


def test_boilerplate_ages_out_when_the_site_changes() -> None:
    rules = LearningRules(window=20)
    old = [layout(article(n)) for n in range(20)]
    new = [layout(f"Story {n} is told without any appeal at all, by design.") for n in range(20)]
    assert fingerprint(APPEAL) in learn(old, rules)
    assert fingerprint(APPEAL) not in learn(new + old, rules)  # newest first: old ones fall out


def test_short_sentences_are_never_fingerprinted() -> None:
    assert fingerprint("He said.") is None
    assert fingerprint("Advertisement feature") is not None


def test_numbers_are_folded_in_short_stamps_only() -> None:
    assert fingerprint("© 2024 Gazette Media Group.") == fingerprint("© 2026 Gazette Media Group.")
    assert fingerprint(
        "Officials put the cost at £4 million, 12 per cent more than estimated."
    ) != (fingerprint("Officials put the cost at £9 million, 30 per cent more than estimated."))


# Learning from structure (issue 11): where a recurring line stands decides, not how often.
BACKGROUND = "The war in Syria has left much of the country's infrastructure in ruins."
LINES = {"L": BACKGROUND, "S": SIGNUP, "A": APPEAL}


def own(n: int, k: int) -> str:
    """A sentence of article `n`'s own (its `k`th), found in no other article."""
    return f"Report {tag(n)} adds detail {tag(k)} on the {tag(n)} council and its budget."


def tag(n: int) -> str:
    return f"{chr(97 + n % 26)}{chr(97 + n // 26 % 26)}"


def render(template: tuple[str, ...], n: int, carries: bool = True) -> str:
    """Article `n` from a template: one line per paragraph, "*" a sentence of its own, a
    letter one of LINES (L: the line under test, left out unless the article `carries` it)."""
    count = iter(range(100))
    lines = []
    for paragraph in template:
        words = [w for w in paragraph.split() if carries or w != "L"]
        lines.append(" ".join(own(n, next(count)) if w == "*" else LINES[w] for w in words))
    return "\n".join(line for line in lines if line)


ALONE, INSIDE = ("* *", "L", "* *"), ("* *", "* L *", "* *")
# (case, templates cycled over 30 articles, every how many articles carry L, learned?)
LEARNING_CASES = [
    ("a paragraph of its own", (ALONE,), 1, True),
    ("a paragraph of its own in a quarter", (ALONE,), 4, True),
    ("a block with another recurring line", (("* *", "L S", "* *"),), 1, True),
    ("the tail of the last paragraph", (("* *", "* * L"),), 1, True),
    ("the top of the first paragraph", (("L * *", "* *"),), 1, True),
    ("inside new text, in every article", (INSIDE,), 1, False),
    ("inside new text, in a quarter", (INSIDE,), 4, False),
    ("the end of a middle paragraph", (("* *", "* * L", "* *"),), 1, False),
    ("alone in a third, inside new text in the rest", (ALONE, INSIDE, INSIDE), 1, False),
    ("alone in two thirds, inside new text in the rest", (ALONE, ALONE, INSIDE), 1, True),
    ("a paragraph of its own in three follow-ups", (ALONE,), 10, False),
]


@pytest.mark.parametrize(
    ("templates", "every", "learned"),
    [case[1:] for case in LEARNING_CASES],
    ids=[case[0] for case in LEARNING_CASES],
)
def test_a_recurring_line_is_learned_only_where_it_stands_as_furniture(
    templates: tuple[tuple[str, ...], ...], every: int, learned: bool
) -> None:
    chosen = [(templates[n % len(templates)], n % every == 0) for n in range(30)]
    texts = [render(template, n, carries) for n, (template, carries) in enumerate(chosen)]
    found = learn([layout(text) for text in texts])
    assert (fingerprint(BACKGROUND) in found) is learned
    kept = sum(BACKGROUND in strip(text, set(found)) for text in texts)
    # Learned, it is still kept where it stands inside new text.
    inside = sum(carries and (not learned or template is INSIDE) for template, carries in chosen)
    assert kept == inside


X, Y, Z = (own(99, k) for k in range(3))
SHORT = "Thanks."
# (case, text, lines learned besides BACKGROUND, what strip leaves; None: the text unchanged)
STRIP_CASES = [
    ("alone: its paragraph goes", f"{X}\n{BACKGROUND}\n{Y}", (), f"{X}\n{Y}"),
    ("a learned block goes", f"{X}\n{BACKGROUND} {SIGNUP}\n{Y}", (SIGNUP,), f"{X}\n{Y}"),
    ("inside new text it stays", f"{X}\n{Y} {BACKGROUND} {Z}", (), None),
    ("at the end of a middle paragraph it stays", f"{X}\n{Y} {BACKGROUND}\n{Z}", (), None),
    ("at the tail of the body it goes", f"{X}\n{Y} {BACKGROUND}", (), f"{X}\n{Y}"),
    ("at the top of the body it goes", f"{BACKGROUND} {X}\n{Y}", (), f"{X}\n{Y}"),
    ("a tail run spans paragraphs", f"{X}\n{Y} {BACKGROUND}\n{SIGNUP}", (SIGNUP,), f"{X}\n{Y}"),
    ("beside an unlearned sentence it stays", f"{X}\n{BACKGROUND} {SIGNUP}\n{Y}", (), None),
    ("short sentences do not count", f"{X}\n{SHORT} {BACKGROUND}\n{Y}", (), f"{X}\n{SHORT}\n{Y}"),
]


@pytest.mark.parametrize(
    ("text", "also_learned", "expected"),
    [case[1:] for case in STRIP_CASES],
    ids=[case[0] for case in STRIP_CASES],
)
def test_strip_cuts_learned_lines_only_where_they_stand_as_furniture(
    text: str, also_learned: tuple[str, ...], expected: str | None
) -> None:
    learned = {fingerprint(line) for line in (BACKGROUND, *also_learned)}
    assert strip(text, learned) == (text if expected is None else expected)


def test_learning_reports_where_each_line_stood() -> None:
    templates = [ALONE, ("* *", "L S", "* *"), ("* *", "* * L"), INSIDE, ALONE, INSIDE]
    texts = [render(templates[n % len(templates)], n) for n in range(30)]
    found = learn([layout(text) for text in texts])
    assert found[fingerprint(BACKGROUND)] == Evidence(alone=10, block=5, edge=5, inside=10)
    assert found[fingerprint(BACKGROUND)].furniture == 20
    # The sign-up recurs (5 articles) and stands in a block there, but in fewer than 20%.
    assert evidence([layout(text) for text in texts])[fingerprint(SIGNUP)] == Evidence(block=5)
    assert fingerprint(SIGNUP) not in found


def test_the_stored_learning_input_keeps_each_sentence_in_its_place() -> None:
    text = render(("* *", "* L *", "A"), 1)
    assert read_layout(fingerprints(text)) == layout(text)
    assert [len(p) for p in layout(text).paragraphs] == [2, 3, 1]
    # Stored before places were kept: plain fingerprints, and a text the appeal was cut from.
    plain = layout(text).carried()
    legacy = read_layout(plain, text.replace(APPEAL, "").strip())
    assert legacy.paragraphs == layout(text).paragraphs[:2]
    assert legacy.cut == {fingerprint(APPEAL)}
    assert read_layout(None, text) == layout(text)  # stored before learning: the text is all
