"""The analyst's desk's Python API: stories, marks, the rule workbench."""
