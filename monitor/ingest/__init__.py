"""Ingestion: fetch feeds and pages (``fetch``), parse feeds (``feeds``), identify entries
(``identity``), schedule the next check (``schedule``) and extract article text (``extract``)."""
