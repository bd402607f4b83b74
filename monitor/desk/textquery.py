"""The story list's free-text query: a query in the rule language (``sanction* NEAR/10 @RU``)
compiled with the rules' own parser and catalogue, and run over stored articles' title,
summary and text. A scan of article texts cannot use an index, so it is bounded: the newest
``SCAN_LIMIT`` articles of the stories the other filters leave, and the caller says when the
bound was reached."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from monitor.rules.catalogue import Catalogue, load_catalogue
from monitor.rules.document import QueryDoc
from monitor.rules.matcher import Matcher, split_fields
from monitor.rules.query import Query, parse_query
from monitor.rules.salience import counted

SCAN_LIMIT = 5000  # articles read per query (about 1 s of matching; narrow the time range)


@dataclass(frozen=True)
class ArticleText:
    """What a query reads of one stored article."""

    story_id: int
    title: str
    summary: str
    text: str | None


@dataclass(frozen=True)
class QueryScan:
    """How far a free-text query looked: ``truncated`` when it stopped at ``limit`` articles
    (older stories may match and are not listed)."""

    scanned: int
    limit: int
    truncated: bool


class QueryTools:
    """The catalogue and its matcher, built once (on first use) and shared by the requests;
    thread-safe, since the desk runs its queries in worker threads."""

    def __init__(self, loader: Callable[[], Catalogue] = load_catalogue,
                 scan_limit: int = SCAN_LIMIT) -> None:
        self._loader = loader
        self.scan_limit = scan_limit
        self._ready_pair: tuple[Catalogue, Matcher] | None = None
        self._lock = threading.Lock()

    def _ready(self) -> tuple[Catalogue, Matcher]:
        with self._lock:
            if self._ready_pair is None:
                catalogue = self._loader()
                self._ready_pair = (catalogue, Matcher(catalogue))
            return self._ready_pair

    def catalogue(self) -> Catalogue:
        """The catalogue (loaded on first use, then shared)."""
        return self._ready()[0]

    def compile(self, text: str) -> Query:
        """The query; ``QuerySyntaxError`` (with the column) when it does not parse."""
        catalogue, _ = self._ready()
        return parse_query(text, catalogue)

    def matches(self, query: Query, article: ArticleText) -> bool:
        catalogue, matcher = self._ready()
        body = article.text or ""
        if article.summary and article.summary not in body:
            body = article.summary + "\n\n" + body
        fields = split_fields(article.title, body)
        doc = QueryDoc(fields, counted(matcher.find(fields), catalogue), catalogue)
        return query.holds(doc)


def matching_stories(tools: QueryTools, query: Query, articles: Iterable[ArticleText],
                     limit: int = SCAN_LIMIT) -> tuple[set[int], QueryScan]:
    """The stories of which an article matches ``query``, reading at most ``limit``
    articles (``articles`` newest first, and one more than ``limit`` to tell truncation)."""
    found: set[int] = set()
    scanned = 0
    for article in articles:
        if scanned == limit:
            return found, QueryScan(scanned, limit, True)
        scanned += 1
        if article.story_id not in found and tools.matches(query, article):
            found.add(article.story_id)
    return found, QueryScan(scanned, limit, False)
