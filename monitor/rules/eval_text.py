"""The ``monitor eval`` report (``rules_api.evaluate_file``'s document) as readable lines. Pure."""

from __future__ import annotations

from typing import Any

from monitor.rules.evaluate import COUNTRIES, FLAG_RULE

_HEAD = f"{'':<28}{'precision':>10}{'recall':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"


def _f1(v: dict[str, Any], width: int) -> str:
    """F1, or "-" where it is undefined (no gold positive and no prediction)."""
    return f"{v['f1']:>{width}.3f}" if v["tp"] + v["fp"] + v["fn"] else f"{'-':>{width}}"


def _line(label: str, v: dict[str, Any], base: dict[str, Any] | None = None) -> str:
    text = (f"{label:<28}{v['precision']:>10.3f}{v['recall']:>8.3f}{v['f1']:>8.3f}"
            f"{v['tp']:>6}{v['fp']:>6}{v['fn']:>6}")
    return text + (f"{base['f1']:>12.3f}" if base is not None else "")


def _slice(title: str, s: dict[str, Any], base: dict[str, Any] | None) -> list[str]:
    head = _HEAD + (f"{'baseline F1':>12}" if base is not None else "")
    lines = [f"{title} ({s['stories']} stories)", head,
             _line(f"flag {FLAG_RULE}", s["flag"], base and base["flag"])]
    lines += [_line(f"about {c}", s["countries"][c], base and base["countries"][c])
              for c in COUNTRIES]
    lines.append(_line("countries pooled (micro)", s["micro"], base and base["micro"]))
    return lines


def _languages(report: dict[str, Any], base: dict[str, Any] | None) -> list[str]:
    langs = report["languages"]
    if not langs:
        return []
    head = (f"{'lang':<6}{'stories':>8}{'micro P':>9}{'R':>7}{'F1':>7}"
            + "".join(f"{c + ' F1':>7}" for c in COUNTRIES) + f"{'flag F1':>9}{'flag tp/fp/fn':>15}"
            + f"{'clear F1':>10}" + (f"{'base F1':>9}" if base is not None else ""))
    lines = ["", "per language (all rows; micro = RU, CN, US pooled; clear F1: the micro F1 on"
             " the language's clear rows)", head]
    for lang, s in langs.items():
        m, f = s["micro"], s["flag"]
        counts = f"{f['tp']}/{f['fp']}/{f['fn']}"
        line = (f"{lang:<6}{s['stories']:>8}{m['precision']:>9.3f}{m['recall']:>7.3f}"
                f"{_f1(m, 7)}" + "".join(_f1(s["countries"][c], 7) for c in COUNTRIES)
                + f"{_f1(f, 9)}{counts:>15}" + _f1(report["languages_clear"][lang]["micro"], 10))
        if base is not None:
            line += _f1(base["languages"][lang]["micro"], 9)
        lines.append(line)
    return lines


def _error(n: int, e: dict[str, Any]) -> list[str]:
    tags = ", ".join(t for t in (e["lang"], "borderline" if e["borderline"] else "clear") if t)
    flag = e["flag"]
    verdict = ("false alarm" if flag["predicted"] else "missed") \
        if flag["predicted"] != flag["gold"] else "flag right"
    lines = [f"{n}. {e['title'][:100]}", f"   id {e['id']} ({tags})",
             f"   analyst: {', '.join(e['gold']) or 'none'}; monitor: "
             f"{', '.join(e['about']) or 'none'} ({verdict})"]
    if e.get("why"):
        lines.append(f"   why (analyst): {e['why']}")
    for code, c in e["countries"].items():
        mark = "!" if code in e["wrong_countries"] else " "
        state = "about" if c["about"] else "not about"
        ents = ", ".join(f"{x['name']} ×{x['count']}" for x in c["entities"]) or "no mention"
        where = ", ".join(f"{m['text']!r} ({m['field']})" for m in c["mentions"])
        lines.append(f" {mark} {code}: salience {c['salience']:g}, {state}"
                     f" (analyst: {'yes' if c['gold'] else 'no'}): {ents}"
                     + (f"; at {where}" if where else ""))
    for rule, ev in e["evidence"].items():
        lines.append(f"   rule {rule}: {ev['clause']}")
        lines += [f"     > {snip}" for snip in ev["snippets"]]
    for r in e["wrong_rules"]:
        lines.append(f"   rule {r['rule']}: {'fired' if r['fired'] else 'did not fire'}, "
                     f"label says it should {'' if r['label'] else 'not '}fire")
    return lines


def report_lines(report: dict[str, Any]) -> list[str]:
    """The whole report: slices, rules, languages, baseline keywords, worst stories."""
    base = report.get("baseline")
    slices, bslices = report["slices"], (base or {}).get("slices", {})
    lines = [f"{report['stories']} stories from {report['data']} (split: {report['split']}): "
             f"{slices['clear']['stories']} clear, {slices['borderline']['stories']} borderline",
             ""]
    lines += _slice("all rows", slices["all"], bslices.get("all"))
    if slices["clear"]["stories"] and slices["borderline"]["stories"]:
        lines += ["", *_slice("clear rows (not borderline)", slices["clear"],
                              bslices.get("clear"))]
    lines += ["", "rules (country rules against the countries, others against their row labels)",
              _HEAD]
    lines += [_line(f"rule {name}", v) for name, v in report["rules"].items()]
    lines += [f"rule {name}: not scored (no row has a `rules` label for it)"
              for name in report["unscored_rules"]]
    lines += _languages(report, base)
    if base is not None:
        lines += ["", "baseline: a story is about a country when it names one of these words "
                  "(whole word, case-sensitive):"]
        lines += [f"  {code}: {', '.join(words)}" for code, words in base["keywords"].items()]
    if report["errors"]:
        lines += ["", f"the {len(report['errors'])} worst-scored stories "
                  "(! marks a wrong country):"]
        for n, e in enumerate(report["errors"], 1):
            lines += _error(n, e)
    return lines
