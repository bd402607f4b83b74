"""Near-duplicate clustering of articles into stories: MinHash with LSH banding over the words
of the title and lead. No I/O: the index is filled by the caller (at start-up from the recent
stories in the database, then as articles are stored).

Two articles are one story when the Jaccard similarity of their word sets (title + lead,
case-folded, short function words dropped) passes ``threshold``; the same canonical URL is
handled before this, by article identity. Stories older than the window are not matched.

Written here rather than taken from datasketch: the same algorithm in some fifty lines,
where datasketch brings numpy and scipy and was measured at +88 MB of resident memory per
process (the soak benchmark's budget is 250 MB). 64 hash functions in 16 bands of 4 rows put
the LSH threshold at about (1/16)^(1/4) = 0.5; candidates are then checked exactly. The 64
functions are one 64-bit hash of the word XORed with 64 random masks: 3x cheaper in Python
than the textbook (a*h + b) mod p (big-integer products), and as accurate here — over random
20-word sets the estimate's bias was -0.002 and its spread 0.078 Jaccard, against a
theoretical 0.06 for 64 ideal permutations. Candidates are checked exactly anyway.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

NUM_PERM, BANDS = 64, 16
ROWS = NUM_PERM // BANDS
_MASKS = [random.Random(7 + i).getrandbits(64) for i in range(NUM_PERM)]
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "says", "said", "that", "the", "their", "this", "to", "was",
    "were", "will", "with", "after", "over", "new",
})


@dataclass(frozen=True)
class Signature:
    words: frozenset[str]
    minhash: tuple[int, ...]
    entities: frozenset[str] = frozenset()  # catalogue ids named in the title and lead
    language: str | None = None

    @cached_property
    def bands(self) -> tuple[int, ...]:
        """One bucket key per band (a hash of the band number and its rows)."""
        return tuple(hash((b, *self.minhash[b * ROWS:(b + 1) * ROWS])) for b in range(BANDS))


@dataclass(frozen=True)
class _Entry:
    """What the index keeps of an article (not its MinHash: 16 band keys are enough)."""

    story: int
    words: frozenset[str]
    bands: tuple[int, ...]
    entities: frozenset[str]
    when: datetime


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")


def signature(title: str, lead: str, entities: frozenset[str] = frozenset(),
              language: str | None = None) -> Signature | None:
    """The words (and entities) that identify a story; None when there are too few."""
    words = frozenset(w for w in _WORD.findall(f"{title} {lead}".casefold())
                      if w not in _STOP and len(w) > 1)
    if len(words) < 4:
        return None
    hashes = [_hash(w) for w in words]
    minhash = tuple(min(h ^ m for h in hashes) for m in _MASKS)
    return Signature(words, minhash, entities, language)


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
                 cross_window: timedelta = timedelta(hours=12)) -> None:
        self.threshold = threshold
        self.window = window
        self.cross_window = cross_window
        self._by_entities: dict[frozenset[str], list[tuple[datetime, int, str | None]]] = {}
        self._buckets: dict[int, set[int]] = {}
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
        bands = sig.bands
        self._entries[entry] = _Entry(story_id, sig.words, bands, sig.entities, when)
        for band in bands:
            self._buckets.setdefault(band, set()).add(entry)
        self._added.append((when, entry))
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
            bucket = self._buckets.get(band)
            if bucket is not None:
                bucket.discard(entry)
                if not bucket:
                    del self._buckets[band]

    def expire(self, now: datetime) -> None:
        while self._added and self._added[0][0] < now - self.window:
            _when, entry = self._added.popleft()
            self.remove(entry)

    def find(self, sig: Signature, now: datetime) -> int | None:
        """The story whose words overlap most (Jaccard >= threshold), if any."""
        self.expire(now)
        candidates: set[int] = set()
        for band in sig.bands:
            candidates |= self._buckets.get(band, set())
        best, best_score = None, self.threshold
        for entry in candidates:
            other = self._entries[entry]
            score = len(other.words & sig.words) / len(other.words | sig.words)
            if score >= best_score:
                best, best_score = other.story, score
        if best is None and len(sig.entities) >= self.MIN_ENTITIES:
            for when, story, language in reversed(self._by_entities.get(sig.entities, [])):
                if when >= now - self.cross_window and language != sig.language:
                    return story
        return best
