"""HTTP pieces shared by ingestion and the alert channels, below both: the address guard
(``guard``), error translation (``faults``), bounded Content-Encoding decoding (``decode``)
and the clients and transports (``client``). Imports nothing from ``ingest`` or ``alerts``."""
