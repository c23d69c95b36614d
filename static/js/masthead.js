/*
 * The masthead's search and menu buttons are <details> elements: they open and close
 * without this script. It adds what a reader expects of such buttons: one panel open at a
 * time, the search box focused when search opens, Escape and a click elsewhere close the
 * panel (focus goes back to its button), aria-expanded for assistive technology.
 */
(function () {
  "use strict";

  var tools = Array.prototype.slice.call(document.querySelectorAll("[data-masthead-tool]"));
  if (!tools.length) return;

  function summaryOf(tool) {
    return tool.querySelector("summary");
  }

  function close(tool, giveFocus) {
    if (!tool.open) return;
    tool.open = false;
    if (giveFocus) summaryOf(tool).focus();
  }

  tools.forEach(function (tool) {
    var summary = summaryOf(tool);
    summary.setAttribute("aria-expanded", tool.open ? "true" : "false");
    tool.addEventListener("toggle", function () {
      summary.setAttribute("aria-expanded", tool.open ? "true" : "false");
      if (!tool.open) return;
      tools.forEach(function (other) {
        if (other !== tool) close(other, false);
      });
      var field = tool.querySelector("input[type=search]");
      if (field) field.focus();
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    tools.forEach(function (tool) {
      if (tool.open) close(tool, tool.contains(document.activeElement));
    });
  });

  document.addEventListener("click", function (event) {
    tools.forEach(function (tool) {
      if (tool.open && !tool.contains(event.target)) close(tool, false);
    });
  });
})();
