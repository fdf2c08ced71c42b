"""Story signatures and the StoryIndex: copies cluster, distinct same-topic stories do not."""

from __future__ import annotations

import struct

import numpy as np

from storage.similarity import (
    FORMAT,
    MIN_WORDS,
    NUM_PERM,
    SEED,
    SHINGLE_WORDS,
    StoryIndex,
    can_cluster,
    is_current,
    minhash,
    same_story,
    signature,
    similarity,
    strip_appeals,
    words,
)

TITLE = "Harbour council approves £40m sea wall after stormy debate"
STORY = [
    "Kestrel Bay council approved a £40m plan to rebuild the town's crumbling sea wall on"
    " Tuesday night, ending two years of argument over who should pay for the repairs.",
    "Councillors voted 31 to 9 after a debate that lasted more than four hours, with dozens of"
    " residents watching from the public gallery.",
    "“We have waited long enough, and the next big storm will not wait for us,” said council"
    " leader Maria Okafor, who has championed the project since the floods of 2021.",
    "The Environment Agency will pay £25m of the cost. The rest will come from a levy on"
    " seafront businesses, which the Chamber of Commerce says could force some to close.",
    "Its chair, Daniel Whitlock, called the levy unfair and said members would consider a legal"
    " challenge. Work is due to start in March and take three years.",
    "Opposition councillors had asked for the vote to be delayed until a second survey of the"
    " harbour wall was complete, but the motion was defeated.",
]
# Same day, same town, same people, same vocabulary: a different event.
OTHER = [
    "Seafront businesses in Kestrel Bay launched a legal challenge on Wednesday against the levy"
    " that will help pay for the town's new sea wall, a day after the council approved the plan.",
    "The Chamber of Commerce said more than 60 firms had signed up to the action, which argues"
    " that the council failed to consult traders properly before the vote.",
    "“Nobody is against the wall. We are against being asked to pay for it twice,” said Daniel"
    " Whitlock, the chamber's chair, outside the town hall.",
    "Council leader Maria Okafor said she was disappointed but confident the levy was lawful,"
    " and that the repairs to the harbour would go ahead in March as planned.",
    "Lawyers for the businesses will ask the High Court for an urgent hearing next month. The"
    " Environment Agency declined to comment on the dispute.",
]


def text(paragraphs: list[str]) -> str:
    """Paragraphs as clean text: one per line."""
    return "\n".join(paragraphs)


def syndicated_copy() -> tuple[str, str]:
    """A wire copy elsewhere: new headline, dateline, a reworded sentence, last paragraph cut."""
    paragraphs = list(STORY[:-1])
    paragraphs[0] = "KESTREL BAY (AP) — " + paragraphs[0]
    paragraphs[1] = paragraphs[1].replace("more than four hours", "over four hours")
    paragraphs.append("Additional reporting by Ana Ruiz in London.")
    return "Sea wall gets go-ahead in Kestrel Bay", text(paragraphs)


def test_a_syndicated_copy_is_the_same_story() -> None:
    title, copy = syndicated_copy()
    assert same_story(signature(TITLE, text(STORY)), signature(title, copy))


def test_a_copy_with_leftover_page_furniture_is_the_same_story() -> None:
    appeal = [
        "Your support helps us to tell the story. Independent journalism costs money, and"
        " readers like you keep the Harbour Gazette free for everyone.",
        "Sign up for our free daily newsletter",
    ]
    page = text([TITLE, *appeal, *STORY, "Join the conversation", "Comments"])
    assert same_story(signature(TITLE, text(STORY)), signature(TITLE, page))


def test_a_distinct_story_on_the_same_topic_is_not_the_same_story() -> None:
    assert not same_story(signature(TITLE, text(STORY)), signature("Traders sue", text(OTHER)))


def test_a_distinct_story_repeating_a_background_paragraph_is_not_the_same_story() -> None:
    # Wire follow-ups repeat background verbatim; one paragraph of five is not the story.
    follow_up = text([*OTHER[:3], STORY[3], *OTHER[3:]])
    found = similarity(signature(TITLE, text(STORY)), signature("Traders sue", follow_up))
    assert 0 < found.containment < 0.5 and not found.same_story


def test_short_texts_never_cluster_even_when_identical() -> None:
    brief = "Kestrel Bay council approved a £40m sea wall on Tuesday. Work starts in March."
    sig = signature("Sea wall approved", brief)
    assert len(words("", brief)) < MIN_WORDS
    assert not can_cluster(sig)
    assert not same_story(sig, sig)
    index: StoryIndex[str] = StoryIndex()
    assert index.add("brief", sig) is False
    assert index.find(sig) is None and len(index) == 0


def test_a_leaked_reader_appeal_does_not_make_two_briefs_one_story() -> None:
    appeal = (
        "Your support helps us to tell the story. Independent journalism costs money, and readers"
        " like you keep the Harbour Gazette free for everyone. Support us today from just £1."
    )
    one = text(["Kestrel Bay council approved a £40m sea wall on Tuesday night.", appeal])
    two = text(
        ["Seafront traders said on Wednesday they would sue over the sea wall levy.", appeal]
    )
    assert not same_story(signature("Sea wall", one), signature("Traders sue", two))


def test_an_appeal_glued_to_the_lede_is_dropped_but_the_lede_kept() -> None:
    glued = text(["Your support makes all the difference." + STORY[0], *STORY[1:]])
    assert strip_appeals(glued.split("\n")[0]) == STORY[0]
    assert signature(TITLE, glued) == signature(TITLE, text(STORY))


def test_signature_is_compact_deterministic_bytes() -> None:
    sig = signature(TITLE, text(STORY))
    assert isinstance(sig, bytes) and len(sig) == 12 + 4 * NUM_PERM
    assert sig == signature(TITLE, text(STORY))
    assert is_current(sig) and can_cluster(sig)
    same = similarity(sig, bytes(bytearray(sig)))
    assert same.jaccard == 1.0 and same.containment == 1.0


def test_signature_ignores_case_accents_punctuation_and_furniture() -> None:
    plain = text(STORY)
    dressed = text(
        [
            "Updated 14:32 GMT, 3 March 2026",
            "KESTREL BAY (Reuters) - " + STORY[0].upper(),
            *(p.replace("“", '"').replace("”", '"').replace(" ", "  ") for p in STORY[1:]),
            "Reporting by Ana Ruiz; Editing by Olga Petrov",
            "© 2026 Harbour Gazette. All rights reserved.",
        ]
    ).replace("Okafor", "Ókafor")
    assert signature(TITLE, plain) == signature("Another headline", dressed)


def test_a_stale_or_foreign_signature_is_not_indexed() -> None:
    sig = signature(TITLE, text(STORY))
    stale = bytes([sig[0] + 1]) + sig[1:]
    assert not is_current(stale) and not is_current(b"not a signature")
    assert StoryIndex().add("old", stale) is False


def test_index_finds_the_best_match_and_nothing_for_a_new_story() -> None:
    _, far = syndicated_copy()
    near = text(STORY).replace("Tuesday night", "Tuesday evening")
    index = StoryIndex.build(
        [
            ("other", signature("Traders sue", text(OTHER))),
            ("far", signature("Sea wall", far)),
            ("near", signature(TITLE, near)),
        ]
    )
    query = signature(TITLE, text(STORY))
    assert index.find(query) == "near"
    best = index.best(query)
    assert best is not None and best.similarity.jaccard > 0.8
    assert StoryIndex.build([("other", signature("Traders sue", text(OTHER)))]).find(query) is None


def test_index_add_replaces_a_key_and_remove_forgets_it() -> None:
    index: StoryIndex[int] = StoryIndex()
    query = signature(TITLE, text(STORY))
    assert index.add(1, signature("Traders sue", text(OTHER)))
    assert index.find(query) is None
    assert index.add(1, query)  # the article's text changed: re-index under the same key
    assert index.find(query) == 1 and len(index) == 1
    index.remove(1)
    index.remove(1)  # a no-op
    assert index.find(query) is None and 1 not in index


def test_index_grows_reuses_rows_and_prefers_the_oldest_of_equal_matches() -> None:
    sig = signature(TITLE, text(STORY))
    index = StoryIndex.build((number, sig) for number in range(1500))  # past the first array
    assert len(index) == 1500 and index.find(sig) == 0
    index.remove(0)
    assert index.find(sig) == 1
    index.add(0, sig)  # reuses the freed row, which is the oldest again
    assert len(index) == 1500 and index.find(sig) == 0


def test_minhash_is_datasketchs_affine32_value_for_value() -> None:
    # Stored signatures must not change: the numpy MinHash matches datasketch's, which
    # signatures were made with before.
    from datasketch import MinHash

    rng = np.random.default_rng(7)
    for count in (0, 1, 40, 5000):
        hashes = rng.integers(0, 2**32, count, dtype=np.uint32)
        reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
        reference = MinHash(
            seed=SEED, hashfunc=int, permutations=reference.permutations, scheme="affine32"
        )
        reference.update_batch(hashes.tolist())
        assert np.array_equal(reference.hashvalues.astype(np.uint32), minhash(hashes))


def _sig(values: np.ndarray, shingles: int = 400) -> bytes:
    return struct.pack("<BBHII", FORMAT, SHINGLE_WORDS, NUM_PERM, 400, shingles) + values.tobytes()


def test_index_finds_exactly_the_articles_sharing_a_band_through_adds_and_removes() -> None:
    # Articles sharing 0-128 values with the query, in runs of 2 (a whole band) or alone
    # (never a band): the index must find the best of those sharing a band, no other.
    rng = np.random.default_rng(11)
    query = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
    index: StoryIndex[int] = StoryIndex()
    live: dict[int, np.ndarray] = {}
    for key in range(1200):
        values = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
        shared = rng.choice(NUM_PERM, int(rng.integers(0, 110)), replace=False)
        if key % 3:  # shared values never both of one band: LSH misses it
            shared = shared[shared % 2 == 0]
        values[shared] = query[shared]
        index.add(key, _sig(values))
        live[key] = values
        if key % 7 == 0:
            gone = int(rng.choice(list(live)))
            index.remove(gone)
            del live[gone]
        if key % 50 == 0:
            assert index.find(_sig(query)) == _best_by_bands(live, query)
    assert len(index) == len(live)


def _best_by_bands(live: dict[int, np.ndarray], query: np.ndarray) -> int | None:
    found = []
    for key, values in live.items():
        equal = values == query
        if not equal.reshape(-1, 2).all(axis=1).any():
            continue
        found_sim = similarity(_sig(values), _sig(query))
        if found_sim.same_story:
            found.append((found_sim.jaccard, found_sim.containment, key))
    return max(found, key=lambda f: (f[0], f[1], -f[2]))[2] if found else None
