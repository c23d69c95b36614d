/* Replaces Django admin's URLify so a prefilled slug is the ELOT 743 transliteration the
   server uses ("Διεθνή" -> "diethni"); articles/transliteration.py is the reference. */
(function () {
  "use strict";
  var single = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o"
  };
  var digraphs = { "αι": "ai", "ει": "ei", "οι": "oi", "ου": "ou", "υι": "yi" };
  var consonantPairs = { "γγ": "ng", "γκ": "gk", "γξ": "nx", "γχ": "nch", "ντ": "nt" };
  var upsilonFirst = { "α": "a", "ε": "e", "η": "i" };
  var voiceless = "θκξπστφχψ";

  function letters(text) {
    var out = [];
    var decomposed = text.toLowerCase().normalize("NFKD");
    for (var i = 0; i < decomposed.length; i++) {
      var ch = decomposed[i];
      if (/[\u0300-\u036f]/.test(ch)) {
        if (ch === "\u0308" && out.length) { out[out.length - 1].diaeresis = true; }
        continue;
      }
      out.push({ ch: ch, diaeresis: false });
    }
    return out;
  }

  function isGreek(ch) { return Object.prototype.hasOwnProperty.call(single, ch); }
  function isOtherGreek(ch) {
    return (ch >= "\u0370" && ch <= "\u03ff") || (ch >= "\u1f00" && ch <= "\u1fff");
  }

  function transliterate(text) {
    var ls = letters(text);
    var out = "";
    var i = 0;
    while (i < ls.length) {
      var ch = ls[i].ch;
      var next = i + 1 < ls.length ? ls[i + 1] : { ch: "", diaeresis: false };
      var after = i + 2 < ls.length ? ls[i + 2].ch : "";
      var prev = i > 0 ? ls[i - 1].ch : "";
      var pair = ch + next.ch;
      if (upsilonFirst[ch] && next.ch === "υ" && !next.diaeresis) {
        var sound = (voiceless.indexOf(after) !== -1 || !isGreek(after)) ? "f" : "v";
        out += upsilonFirst[ch] + sound;
        i += 2;
      } else if (digraphs[pair] && !next.diaeresis) {
        out += digraphs[pair];
        i += 2;
      } else if (pair === "μπ") {
        out += (!isGreek(prev) || !isGreek(after)) ? "b" : "mp";
        i += 2;
      } else if (consonantPairs[pair]) {
        out += consonantPairs[pair];
        i += 2;
      } else {
        out += isGreek(ch) ? single[ch] : (isOtherGreek(ch) ? "" : ch);
        i += 1;
      }
    }
    return out;
  }

  // The same rule as slugify_greek(): runs of anything but letters and digits separate
  // words, an apostrophe inside a word joins it, marks are dropped, letters with no Latin
  // spelling vanish without splitting the word; cut at a word boundary within 80 characters.
  var SLUG_MAX_LENGTH = 80;
  var marks = /\p{M}/gu;
  var apostropheInWord = /(?<=[\p{L}\p{N}])['\u2019](?=[\p{L}\p{N}])/gu;
  var separators = /[^\p{L}\p{N}]+/u;
  var notAsciiWord = /[^a-z0-9]+/g;

  function urlify(text, maxLength) {
    var limit = Math.min(maxLength || SLUG_MAX_LENGTH, SLUG_MAX_LENGTH);
    var latin = transliterate(text).toLowerCase().normalize("NFKD").replace(marks, "");
    var words = latin.replace(apostropheInWord, "").split(separators)
      .map(function (word) { return word.replace(notAsciiWord, ""); })
      .filter(function (word) { return word !== ""; });
    var slug = words.join("-");
    if (slug.length > limit) {
      var head = slug.slice(0, limit + 1);
      slug = head.indexOf("-") !== -1 ? head.slice(0, head.lastIndexOf("-")) : slug.slice(0, limit);
    }
    return slug;
  }

  // A slug the headline filled in, possibly made unique with -2, -3... (as the server does).
  function isSlugOf(slug, headline) {
    var base = urlify(headline) || "arthro";
    var match = /^(.*)-(\d+)$/.exec(slug);
    return slug === base || (match !== null && match[1] === base && Number(match[2]) >= 2);
  }

  // On an article nobody has seen yet (the form marks its slug field), the slug follows the
  // headline for as long as it is the one filled in from it: on the add page as Django's
  // prepopulate does, and on the change page of a draft too. Typing a slug stops it.
  function followHeadline() {
    var slug = document.querySelector("input[data-follows-headline]");
    var headline = document.getElementById("id_headline");
    if (!slug || !headline) { return; }
    var following = slug.value === "" || isSlugOf(slug.value, headline.value);
    slug.addEventListener("input", function () { following = false; });
    function update() {
      if (following) { slug.value = urlify(headline.value, Number(slug.maxLength) || 0); }
    }
    headline.addEventListener("input", update);
    headline.addEventListener("change", update);
  }

  // Django's urlify.js loads after this file and defines its own URLify; replace it once
  // every script has run (prepopulate.js looks URLify up at each keystroke).
  window.transliterateGreek = transliterate;
  window.addEventListener("DOMContentLoaded", function () {
    window.URLify = urlify;
    followHeadline();
  });
})();
