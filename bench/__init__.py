"""Benchmarks: ``make bench`` (``python -m bench``). Each figure is printed beside a baseline
measured in the same run, as a ratio, with the command that reproduces it."""
