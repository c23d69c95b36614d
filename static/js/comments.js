/* Reader comments: tokens on demand, inline replies, reports without leaving the page.
 *
 * The article page is the same for every reader (it is cached), so its forms carry no
 * CSRF token and no signed form token. The first time a reader touches a form, this
 * script asks the server for both (one small uncached request) and fills the hidden
 * inputs; it asks again if they have expired before the form is sent. Without this
 * script everything still works: the form is posted in one step (comments/origin.py).
 */
(function () {
  "use strict";

  var section = document.getElementById("comments");
  if (!section || !window.fetch) return;

  var tokenUrl = section.getAttribute("data-token-url");
  var texts = {
    replying: section.getAttribute("data-text-replying"),
    cancel: section.getAttribute("data-text-cancel"),
    reported: section.getAttribute("data-text-reported"),
    notice: section.getAttribute("data-text-notice")
  };
  var tokens = null; // {csrf, form, fetchedAt, expiresIn}
  var pending = null; // the request in flight, shared by everyone waiting for it
  var SAFETY_MARGIN_MS = 60 * 1000;

  function fresh() {
    return tokens && Date.now() - tokens.fetchedAt < tokens.expiresIn * 1000 - SAFETY_MARGIN_MS;
  }

  function fetchTokens() {
    if (fresh()) return Promise.resolve(tokens);
    if (pending) return pending;
    pending = fetch(tokenUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("token " + response.status);
        return response.json();
      })
      .then(function (data) {
        tokens = {
          csrf: data.csrf_token,
          form: data.form_token,
          fetchedAt: Date.now(),
          expiresIn: data.expires_in
        };
        return tokens;
      })
      .finally(function () {
        pending = null;
      });
    return pending;
  }

  function fill(form) {
    form.elements.csrfmiddlewaretoken.value = tokens.csrf;
    form.elements.token.value = tokens.form;
  }

  function prepare(form) {
    return fetchTokens().then(function () {
      fill(form);
    });
  }

  /* Tokens: fetched on the first focus or keystroke in a comment form, not on page load. */
  function onFirstTouch(event) {
    var form = event.target.closest && event.target.closest("form.comment-form");
    if (form && !fresh()) prepare(form).catch(function () {});
  }
  section.addEventListener("focusin", onFirstTouch);
  section.addEventListener("input", onFirstTouch);

  section.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form.comment-form")) return;
    if (fresh() && form.elements.token.value === tokens.form) return;
    event.preventDefault();
    prepare(form)
      .catch(function () {}) // offline or refused: send anyway, the server checks the origin
      .then(function () {
        form.submit();
      });
  });

  /* Inline replies: the one form moves under the comment being answered. */
  var form = document.getElementById("comment-form");
  var home = document.getElementById("comment-form-home");
  var title = document.getElementById("comment-form-title");
  var originalTitle = title ? title.textContent : "";
  var cancel = null;

  function closeReply() {
    if (!form || !home) return;
    home.appendChild(form);
    form.elements.parent.value = "";
    title.textContent = originalTitle;
    if (cancel) cancel.hidden = true;
  }

  function openReply(link) {
    var item = link.closest("li.comment");
    if (!form || !item) return false;
    item.insertBefore(form, item.querySelector(":scope > ol"));
    form.elements.parent.value = link.getAttribute("data-reply-to");
    title.textContent = texts.replying + " " + link.getAttribute("data-reply-name");
    if (!cancel) {
      cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "button button--secondary comment-form__cancel";
      cancel.textContent = texts.cancel;
      cancel.addEventListener("click", function () {
        var back = link;
        closeReply();
        back.focus();
      });
      form.querySelector(".comment-form__buttons").appendChild(cancel);
    }
    cancel.hidden = false;
    var first = form.elements.name.value ? form.elements.body : form.elements.name;
    first.focus();
    return true;
  }

  /* Reports: sent in the background; the link becomes a short acknowledgement. */
  function report(link) {
    fetchTokens()
      .then(function () {
        var body = new URLSearchParams();
        body.append("csrfmiddlewaretoken", tokens.csrf);
        return fetch(link.href, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" },
          body: body
        });
      })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok || !data.ok) throw new Error("report " + response.status);
          return data;
        });
      })
      .then(function (data) {
        var note = document.createElement("span");
        note.className = "comment__reported";
        note.setAttribute("role", "status");
        note.textContent = data.message || texts.reported;
        if (texts.notice) {
          /* Illegal content needs more than one click (DSA Art. 16): the notice form. */
          var notice = document.createElement("a");
          notice.className = "comment__notice-link";
          notice.href = link.href + "?reason=illegal";
          notice.textContent = texts.notice;
          note.appendChild(document.createTextNode(" "));
          note.appendChild(notice);
        }
        link.replaceWith(note);
      })
      .catch(function () {
        link.setAttribute("data-report-failed", "");
        window.location.href = link.href; // the report page works without this script
      });
  }

  section.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-reply-to], a[data-report]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    if (link.hasAttribute("data-reply-to")) {
      if (openReply(link)) event.preventDefault();
    } else if (!link.hasAttribute("data-report-failed")) {
      event.preventDefault();
      report(link);
    }
  });
})();
