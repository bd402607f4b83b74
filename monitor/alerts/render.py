"""What an alert says, in each channel's format. Pure.

``AlertView`` is built from a stored hit; ``console_text``, ``slack_payload``, ``email_parts``
and ``webhook_payload`` render it. Every string that comes from outside (title, URL, site, feed
names, snippets, evidence) is made safe for its target: for Slack escaped (``&``, ``<``, ``>``:
nothing can ``<!channel>``) and cut to Block Kit's limits (``mrkdwn``); for email and the
console made one line (no CR/LF or terminal escapes, ``clean``) and, in HTML, escaped by
Jinja2's autoescape. Only http(s) URLs become links. The webhook gets the strings as found.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from monitor.alerts import mrkdwn
from monitor.alerts.safe_text import link_url, one_line, squeeze
from monitor.evidence_model import Evidence, Snippet
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
    evidence: Evidence
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
        cs = self.evidence.countries
        return [(code, cs[code].name, cs[code].salience)
                for code in self.evidence.about if code in cs]

    @property
    def entities(self) -> list[str]:
        """"Vladimir Putin ×2", … for the countries the story is about."""
        out = []
        for code, _name, _sal in self.countries:
            for ent in self.evidence.countries[code].entities:
                out.append(f"{ent.name} ×{ent.count}")
        return out

    @property
    def snippets(self) -> list[Snippet]:
        return list(self.evidence.snippets)


_env = Environment(loader=PackageLoader("monitor.alerts", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True)
_env.filters["link"] = link_url  # None unless the URL may be a link (http/https)


def clean(view: AlertView) -> AlertView:
    """The view with every string from outside made one line (no CR/LF, ESC, …): what the
    console and email show. The offsets of the snippets' marked words stay valid."""
    return replace(view, title=one_line(view.title), url=one_line(view.url),
                   site=one_line(view.site) if view.site is not None else None,
                   rule=one_line(view.rule), severity=one_line(view.severity),
                   feeds=[one_line(f) for f in view.feeds],
                   evidence=view.evidence.map_text(one_line))


def _when(view: AlertView) -> str:
    return view.published_at.strftime("%Y-%m-%d %H:%M UTC") if view.published_at else "undated"


def _countries_line(view: AlertView) -> str:
    return ", ".join(f"{name} ({code}, salience {sal:g})" for code, name, sal in view.countries)


def console_text(view: AlertView) -> str:
    view = clean(view)
    lines = [
        f"[{view.rule}] {view.title}",
        f"  link:      {view.url}",
        f"  source:    {view.site or '-'} via {', '.join(view.feeds) or '-'} · {_when(view)}",
        f"  countries: {_countries_line(view)}",
        f"  entities:  {', '.join(view.entities)}",
        f"  why:       {view.evidence.clause}",
    ]
    lines += [f"  > {marked(s, '[', ']')}" for s in view.snippets]
    return "\n".join(lines)


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return mrkdwn.escape(text)


def _slack_header(view: AlertView) -> str:
    """The headline in bold, linked to the article when its URL may be a link."""
    title = view.title or view.url
    if link_url(view.url) is None:  # javascript:, data:, …: shown as text, never linked
        shown = f"*{mrkdwn.clip(mrkdwn.escape(title), mrkdwn.LABEL)}*"
        if not view.url or title == view.url:
            return shown
        return f"{shown}\n{mrkdwn.clip(mrkdwn.escape(view.url), mrkdwn.LABEL)}"
    return f"*{mrkdwn.link(view.url, title)}*"


def _section(text: str, limit: int = mrkdwn.SECTION_TEXT) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn.clip(text, limit)}}


def slack_payload(view: AlertView) -> dict[str, Any]:
    """An incoming-webhook message: Block Kit blocks plus a plain ``text`` fallback, every
    string from the article escaped and each block within Slack's limits."""
    meta = (f"{slack_escape(view.site or '')} · {_when(view)} · rule *{slack_escape(view.rule)}*"
            f" · {slack_escape(view.severity)}")
    fields = [("*Countries*\n", _countries_line(view)),
              ("*Entities*\n", ", ".join(view.entities))]
    blocks: list[dict[str, Any]] = [
        _section(_slack_header(view)),
        {"type": "context", "elements": [
            {"type": "mrkdwn", "text": mrkdwn.clip(meta, mrkdwn.SECTION_TEXT)}]},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": mrkdwn.clip(label + slack_escape(value),
                                                   mrkdwn.FIELD_TEXT)}
            for label, value in fields]},
    ]
    if view.snippets:
        quote = "\n".join("> " + mrkdwn.quote_snippet(s) for s in view.snippets)
        blocks.append(_section(quote))
    fallback = (f"[{slack_escape(view.rule)}] "
                f"{mrkdwn.clip(slack_escape(view.title or view.url), mrkdwn.LABEL)}")
    if (target := mrkdwn.link_target(view.url)) is not None:  # as the headline links it
        fallback += " " + target
    return {"text": mrkdwn.clip(fallback, mrkdwn.SECTION_TEXT), "blocks": blocks,
            "unfurl_links": False}


def email_parts(view: AlertView) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for one alert."""
    view = clean(view)
    subject = squeeze(f"[{view.rule}] {view.title}")[:200]
    ctx = {"v": view, "link": link_url(view.url), "when": _when(view),
           "countries": _countries_line(view),
           "snippets": [_html_parts(s) for s in view.snippets],
           "plain_snippets": [marked(s, "[", "]") for s in view.snippets]}
    return subject, _env.get_template("alert.txt").render(ctx), \
        _env.get_template("alert.html").render(ctx)


def _html_parts(snippet: Snippet) -> list[tuple[str, bool]]:
    """A snippet as (text, is_match) pieces; the template escapes and marks them."""
    return list(snippet.segments())


def webhook_payload(view: AlertView) -> dict[str, Any]:
    """The generic webhook's JSON body for one alert.

    ``alert_id``, ``kind`` (``alert`` | ``followup``), ``story_id``, ``rule``, ``severity``,
    ``score``, ``title``, ``url``, ``site``, ``published_at`` (ISO 8601 or null), ``feeds``,
    ``evidence`` (as stored with the hit) and ``test``. The strings are the article's as
    found, not escaped and not validated: ``title`` and ``site`` may hold markup, ``url`` may
    be any scheme (``javascript:``…). A receiver that renders them must escape them and link
    only http(s) URLs itself."""
    return {
        "alert_id": view.alert_id, "kind": view.kind, "story_id": view.story_id,
        "rule": view.rule, "severity": view.severity,
        "score": view.score, "title": view.title, "url": view.url, "site": view.site,
        "published_at": view.published_at.isoformat() if view.published_at else None,
        "feeds": view.feeds, "evidence": view.evidence.to_json(), "test": view.test,
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
    parts = [one_line(heading)]
    for main, follow in group_by_story(views):
        parts.append(console_text(main))
        parts += [one_line(f"  {_follow_line(f)} ({f.url})") for f in follow]
    return "\n".join(parts)


def slack_batch_payload(views: list[AlertView], heading: str) -> dict[str, Any]:
    """One message listing several stories: their headlines, outlets, countries and rule."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {
        "type": "plain_text", "text": mrkdwn.clip(one_line(heading), mrkdwn.HEADER_TEXT)}}]
    for main, follow in group_by_story(views)[:mrkdwn.MAX_BLOCKS - 1]:
        line = (f"{_slack_header(main)}\n"
                f"{slack_escape(main.site or '')} · rule *{slack_escape(main.rule)}* · "
                f"{slack_escape(_countries_line(main))}")
        for f in follow[:5]:
            line += f"\n   ↳ {mrkdwn.link(f.url, f.site or f.title or f.url)}"
        blocks.append(_section(line))
    text = f"{slack_escape(heading)}: " + "; ".join(slack_escape(v.title) for v in views[:10])
    return {"text": mrkdwn.clip(text, mrkdwn.SECTION_TEXT), "blocks": blocks,
            "unfurl_links": False}


def email_batch_parts(views: list[AlertView], heading: str) -> tuple[str, str, str]:
    groups, heading = group_by_story([clean(v) for v in views]), one_line(heading)
    ctx = {"heading": heading,
           "groups": [{"v": main, "when": _when(main), "countries": _countries_line(main),
                       "snippet": [_html_parts(s) for s in main.snippets[:1]],
                       "plain_snippet": [marked(s, "[", "]") for s in main.snippets[:1]],
                       "follow": follow} for main, follow in groups]}
    subject = squeeze(f"[monitor] {heading}")[:200]
    return subject, _env.get_template("digest.txt").render(ctx), \
        _env.get_template("digest.html").render(ctx)


def webhook_batch_payload(views: list[AlertView], heading: str) -> dict[str, Any]:
    """``{"heading": …, "alerts": [webhook_payload(view), …]}``."""
    return {"heading": heading, "alerts": [webhook_payload(v) for v in views]}
