/*
 * Sharing an article (templates/includes/share_links.html). The service links are plain
 * links and work without this script; it adds the browser's own share sheet where there is
 * one (the Web Share API: phones, some desktops) and turns "Copy link" into a button that
 * copies the article's address. Nothing here talks to any service.
 */
(function () {
  "use strict";

  var box = document.querySelector(".share[data-share-url]");
  if (!box) return;
  var url = box.getAttribute("data-share-url");
  var title = box.getAttribute("data-share-title");
  var status = box.querySelector("[data-share-status]");

  var native = box.querySelector("[data-share-native]");
  if (native && navigator.share) {
    native.parentNode.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: title, url: url }).catch(function () {});
    });
  }

  var copy = box.querySelector("[data-share-copy]");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.setAttribute("role", "button");
    copy.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.clipboard.writeText(url).then(function () {
        status.textContent = box.getAttribute("data-text-copied");
      }, function () {
        window.location.href = url;
      });
    });
  }
})();
