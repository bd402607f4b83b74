"""A feed URL's credentials (a token in the query string, a password in the userinfo) stay out
of the log: the poll's log lines show the URL with those values masked. Real feed server on
loopback, real SQLite file; the log as the logging module receives it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor import api
from monitor.net.log_url import MASK, public_url
from tests.helpers import make_config

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
TOKEN = "s3cr3t-feed-token"


@pytest.mark.parametrize(("url", "shown"), [
    (f"https://news.example/rss?token={TOKEN}&format=rss",
     f"https://news.example/rss?token={MASK}&format=rss"),
    ("https://news.example/rss?key=abc", f"https://news.example/rss?key={MASK}"),
    ("https://reader:hunter22@news.example/rss", f"https://reader:{MASK}@news.example/rss"),
    ("https://news.example/world/rss.xml", "https://news.example/world/rss.xml"),
    ("http://[::1/rss?token=abcdefgh", f"http://[::1/rss?token={MASK}"),
])
def test_public_url_masks_query_secrets_and_passwords(url: str, shown: str) -> None:
    assert public_url(url) == shown


def test_poll_failed_log_line_masks_the_feed_token(tmp_path: Path, web: HTTPServer,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    web.expect_request("/feed.xml").respond_with_data("down", status=500)
    url = web.url_for("/feed.xml") + f"?token={TOKEN}"
    config = make_config(f"sqlite:///{tmp_path / 'm.db'}", [{"name": "private", "url": url}],
                         full_text=False)
    caplog.set_level(logging.INFO)
    api.poll_once(config, now=NOW, workers=0)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("monitor")]
    failed = [m for m in ours if "poll failed" in m]
    assert failed and f"?token={MASK}" in failed[0]
    assert all(TOKEN not in m for m in ours)
