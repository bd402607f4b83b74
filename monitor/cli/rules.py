"""Commands that try the rules: rules test/backtest, eval, entities."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

import click

from monitor.alerts.safe_text import one_line
from monitor.cli.base import (
    cli,
    duration,
    load,
    print_json,
    rules_api,
    runtime_errors,
    use_color,
)
from monitor.errors import NotFoundError, UnknownFeedError, UsageError

if TYPE_CHECKING:
    from monitor.rules.engine import Analysis


@cli.group()
def rules() -> None:
    """Try the rules."""


@rules.command("test")
@click.argument("source")
@click.option("--feed", default=None, metavar="NAME",
              help="As if from this configured feed (its name and tags apply).")
@click.option("--tags", default="", metavar="A,B", help="As if from a feed with these tags.")
@click.option("--lang", default=None, metavar="XX", help="As if the story's language were XX.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def rules_test(ctx: click.Context, source: str, feed: str | None, tags: str,
               lang: str | None, as_json: bool) -> None:
    """Run the rules on SOURCE: a text or HTML file, a URL, or - for standard input (a
    text's first line is its title). Shows each rule's conditions with pass or FAIL."""
    config = load(ctx)
    try:
        where = rules_api.feed_context(
            config, feed, tuple(t.strip() for t in tags.split(",") if t.strip()), lang)
    except UnknownFeedError as exc:
        raise click.BadParameter(str(exc), param_hint="'--feed'") from None
    except NotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="'--tags'") from None
    except UsageError as exc:
        raise click.BadParameter(str(exc), param_hint="'--lang'") from None
    try:
        title, analysis = rules_api.analyse_source(config, source, context=where)
    except OSError as exc:
        click.echo(f"error: cannot read {source}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    if as_json:
        print_json(rules_api.analysis_json(analysis))
        return
    for line in _analysis_lines(title, analysis, color=use_color(sys.stdout)):
        click.echo(line)


def _analysis_lines(title: str, analysis: Analysis, color: bool) -> list[str]:
    """``rules test``'s text output; article text is made one line (no terminal escapes)."""
    from monitor.cli.explain_text import trace_lines
    from monitor.rules.evidence import marked

    lines = [f"title: {one_line(title)}"] if title else []
    for code, score in sorted(analysis.countries.items(), key=lambda kv: -kv[1].salience):
        ents = ", ".join(f"{one_line(analysis.catalogue.entities[e].name)} ×{n}"
                         for e, n in sorted(score.entities.items(), key=lambda kv: -kv[1]))
        verdict = "ABOUT" if score.about else "mentioned"
        lines.append(f"{code}: salience {score.salience:g} ({verdict}): {ents}")
    before, after = ("\x1b[1;33m", "\x1b[0m") if color else ("[", "]")
    for result in analysis.results:
        mark = "MATCH" if result.matched else "no match"
        if color and result.matched:
            mark = click.style(mark, fg="green", bold=True)
        lines.append(f"rule {one_line(result.rule)}: {mark} — "
                     f"{one_line(result.evidence.clause)}")
        if result.trace is not None:
            lines += [f"    {line}" for line in trace_lines(result.trace)]
        for snip in result.evidence.snippets:
            shown = replace(snip, text=one_line(snip.text))  # same length: spans stay valid
            lines.append(f"  > {marked(shown, before, after)}")
    return lines


@rules.command("backtest")
@click.option("--since", callback=duration, default="30d", show_default=True)
@click.option("--rule", default=None, help="Only this rule.")
@click.option("--apply", is_flag=True, help="Store the new hits (no alerts are sent).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def rules_backtest(ctx: click.Context, since: timedelta | None, rule: str | None, apply: bool,
                   as_json: bool) -> None:
    """Re-run the rules over stored articles and list what would fire."""
    found = rules_api.backtest(load(ctx), since, rule, apply)
    if as_json:
        print_json([h.as_json() for h in found])
        return
    for h in found:
        state = "stored" if h.stored else ("stored now" if apply else "new")
        click.echo(f"[{one_line(h.rule)}] {state:<10} {one_line(h.title[:80])}\n"
                   f"    {one_line(h.url)}")
    new = sum(1 for h in found if not h.stored)
    click.echo(f"{len(found)} hits, {new} not stored before"
               + ("; stored them" if apply and new else ""))


@cli.command("eval")
@click.option("--data", "data", default=None, type=click.Path(exists=True, dir_okay=False),
              help="Labeled JSONL (id, title, body, countries; optional borderline, lang, rules).")
@click.option("--feedback", is_flag=True,
              help="Instead of --data: each rule's precision from the analysts' marks.")
@click.option("--since", callback=duration, default=None, metavar="DURATION",
              help="With --feedback: hits found in this window only (e.g. 30d; default all).")
@click.option("--split", type=click.Choice(["all", "tune", "holdout"]), default="all",
              show_default=True, help="Evaluate on the tune or holdout part (by id hash).")
@click.option("--errors", "errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="List the N worst-scored stories with their evidence.")
@click.option("--baseline", is_flag=True, help="Score the keyword baseline beside the monitor.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def eval_(ctx: click.Context, data: str | None, feedback: bool, since: timedelta | None,
          split: str, errors: int, baseline: bool, as_json: bool) -> None:
    """Precision, recall and F1 of the flag, of aboutness per country and of each rule: on all
    rows, on clear rows, per language (--data); or each rule's precision from the marks
    analysts made on the desk (--feedback)."""
    if feedback and data is not None:
        raise click.UsageError("--feedback and --data are exclusive: score the marks, or a file")
    if feedback:
        if errors or baseline or split != "all":
            raise click.UsageError("--split, --errors and --baseline go with --data")
        from monitor.cli.feedback import print_feedback

        print_feedback(load(ctx), since, as_json)
        return
    if data is None:
        raise click.UsageError("give --data FILE.jsonl (labeled stories) or --feedback "
                               "(the analysts' marks)")
    if since is not None:
        raise click.UsageError("--since goes with --feedback")
    from monitor.rules.eval_text import report_lines

    report = rules_api.evaluate_file(load(ctx), data, split,  # type: ignore[arg-type]
                                     errors=errors, baseline=baseline)
    if as_json:
        print_json(report)
        return
    for line in report_lines(report):
        click.echo(line)


@cli.command("entities")
@click.argument("query", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def entities(ctx: click.Context, query: str | None, as_json: bool) -> None:
    """Find catalogue entities (and their @id for queries) by id, name or any alias; the
    config's `entities:` are included. Without QUERY, list them all."""
    found = rules_api.entities(load(ctx), query)
    if as_json:
        print_json(found)
        sys.exit(0 if found else 1)
    from monitor.rules.user_entities import entity_lines

    for line in entity_lines(found):
        click.echo(line)
    if not found:
        click.echo(f"no entity matches {query!r}" if query else "no entities")
        sys.exit(1)
