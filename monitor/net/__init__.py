"""HTTP pieces shared by ingestion and the alert channels, below both: the address guard
(``guard``), error translation (``faults``), bounded Content-Encoding decoding (``decode``),
the clients and transports (``client``) and URLs fit for a log line (``log_url``). Imports
nothing from ``ingest`` or ``alerts``."""
