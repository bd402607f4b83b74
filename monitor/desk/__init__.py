"""The analyst's desk's Python API: stories, their evidence and marks, the workbench."""
