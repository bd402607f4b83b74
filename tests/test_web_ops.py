"""The ops page over a real desk server: the feeds with their health, the failed alert with a
Retry button that queues it again (a POST with the session's CSRF token), the ops strip, and a
feed name carrying markup shown as text, never run."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.desk_support import create_user, desk_client, desk_server, login, make_desk
from tests.ops_fill import BROKEN, filled


def _cells(html: str, row_class: str) -> list[str]:
    row = re.search(rf'<tr class="{row_class}">(.*?)</tr>', html, re.S)
    assert row, f"no row {row_class}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                    row.group(1), re.S)]


def test_the_ops_page_shows_feed_health_and_retries_a_failed_alert(
        tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> None:
    _path, config = filled(tmp_path, web, slack)
    desk = make_desk(config)
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        csrf = login(client)
        page = client.get("/ops")
        assert page.status_code == 200
        assert "feeds in error <b>1</b>" in page.text and "failed <b>1</b>" in page.text
        health, status, errors = _cells(page.text, "ops-error")[1:4]
        assert (health, status, errors) == ("error", "404", "1")
        assert re.search(r"<td>#(\d+)</td>", page.text)
        alert_id = re.search(r'action="/ops/alerts/(\d+)/retry"', page.text)
        assert alert_id, "no Retry button"
        done = client.post(f"/ops/alerts/{alert_id.group(1)}/retry", data={"csrf": csrf})
        assert done.status_code == 303 and done.headers["location"].startswith("/ops?done=")
        after = client.get(done.headers["location"])
        assert f"alert #{alert_id.group(1)} is queued again" in after.text
        assert "outbox pending <b>1</b>" in after.text and "failed <b>0</b>" in after.text
        assert "no failed alert" in after.text
        again = client.post(f"/ops/alerts/{int(alert_id.group(1)) + 99}/retry",
                            data={"csrf": csrf}, follow_redirects=True)
        assert "no alert" in again.text and 'role="alert"' in again.text


def test_markup_in_a_feed_name_renders_inert_on_the_ops_page(
        tmp_path: Path, web: HTTPServer, slack: HTTPServer) -> None:
    _path, config = filled(tmp_path, web, slack)
    desk = make_desk(config)
    create_user(desk)
    with desk_server(desk) as base, desk_client(base) as client:
        login(client)
        page = client.get("/ops").text
    assert "<script>alert(1)" not in page and not re.search(r"<img\b", page)
    assert "broken &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" \
        in page
    assert BROKEN not in page
