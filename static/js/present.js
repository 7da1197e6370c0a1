// The presenter view (templates/public/present.html): the full-screen button, the slide fitted to the screen, and after
// htmx swaps in another slide, the page's title and keyboard focus. The view works without it.
(function () {
  "use strict";

  var SMALLEST_FIT = 0.6;  // below this a slide would no longer read from the back of the room: it scrolls instead

  function slide() { return document.getElementById("slide"); }

  // The button shows only where the browser can go full screen, and not once it is (Esc leaves, as browsers do).
  function showFullscreenButtons() {
    var show = Boolean(document.fullscreenEnabled) && !document.fullscreenElement;
    document.querySelectorAll("[data-fullscreen]").forEach(function (button) { button.hidden = !show; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fullscreen]");
    if (!button) { return; }
    button.blur();  // the arrow keys work on the page again (app.js leaves keys pressed on a button alone)
    document.documentElement.requestFullscreen().catch(function () {
      showFullscreenButtons();  // refused (a browser setting): the button stays, and nothing else changes
    });
  });

  // Shrink the stage's units (--stage-fit, static/css/present.css) step by step until the slide fits the screen.
  function fitToScreen() {
    var root = document.documentElement;
    var fit = 1;
    root.style.setProperty("--stage-fit", "1");
    while (root.scrollHeight > window.innerHeight && fit > SMALLEST_FIT) {
      fit = Math.round((fit - 0.05) * 100) / 100;
      root.style.setProperty("--stage-fit", String(fit));
    }
  }

  // The title names the slide shown, as the server would have named the page; the rest of the title stays.
  var titleRest = null;

  function nameThePage() {
    var current = slide();
    if (!current || !current.dataset.title) { return; }
    if (titleRest === null) {
      titleRest = document.title.slice(document.title.indexOf(current.dataset.title) + current.dataset.title.length);
    }
    document.title = current.dataset.title + titleRest;
  }

  // Keyboard users who followed Previous or Next (or were on it when a poll brought a new slide) stay on it in the new
  // slide, or on the other at either end. Put back at once after the swap, before a key pressed next can go astray.
  var focusedRel = null;

  // The reveal's animation plays when a reveal comes on screen, not again when a poll redraws the same slide.
  var revealShown = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var link = document.activeElement;
    var onSlide = event.detail.shouldSwap && link && link.closest && link.closest("#slide");
    focusedRel = onSlide ? link.getAttribute("rel") : null;
    revealShown = slide() ? slide().getAttribute("data-reveal") : null;
  });

  document.addEventListener("htmx:afterSwap", function () {
    var current = slide();
    if (!current || !focusedRel) { return; }
    var link = current.querySelector("a[rel=" + focusedRel + "]") || current.querySelector(".stage__links a");
    focusedRel = null;
    if (link) { link.focus(); }
  });

  // The slide swaps with "settle:0ms", so this runs before the new slide is first drawn: no flicker of the animation.
  document.addEventListener("htmx:afterSettle", function () {
    var current = slide();
    if (!current) { return; }
    if (revealShown && current.getAttribute("data-reveal") === revealShown) { current.classList.add("stage--shown"); }
    nameThePage();
    fitToScreen();
  });

  document.addEventListener("fullscreenchange", function () { showFullscreenButtons(); fitToScreen(); });
  window.addEventListener("resize", fitToScreen);
  window.addEventListener("load", fitToScreen);  // the logo has come: measure again
  document.addEventListener("DOMContentLoaded", function () {
    showFullscreenButtons();
    nameThePage();
    fitToScreen();
  });
})();
