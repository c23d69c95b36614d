/* The moderation queue by keyboard (comments/admin.py lists the keys; the page shows them).
   j / k move between comments, a approves, r rejects with a reason chosen in a dialog,
   s marks as spam, h opens the poster's history, o the comment, ? the list of keys.
   Each decision is a POST (with the CSRF token) to the same services as the admin's
   actions; the row shows the new status, a live region says what was done, and the focus
   moves on to the next comment without a decision. Keys are read by their position
   (event.code), so a Greek keyboard layout works as a Latin one does. */
(function () {
  "use strict";
  var box = document.getElementById("moderation-queue");
  var table = document.getElementById("result_list");
  if (!box || !table) { return; }
  var announceBox = document.getElementById("moderation-announce");
  var rejectDialog = document.getElementById("moderation-reject");
  var rejectForm = document.getElementById("moderation-reject-form");
  var helpDialog = document.getElementById("moderation-help");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var decideUrl = box.getAttribute("data-decide-url");
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var BY_LETTER = {
    j: "KeyJ", "ξ": "KeyJ", k: "KeyK", "κ": "KeyK", a: "KeyA", "α": "KeyA",
    r: "KeyR", "ρ": "KeyR", s: "KeyS", "σ": "KeyS", h: "KeyH", "η": "KeyH", o: "KeyO", "ο": "KeyO"
  };
  var current = -1;
  var busy = false;

  function message(name) { return box.getAttribute("data-msg-" + name) || ""; }

  function announce(text) {
    // Emptied first, so that the same words twice in a row are read twice.
    announceBox.textContent = "";
    window.setTimeout(function () { announceBox.textContent = text; }, 30);
  }

  function commentId(row) {
    var box = row.querySelector("input.action-select");
    return box ? box.value : null;
  }

  function decided(row) { return row.classList.contains("moderation-decided"); }

  rows.forEach(function (row, index) {
    row.setAttribute("tabindex", "-1");
    row.addEventListener("focus", function () { mark(index); });
  });

  function mark(index) {
    if (current >= 0 && rows[current]) { rows[current].classList.remove("moderation-current"); }
    current = index;
    rows[current].classList.add("moderation-current");
  }

  function go(index) {
    if (index < 0 || index >= rows.length) { return; }
    mark(index);
    rows[index].focus();
    rows[index].scrollIntoView({ block: "nearest" });
  }

  function nextUndecided(from) {
    var n;
    for (n = from + 1; n < rows.length; n += 1) { if (!decided(rows[n])) { return n; } }
    for (n = 0; n < from; n += 1) { if (!decided(rows[n])) { return n; } }
    return -1;
  }

  function decide(decision, reason) {
    if (current < 0) { announce(message("choose")); return; }
    if (busy) { announce(message("busy")); return; }
    var row = rows[current];
    var id = commentId(row);
    if (!id) { return; }
    var body = new FormData();
    if (tokenInput) { body.append("csrfmiddlewaretoken", tokenInput.value); }
    body.append("decision", decision);
    if (reason) { body.append("reason", reason); }
    busy = true;
    row.setAttribute("aria-busy", "true");
    fetch(decideUrl.replace("{id}", encodeURIComponent(id)), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        busy = false;
        row.removeAttribute("aria-busy");
        if (!result.ok) {
          announce(message("failed") + " " + (result.data.error || ""));
          return;
        }
        var statusCell = row.querySelector("td.field-status");
        if (statusCell) { statusCell.textContent = result.data.status_label; }
        row.classList.add("moderation-decided", "moderation-decided--" + result.data.status);
        row.setAttribute("data-decision", result.data.status);
        var next = nextUndecided(rows.indexOf(row));
        if (next < 0) {
          announce(result.data.message + " " + message("done"));
        } else {
          announce(result.data.message);
          go(next);
        }
      })
      .catch(function () {
        busy = false;
        row.removeAttribute("aria-busy");
        announce(message("offline"));
      });
  }

  function openDialog(dialog) {
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
  }

  function closeDialog(dialog) {
    if (typeof dialog.close === "function") { dialog.close(); } else { dialog.removeAttribute("open"); }
  }

  function anyDialogOpen() { return rejectDialog.open || helpDialog.open; }

  function openReject() {
    if (current < 0) { announce(message("choose")); return; }
    // Each time from the first reason, so the same keys always give the same reason.
    var first = rejectForm.querySelector("input[name=moderation_reason]");
    first.checked = true;
    openDialog(rejectDialog);
    first.focus();
  }

  function reasonChosen(reason) {
    closeDialog(rejectDialog);
    if (current >= 0) { rows[current].focus(); }
    decide("reject", reason);
  }

  rejectForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var checked = rejectForm.querySelector("input[name=moderation_reason]:checked");
    if (checked) { reasonChosen(checked.value); }
  });

  rejectDialog.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    var digit = /^Digit([1-9])$/.exec(event.code) || /^Numpad([1-9])$/.exec(event.code);
    if (!digit) { return; }
    var choices = rejectForm.querySelectorAll("input[name=moderation_reason]");
    var choice = choices[Number(digit[1]) - 1];
    if (choice) {
      event.preventDefault();
      choice.checked = true;
      reasonChosen(choice.value);
    }
  });

  [rejectDialog, helpDialog].forEach(function (dialog) {
    dialog.addEventListener("close", function () {
      if (current >= 0 && document.activeElement !== rows[current]) { rows[current].focus(); }
    });
    Array.prototype.forEach.call(dialog.querySelectorAll("[data-close]"), function (button) {
      button.addEventListener("click", function () { closeDialog(dialog); });
    });
  });

  function typing(target) {
    if (!target || target === document.body) { return false; }
    if (target.isContentEditable) { return true; }
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag !== "INPUT") { return false; }
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(target.type) < 0;
  }

  function follow(selector) {
    if (current < 0) { announce(message("choose")); return; }
    var link = rows[current].querySelector(selector);
    if (link) { window.location.assign(link.href); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) { return; }
    if (anyDialogOpen() || typing(event.target)) { return; }
    if (event.key === "?" || (event.code === "Slash" && event.shiftKey)) {
      event.preventDefault();
      openDialog(helpDialog);
      helpDialog.querySelector("[data-close]").focus();
      return;
    }
    if (event.shiftKey) { return; }
    var actions = {
      KeyJ: function () { go(current < 0 ? 0 : Math.min(current + 1, rows.length - 1)); },
      KeyK: function () { go(current < 0 ? 0 : Math.max(current - 1, 0)); },
      KeyA: function () { decide("approve"); },
      KeyR: openReject,
      KeyS: function () { decide("spam"); },
      KeyH: function () { follow("a.poster-history"); },
      KeyO: function () { follow("th a, td a"); }
    };
    // By position first; by the letter when a keyboard sends no position (some on-screen
    // ones), in either alphabet.
    var action = actions[event.code] || actions[BY_LETTER[(event.key || "").toLowerCase()]];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}());
