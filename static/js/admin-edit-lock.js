/* Keeps this editor's lock on the article alive while the change form is open, and
   says so at once if another editor takes it over (articles/locks.py has the rules).
   Without JavaScript the lock simply lasts a fixed time. */
(function () {
  "use strict";
  var box = document.getElementById("edit-lock-status");
  if (!box || !box.hasAttribute("data-heartbeat-url")) { return; }
  var url = box.getAttribute("data-heartbeat-url");
  var seconds = Number(box.getAttribute("data-interval-seconds")) || 30;
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var timer = null;

  function lost(message) {
    box.querySelector(".edit-lock__message").textContent = message;
    box.hidden = false;
    window.clearInterval(timer);
  }

  function beat() {
    var body = new FormData();
    if (tokenInput) { body.append("csrfmiddlewaretoken", tokenInput.value); }
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && !data.mine) { lost(data.message); } })
      .catch(function () { /* offline for a moment: the next beat tries again */ });
  }

  beat();
  timer = window.setInterval(beat, seconds * 1000);
})();
