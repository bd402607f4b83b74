"""A database for the story list's tests, filled by a REAL poll of feeds on loopback: the
seed story carried by two outlets, a hostile headline, and a few other stories to page
through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pytest_httpserver import HTTPServer

from monitor.config import Config, load_config
from tests.cli_pipeline import poll, serve
from tests.conftest import ROOT

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"
# As a feed would carry it to show those characters as text: escaped once more in the XML.
HOSTILE_IN_FEED = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
OTHERS = [  # (title, text): stories of other outlets, each its own story
    ("Kremlin rejects new sanctions from Washington over pipeline",
     "The Kremlin said Russia would answer the sanctions the United States announced on "
     "Friday against its energy companies."),
    ("Beijing protests US arms sale to Taiwan",
     "China's foreign ministry said the sale harms relations with the United States and "
     "summoned the American ambassador in Beijing."),
    ("Moscow and Washington swap prisoners in Abu Dhabi",
     "Russia and the United States exchanged two prisoners, the Kremlin and the White House "
     "said on Tuesday."),
    ("Chinese and Russian navies hold joint drills",
     "The People's Liberation Army and the Russian navy started exercises in the Sea of Japan, "
     "Beijing and Moscow said."),
    (HOSTILE_IN_FEED + " Kremlin and White House trade words",
     "Russia's Kremlin and the White House exchanged statements over the weekend about "
     "the talks in Geneva."),
]


def seed_item(seed: str, guid: str, link: str) -> dict[str, str]:
    first, rest = seed.strip().split("\n", 1)
    lead = first.split(" ", 2)[2] if first.startswith("date ") else first
    body = " ".join(p.strip() for p in rest.split("\n") if p.strip())
    return {"title": lead.strip(), "guid": guid, "link": link, "description": body[:3000],
            "pubDate": "Mon, 05 Jan 2026 11:30:00 GMT"}


def fill(tmp_path: Path, web: HTTPServer, db_url: str | None = None) -> Config:
    """Poll three outlets twice (the second outlet ten minutes after the first); returns the
    config (``db_url``, else a SQLite file under ``tmp_path``)."""
    seed = (ROOT.parent / "shared" / "data" / "seed" / "seed-article.txt").read_text("utf-8")
    others = [{"title": t, "guid": f"c{i}", "link": f"http://127.0.0.1:9/c/{i}",
               "description": d, "pubDate": "Mon, 05 Jan 2026 10:00:00 GMT"}
              for i, (t, d) in enumerate(OTHERS)]
    feeds: list[dict[str, Any]] = [
        {"name": "outlet-a", "url": serve(web, "a", [seed_item(seed, "a1", "http://127.0.0.1:9/a/seed")]),
         "tags": ["wire"]},
        {"name": "outlet-c", "url": serve(web, "c", others), "tags": ["wire"]},
    ]
    path = tmp_path / "config.yaml"

    def write(feeds: list[dict[str, Any]]) -> Path:
        path.write_text(yaml.safe_dump({
            "database": {"url": db_url or f"sqlite:///{tmp_path / 'm.db'}"},
            "fetch": {"allow_private_addresses": True, "full_text": False, "timeout": "10s"},
            "feeds": feeds,
            "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}},
                      {"name": "kremlin", "query": "Kremlin OR Putin", "severity": "high"}],
        }))
        return path

    poll(write(feeds), NOW - timedelta(minutes=10))
    feeds.append({"name": "outlet-b", "tags": ["state media"],
                  "url": serve(web, "b", [seed_item(seed, "b1", "http://127.0.0.1:9/b/seed")])})
    poll(write(feeds), NOW)
    return load_config(path)
