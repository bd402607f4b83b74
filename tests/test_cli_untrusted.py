"""Text from feeds shown by the command line stays on one line and cannot drive the terminal:
titles and links that carry a line separator (U+2028) or a bidi override are printed with
those characters as spaces. Real feed on loopback, real SQLite."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.cli_pipeline import OUTLET_A, poll, run, serve, write_config

HOSTILE = {**OUTLET_A, "title": "Xi and Putin\u20282J pledge\u202e deeper ties in Moscow",
           "link": "http://127.0.0.1:9/a/xi-\u202eputin"}


def test_rules_backtest_text_output_escapes_title_and_url(tmp_path: Path,
                                                         web: HTTPServer) -> None:
    path = write_config(tmp_path, [{"name": "outlet-a", "url": serve(web, "a", [HOSTILE])}])
    assert poll(path).cycle.total("hits") == 1
    code, out, err = run(path, "rules", "backtest", "--since", "1000d")
    assert code == 0, err
    assert "Xi and Putin 2J pledge  deeper ties" in out
    assert "http://127.0.0.1:9/a/xi- putin" in out
    assert "\u2028" not in out and "\u202e" not in out
