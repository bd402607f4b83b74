"""The analyst's desk's Python API: stories, marks, the workbench, saved searches."""
