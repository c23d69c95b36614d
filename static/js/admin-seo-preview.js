/*
 * The article form's preview of the search result and of the share card, redrawn as the
 * editor types, and a character counter under the two fields for search engines.
 * The rules are those of articles/search_preview.py (which draws the saved values when
 * this script does not run): keep the two in step.
 */
(function () {
  "use strict";

  var box = document.getElementById("seo-preview");
  if (!box) {
    return;
  }
  var TRAILING = " ,.;:·-–—";

  function field(name) {
    return document.getElementById("id_" + name);
  }

  function value(name) {
    var input = field(name);
    return input ? input.value : null;
  }

  function squeeze(text) {
    return text.split(/\s+/).filter(Boolean).join(" ");
  }

  // Characters, not UTF-16 units, as Python counts them.
  function cut(text, limit) {
    var chars = Array.from(squeeze(text));
    if (chars.length <= limit) {
      return chars.join("");
    }
    var head = chars.slice(0, limit - 1);
    var space = head.lastIndexOf(" ");
    if (chars[limit - 1] !== " " && space > Math.floor(limit / 2)) {
      head = head.slice(0, space);
    }
    while (head.length && TRAILING.indexOf(head[head.length - 1]) !== -1) {
      head.pop();
    }
    return head.join("") + "…";
  }

  function limit(name) {
    return parseInt(box.getAttribute("data-" + name + "-chars"), 10);
  }

  function show(name, text) {
    var element = box.querySelector('[data-preview="' + name + '"]');
    if (element) {
      element.textContent = text;
    }
  }

  function toggle(name, visible) {
    var element = box.querySelector('[data-preview="' + name + '"]');
    if (element) {
      element.hidden = !visible;
    }
  }

  function redraw() {
    var headline = value("headline");
    if (headline === null) {
      return; // a read-only form: the saved values stay
    }
    var siteName = box.getAttribute("data-site-name");
    var title = squeeze(value("seo_title") || "") || squeeze(headline);
    var description = squeeze(value("seo_description") || "") ||
      squeeze(value("lead") || "") || squeeze(headline);
    show("search-title", cut(title ? title + " · " + siteName : siteName, limit("search-title")));
    show("search-description", cut(description, limit("search-description")));
    show("card-title", cut(title, limit("card-title")));
    show("card-description", cut(description, limit("card-description")));

    var template = box.getAttribute("data-url-template");
    var slug = value("slug");
    if (template && slug !== null) {
      var placeholder = box.getAttribute("data-slug-placeholder");
      show("search-url", template.replace(placeholder, slug.trim()));
    }

    var image = value("hero_image");
    if (image !== null) {
      var saved = box.getAttribute("data-saved-image");
      var same = image === saved;
      toggle("card-image", same && saved !== "");
      toggle("card-no-image", image === "");
      toggle("card-new-image", !same && image !== "");
    }
  }

  function counter(name) {
    var input = field(name);
    if (!input || !input.maxLength || input.maxLength < 0) {
      return null;
    }
    // Under the field, where the admin writes help texts (and aligned as they are).
    var note = document.createElement("div");
    note.className = "help seo-counter";
    note.id = "id_" + name + "_counter";
    input.setAttribute(
      "aria-describedby",
      ((input.getAttribute("aria-describedby") || "") + " " + note.id).trim()
    );
    (input.closest(".flex-container") || input).insertAdjacentElement("afterend", note);
    var shown = limit(name === "seo_title" ? "search-title" : "search-description");
    return { input: input, note: note, shown: shown };
  }

  var counters = [counter("seo_title"), counter("seo_description")].filter(Boolean);

  function count() {
    counters.forEach(function (c) {
      var length = Array.from(c.input.value).length;
      var over = length > c.shown;
      var text = box.getAttribute(over ? "data-counter-over-text" : "data-counter-text");
      c.note.textContent = text.replace("{count}", length).replace("{max}", c.input.maxLength);
      c.note.classList.toggle("seo-counter--over", over);
    });
  }

  function update() {
    redraw();
    count();
  }

  ["headline", "lead", "slug", "seo_title", "seo_description"].forEach(function (name) {
    var input = field(name);
    if (input) {
      input.addEventListener("input", update);
    }
  });
  var hero = field("hero_image");
  if (hero) {
    hero.addEventListener("change", update);
    // The autocomplete (Select2) announces a choice through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(hero).on("change", update);
    }
  }
  update();
})();
