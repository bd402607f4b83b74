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

import random
import re
from array import array
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from hashlib import blake2b

NUM_PERM, BANDS = 30, 10
# Word hashes kept (about 3 MB): news words repeat, and a blake2b costs ten times a look-up;
# over the 299 news snapshots' titles and leads 16,384 words answer 93% of the look-ups.
WORDS_CACHED = 16_384
ROWS = NUM_PERM // BANDS
_MASKS = [random.Random(7 + i).getrandbits(63) for i in range(NUM_PERM)]
# Per mask: the table that XORs a byte with the mask's top byte (see ``minhash``).
_TOP_XOR = [(m, bytes(b ^ (m >> 56) for b in range(256))) for m in _MASKS]
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


@lru_cache(maxsize=WORDS_CACHED)
def _hash(word: str) -> int:
    # Signed, so that it fits an array of type "q". Stable across processes: the index is
    # refilled from the stored articles at every start.
    return int.from_bytes(blake2b(word.encode("utf-8"), digest_size=8).digest(), "big",
                          signed=True)


def signature(title: str, lead: str, entities: frozenset[str] = frozenset(),
              language: str | None = None) -> Signature | None:
    """The words (and entities) that identify a story; None when there are too few."""
    words = {w for w in _WORD.findall(f"{title} {lead}".casefold())
             if w not in _STOP and len(w) > 1}
    if len(words) < 4:
        return None
    hashes = frozenset(map(_hash, words))
    return Signature(hashes, minhash(hashes), entities, language)


def minhash(hashes: frozenset[int]) -> tuple[int, ...]:
    """``min(h ^ m for h in hashes)`` for each mask ``m``, computed by the top bytes first.

    The top byte of ``h ^ m`` is the top byte of ``h`` XORed with that of ``m``, so one
    ``bytes.translate`` (a 256-byte XOR table per mask) gives the top bytes of all the
    values for a mask at once, in C, and their ``min`` says which hashes can hold the
    minimum: usually one, whose value is then the answer; on a tie the tied ones are
    compared whole. The same values as the plain definition, at a third of its cost (1,200
    big-integer XORs an article, measured at 75 against 28 us). Top bytes are offset by 128
    (``h >> 56`` is -128..127), so that their order is the signed order of the values; the
    masks are positive, which leaves that offset alone under the XOR."""
    values = tuple(hashes)
    tops = bytes([(h >> 56) + 128 for h in values])
    out = []
    for mask, table in _TOP_XOR:
        keys = tops.translate(table)
        low = min(keys)
        first = keys.find(low)
        if keys.find(low, first + 1) < 0:
            out.append(values[first] ^ mask)
        else:
            out.append(min([h ^ mask for h, key in zip(values, keys, strict=True) if key == low]))
    return tuple(out)


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
