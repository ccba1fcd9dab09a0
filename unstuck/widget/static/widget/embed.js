/* Unstuck chat widget. Embed with:
 *   <script src="https://desk.example/widget/embed.js" data-desk="https://desk.example" async></script>
 * Self-contained: no dependencies; everything lives in a shadow DOM so the host page's CSS cannot reach it.
 * It talks to /api/v1/widget/* with a visitor token kept in localStorage, and receives replies as
 * server-sent events (EventSource reconnects by itself and resumes from the last event id).
 */
(function () {
  "use strict";
  if (window.__unstuckWidget) return;
  var script = document.currentScript || document.querySelector('script[src*="/widget/embed.js"]');
  if (!script) return;
  var desk = (script.getAttribute("data-desk") || "").trim();
  if (!/^https?:\/\//.test(desk)) desk = new URL(script.src, location.href).origin;
  desk = desk.replace(/\/+$/, "");
  var API = desk + "/api/v1/widget";
  var STORE = "unstuck.visitor:" + desk;
  var CSS = "__WIDGET_CSS__";

  var state = { token: null, conversationId: null, lastId: 0, shown: {}, open: false, unread: 0,
                email: "", availability: null, suggestUrl: null, source: null, askedEmail: false };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function call(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (state.token) headers["X-Visitor-Token"] = state.token;
    return fetch(API + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 204) return {};
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) throw new Error(data.detail || "Something went wrong. Please try again.");
          return data;
        });
      });
  }

  function formatWhen(iso) {
    var d = new Date(iso), now = new Date();
    var time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    var days = Math.round((new Date(d.toDateString()) - new Date(now.toDateString())) / 86400000);
    if (days <= 0) return "today by " + time;
    if (days === 1) return "tomorrow by " + time;
    if (days < 7) return "by " + d.toLocaleDateString([], { weekday: "long" }) + " " + time;
    return "by " + d.toLocaleDateString([], { day: "numeric", month: "long" }) + ", " + time;
  }

  // --- the DOM -------------------------------------------------------------------------------------------
  var host = el("div", { id: "unstuck-widget", "data-unstuck-widget": "" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", { text: CSS }));

  var badge = el("span", { class: "badge", hidden: "" });
  var launcher = el("button", { class: "launcher", type: "button", "aria-label": "Chat with us", "aria-expanded": "false",
    onclick: function () { toggle(); } }, [el("span", { class: "bubble", "aria-hidden": "true" }), badge]);
  var title = el("div", { class: "title", text: "Chat with us" });
  var headline = el("div", { class: "headline", text: "…" });
  var dot = el("span", { class: "dot", "aria-hidden": "true" });
  var header = el("header", {}, [el("div", { class: "who" }, [dot, el("div", {}, [title, headline])]),
    el("button", { class: "close", type: "button", "aria-label": "Close chat", text: "×", onclick: function () { toggle(false); } })]);
  var list = el("ol", { class: "messages", "aria-live": "polite", "aria-label": "Conversation" });
  var empty = el("li", { class: "empty", text: "Ask us anything. A person reads every message." });
  list.appendChild(empty);
  var suggestions = el("div", { class: "suggestions", hidden: "" });
  var errorLine = el("div", { class: "error", role: "alert", hidden: "" });
  var emailInput = el("input", { type: "email", name: "email", required: "", placeholder: "you@example.com",
    "aria-label": "Your email", autocomplete: "email" });
  var emailNote = el("p", { class: "note" });
  var emailForm = el("form", { class: "email", hidden: "", onsubmit: submitEmail }, [emailNote,
    el("div", { class: "row" }, [emailInput, el("button", { type: "submit", text: "Email me" })])]);
  var text = el("textarea", { rows: "2", maxlength: "5000", placeholder: "Write a message…", "aria-label": "Message",
    oninput: onType, onkeydown: function (e) { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(); } } });
  var composer = el("form", { class: "composer", onsubmit: function (e) { e.preventDefault(); send(); } },
    [text, el("button", { type: "submit", class: "send", "aria-label": "Send", text: "Send" })]);
  var panel = el("section", { class: "panel", role: "dialog", "aria-label": "Chat", hidden: "" },
    [header, list, suggestions, emailForm, errorLine, composer]);
  root.appendChild(panel);
  root.appendChild(launcher);

  function toggle(force) {
    state.open = typeof force === "boolean" ? force : !state.open;
    panel.hidden = !state.open;
    launcher.setAttribute("aria-expanded", String(state.open));
    if (state.open) { state.unread = 0; renderBadge(); text.focus(); scrollDown(); }
  }
  function renderBadge() { badge.hidden = state.unread === 0; badge.textContent = String(state.unread); }
  function scrollDown() { list.scrollTop = list.scrollHeight; }
  function showError(message) { errorLine.textContent = message || ""; errorLine.hidden = !message; }

  function addMessage(m) {
    if (state.shown[m.id]) return;
    state.shown[m.id] = true;
    if (m.id > state.lastId) state.lastId = m.id;
    if (empty.parentNode) empty.remove();
    var item = el("li", { class: "msg " + m.from, "data-id": String(m.id) }, [
      m.from === "agent" && m.author ? el("div", { class: "author", text: m.author }) : null,
      el("div", { class: "text", text: m.text })]);
    list.appendChild(item);
    if (m.from === "agent" && !state.open) { state.unread += 1; renderBadge(); }
    scrollDown();
  }

  function renderAvailability(a) {
    if (!a) return;
    state.availability = a;
    dot.className = "dot" + (a.online ? " online" : "");
    title.textContent = a.online && a.agents.length ? a.agents.join(", ") + (a.agents.length > 1 ? " are" : " is") + " here" : "Chat with us";
    headline.textContent = a.online ? a.headline : a.headline + (a.reply_by ? " (" + formatWhen(a.reply_by) + ")" : "");
  }

  function askEmail() {
    if (state.email || state.askedEmail) return;
    state.askedEmail = true;
    var when = state.availability && state.availability.reply_by ? " We will answer " + formatWhen(state.availability.reply_by) + "." : "";
    emailNote.textContent = "Nobody is online right now. Leave your email and the conversation continues by mail." + when;
    emailForm.hidden = false;
  }

  function routedByEmail(address, replyBy) {
    state.email = address;
    emailForm.hidden = true;
    composer.hidden = true;
    var when = replyBy ? " " + formatWhen(replyBy).replace(/^by /, "by ") : "";
    list.appendChild(el("li", { class: "system", text: "We will reply to " + address + when +
      ". To add something, answer our email." }));
    list.appendChild(el("li", { class: "system" }, [el("button", { type: "button", class: "link", text: "Start a new chat",
      onclick: newChat })]));
    scrollDown();
  }

  // --- talking to the desk -------------------------------------------------------------------------------
  function send() {
    var value = text.value.trim();
    if (!value) return;
    showError("");
    text.disabled = true;
    call("POST", "/messages", { text: value }).then(function (data) {
      text.value = "";
      hideSuggestions();
      state.conversationId = data.conversation_id;
      addMessage(data.message);
      renderAvailability(data.availability);
      if (data.ask_email) askEmail();
      listen();
    }).catch(function (e) { showError(e.message); }).then(function () { text.disabled = false; text.focus(); });
  }

  function submitEmail(e) {
    e.preventDefault();
    showError("");
    call("POST", "/email", { email: emailInput.value.trim() }).then(function (data) {
      routedByEmail(data.email, data.reply_by);
    }).catch(function (err) { showError(err.message); });
  }

  function newChat() {
    call("POST", "/new-chat").then(function () {
      list.textContent = ""; list.appendChild(empty);
      state.shown = {}; state.email = ""; state.askedEmail = false; state.conversationId = null;
      composer.hidden = false; text.focus();
    });
  }

  function listen() {
    if (state.source || !state.conversationId || !window.EventSource) return;
    var url = API + "/stream?token=" + encodeURIComponent(state.token) + "&last_id=" + state.lastId;
    state.source = new EventSource(url);
    state.source.addEventListener("reply", function (event) {
      try { addMessage(JSON.parse(event.data)); } catch (ignore) { /* a malformed event is skipped */ }
    });
  }

  // Article suggestions while typing (the help center's /api/v1/help/suggest?q=); shown only if it exists.
  var suggestTimer = null;
  function onType() {
    if (!state.suggestUrl) return;
    clearTimeout(suggestTimer);
    var q = text.value.trim();
    if (q.length < 4) { hideSuggestions(); return; }
    suggestTimer = setTimeout(function () { suggestArticles(q); }, 300);
  }
  function suggestArticles(q) {
    fetch(desk + state.suggestUrl + "?q=" + encodeURIComponent(q)).then(function (r) { return r.ok ? r.json() : []; })
      .then(function (data) {
        var items = Array.isArray(data) ? data : (data.results || data.items || data.articles || []);
        items = items.filter(function (a) { return a && a.title && (a.url || a.path); }).slice(0, 3);
        suggestions.textContent = "";
        if (!items.length || text.value.trim() !== q) { hideSuggestions(); return; }
        suggestions.appendChild(el("div", { class: "label", text: "These articles might answer it:" }));
        items.forEach(function (a) {
          var href = new URL(a.url || a.path, desk).href;
          suggestions.appendChild(el("a", { href: href, target: "_blank", rel: "noopener", text: a.title }));
        });
        suggestions.hidden = false;
      }).catch(hideSuggestions);
  }
  function hideSuggestions() { suggestions.hidden = true; suggestions.textContent = ""; }

  function start() {
    var stored = null;
    try { stored = localStorage.getItem(STORE); } catch (ignore) { /* storage blocked: a fresh visitor each time */ }
    call("POST", "/session", { token: stored || "" }).then(function (data) {
      state.token = data.token;
      try { localStorage.setItem(STORE, data.token); } catch (ignore) { /* see above */ }
      state.conversationId = data.conversation_id;
      state.suggestUrl = data.suggest_url;
      renderAvailability(data.availability);
      data.messages.forEach(addMessage);
      state.unread = 0; renderBadge();
      if (data.email) routedByEmail(data.email, null);
      listen();
    }).catch(function () { headline.textContent = "Chat is unavailable right now."; });
  }

  window.__unstuckWidget = { open: function () { toggle(true); }, close: function () { toggle(false); } };
  function mount() { document.body.appendChild(host); start(); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
