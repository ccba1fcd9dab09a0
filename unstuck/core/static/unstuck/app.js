/* Unstuck: small progressive enhancements for the workspace.
   Vanilla JS, no dependencies; load with `defer` after htmx. Everything here is optional:
   pages work without it, this only adds keyboard shortcuts, human times and toasts.

   Hooks it looks for in the markup:
     table.inbox tbody tr[data-href]   j/k select (.selected), Enter/o or click opens
     #global-search                    "/" focuses it
     dialog#shortcut-help              "?" or [data-open-shortcuts] opens it;
                                       [data-open-dialog=id] / [data-close-dialog] buttons for any dialog
     body[data-page="conversation"]    enables r (reply), n (note), o (#owner-select), s (#next-step-input)
     body[data-inbox-url]              where "g i" goes (default /inbox/)
     .composer [data-composer-tab=reply|note], #composer-kind, #composer-text,
       #composer-submit[data-label-reply][data-label-note] (a .btn-label child keeps icons)
     time[datetime][data-relative]     "4 min ago" / "in 25 min", refreshed every 30 s
     [data-countdown="<iso datetime>"] "in 12 min" / "12 min overdue" with .soon / .overdue
     HX-Trigger {"showToast": {"message": "...", "level": "success|error|warning|info"}}
     [data-copy="<selector>"]          copies that element's text, says "Copied"
     window.unstuckComposerState       "replying" while #composer-text holds a draft, else "viewing"
                                       (read by the presence poll)
   window.Unstuck.toast(message, level) shows a toast from other scripts. */
(function () {
  "use strict";

  var RELATIVE_REFRESH_MS = 30000;
  var SOON_MS = 15 * 60 * 1000;
  var TOAST_MS = 4000;
  var SEQUENCE_MS = 1500; // time allowed between "g" and "i"
  var SELECTED_KEY = "unstuck:selected:";

  var MIN = 60 * 1000;
  var HOUR = 60 * MIN;

  /* ---- helpers --------------------------------------------------------- */

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function $$(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  /* root itself (when it matches) plus its descendants: htmx:load fires on the new element */
  function within(root, selector) {
    root = root && root.querySelectorAll ? root : document;
    var found = $$(selector, root);
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  var NON_TEXT_INPUTS = /^(checkbox|radio|button|submit|reset|range|color|file|image)$/;

  function isTypingTarget(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") return !NON_TEXT_INPUTS.test((el.type || "text").toLowerCase());
    return false;
  }

  function isInteractive(el) {
    return !!(el && el.closest && el.closest("a[href], button, summary, [role=button], [role=link], label"));
  }

  function pageIs(name) {
    return document.body && document.body.getAttribute("data-page") === name;
  }

  function storage() {
    try {
      return window.sessionStorage;
    } catch (err) {
      return null;
    }
  }

  function parseDate(value) {
    if (!value) return null;
    var date = new Date(value);
    return isNaN(date.getTime()) ? null : date;
  }

  var fullFormatter;
  function fullTimestamp(date) {
    try {
      fullFormatter =
        fullFormatter ||
        new Intl.DateTimeFormat(undefined, {
          weekday: "short",
          year: "numeric",
          month: "short",
          day: "numeric",
          hour: "numeric",
          minute: "2-digit",
          timeZoneName: "short",
        });
      return fullFormatter.format(date);
    } catch (err) {
      return date.toString();
    }
  }

  /* "4 min", "3 h", "2 d", "3 mo": the same rounding as the server's humanize_delta */
  function span(ms) {
    var minutes = Math.round(ms / MIN);
    if (minutes < 60) return Math.max(1, minutes) + " min";
    if (minutes < 24 * 60) return Math.round(minutes / 60) + " h";
    if (minutes < 45 * 24 * 60) return Math.round(minutes / (24 * 60)) + " d";
    return Math.round(minutes / (30 * 24 * 60)) + " mo";
  }

  /* Countdowns are more precise under ten hours: "1 h 20 min" */
  function countdownSpan(ms) {
    if (ms < 10 * HOUR && ms >= HOUR) {
      var hours = Math.floor(ms / HOUR);
      var minutes = Math.round((ms - hours * HOUR) / MIN);
      if (minutes === 60) return hours + 1 + " h";
      return minutes ? hours + " h " + minutes + " min" : hours + " h";
    }
    return span(ms);
  }

  function relativeText(date, now) {
    var diff = date.getTime() - now.getTime();
    var abs = Math.abs(diff);
    if (abs < 45 * 1000) return "just now";
    return diff < 0 ? span(abs) + " ago" : "in " + span(abs);
  }

  /* ---- human times ----------------------------------------------------- */

  function setText(el, text) {
    // Keep icons inside the element: write into [data-time-text] or a managed span
    var target = el.querySelector("[data-time-text]");
    if (!target && el.children.length) {
      target = document.createElement("span");
      target.setAttribute("data-time-text", "");
      // drop bare text nodes; the managed span replaces them
      Array.prototype.slice.call(el.childNodes).forEach(function (node) {
        if (node.nodeType === 3 && node.textContent.trim()) node.parentNode.removeChild(node);
      });
      el.appendChild(target);
    }
    target = target || el;
    if (target.textContent !== text) target.textContent = text;
  }

  function renderTimes(root) {
    var now = new Date();
    within(root, "time[datetime][data-relative]").forEach(function (el) {
      var date = parseDate(el.getAttribute("datetime"));
      if (!date) return;
      if (!el.title) el.title = fullTimestamp(date);
      setText(el, relativeText(date, now));
    });
    within(root, "[data-countdown]").forEach(function (el) {
      var due = parseDate(el.getAttribute("data-countdown"));
      if (!due) return;
      var diff = due.getTime() - now.getTime();
      var overdue = diff <= 0;
      var soon = !overdue && diff <= SOON_MS;
      el.classList.toggle("overdue", overdue);
      el.classList.toggle("soon", soon);
      if (!el.title) el.title = fullTimestamp(due);
      setText(el, overdue ? countdownSpan(Math.abs(diff)) + " overdue" : "in " + countdownSpan(diff));
    });
  }

  /* ---- inbox rows and selection ---------------------------------------- */

  function inboxRows() {
    return $$("table.inbox tbody tr").filter(function (tr) {
      return tr.offsetParent !== null || tr.getClientRects().length > 0;
    });
  }

  function selectRow(row, scroll) {
    $$("table.inbox tbody tr.selected").forEach(function (tr) {
      if (tr !== row) {
        tr.classList.remove("selected");
        tr.removeAttribute("aria-selected");
      }
    });
    if (!row) return;
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    if (scroll) row.scrollIntoView({ block: "nearest" });
    var store = storage();
    var href = row.getAttribute("data-href");
    if (store && href) {
      try {
        store.setItem(SELECTED_KEY + location.pathname, href);
      } catch (err) {
        /* storage full or blocked: selection just is not remembered */
      }
    }
  }

  function moveSelection(step) {
    var rows = inboxRows();
    if (!rows.length) return false;
    var current = rows.findIndex(function (tr) {
      return tr.classList.contains("selected");
    });
    var next = current === -1 ? 0 : Math.min(rows.length - 1, Math.max(0, current + step));
    selectRow(rows[next], true);
    return true;
  }

  function selectedRow() {
    return $("table.inbox tbody tr.selected");
  }

  function restoreSelection() {
    if (selectedRow()) return;
    var store = storage();
    var href = store && store.getItem(SELECTED_KEY + location.pathname);
    if (!href) return;
    var row = inboxRows().find(function (tr) {
      return tr.getAttribute("data-href") === href;
    });
    if (row) selectRow(row, false);
  }

  function go(href, newTab) {
    if (!href) return;
    if (newTab) window.open(href, "_blank", "noopener");
    else window.location.assign(href);
  }

  function onRowClick(event) {
    var row = event.target.closest && event.target.closest("tr[data-href]");
    if (!row) return;
    if (event.target.closest("a, button, input, select, textarea, label, summary, [role=button], [data-no-row-click]")) return;
    var selection = window.getSelection && window.getSelection();
    if (selection && selection.toString().length > 0 && row.contains(selection.anchorNode)) return; // copying text
    if (event.button === 1 || event.metaKey || event.ctrlKey) {
      go(row.getAttribute("data-href"), true);
      return;
    }
    if (event.button !== 0) return;
    selectRow(row, false);
    go(row.getAttribute("data-href"), event.shiftKey);
  }

  /* ---- composer -------------------------------------------------------- */

  function setComposerKind(button) {
    var kind = button.getAttribute("data-composer-tab");
    var composer = button.closest(".composer") || $(".composer");
    var scope = composer || document;
    $$("[data-composer-tab]", scope).forEach(function (tab) {
      var on = tab === button;
      tab.classList.toggle("active", on);
      if (tab.getAttribute("role") === "tab") tab.setAttribute("aria-selected", on ? "true" : "false");
      else tab.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var kindInput = $("#composer-kind", scope) || document.getElementById("composer-kind");
    if (kindInput) kindInput.value = kind;
    if (composer) composer.classList.toggle("is-note", kind === "note");
    var submit = $("#composer-submit", scope) || document.getElementById("composer-submit");
    if (submit) {
      var label = submit.getAttribute("data-label-" + kind);
      if (label) {
        var text = submit.querySelector(".btn-label") || submit;
        text.textContent = label;
      }
    }
  }

  function onComposerTabClick(event) {
    var button = event.target.closest && event.target.closest("[data-composer-tab]");
    if (!button) return;
    event.preventDefault();
    setComposerKind(button);
  }

  function focusComposer(kind) {
    var tab = $('[data-composer-tab="' + kind + '"]');
    if (tab) tab.click();
    var text = document.getElementById("composer-text");
    if (text) {
      text.focus();
      text.scrollIntoView({ block: "nearest" });
      return true;
    }
    return !!tab;
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) return false;
    var disclosure = field.closest("details");
    if (disclosure) disclosure.open = true;
    field.focus();
    if (field.select && field.tagName === "INPUT") field.select();
    return true;
  }

  /* ---- dialogs --------------------------------------------------------- */

  function openDialog(dialog) {
    if (!dialog || dialog.open) return false;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    return true;
  }

  function onDialogClicks(event) {
    var opener = event.target.closest && event.target.closest("[data-open-dialog], [data-open-shortcuts]");
    if (opener) {
      event.preventDefault();
      openDialog(document.getElementById(opener.getAttribute("data-open-dialog") || "shortcut-help"));
      return;
    }
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) {
        event.preventDefault();
        dialog.close();
      }
      return;
    }
    // click on the dimmed backdrop of a modal closes it
    if (event.target.tagName === "DIALOG" && event.target.classList.contains("modal")) {
      var rect = event.target.getBoundingClientRect();
      var inside =
        event.clientX >= rect.left && event.clientX <= rect.right && event.clientY >= rect.top && event.clientY <= rect.bottom;
      if (!inside) event.target.close();
    }
  }

  /* ---- copy buttons ---------------------------------------------------- */

  function onCopyClick(event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = $(button.getAttribute("data-copy"));
    if (!source) return;
    event.preventDefault();
    var text = ("value" in source && source.tagName !== "BUTTON" ? source.value : source.textContent).trim();
    var original = button.getAttribute("data-copy-label") || button.textContent;
    button.setAttribute("data-copy-label", original);
    function done(ok) {
      button.textContent = ok ? "Copied" : "Press Ctrl+C to copy";
      button.classList.toggle("is-copied", ok);
      setTimeout(function () {
        button.textContent = original;
        button.classList.remove("is-copied");
      }, 2000);
    }
    function selectSource() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () {
          done(true);
        },
        function () {
          selectSource();
          done(false);
        }
      );
    } else {
      selectSource();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (err) {
        copied = false;
      }
      done(copied);
    }
  }

  /* ---- presence: tell the live poll whether a draft is being written ---- */

  function updateComposerState() {
    var text = document.getElementById("composer-text");
    window.unstuckComposerState = text && text.value.trim() ? "replying" : "viewing";
  }

  /* ---- keyboard shortcuts ---------------------------------------------- */

  var pendingG = 0;

  function onKeydown(event) {
    if (event.defaultPrevented || event.isComposing) return;
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    var key = event.key;
    var active = document.activeElement;

    if (isTypingTarget(active)) {
      if (key === "Escape") active.blur();
      return;
    }
    if ($("dialog[open]")) return; // the open dialog owns the keyboard

    if (pendingG && Date.now() - pendingG < SEQUENCE_MS) {
      pendingG = 0;
      if (key === "i") {
        event.preventDefault();
        go((document.body && document.body.getAttribute("data-inbox-url")) || "/inbox/");
        return;
      }
    }
    pendingG = 0;

    var handled = false;
    var conversation = pageIs("conversation");

    switch (key) {
      case "j":
        handled = moveSelection(1);
        break;
      case "k":
        handled = moveSelection(-1);
        break;
      case "Enter":
        if (!isInteractive(active) && selectedRow()) {
          go(selectedRow().getAttribute("data-href"));
          handled = true;
        }
        break;
      case "/":
        handled = focusField("global-search");
        break;
      case "?":
        handled = openDialog(document.getElementById("shortcut-help"));
        break;
      case "g":
        pendingG = Date.now();
        handled = true;
        break;
      case "r":
        handled = conversation && focusComposer("reply");
        break;
      case "n":
        handled = conversation && focusComposer("note");
        break;
      case "o":
        if (conversation) handled = focusField("owner-select");
        else if (selectedRow()) {
          go(selectedRow().getAttribute("data-href"));
          handled = true;
        }
        break;
      case "s":
        handled = conversation && focusField("next-step-input");
        break;
    }
    if (handled) event.preventDefault(); // stops the key from being typed into the field we just focused
  }

  /* ---- toasts ---------------------------------------------------------- */

  function toastStack() {
    var stack = $(".toast-stack");
    if (!stack) {
      stack = document.createElement("div");
      stack.className = "toast-stack";
      stack.setAttribute("aria-live", "polite");
      document.body.appendChild(stack);
    }
    return stack;
  }

  function dismissToast(toast) {
    if (!toast.isConnected || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    setTimeout(function () {
      toast.remove();
    }, reduced ? 0 : 200);
  }

  function scheduleDismiss(toast, ms) {
    var timer = setTimeout(function () {
      dismissToast(toast);
    }, ms);
    // Pause while the pointer rests on it, so it can be read
    toast.addEventListener("mouseenter", function () {
      clearTimeout(timer);
    });
    toast.addEventListener("mouseleave", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        dismissToast(toast);
      }, 1500);
    });
    toast.addEventListener("click", function (event) {
      if (!event.target.closest("a")) dismissToast(toast);
    });
  }

  function showToast(message, level) {
    if (!message) return null;
    var toast = document.createElement("div");
    toast.className = "toast";
    if (level && /^[a-z]+$/.test(level)) toast.classList.add("toast-" + level);
    toast.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent = message;
    toast.appendChild(text);
    toastStack().appendChild(toast);
    scheduleDismiss(toast, level === "error" ? TOAST_MS * 2 : TOAST_MS);
    return toast;
  }

  function onShowToast(event) {
    var detail = event.detail || {};
    if (typeof detail === "string") detail = { message: detail };
    showToast(detail.message || detail.value, detail.level);
  }

  /* ---- setup ----------------------------------------------------------- */

  function setup(root) {
    renderTimes(root && root.isConnected ? root : document);
    restoreSelection();
    updateComposerState();
  }

  function onReady() {
    setup(document);
    toastStack(); // the live region must exist before the first toast, or it is not announced
    // Toasts rendered by the server (Django messages) leave on their own too
    $$(".toast-stack > .toast:not([data-persist])").forEach(function (toast) {
      scheduleDismiss(toast, toast.classList.contains("toast-error") ? TOAST_MS * 2 : TOAST_MS);
    });
  }

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", onComposerTabClick);
  document.addEventListener("click", onRowClick);
  document.addEventListener("auxclick", function (event) {
    if (event.button === 1) onRowClick(event);
  });
  document.addEventListener("click", onDialogClicks);
  document.addEventListener("click", onCopyClick);
  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "composer-text") updateComposerState();
  });
  /* Promise picker: "Pick a time…" reveals the time field. */
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "composer-promise") {
      var at = document.getElementById("composer-promise-at");
      if (at) {
        at.hidden = event.target.value !== "custom";
        if (!at.hidden) at.focus();
      }
    }
  });
  document.addEventListener("showToast", onShowToast);
  document.addEventListener("htmx:afterSwap", function (event) {
    setup(event.target);
  });
  document.addEventListener("htmx:load", function (event) {
    setup(event.target);
  });
  document.addEventListener("htmx:sendError", function () {
    showToast("Could not reach Unstuck. Check your connection and try again.", "error");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status >= 500) {
      showToast("Something went wrong on our side (error " + xhr.status + "). Try again in a moment.", "error");
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) renderTimes(document);
  });

  /* On opening a conversation, show the newest message: that is what needs an answer. */
  function scrollToLatest() {
    if (document.body.getAttribute("data-page") !== "conversation") return;
    var messages = document.querySelectorAll("#thread article.msg");
    if (messages.length > 1) messages[messages.length - 1].scrollIntoView({ block: "center" });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scrollToLatest);
  else scrollToLatest();

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onReady);
  else onReady();
  setInterval(function () {
    renderTimes(document);
  }, RELATIVE_REFRESH_MS);

  window.Unstuck = {
    toast: showToast,
    refreshTimes: function () {
      renderTimes(document);
    },
    relativeText: relativeText,
  };
})();
