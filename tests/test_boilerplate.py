"""Boilerplate learning (pure): recurring sentences are learned per outlet and stripped."""

from __future__ import annotations

from storage.boilerplate import LearningRules, fingerprint, fingerprints, learn, strip

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
    texts = [fingerprints(article(n)) for n in range(30)]
    learned = learn(texts)
    assert {fingerprint(APPEAL), fingerprint(SIGNUP)} <= set(learned)
    assert fingerprint("© 2024 Gazette Media.") in learned  # numbers are folded: © 2024 == © 2025
    assert fingerprint(article(3).splitlines()[0]) not in learned
    assert learn(texts[:9]) == {}  # below the warm-up: nothing learned yet


def test_a_quote_in_a_few_follow_ups_is_not_boilerplate() -> None:
    quote = "We will not rest until the families have answers, the minister said."
    texts = [fingerprints(article(n, quote if n < 3 else "")) for n in range(30)]
    assert fingerprint(quote) not in learn(texts)


def test_strip_removes_learned_sentences_inside_a_paragraph_and_keeps_the_rest() -> None:
    learned = learn([fingerprints(article(n)) for n in range(30)])
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
    old = [fingerprints(article(n)) for n in range(20)]
    new = [
        fingerprints(f"Story {n} is told without any appeal at all, by design.") for n in range(20)
    ]
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
