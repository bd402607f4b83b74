"""Near-duplicate clustering of articles into stories: MinHash LSH (datasketch) over the words
of the title and lead. No I/O: the index is filled by the caller (at start-up from the recent
stories in the database, then as articles are stored).

Two articles are one story when the Jaccard similarity of their word sets (title + lead,
case-folded, short function words dropped) passes ``threshold``; the same canonical URL is
handled before this, by article identity. Stories older than the window are not matched.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "says", "said", "that", "the", "their", "this", "to", "was",
    "were", "will", "with", "after", "over", "new"
})


@dataclass(frozen=True)
class Signature:
    words: frozenset[str]
    minhash: MinHash


def signature(title: str, lead: str) -> Signature | None:
    """The words that identify a story; None when there are too few to compare."""
    words = frozenset(w for w in _WORD.findall(f"{title} {lead}".casefold())
                      if w not in _STOP and len(w) > 1)
    if len(words) < 4:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=7)
    mh.update_batch([w.encode("utf-8") for w in words])
    return Signature(words, mh)


class StoryIndex:
    """Recent stories by signature; ``find`` returns the best matching story id."""

    def __init__(self, threshold: float = 0.5, window: timedelta = timedelta(days=2)) -> None:
        self.threshold = threshold
        self.window = window
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._words: dict[str, frozenset[str]] = {}
        self._added: deque[tuple[datetime, str]] = deque()

    def __len__(self) -> int:
        return len(self._words)

    def add(self, story_id: int, sig: Signature, when: datetime) -> None:
        key = f"{story_id}:{len(self._added)}"
        self._lsh.insert(key, sig.minhash)
        self._words[key] = sig.words
        self._added.append((when, key))

    def expire(self, now: datetime) -> None:
        while self._added and self._added[0][0] < now - self.window:
            _when, key = self._added.popleft()
            self._lsh.remove(key)
            del self._words[key]

    def find(self, sig: Signature, now: datetime) -> int | None:
        """The story whose words overlap most (Jaccard >= threshold), if any."""
        self.expire(now)
        best, best_score = None, self.threshold
        for key in self._lsh.query(sig.minhash):
            words = self._words[key]
            score = len(words & sig.words) / len(words | sig.words)
            if score >= best_score:
                best, best_score = int(key.split(":", 1)[0]), score
        return best
