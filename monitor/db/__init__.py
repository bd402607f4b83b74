"""Database: typed models (``models``), engine and migrations (``engine``), SQL (``store``)."""
