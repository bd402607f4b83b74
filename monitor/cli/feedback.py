"""The ``feedback`` commands (``feedback export``: the analysts' marks as labeled JSONL) and
the text of ``eval --feedback`` (each rule's precision from the marks)."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.alerts.safe_text import json_for_terminal, one_line
from monitor.cli.base import cli, duration, load, print_json, runtime_errors
from monitor.clock import utcnow

if TYPE_CHECKING:
    from monitor.config import Config
    from monitor.desk.feedback import FeedbackReport


def print_feedback(config: Config, since: timedelta | None, as_json: bool) -> None:
    """``eval --feedback``: the report as JSON, or a line per rule."""
    from monitor.desk.feedback import feedback_of

    report = feedback_of(config, since, utcnow())
    if as_json:
        print_json(report.as_json())
        return
    for line in feedback_lines(report):
        click.echo(line)


def feedback_lines(report: FeedbackReport) -> list[str]:
    """A line per rule: precision, the counts behind it, the false positives by reason."""
    width = max((len(r.rule) for r in report.rules), default=0)
    lines = []
    for r in report.rules:
        shown = f"{r.precision:.2f}" if r.precision is not None else "-"
        line = (f"{one_line(r.rule):<{width}}  precision {shown} ({r.relevant} relevant, "
                f"{r.false_positive} false positive, {r.unreviewed} unreviewed of "
                f"{r.stories} stories)")
        if r.reasons:
            line += "; false positives: " + ", ".join(f"{one_line(k)} {n}"
                                                      for k, n in r.reasons.items())
        lines.append(line)
    window = f"hits found since {report.since.isoformat()}" if report.since else "all hits"
    return [*lines, f"({window}; a rule's verdict on a story is the latest mark on its hit, "
                    "else on the story)"]


@cli.group()
def feedback() -> None:
    """The analysts' marks, out of the desk."""


@feedback.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the rows to this file (default: standard output).")
@click.option("--since", callback=duration, default=None, metavar="DURATION",
              help="Stories whose hits were found in this window (e.g. 30d; default all).")
@click.option("--json", "as_json", is_flag=True,
              help="With -o: print what was written as JSON.")
@click.pass_context
@runtime_errors
def feedback_export(ctx: click.Context, output: Path | None, since: timedelta | None,
                    as_json: bool) -> None:
    """Every reviewed story as a labeled JSONL row (the format `monitor eval --data` reads):
    its lead article's title and text, the rules judged on it, the countries implied."""
    if as_json and output is None:
        raise click.UsageError("--json needs -o FILE: without it the rows are the output")
    from monitor.desk.labels import export_of, summary

    rows = export_of(load(ctx), since, utcnow())
    # Control and format characters of article text escaped: the same data, terminal-safe.
    text = "".join(json_for_terminal(json.dumps(r.as_json(), ensure_ascii=False)) + "\n"
                   for r in rows)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(1)
    done = summary(rows)
    if as_json:
        print_json({"file": str(output), **done.as_json()})
        return
    click.echo(f"{done.rows} rows ({done.borderline} borderline)"
               + (f" written to {output}" if output else ""), err=True)
