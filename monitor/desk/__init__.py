"""The analyst's desk's Python API: stories, marks, feedback and the rule workbench."""
