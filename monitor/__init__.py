"""monitor: a media-monitoring daemon that never misses a story that matters."""

__version__ = "0.1.0"
