// Small enhancements of our own; every page works without them.
(function () {
  "use strict";

  // Move focus to the error summary, so that screen reader users hear what went wrong first.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusErrorSummary(event.target); });

  // Polling elements (marked data-poll-etag) send the ETag of the last answer they got as If-None-Match, so that
  // the server can answer 304 Not Modified, which htmx-config tells htmx not to swap. Keyed by the element's id and
  // the address it polls, since a swapped-in element of the same id may poll another address.
  var pollEtags = {};

  function pollKey(element, path) { return (element.id || "") + " " + path; }

  document.addEventListener("htmx:configRequest", function (event) {
    var element = event.detail.elt;
    if (!element || !element.hasAttribute("data-poll-etag")) { return; }
    var etag = pollEtags[pollKey(element, event.detail.path)];
    if (etag) { event.detail.headers["If-None-Match"] = etag; }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var element = event.detail.elt, xhr = event.detail.xhr, config = event.detail.requestConfig;
    if (!element || !xhr || !config || !element.hasAttribute("data-poll-etag")) { return; }
    var etag = xhr.getResponseHeader("ETag");
    if (xhr.status === 200 && etag) { pollEtags[pollKey(element, config.path)] = etag; }
  });

  // The presenter view: the arrow keys, Space (Shift+Space back), Page Down and Page Up follow the Previous and Next
  // links, as a presentation clicker would.
  var PRESENTER_KEYS = {ArrowRight: "next", PageDown: "next", " ": "next",
                        ArrowLeft: "prev", PageUp: "prev"};

  document.addEventListener("keydown", function (event) {
    if (!document.body.classList.contains("presenter")) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) { return; }
    if (event.target.closest && event.target.closest("input, select, textarea, button, [contenteditable]")) { return; }
    var rel = PRESENTER_KEYS[event.key];
    if (event.key === " " && event.shiftKey) { rel = "prev"; }
    if (!rel) { return; }
    event.preventDefault();
    var link = document.querySelector("#slide a[rel=" + rel + "]");
    if (link) { link.click(); }
  });
})();
