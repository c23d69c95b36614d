/*
 * Embeds that track no one until the reader asks (articles/embeds.py).
 * Each placeholder shows its "Show" button; pressing it puts the provider's player in a
 * sandboxed frame in the placeholder's place. Nothing is requested from the provider
 * before that. Without this script the placeholder keeps its plain link.
 * Placeholders that arrive later (a live blog's new entries, static/js/live-feed.js) are
 * prepared when that script says the page changed.
 */
(function () {
  "use strict";

  function prepare() {
    document.querySelectorAll("figure.embed[data-embed-src]").forEach(function (figure) {
      var button = figure.querySelector(".embed__show");
      if (!button || figure.hasAttribute("data-embed-ready")) {
        return;
      }
      figure.setAttribute("data-embed-ready", "");
      button.hidden = false;
      button.addEventListener("click", function () {
        var frame = document.createElement("iframe");
        frame.src = figure.getAttribute("data-embed-src");
        frame.title = figure.getAttribute("data-embed-title") || "";
        frame.className = "embed__frame";
        frame.loading = "lazy";
        frame.referrerPolicy = "strict-origin-when-cross-origin";
        frame.setAttribute("allow", "encrypted-media; picture-in-picture; fullscreen");
        frame.setAttribute(
          "sandbox",
          "allow-scripts allow-same-origin allow-popups allow-presentation"
        );
        figure.classList.add("embed--shown");
        figure.replaceChildren(frame);
        frame.focus();
      });
    });
  }

  prepare();
  document.addEventListener("live-feed:changed", prepare);
})();
