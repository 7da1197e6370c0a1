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
})();
