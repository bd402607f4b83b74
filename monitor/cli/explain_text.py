"""A rule trace (``rules/explain.py``) as lines for a terminal: each condition marked pass or
FAIL, query clauses indented under the clause they belong to. Pure; every string from an
article or the config is made one line (no control characters or terminal escapes)."""

from __future__ import annotations

from monitor.alerts.safe_text import one_line
from monitor.rules.explain import Clause, CountryTrace, FilterCheck, RuleTrace

INDENT = "  "


def _mark(held: bool) -> str:
    return "[pass]" if held else "[FAIL]"


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(one_line(v) for v in values)


def _filter_line(check: FilterCheck) -> str:
    story = _list(check.story) if check.story else "none"
    if check.key == "languages" and not check.story:
        story = "unknown, which passes"
    return f"{_mark(check.held)} {check.key}: {_list(check.wanted)} (story: {story})"


def _countries_lines(trace: CountryTrace) -> list[str]:
    if trace.min_salience is not None:
        bar = f"with salience >= {trace.min_salience:g}"
        each = [f"{c.code} {c.salience:g} {'>=' if c.passed else '<'} {trace.min_salience:g}"
                for c in trace.countries]
    else:
        bar = (f"about (salience >= {trace.threshold:g} and a share of the most salient "
               "country's)")
        each = [f"{c.code} {c.salience:g} {'about' if c.passed else 'not about'}"
                for c in trace.countries]
    head = (f"{_mark(trace.held)} countries: at least {trace.at_least} of "
            f"{', '.join(trace.of)} {bar}")
    return [head] + [f"{INDENT}{_mark(c.passed)} {line}"
                     for c, line in zip(trace.countries, each, strict=True)]


def _clause_lines(clause: Clause, label: str, depth: int, held: bool | None = None) -> list[str]:
    found = f": {_list(clause.found)}" if clause.found else ""
    mark = _mark(clause.held if held is None else held)
    lines = [f"{INDENT * depth}{mark} {label}{one_line(clause.text)}{found}"]
    for part in clause.parts:
        lines += _clause_lines(part, "", depth + 1)
    return lines


def trace_lines(trace: RuleTrace) -> list[str]:
    """Each condition of one rule, one line each (query clauses nested)."""
    lines = [_filter_line(f) for f in trace.filters]
    if trace.countries is not None:
        lines += _countries_lines(trace.countries)
    if trace.query is not None:
        lines += _clause_lines(trace.query, "query: ", 0)
    if trace.exclude is not None:
        state = "matched, so the rule is excluded" if trace.exclude.held else "not matched"
        lines += _clause_lines(trace.exclude, f"exclude ({state}): ", 0,
                               held=not trace.exclude.held)
    return lines
