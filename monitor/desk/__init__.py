"""The analyst's desk's Python API: stories, their evidence and marks, feedback, the
workbench, saved searches, ops, users."""
