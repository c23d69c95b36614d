/*
 * Counts this reader for the home page's "most read" list (articles/reads.py): one small
 * request once the article is actually visible, so prerendered pages and background tabs
 * are not counted until someone looks. No cookie is sent; the page itself stays cached.
 */
(function () {
  "use strict";

  var article = document.querySelector("[data-read-url]");
  if (!article || !window.fetch) return;
  var sent = false;

  function send() {
    if (sent || document.visibilityState !== "visible") return;
    sent = true;
    document.removeEventListener("visibilitychange", send);
    fetch(article.getAttribute("data-read-url"), {
      credentials: "omit",
      cache: "no-store",
      keepalive: true
    }).catch(function () {});
  }

  document.addEventListener("visibilitychange", send);
  send();
})();
