/* KVP-sak: the little JavaScript the pages need. Loaded with `defer` from base.html.
 * No inline scripts anywhere, so a strict Content-Security-Policy (script-src 'self') holds.
 * Everything here is progressive enhancement: every page works without it.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }

  // Django's CSRF check for htmx requests: send the token as a header on every
  // non-GET request (the same thing hx-headers='{"X-CSRFToken": …}' on <body> would do,
  // but read at request time so it also covers content swapped in later).
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token && event.detail.verb !== "get") {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // Move focus to a form's error summary, so keyboard and screen-reader users hear what went
  // wrong (Aksel's ErrorSummary does the same after a failed submit).
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-kvp-error-summary]");
    if (summary) {
      summary.focus();
      return true;
    }
    return false;
  }

  // An error-summary link to a radio/checkbox group points at the <fieldset>; focus its first
  // input instead, and scroll the legend into view so the question is visible.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".aksel-error-summary__item") : null;
    if (!link) return;
    var id = decodeURIComponent((link.getAttribute("href") || "").slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var focusable = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input:not([type=hidden]), select, textarea");
    if (!focusable) return;
    event.preventDefault();
    var label = target.tagName === "FIELDSET"
      ? target.querySelector("legend")
      : document.querySelector('label[for="' + CSS.escape(focusable.id) + '"]');
    (label || focusable).scrollIntoView({ block: "start" });
    focusable.focus({ preventScroll: true });
  });

  // Confirm before a destructive submit: <form data-kvp-confirm="Vil du fjerne barnet?">.
  // (htmx elements use hx-confirm instead.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-kvp-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Ignore a second submit of a normal (non-htmx) form while the first is on its way
  // (double clicks would otherwise create two participants). Reset when the page is shown
  // again from the back/forward cache.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
    if (form.getAttribute("method") && form.getAttribute("method").toLowerCase() === "get") return;
    if (form.dataset.kvpSubmitting === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.kvpSubmitting = "true";
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-kvp-submitting]").forEach(function (form) {
      delete form.dataset.kvpSubmitting;
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // After htmx swaps in a form with errors, focus its summary too.
  document.addEventListener("htmx:afterSettle", function (event) {
    focusErrorSummary(event.detail.elt);
  });
})();
