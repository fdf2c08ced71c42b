"""classify_update: each kind of cosmetic edit and of material update, as data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storage.updates import MAX_TYPO_WORDS, classify_update

TITLE = "Harbour council approves £40m sea wall after stormy debate"
PARAGRAPHS = (
    "Kestrel Bay council approved a £40m plan to rebuild the town's crumbling sea wall on"
    " Tuesday night, ending two years of argument over who should pay for the repairs.",
    "Councillors voted 31 to 9 after a debate that lasted more than four hours, with 1,500"
    " residents watching online and dozens more in the public gallery.",
    "“We have waited long enough, and the next big storm will not wait for us,” said council"
    " leader Maria Okafor, who has championed the project since the floods of 2021.",
    "The Environment Agency will pay £25m of the cost. The rest will come from a levy on"
    " seafront businesses, which the Chamber of Commerce says could force some to close.",
    "Work is due to start in March and will take three years, the council said, with running"
    " costs of a few million pounds a year.",
)
TEXT = "\n".join(PARAGRAPHS)
NEW_PARAGRAPH = (
    "On Wednesday the Chamber of Commerce said 60 firms had asked lawyers to challenge the levy."
)

Edit = Callable[[str, str], tuple[str, str]]  # (title, text) -> (new title, new text)


def body(edit: Callable[[str], str]) -> Edit:
    """An edit of the text only."""
    return lambda title, text: (title, edit(text))


def headline(new: str) -> Edit:
    """A new headline over the same text."""
    return lambda title, text: (new, text)


def paragraphs(edit: Callable[[list[str]], list[str]]) -> Edit:
    """An edit of the list of paragraphs."""
    return body(lambda text: "\n".join(edit(text.split("\n"))))


COSMETIC: dict[str, Edit] = {
    "unchanged": body(lambda t: t),
    "paragraphs rewrapped with blank lines": body(lambda t: t.replace("\n", "\n\n") + "\n"),
    "double spaces and trailing blanks": body(
        lambda t: t.replace(". ", ".  ").replace("\n", " \n")
    ),
    "straight quotes and dashes": body(lambda t: t.replace("“", '"').replace("”", '"')),
    "timestamp line added": body(lambda t: "Updated 14:32 GMT, 3 March 2026\n" + t),
    "date line added": body(lambda t: "Tuesday 3 March 2026 14.32 GMT\n" + t),
    "update notice added": body(lambda t: t + "\nThis story has been updated."),
    "typo in one word": body(lambda t: t.replace("crumbling", "crumblign")),
    "typos in two words": body(
        lambda t: t.replace("argument", "arguement").replace("storm", "strom")
    ),
    "misspelt name": body(lambda t: t.replace("Okafor", "Okafro")),
    "doubled word removed": body(
        lambda t: t.replace("the public gallery", "the the public gallery")
    ),
    "per cent sign and thousands": body(lambda t: t.replace("1,500", "1500")),
    "accent added": body(lambda t: t.replace("Okafor", "Ókafor")),
    "credit line added": body(lambda t: t + "\nAdditional reporting by Ana Ruiz in London."),
    "headline typo": headline("Harbour council aproves £40m sea wall after stormy debate"),
    "headline case changed": headline(TITLE.upper()),
    "headline punctuation": headline(
        "Harbour council approves £40m sea wall — after stormy debate"
    ),
}
MATERIAL: dict[str, tuple[Edit, str]] = {
    "headline rewritten": (headline("Sea wall approved, but traders face levy"), "headline"),
    "new paragraph": (paragraphs(lambda ps: [*ps[:2], NEW_PARAGRAPH, *ps[2:]]), "words added"),
    "new sentence": (body(lambda t: t.replace("close.", "close. Two already have.")), "added"),
    "new paragraph that starts like a stamp": (
        body(lambda t: t + "\nPublished figures show the wall has failed twice since 2010."),
        "words added",
    ),
    "paragraph removed": (paragraphs(lambda ps: ps[:3] + ps[4:]), "words removed"),
    "correction note": (
        body(lambda t: t + "\nCorrection: an earlier version of this article gave the wrong vote."),
        "correction",
    ),
    "correction as a sentence": (
        body(lambda t: t + "\nAn earlier version of this story misstated the cost of the wall."),
        "correction",
    ),
    "number changed": (body(lambda t: t.replace("31 to 9", "31 to 8")), "figures"),
    "money changed": (body(lambda t: t.replace("£25m", "£35m")), "figures"),
    "name changed": (body(lambda t: t.replace("Maria Okafor", "Maria Delacroix")), "wording"),
    "negation added": (body(lambda t: t.replace("will pay", "will not pay")), "added"),
    "negation by one letter": (body(lambda t: t.replace("will not wait", "will now wait")), "not"),
    "magnitude by one letter": (body(lambda t: t.replace("million", "billion")), "wording"),
    "too many typo-sized changes": (
        body(
            lambda t: (
                t.replace("approved", "approves")
                .replace("ending", "endings")
                .replace("repairs", "repair")
                .replace("debate", "debates")
            )
        ),
        f"{MAX_TYPO_WORDS + 1} words changed",
    ),
    "timestamp and new paragraph": (
        body(lambda t: "Updated 09:10\n" + t + "\n" + NEW_PARAGRAPH),
        "words added",
    ),
}


@pytest.mark.parametrize("name", COSMETIC)
def test_cosmetic_edits_are_cosmetic(name: str) -> None:
    new_title, new_text = COSMETIC[name](TITLE, TEXT)
    verdict = classify_update(TITLE, TEXT, new_title, new_text)
    assert (verdict.kind, verdict.material) == ("cosmetic", False), verdict.reason


@pytest.mark.parametrize("name", MATERIAL)
def test_material_edits_are_material(name: str) -> None:
    edit, reason = MATERIAL[name]
    new_title, new_text = edit(TITLE, TEXT)
    verdict = classify_update(TITLE, TEXT, new_title, new_text)
    assert verdict.kind == "material" and verdict.material
    assert reason in verdict.reason


def test_a_changed_timestamp_line_is_cosmetic() -> None:
    old = "Last updated: 3 March 2026, 09:12\n" + TEXT
    new = "Last updated: 3 March 2026, 17:45\n" + TEXT
    assert classify_update(TITLE, old, TITLE, new).kind == "cosmetic"


def test_the_passage_is_the_changed_paragraph() -> None:
    new_text = "\n".join([*PARAGRAPHS[:2], NEW_PARAGRAPH, *PARAGRAPHS[2:]])
    assert classify_update(TITLE, TEXT, TITLE, new_text).passage == NEW_PARAGRAPH
    note = "Correction: an earlier version of this article gave the wrong vote."
    assert classify_update(TITLE, TEXT, TITLE, f"{TEXT}\n{note}").passage == note
    removed = "\n".join(PARAGRAPHS[:3] + PARAGRAPHS[4:])
    assert classify_update(TITLE, TEXT, TITLE, removed).passage == PARAGRAPHS[3]


def test_a_correction_note_already_there_is_not_news_again() -> None:
    note = "Correction: an earlier version of this article gave the wrong vote."
    old = f"{TEXT}\n{note}"
    assert classify_update(TITLE, old, TITLE, old.replace("crumbling", "crumblng")).kind == (
        "cosmetic"
    )
