"""Which feeds may be fetched from a private address: the feed sources the operator vouched
for (config.yaml's, OPML imported with ``monitor feeds import --allow-private``, feeds added
with ``monitor feeds add --allow-private``). Pure.
"""

from __future__ import annotations

from monitor.config import FetchConfig
from monitor.ingest.opml import OPML_LAN

ADDED = "added"  # ``monitor feeds add``: fetched through the SSRF guard
ADDED_LAN = "added-lan"  # ``monitor feeds add --allow-private``
TRUSTED_SOURCES = ("config", OPML_LAN, ADDED_LAN)


def feed_may_be_private(source: str, cfg: FetchConfig) -> bool:
    """Whether a feed may be fetched from a private address: config.yaml's feeds are the
    operator's own (often on the LAN); imported ones obey ``fetch.allow_private_addresses``
    like article links, unless the import said ``--allow-private``."""
    return source in TRUSTED_SOURCES or cfg.allow_private_addresses
