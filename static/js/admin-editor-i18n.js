/* Greek (or English) words for the rich-text editor (django-prose-editor).
   Its dialogs already ask window.gettext, whose catalog every admin page loads
   (/admin/jsi18n/, Django's words with ours); its toolbar labels do not, so this script translates the buttons'
   titles and aria-labels and the heading menu once an editor is ready.
   The gettext_noop lists below are what `makemessages -d djangojs` collects. */
(function () {
  "use strict";
  if (typeof window.gettext !== "function" || typeof window.gettext_noop !== "function") {
    return;
  }
  // Asked by the editor's own dialogs.
  gettext_noop("Insert Figure"); gettext_noop("Edit Figure"); gettext_noop("Edit Image");
  gettext_noop("Image URL"); gettext_noop("Browse..."); gettext_noop("Alternative Text");
  gettext_noop("Caption"); gettext_noop("Insert"); gettext_noop("Update");
  gettext_noop("Cancel"); gettext_noop("Add caption"); gettext_noop("Remove caption");
  gettext_noop("Edit Link"); gettext_noop("URL"); gettext_noop("Title");
  gettext_noop("Open in new window"); gettext_noop("List properties");
  gettext_noop("List type"); gettext_noop("Bullets"); gettext_noop("Decimal numbers");
  gettext_noop("Start at"); gettext_noop("Lowercase letters");
  gettext_noop("Uppercase letters"); gettext_noop("Lowercase Roman numerals");
  gettext_noop("Uppercase Roman numerals");
  // Toolbar labels and the heading menu, translated here.
  var labels = [
    gettext_noop("paragraph"), gettext_noop("unordered list"),
    gettext_noop("ordered list"), gettext_noop("blockquote"),
    gettext_noop("horizontal rule"), gettext_noop("figure"), gettext_noop("bold"),
    gettext_noop("italic"), gettext_noop("insert link"), gettext_noop("remove link"),
    gettext_noop("undo"), gettext_noop("redo"), gettext_noop("Heading 2"),
    gettext_noop("Heading 3"), gettext_noop("Heading 4"), gettext_noop("Paragraph"),
    // The heading menu's button names the kind of block the caret is in.
    gettext_noop("heading 2"), gettext_noop("heading 3"), gettext_noop("heading 4")
  ];
  var known = {};
  labels.forEach(function (label) { known[label] = true; });

  function translate(root) {
    root.querySelectorAll(".prose-menubar [title]").forEach(function (button) {
      var title = button.getAttribute("title");
      if (known[title]) {
        button.setAttribute("title", window.gettext(title));
        button.setAttribute("aria-label", window.gettext(title));
      }
    });
    root.querySelectorAll(".prose-menubar__option > *").forEach(function (option) {
      var text = option.textContent;
      if (known[text]) { option.textContent = window.gettext(text); }
    });
  }

  // The editor builds its toolbar when (and each time) an editor starts, possibly after
  // this script ran: translate every toolbar as it appears.
  var observer = new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) { return; }
        if (node.matches(".prose-menubar, .prose-menubar *") ||
            node.querySelector(".prose-menubar")) {
          translate(node.closest(".prose-editor") || node);
        }
      });
    });
  });
  observer.observe(document.body, { childList: true, subtree: true });
  translate(document);
})();
