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

  function urlify(text, maxLength) {
    var ascii = transliterate(text).normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    var slug = ascii.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (maxLength && slug.length > maxLength) {
      slug = slug.slice(0, maxLength).replace(/-[^-]*$/, "") || slug.slice(0, maxLength);
    }
    return slug;
  }

  // Django's urlify.js loads after this file and defines its own URLify; replace it once
  // every script has run (prepopulate.js looks URLify up at each keystroke).
  window.transliterateGreek = transliterate;
  window.addEventListener("DOMContentLoaded", function () { window.URLify = urlify; });
})();
