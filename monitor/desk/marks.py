"""Judgements on stories and hits: relevant, false positive (with a reason), starred, notes.

A mark is never deleted: undoing it sets ``undone_at``/``undone_by`` and it stays in the
history. A story's review state is its latest mark, not undone, that is ``relevant`` or
``false_positive`` (on the story or on one of its hits); a hit's, the latest such mark on that
hit; a story is starred while a ``starred`` mark of it is not undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.models import Article, Hit, Mark, Story
from monitor.errors import NotFoundError, UsageError

KINDS = ("relevant", "false_positive", "starred", "note")
REVIEWS = ("relevant", "false_positive")  # the kinds that decide the review state
REASONS: dict[str, str] = {  # a false positive's reason, and how it reads (keys 1-5)
    "wrong_entity": "wrong entity",
    "passing_mention": "passing mention",
    "off_topic": "off-topic",
    "duplicate": "duplicate",
    "bad_source": "bad source",
}
MAX_NOTE = 4000  # characters


@dataclass(frozen=True)
class MarkView:
    """One mark as the desk shows it: what, on which story or hit, who and when, undone or not."""
    id: int
    story_id: int
    hit_id: int | None  # None: the whole story
    kind: str
    reason: str | None
    note: str | None
    user: str
    created_at: datetime
    undone_at: datetime | None
    undone_by: str | None

    @property
    def active(self) -> bool:
        return self.undone_at is None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "story_id": self.story_id, "hit_id": self.hit_id,
                "kind": self.kind, "reason": self.reason, "note": self.note, "user": self.user,
                "created_at": self.created_at.isoformat(),
                "undone_at": self.undone_at.isoformat() if self.undone_at else None,
                "undone_by": self.undone_by}


@dataclass(frozen=True)
class StoryMarks:
    """A story's current state and its marks' history, newest first."""

    story_id: int
    review: str | None  # relevant | false_positive | None (not reviewed)
    reason: str | None  # of the false positive deciding ``review``
    starred: MarkView | None  # the active star (undo it to unstar)
    hits: dict[int, str]  # hit id -> its own review state
    history: tuple[MarkView, ...]

    @property
    def notes(self) -> tuple[MarkView, ...]:
        return tuple(m for m in self.history if m.kind == "note" and m.active)

    def as_json(self) -> dict[str, Any]:
        return {"story_id": self.story_id, "review": self.review, "reason": self.reason,
                "starred": self.starred is not None,
                "hits": {str(k): v for k, v in self.hits.items()},
                "history": [m.as_json() for m in self.history]}


def _view(m: Mark) -> MarkView:
    return MarkView(m.id, m.story_id, m.hit_id, m.kind, m.reason, m.note, m.user,
                    m.created_at, m.undone_at, m.undone_by)


def _check(s: Session, story_id: int, kind: str, hit_id: int | None, reason: str | None,
           note: str | None) -> None:
    if kind not in KINDS:
        raise UsageError(f"unknown mark {kind!r}: one of {', '.join(KINDS)}")
    if kind == "false_positive" and reason not in REASONS:
        raise UsageError(f"a false positive needs a reason: one of {', '.join(REASONS)}")
    if kind != "false_positive" and reason:
        raise UsageError("only a false positive has a reason")
    if kind == "note" and not (note or "").strip():
        raise UsageError("a note needs its text")
    if len(note or "") > MAX_NOTE:
        raise UsageError(f"a note is at most {MAX_NOTE} characters")
    if s.get(Story, story_id) is None:
        raise NotFoundError("story", str(story_id), [])
    if hit_id is not None:
        owner = s.scalar(select(Article.story_id).join(Hit, Hit.article_id == Article.id)
                         .where(Hit.id == hit_id))
        if owner != story_id:
            raise NotFoundError("hit", str(hit_id), [], hint=f"of story {story_id}")


def add_mark(s: Session, story_id: int, kind: str, user: str, now: datetime, *,
             hit_id: int | None = None, reason: str | None = None,
             note: str | None = None) -> MarkView:
    """Mark the story (or its hit ``hit_id``); ``UsageError`` for a mark that cannot be (an
    unknown kind, a false positive without a known reason, an empty note), ``NotFoundError``
    for a story or hit that is not there. Starring what is starred returns its star."""
    reason = reason or None
    note = note.strip() if note and note.strip() else None
    _check(s, story_id, kind, hit_id, reason, note)
    if kind == "starred" and (star := s.scalar(select(Mark).where(
            Mark.story_id == story_id, Mark.hit_id.is_(None) if hit_id is None
            else Mark.hit_id == hit_id, Mark.kind == "starred", Mark.undone_at.is_(None)))):
        return _view(star)  # starred already
    mark = Mark(story_id=story_id, hit_id=hit_id, kind=kind, reason=reason, note=note,
                user=user, created_at=now)
    s.add(mark)
    s.flush()
    return _view(mark)


def undo_mark(s: Session, mark_id: int, user: str, now: datetime) -> MarkView:
    """Undo a mark (it stays in the history, with who undid it and when); undoing it again
    changes nothing. ``NotFoundError`` when there is no such mark."""
    mark = s.get(Mark, mark_id)
    if mark is None:
        raise NotFoundError("mark", str(mark_id), [])
    if mark.undone_at is None:
        mark.undone_at, mark.undone_by = now, user
        s.flush()
    return _view(mark)


def story_marks(s: Session, story_id: int) -> StoryMarks:
    """The story's review state, star, hits' states and history."""
    rows = [_view(m) for m in s.scalars(select(Mark).where(Mark.story_id == story_id)
                                        .order_by(Mark.created_at.desc(), Mark.id.desc()))]
    live = [m for m in rows if m.active]
    review = next((m for m in live if m.kind in REVIEWS), None)
    hits: dict[int, str] = {}
    for m in live:
        if m.kind in REVIEWS and m.hit_id is not None:
            hits.setdefault(m.hit_id, m.kind)
    starred = next((m for m in live if m.kind == "starred"), None)
    return StoryMarks(story_id, review.kind if review else None,
                      review.reason if review else None, starred, hits, tuple(rows))
