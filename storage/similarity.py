"""Story detection: MinHash signatures of clean article text and an LSH index of recent ones."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

import numpy as np

from spiders.text import (
    APPEAL,
    APPEAL_HINTS,
    CREDIT_LINE,
    CREDIT_TAIL,
    DATELINE,
    HISTORY_NOTE,
    fold,
    glued_sentences,
)

K = TypeVar("K", bound=Hashable)

# Parameters are part of the stored format: changing any of them means bumping FORMAT, after
# which old signatures stop matching (is_current() is False) until they are recomputed.
FORMAT = 2  # 2: words folded by spiders.text.fold (every combining mark dropped)
# Measured 3-5 (docs/benchmarks.md, Story clustering): 3 merges same-topic stories on stock phrases.
SHINGLE_WORDS = 4
NUM_PERM = 128  # standard error of an estimated Jaccard of 0.5 is 0.044
SEED = 20240521
# datasketch 2's "affine32" MinHash (computed here in numpy, value for value: importing datasketch
# costs a run ~0.6 s of scipy): MurmurHash3's finaliser, then a * h + b mod 2^32, a odd.
SCHEME = "affine32"
MIN_WORDS = 50  # below this a text never clusters: a few shared sentences would decide it
# "Same story" needs both: most of the shorter text in the longer one (a copy cut short, or a
# page with leftover furniture, still contains the story) and a Jaccard floor, because the
# containment estimated from MinHash gets noisy when one text is many times the other. On the
# benchmark's tuning seeds, distinct same-day stories reached containment 0.55 and copies went
# down to 0.58: 0.6 errs towards a second alert rather than a missed story.
MIN_CONTAINMENT = 0.6
MIN_JACCARD = 0.2
# LSH bands x rows: a candidate at Jaccard 0.2 is found with p=0.93, at 0.3 with p=0.998, while
# an unrelated article (J ~ 0.01) becomes a candidate with p=0.006; candidates are verified.
LSH_BANDS, LSH_ROWS = 64, 2

_HEADER = struct.Struct("<BBHII")  # format, shingle words, num_perm, words, distinct shingles
_VALUES = np.dtype("<u4")
_WORD = re.compile(r"\w+")
# Odd 32-bit multipliers, one per shingle position: the shingle hash depends on word order.
_POSITION = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], np.uint32)

_MAX_FURNITURE_WORDS = 40  # a long line that merely starts like furniture is prose
_FIRST_ROWS = 1024  # the index's arrays grow from this many rows
_RECENT_ROWS = 256  # rows scanned unsorted before the index merges them in


@dataclass(frozen=True)
class Similarity:
    """Estimated resemblance of two texts' shingle sets."""

    jaccard: float  # |A ∩ B| / |A ∪ B|
    containment: float  # |A ∩ B| / min(|A|, |B|): how much of the shorter is in the longer

    @property
    def same_story(self) -> bool:
        """True when the estimates clear both thresholds (see MIN_CONTAINMENT, MIN_JACCARD)."""
        return self.containment >= MIN_CONTAINMENT and self.jaccard >= MIN_JACCARD


@dataclass(frozen=True)
class _Sketch:
    words: int
    shingles: int
    values: np.ndarray  # uint32[NUM_PERM]


def words(title: str, text: str) -> list[str]:
    """The text's comparable words: folded case and accents, no furniture lines or dateline."""
    folded_title = fold(title)
    kept = []
    for line in text.splitlines():
        line = strip_appeals(line.strip())
        if not line or _is_noise(line) or _is_title(line, folded_title):
            continue
        kept.append(DATELINE.sub("", line, count=1) if not kept else line)
    return _WORD.findall(fold("\n".join(kept)))


def signature(title: str, text: str) -> bytes:
    """The story signature of an article: 12 + 4 * NUM_PERM bytes to store beside its text."""
    tokens = words(title, text)
    shingles = _shingle_hashes(tokens)
    header = _HEADER.pack(FORMAT, SHINGLE_WORDS, NUM_PERM, len(tokens), len(shingles))
    return header + minhash(shingles).astype(_VALUES).tobytes()


def minhash(hashes: np.ndarray) -> np.ndarray:
    """The MinHash values (uint32[NUM_PERM]) of a set of 32-bit hashes: what datasketch's
    MinHash(seed=SEED, scheme="affine32") holds after update_batch() of the same values."""
    a, b = _permutations()
    if not len(hashes):
        return np.full(NUM_PERM, np.iinfo(np.uint32).max, np.uint32)
    mixed = _fmix32(hashes.astype(np.uint32)).reshape(-1, 1)
    return (mixed * a + b).min(axis=0)  # uint32 arithmetic: the wraparound is the modulo


def is_current(sig: bytes) -> bool:
    """True if the signature was made with this module's parameters (else recompute it)."""
    if len(sig) != _HEADER.size + NUM_PERM * _VALUES.itemsize:
        return False
    fmt, shingle_words, num_perm, _, _ = _HEADER.unpack_from(sig)
    return (fmt, shingle_words, num_perm) == (FORMAT, SHINGLE_WORDS, NUM_PERM)


def can_cluster(sig: bytes) -> bool:
    """True if the signature is current and its text long enough (MIN_WORDS) to cluster."""
    return is_current(sig) and _HEADER.unpack_from(sig)[3] >= MIN_WORDS


def similarity(sig_a: bytes, sig_b: bytes) -> Similarity:
    """Estimated Jaccard and containment of two current signatures' texts."""
    return _similarity(_decode(sig_a), _decode(sig_b))


def same_story(sig_a: bytes, sig_b: bytes) -> bool:
    """True if both texts can cluster and are near-duplicates: the same story."""
    return can_cluster(sig_a) and can_cluster(sig_b) and similarity(sig_a, sig_b).same_story


@dataclass(frozen=True)
class StoryMatch(Generic[K]):
    """The best same-story match found in a StoryIndex."""

    key: K
    similarity: Similarity


class StoryIndex(Generic[K]):
    """Signatures of recent articles by key, to find the one a new article is a copy of.

    An LSH index (LSH_BANDS bands of LSH_ROWS values): the candidates are the articles sharing
    at least one band with the query, verified in one numpy operation. Held as arrays, about
    1.3 KB an article (datasketch's MinHashLSH held ~19 KB in dicts of sets), so a long window
    costs the storing process little memory."""

    def __init__(self) -> None:
        self._rows: dict[K, int] = {}
        self._keys: dict[int, K] = {}
        self._free: list[int] = []  # rows of removed keys, reused before the arrays grow
        self._values = np.zeros((_FIRST_ROWS, NUM_PERM), np.uint32)
        self._shingles = np.zeros(_FIRST_ROWS, np.int64)
        self._used = np.zeros(_FIRST_ROWS, bool)
        # Every indexed row's bands, sorted, for lookups by value; rows indexed since the last
        # merge are scanned instead (`_recent`), until there are enough of them to merge in.
        self._sorted = np.zeros(0, np.uint64)
        self._sorted_rows = np.zeros(0, np.int32)
        self._recent: list[int] = []

    @classmethod
    def build(cls, items: Iterable[tuple[K, bytes]]) -> StoryIndex[K]:
        """An index of (key, signature) pairs; short or stale signatures are left out."""
        index = cls()
        for key, sig in items:
            index.add(key, sig)
        return index

    def add(self, key: K, sig: bytes) -> bool:
        """Index (or re-index) key's signature; False, and not indexed, if it cannot cluster."""
        self.remove(key)
        if not can_cluster(sig):
            return False
        sketch = _decode(sig)
        row = self._free.pop() if self._free else self._new_row()
        self._rows[key], self._keys[row] = row, key
        self._values[row] = sketch.values
        self._shingles[row] = sketch.shingles
        self._used[row] = True
        self._recent.append(row)
        if len(self._recent) >= _RECENT_ROWS:
            self._merge()
        return True

    def remove(self, key: K) -> None:
        """Forget key; a no-op if it is not indexed."""
        row = self._rows.pop(key, None)
        if row is not None:
            del self._keys[row]
            self._used[row] = False
            self._free.append(row)

    def best(self, sig: bytes) -> StoryMatch[K] | None:
        """The same-story match with the highest Jaccard, then containment, then earliest row."""
        if not can_cluster(sig) or not self._rows:
            return None
        query = _decode(sig)
        rows = self._candidates(_band_keys(query.values))
        jaccard = np.count_nonzero(self._values[rows] == query.values, axis=1) / NUM_PERM
        containment = _containment(jaccard, self._shingles[rows], query.shingles)
        same = np.flatnonzero((containment >= MIN_CONTAINMENT) & (jaccard >= MIN_JACCARD))
        if not len(same):
            return None
        # lexsort's last key sorts first; -row prefers the copy indexed first on a tie.
        pick = same[np.lexsort((-rows[same], containment[same], jaccard[same]))[-1]]
        found = Similarity(float(jaccard[pick]), float(containment[pick]))
        return StoryMatch(self._keys[int(rows[pick])], found)

    def find(self, sig: bytes) -> K | None:
        """The key of the best same-story match, or None if the article is a new story."""
        match = self.best(sig)
        return None if match is None else match.key

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def _candidates(self, bands: np.ndarray) -> np.ndarray:
        # The used rows sharing at least one band with the query. Sorted entries may be stale
        # (a removed or reused row): each is checked against the row's current values.
        low = np.searchsorted(self._sorted, bands, "left")
        high = np.searchsorted(self._sorted, bands, "right")
        found = [self._sorted_rows[low[i] : high[i]] for i in np.flatnonzero(high > low)]
        rows = np.unique(np.concatenate([*found, np.array(self._recent, np.int32)]))
        rows = rows[self._used[rows]].astype(np.intp)
        return rows[(_band_keys(self._values[rows]) == bands).any(axis=1)]

    def _merge(self) -> None:
        # The recent rows' bands go into the sorted array: one copy of it, never a full sort.
        rows = np.array([row for row in dict.fromkeys(self._recent) if self._used[row]], np.int32)
        keys = _band_keys(self._values[rows]).ravel()
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], np.repeat(rows, LSH_BANDS)[order]
        at = np.searchsorted(self._sorted, keys)
        self._sorted = np.insert(self._sorted, at, keys)
        self._sorted_rows = np.insert(self._sorted_rows, at, rows)
        self._recent = []

    def _new_row(self) -> int:
        row = len(self._rows) + len(self._free)  # rows in use, all of them taken
        if row == len(self._shingles):  # grow by a quarter: little unused room, few copies
            more = max(_FIRST_ROWS, row // 4)
            self._values = np.concatenate([self._values, np.zeros((more, NUM_PERM), np.uint32)])
            self._shingles = np.concatenate([self._shingles, np.zeros(more, np.int64)])
            self._used = np.concatenate([self._used, np.zeros(more, bool)])
        return row


def is_furniture(line: str) -> bool:
    """True for a short credit, byline, stamp, teaser or copyright line: not the story."""
    line = line.strip()
    if len(line.split()) > _MAX_FURNITURE_WORDS:
        return False
    if CREDIT_LINE.match(line):
        return True
    # A substring check first: searching the unanchored pattern costs 5 µs a line.
    low = line.casefold()
    return ("contributed" in low or "reserved" in low) and bool(CREDIT_TAIL.search(line))


def strip_appeals(line: str) -> str:
    """The line without reader-appeal sentences ("Your support helps us …", "Sign up for …")."""
    low = line.casefold()
    if not any(hint in low for hint in APPEAL_HINTS):
        return line
    # Sentence by sentence: a page can glue an appeal to the lede ("…difference.Donald Trump").
    return " ".join(part for part in glued_sentences(line) if not APPEAL.search(part))


def _is_title(line: str, folded_title: str) -> bool:
    # Raw pages repeat the headline in the body; folding every line just to check costs 15%.
    return abs(len(line) - len(folded_title)) < 8 and fold(line) == folded_title


def _is_noise(line: str) -> bool:
    return is_furniture(line) or (
        len(line.split()) <= _MAX_FURNITURE_WORDS and bool(HISTORY_NOTE.match(line))
    )


def _shingle_hashes(tokens: list[str]) -> np.ndarray:
    count = len(tokens) - SHINGLE_WORDS + 1
    if count <= 0:
        return np.zeros(0, np.uint32)
    # One CRC per word, combined per shingle in numpy: 4x faster than hashing each shingle's
    # string; datasketch's affine32 scheme pre-mixes these values with a MurmurHash3 finaliser.
    word_hashes = np.array([zlib.crc32(token.encode()) for token in tokens], np.uint32)
    hashes = np.zeros(count, np.uint32)
    for position in range(SHINGLE_WORDS):
        shifted = word_hashes[position : position + count]
        hashes = hashes * np.uint32(0x01000193) + shifted * _POSITION[position]
    return np.unique(hashes)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # datasketch's draw for affine32: odd multipliers, then offsets, from SEED alone.
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(hashes: np.ndarray) -> np.ndarray:
    # MurmurHash3's 32-bit finaliser, a bijection that spreads structured inputs.
    hashes = hashes ^ (hashes >> np.uint32(16))
    hashes = hashes * np.uint32(0x85EBCA6B)
    hashes = hashes ^ (hashes >> np.uint32(13))
    hashes = hashes * np.uint32(0xC2B2AE35)
    return hashes ^ (hashes >> np.uint32(16))


def _decode(sig: bytes) -> _Sketch:
    if not is_current(sig):
        raise ValueError("signature made with other parameters: recompute it")
    _, _, _, word_count, shingles = _HEADER.unpack_from(sig)
    values = np.frombuffer(sig, dtype=_VALUES, offset=_HEADER.size).astype(np.uint32)
    return _Sketch(word_count, shingles, values)


def _band_keys(values: np.ndarray) -> np.ndarray:
    # A band's LSH_ROWS (2) 32-bit values as one 64-bit number: equal exactly when the band is.
    # One signature's values give LSH_BANDS keys; a (n, NUM_PERM) array, n rows of them.
    pairs = values.reshape(*values.shape[:-1], LSH_BANDS, LSH_ROWS).astype(np.uint64)
    return (pairs[..., 0] << np.uint64(32)) | pairs[..., 1]


def _similarity(a: _Sketch, b: _Sketch) -> Similarity:
    jaccard = float(np.count_nonzero(a.values == b.values)) / NUM_PERM
    if min(a.shingles, b.shingles) == 0:
        return Similarity(0.0, 0.0)
    return Similarity(jaccard, float(_containment(jaccard, a.shingles, b.shingles)))


def _containment(jaccard: Any, size_a: Any, size_b: Any) -> Any:
    # |A ∩ B| = J (|A| + |B|) / (1 + J), with the exact set sizes kept in the signature;
    # works on floats and on numpy arrays alike.
    shared = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return np.minimum(1.0, shared / np.minimum(size_a, size_b))
