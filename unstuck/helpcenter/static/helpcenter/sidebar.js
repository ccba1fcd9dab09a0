/*
 * The help sidebar beside a conversation: one click puts an article's link or text, or a similar
 * conversation's final reply, into the reply composer (#composer-text) at the cursor, and tells the
 * server which article was used so suggestions learn from it.
 */
(function () {
  "use strict";
  if (window.UnstuckHelpSidebar) return;
  window.UnstuckHelpSidebar = true;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function insert(text) {
    var composer = document.getElementById("composer-text");
    if (!composer) return false;
    var start = composer.selectionStart != null ? composer.selectionStart : composer.value.length;
    var end = composer.selectionEnd != null ? composer.selectionEnd : composer.value.length;
    var before = composer.value.slice(0, start);
    var spacer = before && !/\s$/.test(before) ? (text.indexOf("\n") >= 0 ? "\n\n" : " ") : "";
    composer.setRangeText(spacer + text, start, end, "end");
    composer.dispatchEvent(new Event("input", { bubbles: true }));
    composer.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-help-insert]");
    if (!button) return;
    event.preventDefault();
    var source = button.dataset.helpSource ? document.getElementById(button.dataset.helpSource) : null;
    var text = button.dataset.helpInsert === "link"
      ? button.dataset.helpTitle + ": " + button.dataset.helpUrl
      : (source ? source.content.textContent.trim() : "");
    if (!text || !insert(text)) return;
    button.classList.add("is-copied");
    if (button.dataset.articleId && button.dataset.useUrl) {
      fetch(button.dataset.useUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ conversation_id: Number(button.dataset.conversationId), mode: button.dataset.helpInsert }),
        credentials: "same-origin",
      }).catch(function () {});
    }
  });
})();
