// Word counts for answers with a word limit: under each textarea[data-word-limit], "You have N words remaining"
// (or "too many") as people type. It never blocks typing; without JavaScript the hint states the limit and the
// server counts the words either way (the same way: runs of characters between spaces or line breaks).
(function () {
  "use strict";

  // Screen readers hear the count once typing pauses, not at every key (as in the GOV.UK character count).
  var ANNOUNCE_AFTER_MS = 1000;

  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function plural(count) {
    return count + (count === 1 ? " word" : " words");
  }

  function message(limit, words) {
    var left = limit - words;
    return left >= 0 ? "You have " + plural(left) + " remaining" : "You have " + plural(-left) + " too many";
  }

  function enhance(textarea) {
    var limit = parseInt(textarea.getAttribute("data-word-limit"), 10);
    if (!(limit > 0)) { return; }

    // What sighted people see, at once; hidden from screen readers, which get the live region below instead.
    var visible = document.createElement("div");
    visible.className = "word-count";
    visible.id = textarea.id + "-word-count";
    visible.setAttribute("aria-hidden", "true");

    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.id = textarea.id + "-word-count-status";
    live.setAttribute("aria-live", "polite");

    textarea.insertAdjacentElement("afterend", live);
    textarea.insertAdjacentElement("afterend", visible);

    var timer = null;
    function update(announce) {
      var words = countWords(textarea.value);
      var text = message(limit, words);
      var over = words > limit;
      visible.textContent = text;
      visible.classList.toggle("word-count--over", over);
      textarea.classList.toggle("textarea--over", over);
      if (announce) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { live.textContent = text; }, ANNOUNCE_AFTER_MS);
      }
    }

    textarea.addEventListener("input", function () { update(true); });
    update(false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var areas = document.querySelectorAll("textarea[data-word-limit]");
    for (var i = 0; i < areas.length; i += 1) { enhance(areas[i]); }
  });
})();
