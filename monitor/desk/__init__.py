"""The analyst's desk's Python API: what its pages show and do, on a Session, typed."""
