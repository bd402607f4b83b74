"""Near-duplicate clustering of articles into stories: MinHash with LSH banding over the words
of the title and lead. No I/O: the index is filled by the caller (at start-up from the recent
stories in the database, then as articles are stored).

Two articles are one story when the Jaccard similarity of their word sets (title + lead,
case-folded, short function words dropped) passes ``threshold``; the same canonical URL is
handled before this, by article identity. Stories older than the window are not matched.

Written here rather than taken from datasketch: the same algorithm in some fifty lines,
where datasketch brings numpy and scipy and was measured at +88 MB of resident memory per
process (the soak benchmark's budget is 250 MB). 30 hash functions in 10 bands of 3 rows put
the LSH threshold at about (1/10)^(1/3) = 0.46: a pair at Jaccard 0.5 becomes a candidate
with probability 0.74, at 0.6 with 0.91, at 0.7 with 0.99 (16 bands of 4 rows, tried first,
gave 0.64 / 0.89 / 0.99 with 60% more hashing and bucket memory); candidates are then
checked exactly on the words. The hash functions are one 64-bit hash of the word XORed with
random masks: 3x cheaper in Python than the textbook (a*h + b) mod p (big-integer products),
and unbiased here (over random 20-word sets the estimate's bias was -0.002 Jaccard).

Memory is what bounds the index (a 10,000-feed instance adds tens of thousands of articles a
day): an indexed article keeps its word hashes and band keys in two arrays (about 1 KB with
its buckets, against 5 KB as sets and tuples), and the index holds at most ``capacity``
articles, dropping the oldest first.
"""

from __future__ import annotations

import hashlib
import random
import re
from array import array
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

NUM_PERM, BANDS = 30, 10
ROWS = NUM_PERM // BANDS
_MASKS = [random.Random(7 + i).getrandbits(63) for i in range(NUM_PERM)]
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "says", "said", "that", "the", "their", "this", "to", "was",
    "were", "will", "with", "after", "over", "new",
})


@dataclass(frozen=True)
class Signature:
    words: frozenset[int]  # 64-bit hashes of the words
    minhash: tuple[int, ...]
    entities: frozenset[str] = frozenset()  # catalogue ids named in the title and lead
    language: str | None = None

    @cached_property
    def bands(self) -> tuple[int, ...]:
        """One bucket key per band (a hash of the band number and its rows)."""
        return tuple(hash((b, *self.minhash[b * ROWS:(b + 1) * ROWS])) for b in range(BANDS))


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the index keeps of an article: its word hashes and band keys, compactly."""

    story: int
    words: array[int]
    bands: array[int]
    entities: frozenset[str]
    when: datetime


def _hash(word: str) -> int:
    # Signed, so that it fits an array of type "q".
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big",
                          signed=True)


def signature(title: str, lead: str, entities: frozenset[str] = frozenset(),
              language: str | None = None) -> Signature | None:
    """The words (and entities) that identify a story; None when there are too few."""
    words = {w for w in _WORD.findall(f"{title} {lead}".casefold())
             if w not in _STOP and len(w) > 1}
    if len(words) < 4:
        return None
    hashes = frozenset(_hash(w) for w in words)
    minhash = tuple(min(h ^ m for h in hashes) for m in _MASKS)
    return Signature(hashes, minhash, entities, language)


class StoryIndex:
    """Recent stories by signature; ``find`` returns the best matching story id.

    Across languages words do not overlap, but who the story is about does: an article in
    another language whose title and lead name the same set of at least ``MIN_ENTITIES``
    catalogue entities, within ``cross_window``, joins the story (TASS in Russian and the BBC
    in English on the same Xi-Putin meeting)."""

    MIN_ENTITIES = 3
    # A story is represented by at most this many of its articles: enough wordings to match
    # the next outlet, and a look-up stays small when an outlet repeats itself a thousand times.
    PER_STORY = 8

    def __init__(self, threshold: float = 0.5, window: timedelta = timedelta(days=2),
                 cross_window: timedelta = timedelta(hours=12),
                 capacity: int = 50_000) -> None:
        self.threshold = threshold
        self.capacity = capacity
        self.window = window
        self.cross_window = cross_window
        self._by_entities: dict[frozenset[str], list[tuple[datetime, int, str | None]]] = {}
        # band key -> entry, or a list of entries once several share the bucket (most
        # buckets hold one article: a set each cost 216 bytes)
        self._buckets: dict[int, int | list[int]] = {}
        self._entries: dict[int, _Entry] = {}
        self._added: deque[tuple[datetime, int]] = deque()
        self._next = 0
        self._per_story: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, story_id: int, sig: Signature, when: datetime) -> int | None:
        """Index an article of ``story_id``; returns its entry (for ``remove``), or None when
        the story already has ``PER_STORY`` articles indexed."""
        if self._per_story.get(story_id, 0) >= self.PER_STORY:
            return None
        self._per_story[story_id] = self._per_story.get(story_id, 0) + 1
        entry, self._next = self._next, self._next + 1
        self._entries[entry] = _Entry(story_id, array("q", sig.words), array("q", sig.bands),
                                      sig.entities, when)
        for band in sig.bands:
            held = self._buckets.get(band)
            if held is None:
                self._buckets[band] = entry
            elif isinstance(held, list):
                held.append(entry)
            else:
                self._buckets[band] = [held, entry]
        self._added.append((when, entry))
        while len(self._entries) > self.capacity:
            self.remove(self._added.popleft()[1])
        if len(sig.entities) >= self.MIN_ENTITIES:
            self._by_entities.setdefault(sig.entities, []).append(
                (when, story_id, sig.language))
        return entry

    def remove(self, entry: int) -> None:
        """Take back an ``add`` (its transaction was rolled back)."""
        old = self._entries.pop(entry, None)
        if old is None:
            return
        left = self._per_story.get(old.story, 1) - 1
        if left > 0:
            self._per_story[old.story] = left
        else:
            self._per_story.pop(old.story, None)
        if (known := self._by_entities.get(old.entities)) is not None:
            kept = [e for e in known if not (e[0] == old.when and e[1] == old.story)]
            if kept:
                self._by_entities[old.entities] = kept
            else:
                del self._by_entities[old.entities]
        for band in old.bands:
            held = self._buckets.get(band)
            if held == entry:
                del self._buckets[band]
            elif isinstance(held, list) and entry in held:
                held.remove(entry)
                if len(held) == 1:
                    self._buckets[band] = held[0]

    def expire(self, now: datetime) -> None:
        while self._added and self._added[0][0] < now - self.window:
            _when, entry = self._added.popleft()
            self.remove(entry)

    def find(self, sig: Signature, now: datetime) -> int | None:
        """The story whose words overlap most (Jaccard >= threshold), if any."""
        self.expire(now)
        candidates: set[int] = set()
        for band in sig.bands:
            held = self._buckets.get(band)
            if isinstance(held, list):
                candidates.update(held)
            elif held is not None:
                candidates.add(held)
        best, best_score = None, self.threshold
        for entry in candidates:
            other = self._entries[entry]
            shared = len(sig.words.intersection(other.words))
            score = shared / (len(sig.words) + len(other.words) - shared)
            if score >= best_score:
                best, best_score = other.story, score
        if best is None and len(sig.entities) >= self.MIN_ENTITIES:
            for when, story, language in reversed(self._by_entities.get(sig.entities, [])):
                if when >= now - self.cross_window and language != sig.language:
                    return story
        return best
