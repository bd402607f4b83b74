"""Commands that try the rules: rules test/backtest, eval, entities."""

from __future__ import annotations

import sys
from datetime import timedelta

import click

from monitor.cli.base import (
    cli,
    duration,
    load,
    print_json,
    rules_api,
    runtime_errors,
    use_color,
)


@cli.group()
def rules() -> None:
    """Try the rules."""


@rules.command("test")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def rules_test(ctx: click.Context, source: str, as_json: bool) -> None:
    """Run the rules on SOURCE: a text or HTML file, a URL, or - for standard input."""
    try:
        title, analysis = rules_api.analyse_source(load(ctx), source)
    except OSError as exc:
        click.echo(f"error: cannot read {source}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    if as_json:
        print_json(rules_api.analysis_json(analysis))
        return
    color = use_color(sys.stdout)
    if title:
        click.echo(f"title: {title}")
    for code, score in sorted(analysis.countries.items(), key=lambda kv: -kv[1].salience):
        ents = ", ".join(f"{analysis.catalogue.entities[e].name} ×{n}"
                         for e, n in sorted(score.entities.items(), key=lambda kv: -kv[1]))
        verdict = "ABOUT" if score.about else "mentioned"
        click.echo(f"{code}: salience {score.salience:g} ({verdict}): {ents}")
    for result in analysis.results:
        mark = "MATCH" if result.matched else "no match"
        if color and result.matched:
            mark = click.style(mark, fg="green", bold=True)
        click.echo(f"rule {result.rule}: {mark} — {result.evidence['clause']}")
        for snip in result.evidence["snippets"]:
            from monitor.rules.evidence import marked

            before, after = ("\x1b[1;33m", "\x1b[0m") if color else ("[", "]")
            click.echo(f"  > {marked(snip, before, after)}")


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
        print_json([vars(h) for h in found])
        return
    for h in found:
        state = "stored" if h.stored else ("stored now" if apply else "new")
        click.echo(f"[{h.rule}] {state:<10} {h.title[:80]}\n    {h.url}")
    new = sum(1 for h in found if not h.stored)
    click.echo(f"{len(found)} hits, {new} not stored before"
               + ("; stored them" if apply and new else ""))


@cli.command("eval")
@click.option("--data", "data", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Labeled JSONL (id, title, body, countries; optional borderline, lang, rules).")
@click.option("--split", type=click.Choice(["all", "tune", "holdout"]), default="all",
              show_default=True, help="Evaluate on the tune or holdout part (by id hash).")
@click.option("--errors", "errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="List the N worst-scored stories with their evidence.")
@click.option("--baseline", is_flag=True, help="Score the keyword baseline beside the monitor.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@runtime_errors
def eval_(ctx: click.Context, data: str, split: str, errors: int, baseline: bool,
          as_json: bool) -> None:
    """Precision, recall and F1 of the flag, of aboutness per country and of each rule: on all
    rows, on clear rows, per language."""
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
