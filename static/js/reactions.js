/* Likes without leaving the page.
 *
 * Each comment's like button is a plain form (it works without this script: the reader
 * lands back on the article with a notice). Here the form is sent in the background and
 * the count and an acknowledgement replace the page reload. No token is needed: a script's
 * POST always says where it comes from (comments/origin.py checks it). Comments this
 * browser liked are remembered locally, so their buttons show it on the next visit.
 */
(function () {
  "use strict";

  var section = document.getElementById("comments");
  if (!section || !window.fetch) return;

  var STORE = "liked-comments";
  var MAX_REMEMBERED = 500;

  function remembered() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE) || "[]");
    } catch (error) {
      return [];
    }
  }

  function remember(id) {
    try {
      var ids = remembered().filter(function (known) { return known !== id; });
      ids.push(id);
      window.localStorage.setItem(STORE, JSON.stringify(ids.slice(-MAX_REMEMBERED)));
    } catch (error) {
      /* private browsing or storage full: the server still counts the like once */
    }
  }

  function commentId(form) {
    var item = form.closest("li.comment");
    return item ? item.id.replace("comment-", "") : "";
  }

  function showLiked(form) {
    var button = form.querySelector("button");
    form.classList.add("comment__like--liked");
    if (button) button.setAttribute("aria-pressed", "true");
  }

  function showCount(form, data) {
    var count = form.querySelector("[data-like-count]");
    if (!count) return;
    count.textContent = "";
    if (!data.count) return;
    var shown = document.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = data.count_shown;
    var spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    spoken.textContent = data.count_text;
    count.appendChild(shown);
    count.appendChild(spoken);
  }

  function acknowledge(form, message) {
    var note = form.querySelector(".comment__liked");
    if (!note) {
      note = document.createElement("span");
      note.className = "comment__liked";
      note.setAttribute("role", "status");
      form.appendChild(note);
    }
    note.textContent = message;
  }

  remembered().forEach(function (id) {
    var form = document.querySelector("#comment-" + id + " form[data-like]");
    if (form) showLiked(form);
  });

  section.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-like]") || form.hasAttribute("data-like-failed")) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      body: new URLSearchParams()
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok || !data.ok) throw new Error("like " + response.status);
          return data;
        });
      })
      .then(function (data) {
        showCount(form, data);
        showLiked(form);
        acknowledge(form, data.message);
        remember(commentId(form));
      })
      .catch(function () {
        form.setAttribute("data-like-failed", "");
        form.submit(); // the server's own pages say what happened (429, confirmation)
      })
      .finally(function () {
        form.removeAttribute("aria-busy");
      });
  });
})();
