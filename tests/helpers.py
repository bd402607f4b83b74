"""Builders shared by tests: RSS documents, the seed page, real benchmark pages, configs."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path
from typing import Any

from monitor.config import Config, parse_config

# Words that would make a page about Russia or China; pages naming none of them are
# "unrelated" to the Russia-China-US story whatever their subject.
_RU_CN = re.compile(r"Russia|Soviet|Moscow|Kremlin|Putin|China|Chinese|Beijing|Xi Jinping",
                    re.IGNORECASE)


def rss(items: list[dict[str, str]], title: str = "Test feed") -> bytes:
    parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
             f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link>"
             "<description>test</description>"]
    for it in items:
        parts.append("<item>" + "".join(f"<{k}>{html.escape(v)}</{k}>" for k, v in it.items())
                     + "</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def seed_page(seed_text: str) -> tuple[str, bytes]:
    """The seed story as a plain news page; its title is the story's own lead sentence."""
    first, rest = seed_text.strip().split("\n", 1)
    lead = re.sub(r"^date \d{4}-\d{2}-\d{2}\s*", "", first).strip()
    paras = "".join(f"<p>{html.escape(p.strip())}</p>" for p in rest.split("\n") if p.strip())
    page = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(lead)}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{html.escape(lead)}</h1><p>{html.escape(lead)}</p>{paras}</article>"
            "<footer>Footer</footer></body></html>")
    return lead, page.encode()


def unrelated_pages(bench_dir: Path, count: int) -> list[tuple[str, str, bytes]]:
    """(id, first words as a headline, page bytes) of real benchmark pages whose reference
    text names neither Russia nor China."""
    truth = json.loads((bench_dir / "ground-truth.json").read_text("utf-8"))
    out = []
    for page_id in sorted(truth):
        body = truth[page_id]["articleBody"]
        if _RU_CN.search(body) or len(body) < 500:
            continue
        headline = " ".join(body.split()[:10])
        out.append((page_id, headline, gzip.decompress(
            (bench_dir / "html" / f"{page_id}.html.gz").read_bytes())))
        if len(out) == count:
            break
    return out


def make_config(db_url: str, feeds: list[dict[str, Any]], *, slack_url: str | None = None,
                smtp_port: int | None = None, full_text: bool = True,
                extra: dict[str, Any] | None = None) -> Config:
    channels: list[dict[str, Any]] = []
    if slack_url:
        channels.append({"name": "slack", "type": "slack", "webhook_url": slack_url})
    if smtp_port:
        channels.append({"name": "email", "type": "email", "host": "127.0.0.1",
                         "port": smtp_port, "security": "none", "from_addr": "monitor@test",
                         "to": ["desk@test"]})
    data: dict[str, Any] = {
        "database": {"url": db_url},
        "fetch": {"allow_private_addresses": True, "timeout": "10s", "full_text": full_text,
                  "concurrency": 8},
        "feeds": feeds,
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": channels,
                   "retry": {"base_seconds": 1, "max_seconds": 5, "max_attempts": 3}},
    }
    for key, value in (extra or {}).items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    return parse_config(data, env={})
