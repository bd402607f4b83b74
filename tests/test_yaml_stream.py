"""config.yaml read event by event (``config.yaml_stream``) gives what ``yaml.safe_load``
gives, or hands the text back to it: the same values, the same errors with their positions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monitor.config import yaml_stream
from monitor.config.load import load_config

ROOT = Path(__file__).resolve().parents[1]
PLAIN = [
    "",
    "# only a comment\n",
    "a: 1\nb: [1, 2.5, true, null, ~, 0x1f, 1_000, .inf, 2026-01-05, 2026-01-05 12:00:00]\n",
    "feeds:\n  - {name: a, url: 'http://a.test/', tags: [x, y]}\n  - name: b\n    url: x\n",
    "a: &x {k: [1, 2]}\nb: *x\nc: &s text\nd: *s\n",
    "a: !!str 12\nb: !!float 1\nc: !!binary aGVsbG8=\nd: '12'\ne: \"\\u00e9\"\n",
    "a: 1\na: 2\n",
    "k: |\n  line one\n  line two\nf: >\n  folded\n  text\n",
    "- - nested\n  - [deep, {x: {y: [z]}}]\n- {}\n- []\n",
    "yes: no\non: off\n? plain key\n: value\n",
]
UNUSUAL = [
    "base: &b {interval: 5m}\nfeed: {<<: *b, name: a}\n",
    "a: !!set {x, y}\n",
    "a: !!omap [x: 1, y: 2]\n",
    "a: &r [*r]\n",
    "--- 1\n--- 2\n",
    "? [a, b]\n: complex key\n",
    "a: !custom 1\n",
    "a: *nowhere\n",
]
BROKEN = ["a: [1, 2\n", "a: b: c\n", "a:\n\t- tab\n", "- a\nb: c\n"]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_documents_read_as_safe_load_reads_them(text: str) -> None:
    assert yaml_stream.load(text) == yaml.safe_load(text)


def test_anchored_values_are_shared_as_safe_load_shares_them() -> None:
    data = yaml_stream.load("a: &x [1]\nb: *x\n")
    assert data["a"] is data["b"]


@pytest.mark.parametrize("path", [p for p in sorted(ROOT.rglob("*.yaml"))
                                  if ".venv" not in p.parts and "node_modules" not in p.parts])
def test_the_repositorys_yaml_files_read_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_stream.load(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", UNUSUAL)
def test_what_it_does_not_read_is_left_to_safe_load(text: str) -> None:
    with pytest.raises(yaml_stream.Unusual):
        yaml_stream.load(text)


@pytest.mark.parametrize("text", BROKEN)
def test_broken_yaml_fails_with_libyamls_error_at_safe_loads_position(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as ours:
        yaml_stream.load(text)
    with pytest.raises(yaml.YAMLError) as libyaml:
        yaml.load(text, Loader=yaml.CSafeLoader)
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.safe_load(text)
    assert str(ours.value) == str(libyaml.value)
    mark, theirs = (getattr(e.value, "problem_mark", None) for e in (ours, pure))
    assert (mark.line, mark.column) == (theirs.line, theirs.column)  # type: ignore[union-attr]


def test_a_config_with_merge_keys_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("feeds:\n  - &a {name: a, url: 'http://a.test/rss', interval: 5m}\n"
                    "  - {<<: *a, name: b}\nalerts: {channels: []}\n", encoding="utf-8")
    feeds = load_config(path, env={}).feeds
    assert [(f.name, f.url, f.interval) for f in feeds] == [
        ("a", "http://a.test/rss", 300.0), ("b", "http://a.test/rss", 300.0)]
