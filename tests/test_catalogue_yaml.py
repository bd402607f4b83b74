"""The packaged catalogue files read with libyaml's loader (what the engine uses, for speed) give
exactly what PyYAML's pure-Python safe loader gives: the same entities, aliases and names."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from monitor.rules import catalogue

DATA = resources.files("monitor.rules").joinpath("data")
FILES = sorted(p.name for p in DATA.iterdir() if p.name.endswith(".yaml"))


def test_the_engine_reads_with_libyaml() -> None:
    assert hasattr(yaml, "CSafeLoader"), "PyYAML was built without libyaml"
    assert catalogue._LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("name", FILES)
def test_libyaml_reads_each_packaged_file_as_pure_python_does(name: str) -> None:
    text = DATA.joinpath(name).read_text("utf-8")
    fast = yaml.load(text, Loader=yaml.CSafeLoader)
    assert fast == yaml.safe_load(text)
    assert fast  # the file holds data
