/*
 * Unstuck help suggestions while someone types. No dependencies, no build step.
 *
 *   <script src="/static/helpcenter/suggest.js" defer></script>
 *   <textarea name="text" data-help-suggest="#suggestions"></textarea>
 *   <div id="suggestions" hidden></div>
 *
 * Attributes on the input or textarea:
 *   data-help-suggest="<selector>"      where the suggestions go (required)
 *   data-help-suggest-title="…"         the heading (default "These may answer your question")
 *   data-help-suggest-target="_blank"   where articles open (default: new tab from a textarea, same tab from an input)
 *   data-help-suggest-search            a search box, not a question to us: submitting it is not "wrote to us"
 *   data-help-suggest-api="…"           API base (default: /api/v1/help on the origin this script came from)
 *
 * A visit session id lives in the "unstuck_visit" cookie for 30 minutes after the last activity. Shown
 * articles (impressions) and opened ones (clicks) are recorded against it; submitting the surrounding
 * form marks the visit as "wrote to us", so an opened article does not count as a deflection. Chat
 * widgets that send without a form submit call window.UnstuckHelp.markSubmitted().
 */
(function () {
  "use strict";
  if (window.UnstuckHelp) return;

  var COOKIE = "unstuck_visit";
  var IDLE_SECONDS = 30 * 60;
  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 3;
  var script = document.currentScript;
  var defaultApi = (script && script.src ? new URL(script.src, location.href).origin : location.origin) + "/api/v1/help";

  function readCookie() {
    var match = document.cookie.match(/(?:^|;\s*)unstuck_visit=([A-Za-z0-9_-]{8,64})/);
    return match ? match[1] : "";
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "v" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  /** The visit session id; every call is activity, so the 30-minute idle window restarts. */
  function sessionId() {
    var id = readCookie() || newId();
    document.cookie = COOKIE + "=" + id + "; Max-Age=" + IDLE_SECONDS + "; Path=/; SameSite=Lax";
    return id;
  }

  function post(api, path, body) {
    try {
      return fetch(api + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        keepalive: true,
        credentials: "omit",
      }).catch(function () {});
    } catch (e) {
      return Promise.resolve();
    }
  }

  function markSubmitted(api) {
    return post(api || defaultApi, "/sessions/submitted", { session: sessionId() });
  }

  function attach(field) {
    if (field.dataset.helpSuggestReady) return;
    field.dataset.helpSuggestReady = "1";
    var box = document.querySelector(field.dataset.helpSuggest);
    if (!box) return;
    var api = field.dataset.helpSuggestApi || defaultApi;
    var isInput = field.tagName === "INPUT";
    var target = field.dataset.helpSuggestTarget || (isInput ? "" : "_blank");
    var title = field.dataset.helpSuggestTitle || "These may answer your question";
    var timer = null;
    var lastQuery = null;
    var controller = null;
    var active = -1;
    if (!box.id) box.id = "help-suggest-" + Math.random().toString(36).slice(2, 8);
    box.setAttribute("aria-live", "polite");
    if (isInput) {
      field.setAttribute("role", "combobox");
      field.setAttribute("aria-autocomplete", "list");
      field.setAttribute("aria-controls", box.id);
      field.setAttribute("aria-expanded", "false");
    }

    function links() {
      return box.querySelectorAll("a.help-suggest-item");
    }

    function hide() {
      box.hidden = true;
      active = -1;
      if (isInput) field.setAttribute("aria-expanded", "false");
    }

    function highlight(index) {
      var items = links();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (a, i) {
        a.classList.toggle("is-active", i === active);
        a.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (isInput) field.setAttribute("aria-activedescendant", items[active].id);
    }

    function render(query, articles) {
      box.textContent = "";
      if (!articles.length) return hide();
      var heading = document.createElement("p");
      heading.className = "help-suggest-title";
      heading.textContent = title;
      var list = document.createElement("ul");
      list.className = "help-suggest-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", title);
      articles.forEach(function (article, i) {
        var item = document.createElement("li");
        item.setAttribute("role", "presentation");
        var link = document.createElement("a");
        link.className = "help-suggest-item";
        link.id = box.id + "-" + i;
        link.href = article.url;
        link.setAttribute("role", "option");
        link.dataset.articleId = article.id;
        if (target) {
          link.target = target;
          link.rel = "noopener";
        }
        var strong = document.createElement("strong");
        strong.textContent = article.title;
        var snippet = document.createElement("span");
        snippet.className = "help-suggest-snippet";
        snippet.innerHTML = article.snippet; // server-escaped text with <mark> only
        link.append(strong, snippet);
        link.addEventListener("click", function () {
          post(api, "/clicks", { session: sessionId(), article_id: article.id, query: query.slice(0, 300) });
        });
        item.appendChild(link);
        list.appendChild(item);
      });
      box.append(heading, list);
      box.hidden = false;
      active = -1;
      if (isInput) field.setAttribute("aria-expanded", "true");
    }

    function lookup() {
      var query = field.value.trim().slice(-1000);
      if (query.length < MIN_CHARS) {
        lastQuery = query;
        return hide();
      }
      if (query === lastQuery) return;
      lastQuery = query;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var url = api + "/suggest?q=" + encodeURIComponent(query) + "&session=" + encodeURIComponent(sessionId());
      fetch(url, { signal: controller ? controller.signal : undefined, credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (articles) { if (query === lastQuery) render(query, articles); })
        .catch(function () {});
    }

    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, DEBOUNCE_MS);
    });
    field.addEventListener("keydown", function (event) {
      if (box.hidden) return;
      if (event.key === "ArrowDown" && isInput) { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp" && isInput) { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { hide(); }
      else if (event.key === "Enter" && isInput && active >= 0) { event.preventDefault(); links()[active].click(); }
    });
    if (box.classList.contains("is-dropdown")) {
      document.addEventListener("click", function (event) {
        if (!box.contains(event.target) && event.target !== field) hide();
      });
      field.addEventListener("focus", function () { if (links().length && field.value.trim()) box.hidden = false; });
    }
    var form = field.form;
    if (form && !("helpSuggestSearch" in field.dataset)) {
      form.addEventListener("submit", function () { markSubmitted(api); });
    }
  }

  function attachAll(root) {
    (root || document).querySelectorAll("[data-help-suggest]").forEach(attach);
  }

  window.UnstuckHelp = { sessionId: sessionId, markSubmitted: markSubmitted, attach: attachAll };
  if (readCookie()) sessionId(); // reading an article is activity too
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { attachAll(); });
  else attachAll();
  document.addEventListener("htmx:load", function (event) { attachAll(event.target); });
})();
