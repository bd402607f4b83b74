"""What an alert says, in each channel's format. Pure.

``AlertView`` is built from a stored hit; ``console_text``, ``slack_payload``, ``email_parts``
and ``webhook_payload`` render it. Text that comes from articles is escaped for its target:
Slack's ``&``, ``<``, ``>`` (so a headline cannot ``<!channel>``), HTML via Jinja2 autoescape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from monitor.rules.evidence import marked


@dataclass(frozen=True)
class AlertView:
    alert_id: int
    rule: str
    severity: str
    title: str
    url: str
    site: str | None
    published_at: datetime | None
    feeds: list[str]
    evidence: dict[str, Any]
    score: float
    test: bool = False
    story_id: int | None = None
    kind: str = "alert"  # alert | followup
    parent_id: int | None = None
    recipients: list[str] | None = None  # this rule's email recipients, if it names them
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def countries(self) -> list[tuple[str, str, float]]:
        """(code, name, salience) for the countries the story is about."""
        cs = self.evidence.get("countries", {})
        return [(code, cs[code]["name"], cs[code]["salience"])
                for code in self.evidence.get("about", []) if code in cs]

    @property
    def entities(self) -> list[str]:
        """"Vladimir Putin ×2", … for the countries the story is about."""
        out = []
        for code, _name, _sal in self.countries:
            for ent in self.evidence["countries"][code]["entities"]:
                out.append(f"{ent['name']} ×{ent['count']}")
        return out

    @property
    def snippets(self) -> list[dict[str, Any]]:
        return list(self.evidence.get("snippets", []))


_env = Environment(loader=PackageLoader("monitor.alerts", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True)


def _when(view: AlertView) -> str:
    return view.published_at.strftime("%Y-%m-%d %H:%M UTC") if view.published_at else "undated"


def _countries_line(view: AlertView) -> str:
    return ", ".join(f"{name} ({code}, salience {sal:g})" for code, name, sal in view.countries)


def console_text(view: AlertView) -> str:
    lines = [
        f"[{view.rule}] {view.title}",
        f"  link:      {view.url}",
        f"  source:    {view.site or '-'} via {', '.join(view.feeds) or '-'} · {_when(view)}",
        f"  countries: {_countries_line(view)}",
        f"  entities:  {', '.join(view.entities)}",
        f"  why:       {view.evidence.get('clause', '')}",
    ]
    lines += [f"  > {marked(s, '[', ']')}" for s in view.snippets]
    return "\n".join(lines)


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_snippet(snippet: dict[str, Any]) -> str:
    text: str = snippet["text"]
    out, pos = [], 0
    for start, end in snippet["spans"]:
        out += [slack_escape(text[pos:start]), "*", slack_escape(text[start:end]), "*"]
        pos = end
    out.append(slack_escape(text[pos:]))
    return "".join(out)


def slack_payload(view: AlertView) -> dict[str, Any]:
    """An incoming-webhook message: Block Kit blocks plus a plain ``text`` fallback."""
    title = slack_escape(view.title or view.url)
    link = view.url.replace(">", "%3E").replace("|", "%7C")
    header = f"*<{link}|{title}>*"
    meta = (f"{slack_escape(view.site or '')} · {_when(view)} · rule *{slack_escape(view.rule)}*"
            f" · {slack_escape(view.severity)}")
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": header}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": meta}]},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": "*Countries*\n" + slack_escape(_countries_line(view))},
            {"type": "mrkdwn", "text": "*Entities*\n" + slack_escape(", ".join(view.entities))},
        ]},
    ]
    if view.snippets:
        quote = "\n".join("> " + _slack_snippet(s) for s in view.snippets)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": quote[:2900]}})
    fallback = f"[{view.rule}] {title} {view.url}"
    return {"text": fallback, "blocks": blocks, "unfurl_links": False}


def email_parts(view: AlertView) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for one alert."""
    subject = f"[{view.rule}] {view.title}".replace("\n", " ")[:200]
    ctx = {"v": view, "when": _when(view), "countries": _countries_line(view),
           "snippets": [_html_parts(s) for s in view.snippets],
           "plain_snippets": [marked(s, "[", "]") for s in view.snippets]}
    return subject, _env.get_template("alert.txt").render(ctx), \
        _env.get_template("alert.html").render(ctx)


def _html_parts(snippet: dict[str, Any]) -> list[tuple[str, bool]]:
    """A snippet as (text, is_match) pieces; the template escapes and marks them."""
    text: str = snippet["text"]
    out, pos = [], 0
    for start, end in snippet["spans"]:
        out += [(text[pos:start], False), (text[start:end], True)]
        pos = end
    out.append((text[pos:], False))
    return out


def webhook_payload(view: AlertView) -> dict[str, Any]:
    return {
        "alert_id": view.alert_id, "kind": view.kind, "story_id": view.story_id,
        "rule": view.rule, "severity": view.severity,
        "score": view.score, "title": view.title, "url": view.url, "site": view.site,
        "published_at": view.published_at.isoformat() if view.published_at else None,
        "feeds": view.feeds, "evidence": view.evidence, "test": view.test,
    }


# ---- several alerts in one message (a burst, or a digest) ------------------------------------

def group_by_story(views: list[AlertView]) -> list[tuple[AlertView, list[AlertView]]]:
    """Each story's alert with the follow-ups (other outlets) that came after it."""
    groups: dict[int, tuple[AlertView, list[AlertView]]] = {}
    order: list[int] = []
    for view in views:
        key = view.parent_id if view.kind == "followup" and view.parent_id else view.alert_id
        if key in groups:
            groups[key][1].append(view)
        else:
            groups[key] = (view, [])
            order.append(key)
    return [groups[k] for k in order]


def _follow_line(view: AlertView) -> str:
    return f"also: {view.site or ', '.join(view.feeds) or '-'} — {view.title}"


def console_batch_text(views: list[AlertView], heading: str) -> str:
    parts = [heading]
    for main, follow in group_by_story(views):
        parts.append(console_text(main))
        parts += [f"  {_follow_line(f)} ({f.url})" for f in follow]
    return "\n".join(parts)


def slack_batch_payload(views: list[AlertView], heading: str) -> dict[str, Any]:
    """One message listing several stories: their headlines, outlets, countries and rule."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": heading[:150]}}]
    for main, follow in group_by_story(views)[:40]:
        link = main.url.replace(">", "%3E").replace("|", "%7C")
        line = (f"*<{link}|{slack_escape(main.title or main.url)}>*\n"
                f"{slack_escape(main.site or '')} · rule *{slack_escape(main.rule)}* · "
                f"{slack_escape(_countries_line(main))}")
        for f in follow[:5]:
            flink = f.url.replace(">", "%3E").replace("|", "%7C")
            line += f"\n   ↳ <{flink}|{slack_escape(f.site or f.title or f.url)}>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line[:2900]}})
    text = f"{heading}: " + "; ".join(slack_escape(v.title) for v in views[:10])
    return {"text": text[:3000], "blocks": blocks, "unfurl_links": False}


def email_batch_parts(views: list[AlertView], heading: str) -> tuple[str, str, str]:
    groups = group_by_story(views)
    ctx = {"heading": heading,
           "groups": [{"v": main, "when": _when(main), "countries": _countries_line(main),
                       "snippet": [_html_parts(s) for s in main.snippets[:1]],
                       "plain_snippet": [marked(s, "[", "]") for s in main.snippets[:1]],
                       "follow": follow} for main, follow in groups]}
    subject = f"[monitor] {heading}"[:200]
    return subject, _env.get_template("digest.txt").render(ctx), \
        _env.get_template("digest.html").render(ctx)


def webhook_batch_payload(views: list[AlertView], heading: str) -> dict[str, Any]:
    return {"heading": heading, "alerts": [webhook_payload(v) for v in views]}
