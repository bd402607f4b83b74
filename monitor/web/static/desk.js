// The desk's little JavaScript: pages work without it; it adds keyboard shortcuts and partial
// updates. Loaded as a file (the Content-Security-Policy forbids inline script).
//
// Keys: j/k next/previous story row ([data-story-id]) on a list, or hit ([data-hit-id]) on a
// story page; o open; x false positive (then 1-5 for the reason); r relevant; s star; n note;
// / the query box (#q); ? help; Esc closes. Forms of class "mark" are sent with fetch and the
// session's CSRF token, and the page's marks are updated in place.
"use strict";
(function () {
  const REASONS = [["wrong_entity", "wrong entity"], ["passing_mention", "passing mention"],
                   ["off_topic", "off-topic"], ["duplicate", "duplicate"],
                   ["bad_source", "bad source"]];
  const HELP = [["j / k", "next / previous story (on a story: hit)"], ["o", "open"],
                ["x", "false positive, then 1–5 for the reason"], ["r", "relevant"],
                ["s", "star (again: unstar, on a story)"], ["n", "note"],
                ["/", "search"], ["?", "this help"], ["Esc", "close"]];
  let current = -1;
  let overlay = null;

  function csrf() {
    const field = document.querySelector('input[name="csrf"]');
    return field ? field.value : "";
  }
  function storyPage() { return document.querySelector("[data-story-page]"); }
  function items() {
    const selector = storyPage() ? "[data-hit-id]" : "[data-story-id]";
    return Array.from(document.querySelectorAll(selector));
  }
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function say(message) {
    let box = document.getElementById("desk-status");
    if (!box) {
      box = el("div", "desk-status");
      box.id = "desk-status";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = message;
  }

  function select(index) {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((node, i) => node.classList.toggle("is-current", i === current));
    const node = all[current];
    if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "-1");
    node.focus({ preventScroll: true });
    node.scrollIntoView({ block: "nearest" });
  }
  function currentItem() { return current >= 0 ? items()[current] || null : null; }

  function target() {
    const page = storyPage();
    const item = currentItem();
    if (page) return { story: page.dataset.storyPage, hit: item ? item.dataset.hitId : null };
    return item ? { story: item.dataset.storyId, hit: null } : null;
  }

  async function post(url, fields) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin", body: new URLSearchParams(fields),
      headers: { "X-CSRF-Token": csrf(), "Accept": "application/json",
                 "X-Requested-With": "fetch" },
    });
    const doc = await response.json().catch(() => ({ error: "HTTP " + response.status }));
    if (!response.ok) throw new Error(doc.error || "HTTP " + response.status);
    return doc;
  }

  async function refresh(doc) {
    if (!storyPage()) {
      const row = document.querySelector('[data-story-id="' + doc.story.story_id + '"]');
      if (row) row.dataset.review = doc.story.review || "";
      return;
    }
    const response = await fetch(location.pathname, { credentials: "same-origin" });
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["marks", "evidence", "history"]) {
      const old = document.getElementById(id);
      const now = fresh.getElementById(id);
      if (old && now) old.replaceWith(document.importNode(now, true));
    }
    if (current >= 0) select(current);
  }

  function send(url, fields, done) {
    post(url, fields).then((doc) => { say(done); return refresh(doc); })
      .catch((err) => say("not saved: " + err.message));
  }

  function mark(fields, done) {
    const t = target();
    if (!t) { say("pick a story first (j/k)"); return; }
    if (t.hit) fields.hit = t.hit;
    send("/stories/" + encodeURIComponent(t.story) + "/marks", fields, done);
  }

  function closeOverlay() {
    if (overlay) overlay.remove();
    overlay = null;
  }
  function openOverlay(title, build) {
    closeOverlay();
    overlay = el("div", "desk-overlay");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", title);
    const panel = el("div", "desk-panel");
    panel.appendChild(el("h2", "", title));
    build(panel);
    overlay.appendChild(panel);
    document.body.appendChild(overlay);
    return panel;
  }

  function askReason() {
    openOverlay("False positive: why?", (panel) => {
      overlay.dataset.kind = "reason";
      const list = el("ol", "desk-reasons");
      REASONS.forEach(([key, label]) => {
        const item = el("li");
        const button = el("button", "", label);
        button.type = "button";
        button.dataset.reason = key;
        button.addEventListener("click", () => chooseReason(key));
        item.appendChild(button);
        list.appendChild(item);
      });
      panel.appendChild(list);
      panel.appendChild(el("p", "desk-hint", "keys 1–5, Esc to cancel"));
    });
  }
  function chooseReason(key) {
    closeOverlay();
    const label = REASONS.find(([k]) => k === key)[1];
    mark({ kind: "false_positive", reason: key }, "marked false positive (" + label + ")");
  }

  function askNote() {
    const panel = openOverlay("Note", (box) => {
      const form = el("form", "desk-note");
      const area = el("textarea");
      area.name = "note";
      area.rows = 4;
      area.maxLength = 4000;
      form.appendChild(area);
      const button = el("button", "", "Add note");
      button.type = "submit";
      form.appendChild(button);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (!area.value.trim()) return;
        closeOverlay();
        mark({ kind: "note", note: area.value }, "note added");
      });
      box.appendChild(form);
    });
    panel.querySelector("textarea").focus();
  }

  function showHelp() {
    openOverlay("Keyboard", (panel) => {
      const list = el("dl", "desk-help");
      HELP.forEach(([key, what]) => {
        list.appendChild(el("dt", "", key));
        list.appendChild(el("dd", "", what));
      });
      panel.appendChild(list);
    });
  }

  function star() {
    const unstar = document.querySelector('form[data-mark="unstar"]');
    if (storyPage() && unstar) send(unstar.action, { csrf: csrf() }, "unstarred");
    else mark({ kind: "starred" }, "starred");
  }

  function open() {
    const item = currentItem();
    if (!item) return;
    const link = item.dataset.href ? item : item.querySelector("a[href]");
    const href = link && (link.dataset.href || link.getAttribute("href"));
    if (href) location.assign(href);
  }

  function search() {
    const box = document.getElementById("q");
    if (box) { box.focus(); box.select(); } else location.assign("/");
  }

  const KEYS = {
    j: () => select(current + 1), k: () => select(current < 0 ? 0 : current - 1),
    o: open, x: askReason, r: () => mark({ kind: "relevant" }, "marked relevant"),
    s: star, n: askNote, "/": search, "?": showHelp,
  };

  function typing(node) {
    return node && (node.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"]
      .includes(node.tagName));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") { closeOverlay(); return; }
    if (overlay && overlay.dataset.kind === "reason" && /^[1-5]$/.test(event.key)) {
      event.preventDefault();
      chooseReason(REASONS[Number(event.key) - 1][0]);
      return;
    }
    if (typing(event.target) || overlay) return;
    const action = KEYS[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("mark")) return;
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form).entries());
    send(form.action, fields, "saved");
  });

  document.addEventListener("DOMContentLoaded", () => {
    const sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = "/static/keys.css";
    document.head.appendChild(sheet);
  });
})();
